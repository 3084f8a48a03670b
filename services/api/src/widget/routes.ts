import { Router, type RequestHandler } from 'express';
import type { ApiDeps } from '../deps.js';
import { discoverBody, discoverPost } from './discover-post.js';
import { liveEvents } from './events-route.js';
import { loginPage, passwordResetPage, verifyEmailPage } from './login-page.js';
import { serveAsset } from '../assets/serve.js';
import type { BrowserAssets } from '../assets/store.js';
import { z } from 'zod';
import { postIdSchema, siteIdSchema } from '#shared/schemas.js';
import { errorSchema, notFoundError, route } from '../openapi/registry.js';

const postParams = z.object({ siteId: siteIdSchema, postId: postIdSchema });
const post = z.object({
  post: z.object({
    id: z.string(),
    title: z.string(),
    url: z.string(),
    closed: z.boolean(),
    commentCount: z.number().int(),
    titleVerified: z
      .boolean()
      .describe("false while the title is the one a reader's browser sent, until the publisher writes the post"),
  }),
});
const asset = (path: string, summary: string, contentType: string) =>
  route({
    method: 'get',
    path,
    tag: 'Widget',
    auth: 'none',
    summary,
    responses: { 200: { description: summary, contentType, schema: z.string() } },
  });

/** What the embeddable widget calls and loads. */
export const widgetDocs = [
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/posts/:postId/discover',
    tag: 'Widget',
    auth: "none (a browser on one of the site's origins)",
    summary: 'First load of an article: the post, created when the site allows it',
    params: postParams,
    body: discoverBody,
    responses: {
      200: { description: 'the existing post', schema: post },
      201: { description: 'created', schema: post },
      400: { description: 'invalid input', schema: errorSchema },
      403: { description: '`origin_not_allowed`, `auto_create_disabled`', schema: errorSchema },
      ...notFoundError,
      422: { description: '`url_not_allowed`', schema: errorSchema },
      429: { description: '`rate_limited`', schema: errorSchema },
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId/events',
    tag: 'Widget',
    auth: 'none',
    summary: "Server-sent events when the post's approved comments change",
    params: postParams,
    responses: {
      200: { description: 'an event stream', contentType: 'text/event-stream', schema: z.string() },
      400: { description: 'invalid input', schema: errorSchema },
      ...notFoundError,
    },
  }),
  asset('/embed.js', 'The widget script', 'text/javascript'),
  asset('/login', 'The sign-in popup', 'text/html'),
  asset('/password-reset', 'Where the mailed link to choose a new password leads', 'text/html'),
  asset('/verify-email', 'Where the mailed link to confirm an address leads', 'text/html'),
  asset('/login.js', "The sign-in popup's script", 'text/javascript'),
  asset('/login.css', "The sign-in popup's styles", 'text/css'),
];

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
  r.get('/password-reset', passwordResetPage());
  r.get('/verify-email', verifyEmailPage());
  r.get('/login.js', serveAsset(assets, 'login.js', { cacheControl: 'public, max-age=300' }));
  r.get('/login.css', serveAsset(assets, 'login.css', { cacheControl: 'public, max-age=300' }));
  return r;
}

/** Embedders on other origins may read these responses (helmet's default is same-origin only). */
export const crossOriginReadable: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};
