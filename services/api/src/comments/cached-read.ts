import type { RequestHandler, Response } from 'express';
import type { ApiDeps } from '../deps.js';
import { matchesEtag } from '../http/etag.js';
import { requestIdOf } from '../http/request-id.js';
import { crossOrigin, EXPOSE_HEADERS } from '../widget/cors.js';
import type { SiteOrigins } from '../widget/site-origins.js';
import type { CachedPage } from './thread-cache.js';
import { threadQuery } from './thread-query.js';

/** The thread cache's key of a page of a thread or of one comment's replies. */
export const threadVariant = (q: { sort: string; limit: number; cursor: string | null }) =>
  `${q.sort}\n${q.limit}\n${q.cursor ?? ''}`;
export const repliesVariant = (commentId: string, q: { limit: number; cursor: string | null }) =>
  `replies\n${commentId}\n${q.limit}\n${q.cursor ?? ''}`;

const JSON_TYPE = 'application/json; charset=utf-8';
const pageCacheControl = (maxAgeS: number) => `public, max-age=${maxAgeS}, stale-while-revalidate=30`;

/** Validators and caching headers of a thread page; then 304 when the client has it, else the bytes. */
export function sendCachedPage(
  res: Response,
  o: { page: CachedPage; ifNoneMatch: string | undefined; maxAgeS: number },
): 'hit' | 'not_modified' {
  res.setHeader('ETag', o.page.etag);
  res.setHeader('Cache-Control', pageCacheControl(o.maxAgeS));
  res.setHeader('Content-Type', JSON_TYPE);
  if (matchesEtag(o.ifNoneMatch, o.page.etag)) {
    res.status(304).end();
    return 'not_modified';
  }
  res.end(o.page.body);
  return 'hit';
}

/**
 * The headers a list of header-only middleware (helmet, crossOriginReadable) sets on every
 * answer, captured once by running them on a stand-in response: they depend on nothing in the request.
 */
export function staticHeaders(middleware: RequestHandler[]): [string, string | number | readonly string[]][] {
  const headers = new Map<string, [string, string | number | readonly string[]]>();
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), [name, value]);
      return res;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
  };
  for (const mw of middleware) {
    let called = false;
    void mw({ headers: {}, method: 'GET', url: '/' } as never, res as never, () => {
      called = true;
    });
    if (!called) throw new Error('a static-header middleware did not call next() synchronously');
  }
  return [...headers.values()];
}

// Only canonical paths (what the schemas accept unchanged: lower-case site and comment ids, no
// escapes, no trailing slash); anything else takes the normal route, which answers it or refuses it.
const PATH_RE =
  /^\/api\/v1\/sites\/([a-z0-9][a-z0-9-]{0,62})\/posts\/([A-Za-z0-9._~-]{1,200})\/comments(?:\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/replies)?$/;
const THREAD_ROUTE = '/api/v1/sites/:siteId/posts/:postId/comments';
const REPLIES_ROUTE = '/api/v1/sites/:siteId/posts/:postId/comments/:commentId/replies';
const repliesQuery = threadQuery.omit({ sort: true });

/**
 * Fast path of the busiest request a news site gets: an anonymous GET of a thread page that is in
 * this process's thread cache. It answers with exactly what the normal route and its middleware
 * would (security headers, CORS for the site's registered origins, Vary, X-Request-Id, ETag/304,
 * Cache-Control, metrics) without their per-request work; whenever it cannot be sure — a page not
 * cached, an Origin whose site's origins are not cached or not allowed, a query the schema refuses,
 * debug logging on, credentials sent — it steps aside and the normal route answers.
 */
export function cachedThreadReads(
  deps: Pick<ApiDeps, 'threadCache' | 'metrics' | 'logger' | 'config'>,
  o: { siteOrigins: SiteOrigins; headers: [string, string | number | readonly string[]][] },
): RequestHandler {
  const timers = {
    thread: {
      hit: deps.metrics.httpDuration.labels({ method: 'GET', route: THREAD_ROUTE, status: '200' }),
      not_modified: deps.metrics.httpDuration.labels({ method: 'GET', route: THREAD_ROUTE, status: '304' }),
    },
    replies: {
      hit: deps.metrics.httpDuration.labels({ method: 'GET', route: REPLIES_ROUTE, status: '200' }),
      not_modified: deps.metrics.httpDuration.labels({ method: 'GET', route: REPLIES_ROUTE, status: '304' }),
    },
  };
  const cacheResults = {
    hit: deps.metrics.threadCache.labels({ result: 'hit' }),
    not_modified: deps.metrics.threadCache.labels({ result: 'not_modified' }),
  };
  const cacheControl = pageCacheControl(deps.config.THREAD_MAX_AGE_S);
  const flat = o.headers.flat();
  return (req, res, next) => {
    if (req.method !== 'GET' || req.headers.authorization !== undefined) return next();
    const started = performance.now();
    const q = req.url.indexOf('?');
    const m = PATH_RE.exec(q === -1 ? req.url : req.url.slice(0, q));
    if (!m) return next();
    // pino-http logs answered reads at debug; with debug on, let it.
    if (deps.logger.isLevelEnabled('debug')) return next();
    const siteId = m[1]!;
    const postId = m[2]!;
    const commentId = m[3];
    let variant: string;
    if (commentId === undefined) {
      const parsed = threadQuery.safeParse(req.query);
      if (!parsed.success) return next();
      variant = threadVariant(parsed.data);
    } else {
      const parsed = repliesQuery.safeParse(req.query);
      if (!parsed.success) return next();
      variant = repliesVariant(commentId, parsed.data);
    }
    const page = deps.threadCache.peek(siteId, postId, variant);
    if (!page) return next();
    const origin = crossOrigin(req);
    if (origin !== null && !o.siteOrigins.peek(siteId)?.includes(origin)) return next();

    // One flat header list and one writeHead: nothing was set on res before this middleware.
    const headers: (string | number | readonly string[])[] = [...flat, 'X-Request-Id', requestIdOf(req)];
    headers.push('Vary', 'Origin');
    if (origin !== null)
      headers.push('Access-Control-Allow-Origin', origin, 'Access-Control-Expose-Headers', EXPOSE_HEADERS);
    headers.push('ETag', page.etag, 'Cache-Control', cacheControl, 'Content-Type', JSON_TYPE);
    let result: 'hit' | 'not_modified';
    if (matchesEtag(req.headers['if-none-match'], page.etag)) {
      res.writeHead(304, headers as string[]).end();
      result = 'not_modified';
    } else {
      headers.push('Content-Length', page.body.length);
      res.writeHead(200, headers as string[]).end(page.body);
      result = 'hit';
    }
    cacheResults[result].inc();
    timers[commentId === undefined ? 'thread' : 'replies'][result].observe((performance.now() - started) / 1000);
  };
}
