import type { Worker } from 'bullmq';
import { createCommentWorker } from '../../services/worker/src/create-worker.js';
import { createWorkerMetrics } from '../../services/worker/src/metrics.js';
import { createEmbeddedScorer } from '../../services/worker/src/scorers/embedded.js';
import type { ScorerSet } from '../../services/worker/src/scorers/types.js';
import { createRedis } from '../../shared/src/redis.js';
import type { TestEnv } from './env.js';
import { createEvents } from '../../shared/src/webhooks/events.js';
import { createWebhookQueue } from '../../shared/src/webhooks/queue.js';
import { createWebhookWorker } from '../../services/worker/src/webhooks/create-webhook-worker.js';
import { createModerationTasksWorker } from '../../services/worker/src/tasks/create-tasks-worker.js';

/** A real BullMQ worker in this process, on the test env's database and queue. */
export async function startTestWorker(env: TestEnv, opts: { scorers?: Partial<ScorerSet> } = {}): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
  const webhookQueue = createWebhookQueue(env.redis, env.config.QUEUE_PREFIX);
  const events = createEvents({
    db: env.db, queue: webhookQueue, retrySchedule: env.config.WEBHOOK_RETRY_SCHEDULE_S, cacheTtlMs: env.config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
  });
  const worker = createCommentWorker({
    config: env.config, db: env.db, redis: env.redis, logger: env.logger,
    metrics: createWorkerMetrics(), scorers: { embedded: createEmbeddedScorer(), ...opts.scorers }, events,
  }, connection);
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await webhookQueue.close().catch(() => undefined);
      await connection.quit().catch(() => undefined);
    },
  };
}

/** A real webhook delivery worker in this process, on the test env's database and queue. */
export async function startTestWebhookWorker(env: TestEnv): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
  const worker = createWebhookWorker({ config: env.config, db: env.db, logger: env.logger }, connection);
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await connection.quit().catch(() => undefined);
    },
  };
}

/** A real moderation-tasks worker (bans with `rejectExisting`) on the env's database and queue prefix. */
export async function startTestTasksWorker(env: TestEnv): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
  const webhookQueue = createWebhookQueue(env.redis, env.config.QUEUE_PREFIX);
  const events = createEvents({
    db: env.db, queue: webhookQueue, retrySchedule: env.config.WEBHOOK_RETRY_SCHEDULE_S, cacheTtlMs: env.config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
  });
  const worker = createModerationTasksWorker({ config: env.config, db: env.db, redis: env.redis, logger: env.logger, events }, connection);
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await webhookQueue.close().catch(() => undefined);
      await connection.quit().catch(() => undefined);
    },
  };
}
