import type { Queryable } from '../../../shared/src/db/pool.js';
import type { RedisClient } from '../../../shared/src/redis.js';

/** What the worker's /readyz reports; the same shape as the API's. */
export interface Readiness {
  ready: boolean;
  checks: { postgres: 'ok' | 'unreachable'; redis: 'ok' | 'unreachable'; worker: 'running' | 'stopped' };
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/**
 * Ready = Postgres and Redis answer within timeoutMs and every BullMQ worker of the process is
 * taking jobs. A process that is shutting down reports `stopped` so it leaves the rotation first.
 */
export function createReadiness(deps: {
  db: Queryable;
  redis: Pick<RedisClient, 'ping'>;
  workers: ReadonlyArray<{ isRunning(): boolean }>;
  stopping: () => boolean;
  timeoutMs?: number;
}): () => Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  return async () => {
    const [postgres, redis] = await Promise.all([
      withTimeout(deps.db.query('SELECT 1'), timeoutMs).then(() => 'ok' as const, () => 'unreachable' as const),
      withTimeout(deps.redis.ping(), timeoutMs).then(() => 'ok' as const, () => 'unreachable' as const),
    ]);
    const worker = !deps.stopping() && deps.workers.every((w) => w.isRunning()) ? 'running' as const : 'stopped' as const;
    return { ready: postgres === 'ok' && redis === 'ok' && worker === 'running', checks: { postgres, redis, worker } };
  };
}
