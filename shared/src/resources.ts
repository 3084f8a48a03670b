import type { Config } from './config.js';
import { createPool, databaseOf, type Pool } from './db/pool.js';
import type { Logger } from './logger.js';
import { createRedis, type RedisClient } from './redis.js';

/**
 * The connections a process opens for itself (Redis clients, Postgres pools, anything with a closer),
 * remembered so `closeAll` ends exactly those and never one a caller passed in.
 */
export function createResources(config: Config, logger: Logger) {
  const closers: (() => Promise<unknown>)[] = [];
  const made = <T>(value: T, close: (v: T) => Promise<unknown>): T => {
    closers.push(() => close(value));
    return value;
  };
  const onRedisError = (err: Error) => logger.warn({ err: err.message }, 'redis connection error');
  return {
    made,
    /** A Redis client; `forQueue` for BullMQ's blocking connections (no command timeout, no offline queue limit). */
    redis: (forQueue = false): RedisClient =>
      made(createRedis(config.REDIS_URL, onRedisError, { forQueue }), (r) => r.quit()),
    /** A Postgres pool of `max` connections; `what` names it in error logs. */
    pool: (max: number, what = 'postgres pool'): Pool =>
      made(createPool({ ...databaseOf(config), max, onError: (err) => logger.error({ err }, `${what} error`) }), (p) =>
        p.end(),
      ),
    async closeAll(): Promise<void> {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
