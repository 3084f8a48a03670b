import { Router } from 'express';
import { serveAsset } from './serve.js';
import type { BrowserAssets } from './store.js';

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

/** The moderators' page at /moderate: one HTML file, one script, one stylesheet (built), under a strict CSP. */
export function moderationPage(assets: BrowserAssets): Router {
  const opts = { cacheControl: 'no-cache', headers: { 'Content-Security-Policy': PAGE_CSP } };
  const r = Router();
  r.get(['/moderate', '/moderate/'], serveAsset(assets, 'moderate/index.html', opts));
  r.get('/moderate/app.js', serveAsset(assets, 'moderate/app.js', opts));
  r.get('/moderate/app.css', serveAsset(assets, 'moderate/app.css', opts));
  return r;
}
