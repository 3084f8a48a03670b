import { Worker } from 'bullmq';
import { waitingOutOutages } from '#shared/outage.js';
import type { RedisClient } from '#shared/redis.js';
import type { WorkerDeps } from '../deps.js';
import { createCommentProcessor } from './decide-comment.js';
import { BACKOFF_STRATEGY, COMMENTS_QUEUE, cappedJitterBackoff, type CommentJob } from '#shared/queues.js';

/**
 * The BullMQ worker for comment jobs, with our retry and crash-recovery settings. A job that fails because
 * Postgres or Redis cannot be reached waits for them without spending an attempt (backing off as a retry
 * would), so an outage of any length ends with every accepted comment stored; attempts count only failures
 * of the job's own.
 */
export function createCommentWorker(deps: WorkerDeps, connection: RedisClient): Worker<CommentJob> {
  const { config, logger, metrics } = deps;
  const backoff = cappedJitterBackoff(config.JOB_BACKOFF_MS, config.JOB_BACKOFF_MAX_MS);
  const process = waitingOutOutages(createCommentProcessor(deps), {
    delayMs: (job) => backoff(job.attemptsStarted),
    onWait: (job, err) => {
      metrics.jobs.inc({ outcome: 'deferred' });
      logger.warn({ jobId: job.id, err: (err as Error).message }, 'comment job waits for Postgres or Redis');
    },
  });
  const worker = new Worker<CommentJob>(COMMENTS_QUEUE, process, {
    connection,
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === BACKOFF_STRATEGY ? backoff(attemptsMade) : 1000,
    },
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'worker error'));
  worker.on('failed', (job, err) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    metrics.jobs.inc({ outcome: final ? 'failed' : 'retry' });
    logger[final ? 'error' : 'warn'](
      { jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message },
      final ? 'comment job failed; kept in the failed set' : 'comment job will be retried',
    );
  });
  return worker;
}
