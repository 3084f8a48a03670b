import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Express, Request } from 'express';
import helmet from 'helmet';
import type { ApiDeps } from '../deps.js';
import { staticHeaders } from '../comments/cached-read.js';
import { requestIdOf } from '../http/request-id.js';
import { crossOriginReadable } from './routes.js';
import { EXPOSE_HEADERS } from './cors.js';
import { admitLiveStream } from './stream-admission.js';
import { EVENTS_HEADERS, opening, eventParams } from './events-route.js';
import { FrameWriter, type StreamListener } from './thread-events.js';

// Only canonical paths (what the schemas accept unchanged); anything else takes the normal route.
export const EVENTS_PATH_RE = /^\/api\/v1\/sites\/([a-z0-9][a-z0-9-]{0,62})\/posts\/([A-Za-z0-9._~-]{1,200})\/events$/;
export const EVENTS_ROUTE = '/api/v1/sites/:siteId/posts/:postId/events';

/**
 * Node keeps a response's header block (`_header`, needed until the response ends) as the rope of
 * some eighty pieces it was built from, 2.5 KB on the heap for the life of the stream; reading a
 * character of it makes V8 flatten it in place into one string of its length (under 1 KB).
 */
function flattenHeaderBlock(res: ServerResponse): void {
  const block = (res as unknown as { _header?: unknown })._header;
  if (typeof block === 'string') block.charCodeAt(0);
}

/** A stream opened here: the response and when it opened, nothing else (the hub holds tens of thousands). */
class LiveStream extends FrameWriter<ServerResponse> implements StreamListener {
  constructor(
    res: ServerResponse,
    private readonly started: number,
    private readonly observe: (seconds: number) => void,
  ) {
    super(res);
  }

  close(): void {
    // As the normal route's metrics count a stream: when the server ends it.
    this.out.once('finish', () => this.observe((performance.now() - this.started) / 1000));
    this.out.end();
  }
}

/**
 * The HTTP server's request listener: live-update streams (`GET …/events`) first, everything else
 * (and any stream request this path is not sure of) to the Express app. An idle stream is most
 * of what an API process holds when many readers have an article open, and the app's middleware
 * leaves per-request objects behind for the life of the stream (a child logger, listeners,
 * router closures). This path answers with exactly what the normal route and its middleware would
 * (the same limits, post look-up and CORS check for the site's registered origins; security
 * headers, Vary, X-Request-Id, metrics) and keeps only the response. Whenever it cannot open the
 * stream — a path the schemas would not accept unchanged, a limit reached, an unknown post, an
 * Origin the site has not registered, debug logging on, an error — it steps aside and the normal
 * route answers, refusal included.
 */
export function liveStreamsFirst(
  app: Express,
  deps: Pick<ApiDeps, 'config' | 'lookups' | 'threadEvents' | 'metrics' | 'logger' | 'siteOrigins'>,
): RequestListener {
  const { threadEvents: hub } = deps;
  const flat = staticHeaders([helmet(), crossOriginReadable]).flat();
  const timer = deps.metrics.httpDuration.labels({ method: 'GET', route: EVENTS_ROUTE, status: '200' });
  const observe = (seconds: number) => timer.observe(seconds);

  /** Opens the stream, or answers false (nothing sent) for the normal route to answer. */
  const open = async (req: Request, res: ServerResponse, siteId: string, postId: string): Promise<boolean> => {
    if (!eventParams.safeParse({ siteId, postId }).success) return false;
    const started = performance.now();
    // Any refusal, and any failure to decide, is the route's to answer.
    const admission = await admitLiveStream(deps, req, siteId, postId).catch(() => null);
    if (!admission?.ok) return false;
    // The client may have gone while the post was looked up: nothing to open, nothing to answer.
    if (res.destroyed) {
      admission.release();
      return true;
    }
    const { origin, ip } = admission;
    const headers: string[] = [...(flat as string[]), 'X-Request-Id', requestIdOf(req), 'Vary', 'Origin'];
    if (origin !== null)
      headers.push('Access-Control-Allow-Origin', origin, 'Access-Control-Expose-Headers', EXPOSE_HEADERS);
    headers.push(...EVENTS_HEADERS);
    try {
      res.writeHead(200, headers);
      res.write(opening());
    } finally {
      admission.release();
    }
    flattenHeaderBlock(res);
    // 'close' comes once; `on` spares the wrapper `once` would keep for the life of the stream.
    res.on('close', hub.add(siteId, postId, ip, new LiveStream(res, started, observe)));
    return true;
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const m = req.method === 'GET' && req.url ? EVENTS_PATH_RE.exec(req.url.split('?', 1)[0]!) : null;
    // The request log (http/request-log.ts) logs streams at debug; with debug on, let it.
    if (!m || deps.logger.isLevelEnabled('debug')) return app(req, res);
    // What Express does first to every request: its request methods (req.ip by the `trust proxy` setting).
    Object.setPrototypeOf(req, app.request);
    void open(req as Request, res, m[1]!, m[2]!).then(
      (opened) => opened || app(req, res),
      () => app(req, res),
    );
  };
}
