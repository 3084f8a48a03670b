import type { Express } from 'express';
import { createApp } from '#api/app.js';
import type { ApiDeps } from '#api/deps.js';
import { createApiMetrics } from '#api/http/metrics.js';
import { createLimiters } from '#api/http/rate-limit.js';
import { createLookups } from '#api/comments/lookups.js';
import { createThreadCache } from '#api/comments/thread-cache.js';
import { subscribeToThreadChanges } from '#api/comments/thread-invalidation.js';
import { createThreadEvents } from '#api/widget/thread-events.js';
import { createRedis, threadChannel } from '#shared/redis.js';
import { loadConfig } from '#shared/config.js';
import { createModerationTasksQueue } from '#shared/moderation-tasks.js';
import type { TestEnv } from './env.js';
import { createEvents } from '#shared/webhooks/events.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';

export interface TestApi {
  app: Express;
  deps: ApiDeps;
  close(): Promise<void>;
}

/** The real app wired as main.ts wires it, on the test env; config keys may be overridden. */
export async function startTestApi(env: TestEnv, overrides: Record<string, string> = {}): Promise<TestApi> {
  const config =
    Object.keys(overrides).length > 0
      ? loadConfig({ ...(env.childEnv as Record<string, string>), ...overrides })
      : env.config;
  const lookups = createLookups(env.db, config.LOOKUP_CACHE_TTL_MS);
  const threadCache = createThreadCache({
    ttlMs: config.THREAD_CACHE_TTL_MS,
    maxEntries: config.THREAD_CACHE_MAX_ENTRIES,
  });
  const subscriber = createRedis(config.REDIS_URL, () => undefined, { forQueue: true });
  const threadEvents = createThreadEvents();
  await subscribeToThreadChanges({
    subscriber,
    channel: threadChannel(config.QUEUE_PREFIX),
    cache: threadCache,
    lookups,
    logger: env.logger,
    listener: { change: (c) => threadEvents.publish(c), resync: () => threadEvents.publishAll() },
  });
  const tasks = createModerationTasksQueue(env.queueRedis, config.QUEUE_PREFIX);
  tasks.on('error', () => undefined);
  const webhookQueue = createWebhookQueue(env.queueRedis, config.QUEUE_PREFIX);
  webhookQueue.on('error', () => undefined);
  const events = createEvents({
    db: env.db,
    queue: webhookQueue,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE_S,
    cacheTtlMs: config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
  });
  const deps: ApiDeps = {
    config,
    db: env.db,
    redis: env.redis,
    queue: env.queue,
    tasks,
    logger: env.logger,
    lookups,
    threadCache,
    threadEvents,
    events,
    metrics: createApiMetrics(env.queue),
    limiters: createLimiters(env.redis, config),
  };
  return {
    app: createApp(deps),
    deps,
    async close() {
      await tasks.obliterate({ force: true }).catch(() => undefined);
      await tasks.close().catch(() => undefined);
      threadEvents.closeAll();
      await subscriber.quit().catch(() => undefined);
      await webhookQueue.close().catch(() => undefined);
    },
  };
}
