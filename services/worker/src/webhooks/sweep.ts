import type { Queue } from 'bullmq';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import { strandedDeliveries } from '#shared/db/webhooks.js';
import { webhookJobId, webhookJobOptions, type WebhookJob } from '#shared/webhooks/queue.js';

/**
 * Every intervalMs, enqueues deliveries that were stored but never reached the queue. Adding a
 * job id that already exists is a no-op in BullMQ, so several workers sweeping at once, or a
 * delivery merely waiting in a backlog, cause no duplicate.
 */
export function startDeliverySweeper(deps: {
  db: Pool;
  queue: Queue<WebhookJob>;
  logger: Logger;
  retrySchedule: number[];
  intervalMs: number;
}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    (async () => {
      const stranded = await strandedDeliveries(deps.db, Math.max(1, Math.round(deps.intervalMs / 1000)), 500);
      if (stranded.length === 0) return;
      await deps.queue.addBulk(
        stranded.map((d) => ({
          name: 'sweep',
          data: { deliveryId: d.id, siteId: d.siteId },
          opts: { ...webhookJobOptions(deps.retrySchedule), jobId: webhookJobId(d.id) },
        })),
      );
      deps.logger.warn({ count: stranded.length }, 'enqueued webhook deliveries that had not reached the queue');
    })()
      .catch((err) => deps.logger.warn({ err: (err as Error).message }, 'webhook sweep failed'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
