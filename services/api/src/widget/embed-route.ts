import type { Request, Response } from 'express';
import { bundleWidget, type EmbedBundle } from './embed-bundle.js';

/**
 * `GET /embed.js`: the widget, bundled once per process on first request and kept in memory
 * (plain and gzipped), so a fresh checkout serves it with no build step. Any origin may load
 * it (it is a public script); the API it calls is what is restricted per site.
 */
export function embedScript(bundle: () => Promise<EmbedBundle> = bundleWidget) {
  let built: Promise<EmbedBundle> | null = null;
  return async (req: Request, res: Response): Promise<void> => {
    built ??= bundle().catch((err: unknown) => {
      built = null;
      throw err;
    });
    const b = await built;
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300, stale-while-revalidate=3600');
    res.setHeader('ETag', b.etag);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.vary('Accept-Encoding');
    if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === b.etag)) {
      res.status(304).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.end(gzip ? b.gzip : b.js);
  };
}
