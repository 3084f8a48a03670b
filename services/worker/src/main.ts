import { loadConfigOrExit } from '#shared/config.js';
import { createLogger } from '#shared/logger.js';
import { createPool, databaseOf } from '#shared/db/pool.js';
import { createRedis } from '#shared/redis.js';
import { createCommentWorker } from './comments/worker.js';
import { createModerationTasksWorker } from './tasks/create-tasks-worker.js';
import { createWorkerMetrics, serveMetrics } from './metrics.js';
import { createReadiness } from './readiness.js';
import { createScorers } from './scorers/index.js';
import { createWebhookWorker } from './webhooks/create-webhook-worker.js';
import { createEvents } from '#shared/webhooks/events.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';

// Composition root: config → pools → scorers → worker → metrics endpoint → graceful shutdown.
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: 'worker' });
const db = createPool({
  ...databaseOf(config),
  max: config.DATABASE_POOL_MAX,
  onError: (err) => logger.error({ err }, 'postgres pool error'),
});
const onRedisError = (err: Error) => logger.warn({ err: err.message }, 'redis connection error');
const redis = createRedis(config.REDIS_URL, onRedisError);
const queueRedis = createRedis(config.REDIS_URL, onRedisError, { forQueue: true });
const metrics = createWorkerMetrics();

const scorers = createScorers(config, redis, metrics);
const webhookQueue = createWebhookQueue(redis, config.QUEUE_PREFIX);
const events = createEvents({
  db,
  queue: webhookQueue,
  retrySchedule: config.WEBHOOK_RETRY_SCHEDULE_S,
  cacheTtlMs: config.WEBHOOK_SUBSCRIPTIONS_CACHE_MS,
});
const worker = createCommentWorker({ config, db, redis, logger, metrics, scorers, events }, queueRedis);
const webhookRedis = createRedis(config.REDIS_URL, onRedisError, { forQueue: true });
const webhookWorker = createWebhookWorker({ config, db, logger }, webhookRedis);
const tasksRedis = createRedis(config.REDIS_URL, onRedisError, { forQueue: true });
const tasksWorker = createModerationTasksWorker({ config, db, redis, logger, events }, tasksRedis);
let stopping = false;
const readiness = createReadiness({
  db,
  redis,
  workers: [worker, tasksWorker, webhookWorker],
  stopping: () => stopping,
});
const metricsServer =
  config.WORKER_METRICS_PORT > 0
    ? serveMetrics({ metrics, readiness, port: config.WORKER_METRICS_PORT, host: config.HOST })
    : null;
metricsServer?.on('error', (err) => logger.warn({ err: err.message }, 'metrics endpoint unavailable'));
logger.info({ concurrency: config.WORKER_CONCURRENCY, scorers: Object.keys(scorers) }, 'worker started');

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'worker finishing active jobs');
  const force = setTimeout(() => {
    // Jobs still running stay locked until the lock lapses, then another worker takes them.
    logger.error('shutdown timed out; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  await Promise.all([worker.close(), tasksWorker.close(), webhookWorker.close()]);
  await webhookQueue.close();
  metricsServer?.close();
  await Promise.allSettled([db.end(), redis.quit(), queueRedis.quit(), tasksRedis.quit(), webhookRedis.quit()]);
  logger.info('worker stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
