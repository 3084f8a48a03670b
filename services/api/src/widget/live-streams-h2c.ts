import http2 from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http';
import type { Express, Request } from 'express';
import helmet from 'helmet';
import type { ApiDeps } from '../deps.js';
import { staticHeaders } from '../comments/cached-read.js';
import { AppError } from '../http/app-error.js';
import { requestIdOf } from '../http/request-id.js';
import { crossOriginReadable } from './routes.js';
import { EXPOSE_HEADERS } from './cors.js';
import { EVENTS_HEADERS, opening, eventParams } from './events-route.js';
import { type Admission, admitLiveStream } from './stream-admission.js';
import { EVENTS_PATH_RE, EVENTS_ROUTE } from './live-streams-first.js';
import { FrameWriter, type StreamListener } from './thread-events.js';

/** Streams one connection may carry at once; the load balancer opens another connection beyond it. */
export const H2C_STREAMS_PER_CONNECTION = 1000;

type Deps = Pick<ApiDeps, 'config' | 'lookups' | 'threadEvents' | 'metrics' | 'logger' | 'siteOrigins'>;

/** Header pairs as HTTP/2 wants them: lower-case names, in one object. */
function h2Headers(pairs: readonly (readonly [string, string | number | readonly string[]])[]) {
  const out: Record<string, string | number | string[]> = {};
  for (const [k, v] of pairs) out[k.toLowerCase()] = typeof v === 'object' ? [...v] : v;
  return out;
}

const pairsOf = (flat: readonly string[]) =>
  Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!] as const);

class H2LiveStream extends FrameWriter<http2.ServerHttp2Stream> implements StreamListener {
  constructor(
    stream: http2.ServerHttp2Stream,
    private readonly started: number,
    private readonly observe: (seconds: number) => void,
  ) {
    super(stream);
  }

  close(): void {
    this.out.once('close', () => this.observe((performance.now() - this.started) / 1000));
    this.out.end();
  }
}

export interface LiveH2cServer {
  readonly server: http2.Http2Server;
  /** Stops accepting and asks every connection to go away once its streams have ended (`threadEvents.closeAll()` ends them). */
  close(): Promise<void>;
}

/**
 * The API's second listener (`LIVE_H2C_PORT`): live-update streams over HTTP/2 without TLS (h2c, prior
 * knowledge), for a load balancer that speaks HTTP/2 to its upstreams (Envoy, HAProxy, Caddy, Traefik).
 * Up to `H2C_STREAMS_PER_CONNECTION` readers' streams share one connection, so the process holds tens of
 * thousands of them with a few dozen sockets, where HTTP/1.1 spends a socket (a file) on each.
 *
 * It serves `GET /api/v1/sites/:siteId/posts/:postId/events` only, with what the HTTP/1.1 route answers:
 * the same checks in the same order (the site's registered origins, `SSE_MAX_STREAMS`, `SSE_MAX_PER_IP` by
 * the client address `TRUST_PROXY` gives, the post), the same refusals (`{"error":{"code","message"}}`
 * with their status and headers), the same security, CORS and stream headers, and the same hub, heartbeats
 * and metrics. Anything else is `404 not_found`. A connection with no stream for `LIVE_H2C_IDLE_S` is sent GOAWAY.
 */
