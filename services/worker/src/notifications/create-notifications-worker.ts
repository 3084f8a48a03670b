import { Worker, type Queue } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import { listUndelivered } from '#shared/db/notifications.js';
import {
  createNotificationsQueue,
  enqueueNotifications,
  notificationJobId,
  notificationJobOptions,
  NOTIFICATIONS_QUEUE,
  type NotificationJob,
} from '#shared/notifications/queue.js';
import { createNotificationProcessor, type NotificationDeps } from './deliver.js';
import { startStatementMailSweep } from './statement-mail-sweep.js';
import { startPeriodic } from '../periodic.js';
import { waitingOutOutages } from '#shared/outage.js';
import { cappedJitterBackoff } from '#shared/queues.js';

/**
 * The BullMQ worker that delivers readers' notifications and sends the daily digest (a job
 * scheduler on NOTIFICATION_DIGEST_CRON, one per queue however many workers run). A sweep queues
 * notifications whose job was lost (written, then Redis failed), so none stays undelivered; another
 * mails statements of reasons whose mail was lost (docs/dsa.md).
 */
export function createNotificationsWorker(deps: NotificationDeps, connection: RedisClient): Worker<NotificationJob> {
  const { config, logger } = deps;
  if (deps.mailer.state !== 'configured')
    logger.warn(
      "no mail transport configured (SMTP_URL): readers' notification emails are not sent; the widget's bell and webhooks still are",
    );
  // A mail server or database that cannot be reached is waited for without spending attempts: an outage of any
  // length ends with every notification delivered, and the failed set keeps only failures of a notification's own.
  const backoff = cappedJitterBackoff(2000, 60_000);
  const process = waitingOutOutages(createNotificationProcessor(deps), {
    delayMs: (job) => backoff(job.attemptsStarted),
    onWait: (job, err) =>
      logger.warn({ jobId: job.id, err: (err as Error).message }, 'notification waits for the mail server or Postgres'),
  });
  const worker = new Worker<NotificationJob>(NOTIFICATIONS_QUEUE, process, {
    connection,
    prefix: config.QUEUE_PREFIX,
    concurrency: 8,
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'notifications worker error'));
  const queue = createNotificationsQueue(connection, config.QUEUE_PREFIX);
  queue.on('error', (err) => logger.warn({ err: err.message }, 'notifications queue error'));
  void queue
    .upsertJobScheduler(
      'daily-digest',
      { pattern: config.NOTIFICATION_DIGEST_CRON, tz: 'UTC' },
      // A run whose sends failed is tried again with a notification's backoff, not left for the next day's.
      { name: 'digest', data: { kind: 'digest' }, opts: notificationJobOptions },
    )
    .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'digest schedule not set'));
  const stop = startNotificationSweep(deps, queue);
  const stopStatements = startStatementMailSweep(deps);
  worker.on('closing', () => {
    stop();
    stopStatements();
    void queue.close();
  });
  return worker;
}

/** Undelivered notifications looked at by one run of the sweep; the next run goes on after them. */
const SWEEP_BATCH = 500;

/**
 * Queues the undelivered notifications that have no job (written, then the enqueue was lost). One whose job is
 * still there (waiting for a mail server, or failed for an operator) is left to it. Each run reads a page and the
 * next the page after, so notifications waiting on their jobs never keep the sweep from the ones behind them.
 */
function startNotificationSweep(deps: NotificationDeps, queue: Queue<NotificationJob>): () => void {
  const intervalMs = deps.config.NOTIFICATION_SWEEP_INTERVAL_MS;
  let after: string | null = null;
  return startPeriodic({
    what: 'notification sweep',
    everyMs: intervalMs,
    logger: deps.logger,
    task: async () => {
      const ids = await listUndelivered(deps.db, Math.max(1, Math.round(intervalMs / 1000)), SWEEP_BATCH, after);
      after = ids.length === SWEEP_BATCH ? ids.at(-1)! : null;
      const jobs = await Promise.all(ids.map((id) => queue.getJob(notificationJobId(id))));
      const lost = ids.filter((_, i) => jobs[i] === undefined);
      if (lost.length === 0) return;
      await enqueueNotifications(queue, lost);
      deps.logger.warn({ count: lost.length }, 'queued notifications that had not reached the queue');
    },
  });
}
