import type { RedisClient } from '#shared/redis.js';
import { createResources } from '#shared/resources.js';
import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import { createEvents, type Events } from '#shared/webhooks/events.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';
import type { ScorerSet } from '#shared/scoring/types.js';
import type { Queue } from 'bullmq';
import { createMailer, type Mailer } from '#shared/mail.js';
import { createNotificationsQueue, type NotificationJob } from '#shared/notifications/queue.js';
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
  /** The scorers shadow scoring uses: the same providers, on a share of their quotas that live scoring never waits for. */
  shadowScorers: ScorerSet;
  /** Webhook events (comment decisions); absent, nothing is emitted. */
  events?: Events;
  /** Readers' notifications to deliver; absent, the rows wait for the notifications worker's sweep. */
  notifications?: Queue<NotificationJob>;
  /** Outgoing mail (statements of reasons, readers' notification emails); may be `not_configured`, then nothing is sent. */
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
  deps: WorkerDeps & { events: Events; notifications: Queue<NotificationJob>; mailer: Mailer };
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
  const shadowScorers = createScorers(config, redis, metrics, { shadow: true });
  const webhookQueue = createWebhookQueue(redis, config.QUEUE_PREFIX);
  // Statements of reasons for automated decisions are mailed to their authors (docs/dsa.md), and readers'
  // notification emails.
  const mailer = resources.made(
    createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, logger, timeoutMs: config.SMTP_TIMEOUT_MS }),
    async (m) => m.close(),
  );
  if (mailer.state === 'not_configured')
    logger.warn('no mail transport configured (SMTP_URL): statements of reasons are not mailed to authors');
  const events = createEvents({
    db,
    queue: webhookQueue,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE_S,
    cacheTtlMs: config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
  });
  const notifications = createNotificationsQueue(redis, config.QUEUE_PREFIX);
  notifications.on('error', (err) => logger.warn({ err: err.message }, 'notifications queue error'));
  return {
    deps: { config, db, redis, logger, metrics, scorers, shadowScorers, events, notifications, mailer },
    connection: () => connection(true),
    async close() {
      await webhookQueue.close().catch(() => undefined);
      await notifications.close().catch(() => undefined);
      await resources.closeAll();
    },
  };
}
