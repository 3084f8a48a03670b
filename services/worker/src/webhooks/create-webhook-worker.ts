import { Worker } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import type { Config } from '#shared/config.js';
import {
  createWebhookQueue,
  WEBHOOK_BACKOFF,
  WEBHOOKS_QUEUE,
  webhookBackoff,
  type WebhookJob,
} from '#shared/webhooks/queue.js';
import { startDeliveryPrune, startDeliverySweeper } from './sweep.js';
import { createWebhookProcessor, type WebhookDeps } from './deliver.js';

/** The BullMQ worker that sends webhook deliveries, retrying on the configured schedule. */
export function createWebhookWorker(
  deps: WebhookDeps & { config: Config },
  connection: RedisClient,
): Worker<WebhookJob> {
  const backoff = webhookBackoff(deps.config.WEBHOOK_RETRY_SCHEDULE_S);
  const worker = new Worker<WebhookJob>(WEBHOOKS_QUEUE, createWebhookProcessor(deps), {
    connection,
    prefix: deps.config.QUEUE_PREFIX,
    concurrency: deps.config.WEBHOOK_CONCURRENCY,
    // An attempt takes at most the timeout; the lock outlives it.
    lockDuration: Math.max(30_000, deps.config.WEBHOOK_TIMEOUT_MS * 2),
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === WEBHOOK_BACKOFF ? backoff(attemptsMade) : 1000,
    },
  });
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'webhook worker error'));
  const queue = createWebhookQueue(connection, deps.config.QUEUE_PREFIX);
  queue.on('error', (err) => deps.logger.warn({ err: err.message }, 'webhook queue error'));
  const stopSweeper = startDeliverySweeper({
    db: deps.db,
    queue,
    logger: deps.logger,
    retrySchedule: deps.config.WEBHOOK_RETRY_SCHEDULE_S,
    intervalMs: deps.config.WEBHOOK_SWEEP_INTERVAL_MS,
  });
  const stopPrune = startDeliveryPrune({
    db: deps.db,
    logger: deps.logger,
    retentionDays: deps.config.WEBHOOK_DELIVERY_RETENTION_DAYS,
  });
  worker.on('closing', () => {
    stopSweeper();
    stopPrune();
    void queue.close();
  });
  return worker;
}
