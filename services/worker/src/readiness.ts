import type { Queryable } from '#shared/db/pool.js';
import type { RedisClient } from '#shared/redis.js';
import { checkDependencies, type DependencyState } from '#shared/dependency-checks.js';
import type { Mailer } from '#shared/mail.js';

/** What the worker's /readyz reports; the same shape as the API's. */
export interface Readiness {
  ready: boolean;
  checks: { postgres: DependencyState; redis: DependencyState; worker: 'running' | 'stopped' };
  /** Reported, never failing readiness: without a transport, readers' and notifiers' emails are not sent. */
  details: { mail: Mailer['state'] };
}

/**
 * Ready = Postgres and Redis answer within timeoutMs and every BullMQ worker of the process is
 * taking jobs. A process that is shutting down reports `stopped` so it leaves the rotation first.
 */
export function createReadiness(deps: {
  db: Queryable;
  redis: Pick<RedisClient, 'ping'>;
  workers: ReadonlyArray<{ isRunning(): boolean }>;
  stopping: () => boolean;
  mail: Mailer['state'];
  timeoutMs?: number;
}): () => Promise<Readiness> {
  return async () => {
    const { postgres, redis } = await checkDependencies(deps, deps.timeoutMs);
    const worker =
      !deps.stopping() && deps.workers.every((w) => w.isRunning()) ? ('running' as const) : ('stopped' as const);
    return {
      ready: postgres === 'ok' && redis === 'ok' && worker === 'running',
      checks: { postgres, redis, worker },
      details: { mail: deps.mail },
    };
  };
}
