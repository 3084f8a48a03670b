import type { Queue } from 'bullmq';
import {
  threadAnnouncer,
  threadChannel,
  siteChannel,
  userChannel,
  type RedisClient,
  type ThreadAnnouncer,
} from '#shared/redis.js';
import { createResources } from '#shared/resources.js';
import { announceMailer, createMailer, type Mailer } from '#shared/mail.js';
import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import { createCommentsQueue, type CommentJob } from '#shared/queues.js';
import { createModerationTasksQueue, type ModerationTask } from '#shared/moderation-tasks.js';
import { createEvents, type Events } from '#shared/webhooks/events.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';
import { createNotificationsQueue, notificationChannel, type NotificationJob } from '#shared/notifications/queue.js';
import { userStreamKey } from './notifications/stream-key.js';
import { createApiMetrics, type ApiMetrics } from './http/metrics.js';
import { createLimiters, type Limiters } from './http/rate-limit.js';
import { createLookups, type Lookups } from './comments/lookups.js';
import { createThreadCache, type ThreadCache } from './comments/thread-cache.js';
import { subscribeToThreadChanges } from './comments/thread-invalidation.js';
import { createThreadEvents, type ThreadEvents } from './widget/thread-events.js';
import { createSiteOrigins, type SiteOrigins } from './widget/site-origins.js';
import type { BrowserAssets } from './assets/store.js';
import { createExportLimits, type ExportLimits } from './publishers/export-limits.js';
import { createHoldCheck, type HoldCheck } from './precheck/hold-check.js';

/** Everything the API's handlers use, built once by `createApiDeps` (in main.ts or a test) and passed down. */
export interface ApiDeps {
  config: Config;
  db: Pool;
  redis: RedisClient;
  queue: Queue<CommentJob>;
  /** Background moderation work (a ban that rejects a reader's comments), run by the worker. */
  tasks: Queue<ModerationTask>;
  logger: Logger;
  metrics: ApiMetrics;
  limiters: Limiters;
  lookups: Lookups;
  threadCache: ThreadCache;
  /**
   * Tells every API process that a post's thread (or the post) changed, after the change's commit;
   * this process's own cache drops the post's pages first, so the change's author reads it at once.
   */
  announceThread: ThreadAnnouncer;
  /** Sites' registered browser origins, cached: the app's CORS and the paths before it (server.ts) share them. */
  siteOrigins: SiteOrigins;
  /** Webhook events (post.created, and whatever a route emits). */
  events: Events;
  /** Open live-update streams, fed by the process's one thread-change subscription. */
  threadEvents: ThreadEvents;
  /** The built browser apps; main.ts loads them at start-up. Left out, the app loads them itself. */
  assets?: BrowserAssets;
  /** Exports' own small pool and their per-site and per-process caps. */
  exports: ExportLimits;
  /** One connection for /readyz alone: no tenant's requests can take it. */
  readyDb: Pool;
  /** Outgoing mail (verification links); may be `not_configured`. */
  mailer: Mailer;
  /** Readers' notifications, delivered by the worker. */
  notifications: Queue<NotificationJob>;
  /** Whether the embedded scorer would hold a draft (think before you post). */
  holdCheck: HoldCheck;
}

export interface ApiDepsOptions {
  logger: Logger;
  /**
   * Connections the caller already has (a test's database and Redis); they stay the caller's to
   * close. What is not given is made here from the config and closed by `close()`.
   */
  db?: Pool;
  redis?: RedisClient;
  /** For the queues' producers; fails fast when Redis is down (a 503) instead of waiting. */
  queueRedis?: RedisClient;
  queue?: Queue<CommentJob>;
}

export interface BuiltApiDeps {
  deps: ApiDeps;
  /** Closes the queues, then the connections, that were made here. */
  close(): Promise<void>;
}

/**
 * The API's dependencies, as main.ts and the tests use them: pools, queues, webhook events, caches,
 * and this process's subscription to thread changes (the thread cache and the live-update streams).
 */