export function createLiveH2cServer(app: Express, deps: Deps): LiveH2cServer {
  const { threadEvents: hub, logger } = deps;
  const security = h2Headers(staticHeaders([helmet(), crossOriginReadable]));
  const events = h2Headers(pairsOf(EVENTS_HEADERS));
  const observe = (status: number, seconds: number) =>
    deps.metrics.httpDuration.labels({ method: 'GET', route: EVENTS_ROUTE, status: String(status) }).observe(seconds);
  const observeOpen = (seconds: number) => observe(200, seconds);

  /** What Express makes of a request, as far as the checks read it: headers (Host from :authority), req.ip. */
  const requestOf = (headers: IncomingHttpHeaders, stream: http2.ServerHttp2Stream): Request =>
    Object.assign(Object.create(app.request) as Request, {
      headers: { ...headers, host: headers[':authority'] ?? headers.host },
      socket: { remoteAddress: stream.session?.socket?.remoteAddress },
    });

  const handle = async (stream: http2.ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> => {
    const started = performance.now();
    const req = requestOf(headers, stream);
    const requestId = requestIdOf(req);
    let cors: Record<string, string> = {};
    const refuse = (err: AppError, eventsRoute = true) => {
      if (stream.destroyed) return;
      const extra = h2Headers(Object.entries(err.headers ?? {}));
      stream.respond({
        ':status': err.status,
        ...security,
        'x-request-id': requestId,
        vary: 'Origin',
        ...cors,
        ...extra,
        'content-type': 'application/json; charset=utf-8',
      });
      const body = {
        code: err.code,
        message: err.message,
        ...(err.details !== undefined ? { details: err.details } : {}),
      };
      stream.end(JSON.stringify({ error: body }));
      if (eventsRoute) observe(err.status, (performance.now() - started) / 1000);
    };

    const path = String(headers[':path'] ?? '');
    const m = headers[':method'] === 'GET' ? EVENTS_PATH_RE.exec(path.split('?', 1)[0]!) : null;
    if (!m || !eventParams.safeParse({ siteId: m[1], postId: m[2] }).success) {
      refuse(new AppError('not_found', 404, 'no such endpoint'), false);
      return;
    }
    const siteId = m[1]!;
    const postId = m[2]!;
    let admission: Admission;
    try {
      admission = await admitLiveStream(deps, req, siteId, postId);
    } catch (err) {
      logger.error({ err, reqId: requestId }, 'live stream: its checks could not be read');
      return refuse(new AppError('internal', 500, 'internal error'));
    }
    if (admission.origin !== null) {
      // A refused GET is still readable by the page, so the widget can tell its developer why.
      cors = { 'access-control-allow-origin': admission.origin };
      if (admission.ok || !admission.originRefused) cors['access-control-expose-headers'] = EXPOSE_HEADERS;
    }
    if (!admission.ok) return refuse(admission.refusal);
    // The client (or the balancer) reset the stream while the post was looked up.
    if (stream.destroyed || stream.closed) {
      admission.release();
      return;
    }
    try {
      stream.respond({ ':status': 200, ...security, 'x-request-id': requestId, vary: 'Origin', ...cors, ...events });
      stream.write(opening());
    } finally {
      admission.release();
    }
    stream.once('close', hub.add(siteId, postId, admission.ip, new H2LiveStream(stream, started, observeOpen)));
  };

  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer({
    settings: { maxConcurrentStreams: H2C_STREAMS_PER_CONNECTION },
    // nghttp2's own bookkeeping for a connection's streams, in MB (the default, 10, refuses streams beyond a few thousand).
    maxSessionMemory: 64,
  });
  const idleMs = deps.config.LIVE_H2C_IDLE_S * 1000;
  server.on('session', (session) => {
    sessions.add(session);
    // A connection with no stream for LIVE_H2C_IDLE_S is asked to go away (the balancer may keep idle
    // connections and ping them forever); one that carries streams stays, however quiet they are.
    let open = 0;
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      idle = setTimeout(() => session.close(), idleMs);
      idle.unref();
    };
    const disarm = () => {
      clearTimeout(idle);
      idle = undefined;
    };
    arm();
    session.on('stream', (stream) => {
      open++;
      disarm();
      stream.once('close', () => {
        open--;
        if (open === 0 && !session.closed && !session.destroyed) arm();
      });
    });
    session.once('close', () => {
      disarm();
      sessions.delete(session);
    });
    session.on('error', (err) => logger.debug({ err }, 'live stream connection failed'));
  });
  server.on('stream', (stream, headers) => {
    // A reset stream errors, then closes; the close removes it from the hub.
    stream.on('error', () => undefined);
    handle(stream, headers).catch((err: unknown) => {
      logger.error({ err }, 'live stream failed');
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.close();
      }),
  };
}
