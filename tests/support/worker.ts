import type { Worker } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import { createCommentWorker } from '#worker/comments/worker.js';
import { createWorkerDeps, type BuiltWorkerDeps } from '#worker/deps.js';
import type { ScorerSet } from '#shared/scoring/types.js';
import type { TestEnv } from './env.js';
import { createWebhookWorker } from '#worker/webhooks/create-webhook-worker.js';
import { createModerationTasksWorker } from '#worker/tasks/create-tasks-worker.js';
import { createNotificationsWorker } from '#worker/notifications/create-notifications-worker.js';

export interface TestWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Starts a real BullMQ worker in this process on the test env's database and queue prefix, with its
 * own blocking connection and webhook events as the worker's composition root gives them; close()
 * releases all of it.
 */
async function startOn(
  env: TestEnv,
  build: (deps: BuiltWorkerDeps['deps'], connection: RedisClient) => Worker,
  scorers?: Partial<ScorerSet>,
): Promise<TestWorker> {
  const built = createWorkerDeps(env.config, {
    logger: env.logger,
    db: env.db,
    redis: env.redis,
    ...(scorers ? { scorers } : {}),
  });
  const worker = build(built.deps, built.connection());
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await built.close();
    },
  };
}

/** The comment worker (the configured scorers, the embedded one in tests, unless others are given). */
export function startTestWorker(env: TestEnv, opts: { scorers?: Partial<ScorerSet> } = {}): Promise<TestWorker> {
  return startOn(env, (deps, connection) => createCommentWorker(deps, connection), opts.scorers);
}

/** The webhook delivery worker. */
export function startTestWebhookWorker(env: TestEnv): Promise<TestWorker> {
  return startOn(env, (deps, connection) => createWebhookWorker(deps, connection));
}

/** The moderation-tasks worker (bans with `rejectExisting`). */
export function startTestTasksWorker(env: TestEnv): Promise<TestWorker> {
  return startOn(env, (deps, connection) => createModerationTasksWorker(deps, connection));
}

/** The notifications worker (delivery, digests, the sweep). */
export function startTestNotificationsWorker(env: TestEnv): Promise<TestWorker> {
  return startOn(env, (deps, connection) => createNotificationsWorker(deps, connection));
}
