import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../redis.js';

/** The queue that carries webhook deliveries from whoever emits an event to the worker. */
export const WEBHOOKS_QUEUE = 'webhooks';

/** Only the delivery's id: body, URL and secret are read from Postgres, never carried in Redis. */
export interface WebhookJob {
  deliveryId: string;
  siteId: string;
}

export const webhookJobId = (deliveryId: string): string => `delivery-${deliveryId}`;
export const WEBHOOK_BACKOFF = 'webhook-schedule';

/** One attempt, then one retry per step of the schedule. */
export function webhookJobOptions(schedule: number[]): JobsOptions {
  return {
    attempts: schedule.length + 1,
    backoff: { type: WEBHOOK_BACKOFF },
    // Postgres keeps the record of every attempt; Redis only what is still to be done.
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 86400, count: 10_000 },
  };
}

/** The delay before retry n (1-based): the schedule's step with ±20% jitter, so endpoints are not hit in waves. */
export function webhookBackoff(schedule: number[]) {
  return (attemptsMade: number): number => {
    const step = schedule[Math.min(Math.max(attemptsMade, 1), schedule.length) - 1] ?? 1000;
    return Math.round(step * (0.8 + Math.random() * 0.4));
  };
}

export function createWebhookQueue(connection: RedisClient, prefix: string): Queue<WebhookJob> {
  return new Queue<WebhookJob>(WEBHOOKS_QUEUE, { connection, prefix });
}
