import { Worker, type Queue } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import { listUndelivered } from '#shared/db/notifications.js';
import {
  createNotificationsQueue,
  enqueueNotifications,
  NOTIFICATIONS_QUEUE,
  type NotificationJob,
} from '#shared/notifications/queue.js';
import { createNotificationProcessor, type NotificationDeps } from './deliver.js';
import { startStatementMailSweep } from './statement-mail-sweep.js';
import { startPeriodic } from '../periodic.js';

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
  const worker = new Worker<NotificationJob>(NOTIFICATIONS_QUEUE, createNotificationProcessor(deps), {
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
      { name: 'digest', data: { kind: 'digest' } },
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

function startNotificationSweep(deps: NotificationDeps, queue: Queue<NotificationJob>): () => void {
  const intervalMs = deps.config.NOTIFICATION_SWEEP_INTERVAL_MS;
  return startPeriodic({
    what: 'notification sweep',
    everyMs: intervalMs,
    logger: deps.logger,
    task: async () => {
      const ids = await listUndelivered(deps.db, Math.max(1, Math.round(intervalMs / 1000)), 500);
      if (ids.length === 0) return;
      await enqueueNotifications(queue, ids);
      deps.logger.warn({ count: ids.length }, 'queued notifications that had not reached the queue');
    },
  });
}
