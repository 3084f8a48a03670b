import express, { Router, type Express } from 'express';
import type { ApiDeps } from '../deps.js';
import { checkDependencies } from '#shared/dependency-checks.js';
import { z } from 'zod';
import { route } from '../openapi/registry.js';

const readiness = z.object({
  status: z.string(),
  checks: z.object({ postgres: z.string(), redis: z.string() }),
  details: z.object({ mail: z.enum(['configured', 'not_configured']) }),
});

/**
 * Liveness and readiness, outside /api/v1. Metrics are on their own port (`metricsApp`), undocumented here.
 * Readiness also details the mail transport, which never fails it: an API without mail still serves comments.
 */
export const opsDocs = [
  route({
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    auth: 'none',
    summary: 'Liveness',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
  }),
  route({
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    auth: 'none',
    summary: 'Readiness: Postgres and Redis reachable (details: the mail transport, which never fails it)',
    responses: {
      200: { description: 'ready', schema: readiness },
      503: { description: 'a dependency is unreachable', schema: readiness },
    },
  }),
];

export function opsRoutes(deps: Pick<ApiDeps, 'readyDb' | 'redis' | 'mailer'>): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const { postgres, redis } = await checkDependencies({ db: deps.readyDb, redis: deps.redis });
    const ready = postgres === 'ok' && redis === 'ok';
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: { postgres, redis },
      details: { mail: deps.mailer.state },
    });
  });
  return r;
}

/**
 * Prometheus metrics, served on API_METRICS_PORT and never on the public port: they name routes, counts and
 * the process's internals, for the operator's scraper only.
 */
export function metricsApp(deps: Pick<ApiDeps, 'metrics'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.end(await deps.metrics.registry.metrics());
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'only /metrics is served here' } });
  });
  return app;
}
