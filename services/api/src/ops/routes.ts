import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { checkDependencies } from '#shared/dependency-checks.js';
import { z } from 'zod';
import { route } from '../openapi/registry.js';

/** Liveness, readiness (Postgres and Redis reachable) and Prometheus metrics. */
/** Liveness, readiness and metrics, outside /api/v1. */
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
    summary: 'Readiness: Postgres and Redis reachable',
    responses: {
      200: {
        description: 'ready',
        schema: z.object({ status: z.string(), checks: z.object({ postgres: z.string(), redis: z.string() }) }),
      },
      503: {
        description: 'a dependency is unreachable',
        schema: z.object({ status: z.string(), checks: z.object({ postgres: z.string(), redis: z.string() }) }),
      },
    },
  }),
  route({
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    auth: 'none',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'text exposition format', contentType: 'text/plain', schema: z.string() } },
  }),
];

export function opsRoutes(deps: Pick<ApiDeps, 'db' | 'redis' | 'metrics'>): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const { postgres, redis } = await checkDependencies(deps);
    const ready = postgres === 'ok' && redis === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { postgres, redis } });
  });
  r.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.end(await deps.metrics.registry.metrics());
  });
  return r;
}
