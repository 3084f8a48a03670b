import type { Queryable } from './db/pool.js';
import type { RedisClient } from './redis.js';

export type DependencyState = 'ok' | 'unreachable';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/** Whether Postgres and Redis each answer within timeoutMs: what every process's /readyz reports. */
export async function checkDependencies(
  deps: { db: Queryable; redis: Pick<RedisClient, 'ping'> },
  timeoutMs = 2000,
): Promise<{ postgres: DependencyState; redis: DependencyState }> {
  const [postgres, redis] = await Promise.all([
    withTimeout(deps.db.query('SELECT 1'), timeoutMs).then(
      () => 'ok' as const,
      () => 'unreachable' as const,
    ),
    withTimeout(deps.redis.ping(), timeoutMs).then(
      () => 'ok' as const,
      () => 'unreachable' as const,
    ),
  ]);
  return { postgres, redis };
}
