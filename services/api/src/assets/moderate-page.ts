import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
/** services/web/moderate, from the sources and from the compiled dist/ (whose image carries services/web). */
export const PAGE_DIR = path.resolve(
  here,
  here.includes(`${path.sep}dist${path.sep}`) ? '../../../../../services/moderate/src' : '../../../moderate/src',
);

/** Nothing but our own script, style and API: user-written text can never run. */
const PAGE_CSP = [
  `default-src 'none'`,
  `script-src 'self'`,
  `style-src 'self'`,
  `connect-src 'self'`,
  `img-src 'self'`,
  `base-uri 'none'`,
  `form-action 'none'`,
  `frame-ancestors 'none'`,
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}
type Assets = Record<'html' | 'js' | 'css', Asset>;

const asset = (body: Buffer | string, type: string): Asset => {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { body: buf, type, etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 22)}"` };
};

/** Bundles the page's TypeScript with esbuild, in memory, once per process (on first request). */
async function buildAssets(): Promise<Assets> {
  const out = await build({
    entryPoints: [path.join(PAGE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]!.contents;
  const [html, css] = await Promise.all([
    readFile(path.join(PAGE_DIR, 'index.html')),
    readFile(path.join(PAGE_DIR, 'styles.css')),
  ]);
  return {
    html: asset(html, 'text/html; charset=utf-8'),
    js: asset(Buffer.from(js), 'text/javascript; charset=utf-8'),
    css: asset(css, 'text/css; charset=utf-8'),
  };
}

/** The moderators' page at /moderate: one HTML file, one script, one stylesheet, under a strict CSP. */
export function moderationPage(): Router {
  let assets: Promise<Assets> | undefined;
  const load = () => {
    assets ??= buildAssets().catch((err) => {
      assets = undefined;
      throw err;
    });
    return assets;
  };
  const send = (req: { headers: Record<string, unknown> }, res: Response, a: Asset) => {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', a.etag);
    res.setHeader('Content-Type', a.type);
    if (req.headers['if-none-match'] === a.etag) {
      res.status(304).end();
      return;
    }
    res.end(a.body);
  };
  const r = Router();
  r.get(['/moderate', '/moderate/'], async (req, res) => send(req, res, (await load()).html));
  r.get('/moderate/app.js', async (req, res) => send(req, res, (await load()).js));
  r.get('/moderate/app.css', async (req, res) => send(req, res, (await load()).css));
  return r;
}
