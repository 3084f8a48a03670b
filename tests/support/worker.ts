import type { Worker } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import { createCommentWorker } from '#worker/comments/worker.js';
import { createWorkerMetrics } from '#worker/metrics.js';
import { createEmbeddedScorer } from '#worker/scorers/embedded.js';
import type { ScorerSet } from '#worker/scorers/types.js';
import { createRedis } from '#shared/redis.js';
import type { TestEnv } from './env.js';
import { createEvents, type Events } from '#shared/webhooks/events.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';
import { createWebhookWorker } from '#worker/webhooks/create-webhook-worker.js';
import { createModerationTasksWorker } from '#worker/tasks/create-tasks-worker.js';

export interface TestWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Starts a real BullMQ worker in this process on the test env's database and queue prefix, with its
 * own blocking connection and webhook events as the worker's composition root gives them; close()
 * releases all of it.
 */
async function startOn(env: TestEnv, build: (connection: RedisClient, events: Events) => Worker): Promise<TestWorker> {
  const connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
  const webhookQueue = createWebhookQueue(env.redis, env.config.QUEUE_PREFIX);
  const events = createEvents({
    db: env.db,
    queue: webhookQueue,
    retrySchedule: env.config.WEBHOOK_RETRY_SCHEDULE_S,
    cacheTtlMs: env.config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
  });
  const worker = build(connection, events);
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

/** The comment worker (the embedded scorer unless others are given). */
export function startTestWorker(env: TestEnv, opts: { scorers?: Partial<ScorerSet> } = {}): Promise<TestWorker> {
  return startOn(env, (connection, events) =>
    createCommentWorker(
      {
        config: env.config,
        db: env.db,
        redis: env.redis,
        logger: env.logger,
        metrics: createWorkerMetrics(),
        scorers: { embedded: createEmbeddedScorer(), ...opts.scorers },
        events,
      },
      connection,
    ),
  );
}

/** The webhook delivery worker. */
export function startTestWebhookWorker(env: TestEnv): Promise<TestWorker> {
  return startOn(env, (connection) =>
    createWebhookWorker({ config: env.config, db: env.db, logger: env.logger }, connection),
  );
}

/** The moderation-tasks worker (bans with `rejectExisting`). */
export function startTestTasksWorker(env: TestEnv): Promise<TestWorker> {
  return startOn(env, (connection, events) =>
    createModerationTasksWorker(
      {
        config: env.config,
        db: env.db,
        redis: env.redis,
        logger: env.logger,
        events,
      },
      connection,
    ),
  );
}
