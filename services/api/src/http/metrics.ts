import type { RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import { createRegistry, prom } from '#shared/metrics.js';

export interface ApiMetrics {
  registry: prom.Registry;
  httpDuration: prom.Histogram<'method' | 'route' | 'status'>;
  commentsAccepted: prom.Counter<'outcome'>;
  threadCache: prom.Counter<'result'>;
  /** Drafts checked before posting, by answer (held: the reader was prompted). */
  commentChecks: prom.Counter<'result'>;
  /** What prompted readers did: edited the draft, or posted it unchanged. */
  commentPromptOutcomes: prom.Counter<'choice'>;
}

export function createApiMetrics(queue: Queue): ApiMetrics {
  const registry = createRegistry('api');
  const httpDuration = new prom.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const commentsAccepted = new prom.Counter({
    name: 'comments_accepted_total',
    help: 'Comment submissions by outcome (queued, replayed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const threadCache = new prom.Counter({
    name: 'thread_cache_requests_total',
    help: 'Thread page requests by cache result (hit, miss, not_modified)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const commentChecks = new prom.Counter({
    name: 'comment_checks_total',
    help: 'Drafts checked before posting by result (held: the reader is prompted "this may be held for review", clear)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const commentPromptOutcomes = new prom.Counter({
    name: 'comment_prompt_outcomes_total',
    help: 'Comments posted after a "may be held" prompt, by what the reader chose (edited, unchanged)',
    labelNames: ['choice'] as const,
    registers: [registry],
  });
  new prom.Gauge({
    name: 'queue_jobs',
    help: 'Comment jobs in the queue by state',
    labelNames: ['state'] as const,
    registers: [registry],
    // Bounded and fail-soft: a Redis outage must not take /metrics down with it.
    async collect() {
      const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref());
      const counts = await Promise.race([
        queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed').catch(() => null),
        timeout,
      ]);
      if (!counts) {
        this.reset();
        return;
      }
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  return { registry, httpDuration, commentsAccepted, threadCache, commentChecks, commentPromptOutcomes };
}

/** Where `routeBase` leaves its mark, in `res.locals`. */
const ROUTE_BASE = 'metricsRouteBase';
interface RouteBaseMark {
  pattern: string;
  /** The route matched before the request entered the mount (none, or one that passed it on). */
  routeBefore: unknown;
}

/**
 * Times every request, labelled by the matched route pattern (never the raw path: bounded cardinality). A route of a
 * router mounted at a path is labelled under the mount's own pattern, which `routeBase` gives: `req.baseUrl` keeps
 * the request's case (Express matches `/API/V1/…` at `/api/v1`) and is gone once an error leaves the router.
 */
export function measureHttp(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const mark = res.locals[ROUTE_BASE] as RouteBaseMark | undefined;
      // A route matched since the request entered the marked mount is one of the mount's.
      const base = mark && req.route !== mark.routeBefore ? mark.pattern : req.baseUrl;
      const route = req.route?.path ? `${base}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * Marks a mount for the request metrics, just before its router, with the path it is mounted at on the app:
 * `app.use('/api/v1', routeBase('/api/v1'), api)`. No route outside the mount may match a path under it.
 */
export function routeBase(pattern: string): RequestHandler {
  return (req, res, next) => {
    res.locals[ROUTE_BASE] = { pattern, routeBefore: req.route } satisfies RouteBaseMark;
    next();
  };
}
