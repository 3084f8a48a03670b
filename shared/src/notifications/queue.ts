import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../redis.js';

/** Readers' notifications, from the rows where they were written to the reader (stream, email) or the site's webhook. */
export const NOTIFICATIONS_QUEUE = 'notifications';

/** Deliver one stored notification (the row holds everything; no address or secret travels here). */
export interface DeliverNotificationJob {
  kind: 'deliver';
  notificationId: string;
}
/** Send the daily digests (repeated on NOTIFICATION_DIGEST_CRON). */
export interface DigestJob {
  kind: 'digest';
}
export type NotificationJob = DeliverNotificationJob | DigestJob;

export const notificationJobId = (notificationId: string): string => `notification-${notificationId}`;

export const notificationJobOptions: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  // A notification that could not be delivered stays for an operator, like a comment job.
  removeOnFail: false,
};

export function createNotificationsQueue(connection: RedisClient, prefix: string): Queue<NotificationJob> {
  return new Queue<NotificationJob>(NOTIFICATIONS_QUEUE, { connection, prefix });
}

/**
 * Queues stored notifications for delivery. The rows are in Postgres already: a failure here is
 * caught by the worker's sweep, which queues what was not delivered, so callers may ignore it.
 */
export async function enqueueNotifications(queue: Queue<NotificationJob>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await queue.addBulk(
    ids.map((id) => ({
      name: 'deliver',
      data: { kind: 'deliver' as const, notificationId: id },
      opts: { ...notificationJobOptions, jobId: notificationJobId(id) },
    })),
  );
}

/** The Redis channel on which the worker tells API processes "this reader has a new notification". */
export const notificationChannel = (prefix: string): string => `${prefix}:notifications`;
