import type { RedisClient } from '#shared/redis.js';
import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import type { ScorerSet } from './scorers/types.js';
import type { WorkerMetrics } from './metrics.js';
import type { Events } from '#shared/webhooks/events.js';

/** What the comment processor needs, built in main.ts (or a test). */
export interface WorkerDeps {
  config: Config;
  db: Pool;
  /** For publishing thread changes (not the queue's blocking connection). */
  redis: RedisClient;
  logger: Logger;
  metrics: WorkerMetrics;
  scorers: ScorerSet;
  /** Webhook events (comment decisions); absent, nothing is emitted. */
  events?: Events;
}
