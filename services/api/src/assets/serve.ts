import type { Request, RequestHandler, Response } from 'express';
import { matchesEtag } from '../http/etag.js';
import type { AssetName } from './catalog.js';
import type { BrowserAssets } from './store.js';

export interface ServeOptions {
  cacheControl: string;
  /** Further headers (a page's CSP, CORS for a public script). */
  headers?: Record<string, string>;
  /** Send the gzipped bytes to clients that accept them. */
  gzip?: boolean;
}

/** A GET handler for one built asset: strong ETag, 304 on a matching If-None-Match, its Cache-Control and type. */
export function serveAsset(assets: BrowserAssets, name: AssetName, opts: ServeOptions): RequestHandler {
  return async (req: Request, res: Response): Promise<void> => {
    const asset = await assets.get(name);
    for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', opts.cacheControl);
    res.setHeader('ETag', asset.etag);
    if (opts.gzip) res.vary('Accept-Encoding');
    if (matchesEtag(req.headers['if-none-match'], asset.etag)) {
      res.status(304).end();
      return;
    }
    const gzip = opts.gzip === true && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.end(gzip ? asset.gzip : asset.body);
  };
}
