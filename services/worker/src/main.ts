import { developmentWarning, loadConfigOrExit } from '#shared/config.js';
import { createLogger } from '#shared/logger.js';
import { handleShutdown } from '#shared/shutdown.js';
import { warmUp } from '#shared/scoring/embedded.js';
import { createCommentWorker } from './comments/worker.js';
import { createWorkerDeps } from './deps.js';
import { serveMetrics } from './metrics.js';
import { createReadiness } from './readiness.js';
import { createModerationTasksWorker } from './tasks/create-tasks-worker.js';
import { createWebhookWorker } from './webhooks/create-webhook-worker.js';
import { createNotificationsWorker } from './notifications/create-notifications-worker.js';
import { periodicRunsSettled } from './periodic.js';

// Composition root: config → pools, scorers, events → workers → metrics endpoint → graceful shutdown.
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: 'worker' });
const devMode = developmentWarning(config);
if (devMode) logger.warn(devMode);
const { deps, connection, close } = createWorkerDeps(config, { logger });
// Before the first job: compile the embedded scorer's expressions, not while the first comments wait.
logger.info({ ms: Math.round(await warmUp(deps.scorers.embedded)) }, 'embedded scorer warmed up');
const worker = createCommentWorker(deps, connection());
const webhookWorker = createWebhookWorker(deps, connection());
const tasksWorker = createModerationTasksWorker(deps, connection());
const notificationsWorker = createNotificationsWorker(deps, connection());
const readiness = createReadiness({
  db: deps.db,
  redis: deps.redis,
  workers: [worker, tasksWorker, webhookWorker, notificationsWorker],
  stopping: () => lifecycle.stopping(),
  mail: deps.mailer.state,
});
const metricsServer =
  config.WORKER_METRICS_PORT > 0
    ? serveMetrics({ metrics: deps.metrics, readiness, port: config.WORKER_METRICS_PORT, host: config.HOST })
    : null;
metricsServer?.on('error', (err) => logger.warn({ err: err.message }, 'metrics endpoint unavailable'));
logger.info({ concurrency: config.WORKER_CONCURRENCY, scorers: Object.keys(deps.scorers) }, 'worker started');

const lifecycle = handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  // Past the timeout, jobs still running stay locked until the lock lapses, then another worker takes them.
  messages: {
    starting: 'worker finishing active jobs',
    timedOut: 'shutdown timed out; exiting',
    stopped: 'worker stopped',
  },
  closers: [
    () => Promise.all([worker.close(), tasksWorker.close(), webhookWorker.close(), notificationsWorker.close()]),
    // The sweeps' timers stopped with their workers; a sweep going on finishes before the pools close.
    periodicRunsSettled,
    () => metricsServer?.close(),
    close,
  ],
});
