import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { ApiDeps } from '../deps.js';
import { matchesEtag } from '../http/etag.js';
import { requestIdOf } from '../http/request-id.js';
import { crossOrigin, EXPOSE_HEADERS } from '../widget/cors.js';
import { crossOriginReadable } from '../widget/routes.js';
import type { CachedPage } from './thread-cache.js';
import { repliesQuery, threadQuery } from './thread-query.js';

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
// One parameter of a query read here: a name the schema reads, its value in characters that neither
// Express's query parser (node:querystring) nor parseurl changes or splits on (no escapes, no '+').
const PARAM_RE = /^(sort|limit|cursor)=([A-Za-z0-9._~-]*)$/;
const THREAD_ROUTE = '/api/v1/sites/:siteId/posts/:postId/comments';
const REPLIES_ROUTE = '/api/v1/sites/:siteId/posts/:postId/comments/:commentId/replies';
/** Parsed query strings kept (they repeat: the widget asks for the same few pages), and their longest. */
const MAX_PARSED_QUERIES = 1000;
const MAX_QUERY_LENGTH = 128;

/**
 * The query as Express gives it to the normal route (`req.query`), for the query strings where
 * that is plain to see: each of sort, limit and cursor at most once, nothing escaped. Null for any
 * other (a repeated, unknown or empty parameter, an escape): the normal route reads those.
 */
export function plainQuery(search: string): Record<string, string> | null {
  const query: Record<string, string> = {};
  if (search === '') return query;
  for (const part of search.split('&')) {
    const m = PARAM_RE.exec(part);
    if (!m || m[1]! in query) return null;
    query[m[1]!] = m[2]!;
  }
  return query;
}

/** Whether a request may carry a body (any Content-Length or Transfer-Encoding): the app reads a GET's too, and may refuse it. */
const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;

/**
 * Fast path of the busiest request a news site gets: an anonymous GET of a thread page that is in
 * this process's thread cache, answered by the HTTP server before the Express app (server.ts). It
 * answers with exactly what the normal route and its middleware would (security headers, CORS for
 * the site's registered origins, Vary, X-Request-Id, ETag/304, Cache-Control, metrics) without
 * their per-request work; whenever it cannot be sure — a page not cached, an Origin whose site's
 * origins are not cached or not allowed, a query it does not read plainly or the schema refuses, a
 * body, debug logging on, credentials sent — it answers false, having sent nothing, and the app answers.
 */
export function cachedThreadReads(
  deps: Pick<ApiDeps, 'threadCache' | 'metrics' | 'logger' | 'config' | 'siteOrigins'>,
): (req: IncomingMessage, res: ServerResponse) => boolean {
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
  // What the app's security middleware (helmet, crossOriginReadable) sets on every answer.
  const security = staticHeaders([helmet(), crossOriginReadable]).flat() as string[];
  // The query's part of the cache key, by query string; a bounded memo, emptied when full.
  const parsed = new Map<string, { thread: string | null; replies: Parameters<typeof repliesVariant>[1] | null }>();
  const parseQuery = (search: string) => {
    let p = parsed.get(search);
    if (p === undefined) {
      const query = plainQuery(search);
      const thread = query && threadQuery.safeParse(query);
      const replies = query && repliesQuery.safeParse(query);
      p = {
        thread: thread?.success ? threadVariant(thread.data) : null,
        replies: replies?.success ? replies.data : null,
      };
      if (parsed.size >= MAX_PARSED_QUERIES) parsed.clear();
      parsed.set(search, p);
    }
    return p;
  };

  return (req, res) => {
    if (req.method !== 'GET' || req.headers.authorization !== undefined || hasBody(req)) return false;
    const started = performance.now();
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const m = PATH_RE.exec(q === -1 ? url : url.slice(0, q));
    // The request log (http/request-log.ts) logs answered reads at debug; with debug on, let it.
    if (!m || deps.logger.isLevelEnabled('debug')) return false;
    const siteId = m[1]!;
    const postId = m[2]!;
    const commentId = m[3];
    const search = q === -1 ? '' : url.slice(q + 1);
    // The longest the widget sends is some 100 characters (a 64-character cursor); longer ones are not memoized.
    if (search.length > MAX_QUERY_LENGTH) return false;
    const query = parseQuery(search);
    let variant: string;
    if (commentId === undefined) {
      if (query.thread === null) return false;
      variant = query.thread;
    } else {
      if (query.replies === null) return false;
      variant = repliesVariant(commentId, query.replies);
    }
    const page = deps.threadCache.peek(siteId, postId, variant);
    if (!page) return false;
    const origin = crossOrigin(req);
    if (origin !== null && !deps.siteOrigins.peek(siteId)?.includes(origin)) return false;

    // In the order the app sets them: the request log's id, the security headers, then CORS and the route's.
    const headers = ['X-Request-Id', requestIdOf(req), ...security, 'Vary', 'Origin'];
    if (origin !== null)
      headers.push('Access-Control-Allow-Origin', origin, 'Access-Control-Expose-Headers', EXPOSE_HEADERS);
    headers.push('ETag', page.etag, 'Cache-Control', cacheControl, 'Content-Type', JSON_TYPE);
    let result: 'hit' | 'not_modified';
    if (matchesEtag(req.headers['if-none-match'], page.etag)) {
      res.writeHead(304, headers).end();
      result = 'not_modified';
    } else {
      headers.push('Content-Length', String(page.body.length));
      res.writeHead(200, headers).end(page.body);
      result = 'hit';
    }
    cacheResults[result].inc();
    timers[commentId === undefined ? 'thread' : 'replies'][result].observe((performance.now() - started) / 1000);
    return true;
  };
}
