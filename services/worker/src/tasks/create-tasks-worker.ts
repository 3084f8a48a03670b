import { type Job, Worker } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import type { WorkerDeps } from '../deps.js';
import {
  MODERATION_TASKS_QUEUE,
  type ModerationTask,
  type RejectAuthorCommentsTask,
  type TaskProgress,
} from '#shared/moderation-tasks.js';
import { rejectAuthorComments } from './reject-author-comments.js';
import { learnDecisions } from './learn-decisions.js';
import { createCommentModel } from '#shared/scoring/model/comment.js';

/** The BullMQ worker for background moderation tasks (one at a time per process: they are long and write-heavy). */
export function createModerationTasksWorker(
  deps: Pick<WorkerDeps, 'db' | 'redis' | 'config' | 'logger' | 'events' | 'mailer' | 'notifications'>,
  connection: RedisClient,
): Worker<ModerationTask, TaskProgress> {
  const model = createCommentModel();
  const worker = new Worker<ModerationTask, TaskProgress>(
    MODERATION_TASKS_QUEUE,
    async (job) => {
      switch (job.data.kind) {
        case 'reject-author-comments': {
          const progress = await rejectAuthorComments(deps, job as Job<RejectAuthorCommentsTask>);
          // The ban's rejections are decisions too: learned here, where the model is.
          await learnDecisions(deps.db, model, job.data.siteId);
          return progress;
        }
        case 'learn-decisions': {
          const learned = await learnDecisions(deps.db, model, job.data.siteId);
          return { done: learned, total: learned };
        }
        // A kind this version does not know (a newer producer during a rollout): fail, so it is retried
        // or kept in the failed set, never marked done.
        default:
          throw new Error(`unknown moderation task ${(job.data as { kind: string }).kind}`);
      }
    },
    {
      connection,
      prefix: deps.config.QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: deps.config.WORKER_LOCK_DURATION_MS,
      stalledInterval: deps.config.WORKER_STALLED_INTERVAL_MS,
    },
  );
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'moderation tasks worker error'));
  worker.on('failed', (job, err) => deps.logger.error({ jobId: job?.id, err: err.message }, 'moderation task failed'));
  worker.on('completed', (job, result) =>
    deps.logger.info({ jobId: job.id, kind: job.data.kind, ...result }, 'moderation task done'),
  );
  return worker;
}
