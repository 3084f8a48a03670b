import type { Queue } from 'bullmq';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import { pruneDeliveries, strandedDeliveries } from '#shared/db/webhooks.js';
import { webhookJobId, webhookJobOptions, type WebhookJob } from '#shared/webhooks/queue.js';
import { startPeriodic } from '../periodic.js';

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
  return startPeriodic({
    what: 'webhook sweep',
    everyMs: deps.intervalMs,
    logger: deps.logger,
    task: async () => {
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
    },
  });
}

const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 5_000;
/** At most this many rows a prune, so a first prune of a long-kept log does not hold the pool for long. */
const PRUNE_MOST = 200_000;

/**
 * Every hour (and once at start), deletes finished deliveries older than `retentionDays`, in batches; 0 keeps them.
 * Several workers pruning at once skip each other's rows.
 */
export function startDeliveryPrune(deps: { db: Pool; logger: Logger; retentionDays: number }): () => void {
  if (deps.retentionDays === 0) return () => {};
  return startPeriodic({
    what: 'webhook delivery prune',
    everyMs: PRUNE_EVERY_MS,
    firstAfterMs: 1000,
    logger: deps.logger,
    task: async () => {
      const before = new Date(Date.now() - deps.retentionDays * 86_400_000);
      let deleted = 0;
      for (;;) {
        const n = await pruneDeliveries(deps.db, before, PRUNE_BATCH);
        deleted += n;
        if (n < PRUNE_BATCH || deleted >= PRUNE_MOST) break;
      }
      if (deleted > 0) deps.logger.info({ deleted, before }, 'deleted webhook deliveries past their retention');
    },
  });
}
