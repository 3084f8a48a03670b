import { Router, type RequestHandler } from 'express';
import type { ApiDeps } from '../deps.js';
import { discoverPost } from './discover-post.js';
import { liveEvents } from './events-route.js';
import { embedScript } from './embed-route.js';
import { loginAsset, loginPage } from './login-page.js';

/** What the widget calls under /api/v1: first load of a post, and its live updates. */
export function widgetApiRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.post('/sites/:siteId/posts/:postId/discover', discoverPost(deps));
  r.get('/sites/:siteId/posts/:postId/events', liveEvents(deps));
  return r;
}

/** The widget's script and the sign-in popup, outside /api/v1. */
export function widgetPages(deps: ApiDeps): Router {
  const r = Router();
  r.get('/embed.js', embedScript());
  r.get('/login', loginPage(deps));
  r.get('/login.js', loginAsset('js'));
  r.get('/login.css', loginAsset('css'));
  return r;
}

/** Embedders on other origins may read these responses (helmet's default is same-origin only). */
export const crossOriginReadable: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};
