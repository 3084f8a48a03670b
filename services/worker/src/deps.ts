import type { RedisClient } from '#shared/redis.js';
import { createResources } from '#shared/resources.js';
import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import { createEvents, type Events } from '#shared/webhooks/events.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';
import type { ScorerSet } from '#shared/scoring/types.js';
import { createMailer, type Mailer } from '#shared/mail.js';
import { createScorers } from './scorers/index.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';

/** What the comment processor needs, built by `createWorkerDeps` (in main.ts or a test). */
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
  /** Outgoing mail (statements of reasons); may be `not_configured`, then nothing is sent. */
  mailer?: Mailer;
}

export interface WorkerDepsOptions {
  logger: Logger;
  /**
   * Connections the caller already has (a test's database and Redis); they stay the caller's to
   * close. What is not given is made here from the config and closed by `close()`.
   */
  db?: Pool;
  redis?: RedisClient;
  /** Replace the configured scorers by name (a test's stand-ins for the remote services). */
  scorers?: Partial<ScorerSet>;
}

export interface BuiltWorkerDeps {
  deps: WorkerDeps & { events: Events };
  /** A new blocking connection for one BullMQ worker; `close()` closes it. */
  connection(): RedisClient;
  /** Closes the webhook queue, then the connections, that were made here. */
  close(): Promise<void>;
}

/**
 * The worker's dependencies, as main.ts and the tests use them: pools, metrics, the configured
 * scorers, and webhook events. Each BullMQ worker takes its own blocking `connection()`.
 */
export function createWorkerDeps(config: Config, opts: WorkerDepsOptions): BuiltWorkerDeps {
  const { logger } = opts;
  const resources = createResources(config, logger);
  const connection = resources.redis;
  const db = opts.db ?? resources.pool(config.DATABASE_POOL_MAX);
  const redis = opts.redis ?? connection();
  const metrics = createWorkerMetrics();
  const scorers: ScorerSet = { ...createScorers(config, redis, metrics), ...opts.scorers };
  const webhookQueue = createWebhookQueue(redis, config.QUEUE_PREFIX);
  // Statements of reasons for automated decisions are mailed to their authors (docs/dsa.md).
  const mailer = resources.made(createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, logger }), async (m) =>
    m.close(),
  );
  const events = createEvents({
    db,
    queue: webhookQueue,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE_S,
    cacheTtlMs: config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
  });
  return {
    deps: { config, db, redis, logger, metrics, scorers, events, mailer },
    connection: () => connection(true),
    async close() {
      await webhookQueue.close().catch(() => undefined);
      await resources.closeAll();
    },
  };
}
