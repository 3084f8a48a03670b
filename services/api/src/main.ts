import { loadConfigOrExit, orExit } from '#shared/config.js';
import { createLogger } from '#shared/logger.js';
import { createPool, databaseOf } from '#shared/db/pool.js';
import { createRedis, threadChannel } from '#shared/redis.js';
import { createCommentsQueue } from '#shared/queues.js';
import { createModerationTasksQueue } from '#shared/moderation-tasks.js';
import { createApp } from './app.js';
import { createApiMetrics } from './http/metrics.js';
import { createLimiters } from './http/rate-limit.js';
import { createLookups } from './comments/lookups.js';
import { createThreadCache } from './comments/thread-cache.js';
import { subscribeToThreadChanges } from './comments/thread-invalidation.js';
import { createEvents } from '#shared/webhooks/events.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';
import { createThreadEvents } from './widget/thread-events.js';
import { browserAssets } from './assets/store.js';

// Composition root: config → pools → queue → app → listen → graceful shutdown.
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: 'api' });
// The built browser apps; in production a missing file stops the start-up here.
const assets = orExit(() => browserAssets({ production: config.NODE_ENV === 'production' }));
const db = createPool({
  ...databaseOf(config),
  max: config.DATABASE_POOL_MAX,
  onError: (err) => logger.error({ err }, 'postgres pool error'),
});
const onRedisError = (err: Error) => logger.warn({ err: err.message }, 'redis connection error');
const redis = createRedis(config.REDIS_URL, onRedisError);
// The producer connection fails fast when Redis is down (a 503 to the client) instead of waiting forever.
const queueRedis = createRedis(config.REDIS_URL, onRedisError);
const subscriber = createRedis(config.REDIS_URL, onRedisError, { forQueue: true });
const queue = createCommentsQueue(queueRedis, config.QUEUE_PREFIX);
queue.on('error', (err) => logger.warn({ err: err.message }, 'queue error'));
const tasks = createModerationTasksQueue(queueRedis, config.QUEUE_PREFIX);
tasks.on('error', (err) => logger.warn({ err: err.message }, 'moderation tasks queue error'));

const webhookQueue = createWebhookQueue(queueRedis, config.QUEUE_PREFIX);
webhookQueue.on('error', (err) => logger.warn({ err: err.message }, 'webhook queue error'));
const events = createEvents({
  db,
  queue: webhookQueue,
  retrySchedule: config.WEBHOOK_RETRY_SCHEDULE_S,
  cacheTtlMs: config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
});

const lookups = createLookups(db, config.LOOKUP_CACHE_TTL_MS);
const threadCache = createThreadCache({
  ttlMs: config.THREAD_CACHE_TTL_MS,
  maxEntries: config.THREAD_CACHE_MAX_ENTRIES,
});
const threadEvents = createThreadEvents();
await subscribeToThreadChanges({
  subscriber,
  channel: threadChannel(config.QUEUE_PREFIX),
  cache: threadCache,
  lookups,
  logger,
  listener: { change: (c) => threadEvents.publish(c), resync: () => threadEvents.publishAll() },
});

const app = createApp({
  config,
  db,
  redis,
  queue,
  tasks,
  logger,
  lookups,
  threadCache,
  threadEvents,
  events,
  metrics: createApiMetrics(queue),
  limiters: createLimiters(redis, config),
  assets,
});

const server = app.listen(config.PORT, config.HOST, () => {
  logger.info({ port: config.PORT, host: config.HOST }, 'api listening');
});
server.keepAliveTimeout = 65_000;

// Requests still being handled; shutdown waits for them before closing the pools. While
// draining, every answer closes its connection so keep-alive clients let go.
let inFlight = 0;
let stopping = false;
server.prependListener('request', (_req, res) => {
  inFlight++;
  if (stopping) res.setHeader('Connection', 'close');
  res.once('close', () => {
    inFlight--;
  });
});

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'api draining');
  const force = setTimeout(() => {
    logger.error('drain timed out; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  // Stop accepting, let in-flight requests finish, then close idle keep-alive sockets.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Live-update streams never finish by themselves; widgets reconnect to another process.
  threadEvents.closeAll();
  // A socket becomes idle when its last response is sent; close those as they appear.
  while (inFlight > 0) {
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 20));
  }
  server.closeIdleConnections();
  await closed;
  await Promise.allSettled([queue.close(), tasks.close(), webhookQueue.close()]);
  await Promise.allSettled([db.end(), redis.quit(), queueRedis.quit(), subscriber.quit()]);
  logger.info('api stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
