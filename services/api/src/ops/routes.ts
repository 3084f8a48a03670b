import express, { Router, type Express } from 'express';
import type { ApiDeps } from '../deps.js';
import { checkDependencies } from '#shared/dependency-checks.js';

/** Liveness and readiness (Postgres and Redis reachable). Metrics are on their own port: `metricsApp`. */
export function opsRoutes(deps: Pick<ApiDeps, 'readyDb' | 'redis'>): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const { postgres, redis } = await checkDependencies({ db: deps.readyDb, redis: deps.redis });
    const ready = postgres === 'ok' && redis === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { postgres, redis } });
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
