import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { checkDependencies } from '#shared/dependency-checks.js';

/** Liveness, readiness (Postgres and Redis reachable) and Prometheus metrics. */
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
