import { Router, type RequestHandler } from 'express';
import type { ApiDeps } from '../deps.js';
import { discoverPost } from './discover-post.js';
import { liveEvents } from './events-route.js';
import { loginPage } from './login-page.js';
import { serveAsset } from '../assets/serve.js';
import type { BrowserAssets } from '../assets/store.js';

/** What the widget calls under /api/v1: first load of a post, and its live updates. */
export function widgetApiRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.post('/sites/:siteId/posts/:postId/discover', discoverPost(deps));
  r.get('/sites/:siteId/posts/:postId/events', liveEvents(deps));
  return r;
}

/**
 * The widget's script and the sign-in popup, outside /api/v1. Any origin may load embed.js (it is
 * a public script); the API it calls is what is restricted per site.
 */
export function widgetPages(deps: ApiDeps, assets: BrowserAssets): Router {
  const r = Router();
  r.get(
    '/embed.js',
    serveAsset(assets, 'embed.js', {
      cacheControl: 'public, max-age=300, stale-while-revalidate=3600',
      headers: { 'Access-Control-Allow-Origin': '*' },
      gzip: true,
    }),
  );
  r.get('/login', loginPage(deps));
  r.get('/login.js', serveAsset(assets, 'login.js', { cacheControl: 'public, max-age=300' }));
  r.get('/login.css', serveAsset(assets, 'login.css', { cacheControl: 'public, max-age=300' }));
  return r;
}

/** Embedders on other origins may read these responses (helmet's default is same-origin only). */
export const crossOriginReadable: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};