export async function createApiDeps(config: Config, opts: ApiDepsOptions): Promise<BuiltApiDeps> {
  const { logger } = opts;
  const resources = createResources(config, logger);
  const { made } = resources;
  const connection = resources.redis;
  const db = opts.db ?? resources.pool(config.DATABASE_POOL_MAX);
  // Exports and /readyz have pools of their own: a slow reader of an export, or a flood of requests, can
  // never take the connections the other needs.
  const exportDb = resources.pool(config.EXPORT_MAX_CONCURRENT, 'postgres export pool');
  const readyDb = resources.pool(1, 'postgres readiness pool');
  const redis = opts.redis ?? connection();
  const queueRedis = opts.queueRedis ?? connection();
  const subscriber = connection(true);

  const queues: Queue[] = [];
  const queue = opts.queue ?? createCommentsQueue(queueRedis, config.QUEUE_PREFIX);
  if (!opts.queue) {
    queue.on('error', (err) => logger.warn({ err: err.message }, 'queue error'));
    queues.push(queue);
  }
  const tasks = createModerationTasksQueue(queueRedis, config.QUEUE_PREFIX);
  tasks.on('error', (err) => logger.warn({ err: err.message }, 'moderation tasks queue error'));
  const notifications = createNotificationsQueue(queueRedis, config.QUEUE_PREFIX);
  notifications.on('error', (err) => logger.warn({ err: err.message }, 'notifications queue error'));
  queues.push(notifications);
  const webhookQueue = createWebhookQueue(queueRedis, config.QUEUE_PREFIX);
  webhookQueue.on('error', (err) => logger.warn({ err: err.message }, 'webhook queue error'));
  queues.push(tasks, webhookQueue);
  const events = settledOnClose(
    createEvents({
      db,
      queue: webhookQueue,
      retrySchedule: config.WEBHOOK_RETRY_SCHEDULE_S,
      cacheTtlMs: config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
    }),
  );

  const lookups = createLookups(db, config.LOOKUP_CACHE_TTL_MS);
  const threadCache = createThreadCache({
    ttlMs: config.THREAD_CACHE_TTL_MS,
    maxEntries: config.THREAD_CACHE_MAX_ENTRIES,
    maxBytes: config.THREAD_CACHE_MAX_MB * 1024 * 1024,
  });
  const threadEvents = createThreadEvents({ heartbeatMs: Math.max(1, config.SSE_HEARTBEAT_S) * 1000 });
  await subscribeToThreadChanges({
    subscriber,
    channel: threadChannel(config.QUEUE_PREFIX),
    userChannel: userChannel(config.QUEUE_PREFIX),
    siteChannel: siteChannel(config.QUEUE_PREFIX),
    cache: threadCache,
    lookups,
    logger,
    listener: { change: (c) => threadEvents.publish(c), resync: () => threadEvents.publishAll() },
  });

  // A reader's new notification reaches their open notification streams (the widget's bell) in this process.
  const notifyChannel = notificationChannel(config.QUEUE_PREFIX);
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== notifyChannel) return;
    const [siteId, userId] = message.split('\n');
    if (siteId && userId) threadEvents.publish({ siteId, postId: userStreamKey(userId), post: false });
  });
  await subscriber.subscribe(notifyChannel);

  const mailer = made(
    createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, logger, timeoutMs: config.SMTP_TIMEOUT_MS }),
    async (m) => m.close(),
  );
  announceMailer(mailer, logger);

  const deps: ApiDeps = {
    config,
    mailer,
    db,
    redis,
    queue,
    tasks,
    logger,
    lookups,
    threadCache,
    announceThread: threadAnnouncer(redis, config.QUEUE_PREFIX, {
      onError: (err) => logger.warn({ err }, 'thread change not announced; caches expire by themselves'),
      local: (change) => {
        threadCache.invalidate(change.siteId, change.postId);
        if (change.post) lookups.forgetPost(change.siteId, change.postId);
      },
    }),
    siteOrigins: createSiteOrigins(db, config.LOOKUP_CACHE_TTL_MS),
    threadEvents,
    events,
    metrics: createApiMetrics(queue),
    limiters: createLimiters(redis, config),
    exports: createExportLimits({
      db: exportDb,
      maxConcurrent: config.EXPORT_MAX_CONCURRENT,
      stallTimeoutMs: config.EXPORT_STALL_TIMEOUT_MS,
      maxDurationMs: config.EXPORT_MAX_DURATION_S * 1000,
    }),
    readyDb,
    holdCheck: createHoldCheck({ db, logger }),
    notifications,
  };
  return {
    deps,
    async close() {
      // Events emitted after their answer was sent (a moderator's decision, a new post) are stored and queued first.
      await events.settled();
      await Promise.allSettled(queues.map((q) => q.close()));
      await resources.closeAll();
    },
  };
}

/**
 * The emitter with what it is emitting kept track of: events are often emitted after the answer is sent, and a
 * process that stops must not close its pools under them (`settled`, which the API's close waits for).
 */
function settledOnClose(events: Events): Events & { settled(): Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.then(
      () => pending.delete(p),
      () => pending.delete(p),
    );
    return p;
  };
  return {
    ...events,
    emit: (e) => track(events.emit(e)),
    settled: async () => {
      await Promise.allSettled([...pending]);
    },
  };
}
