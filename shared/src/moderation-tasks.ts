import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './redis.js';
import type { Actor } from './db/audit.js';

/** Background moderation work (separate from comments, so a large ban never delays new comments). */
export const MODERATION_TASKS_QUEUE = 'moderation-tasks';

/** Reject every visible or held comment of a banned reader, one audit entry per comment. */
export interface RejectAuthorCommentsTask {
  kind: 'reject-author-comments';
  siteId: string;
  /** The banned reader; null once they erased their account (a job keeps no id of an erased reader). */
  userId: string | null;
  /** Set with `userId` null: the erased reader's comments that were still to reject. */
  commentIds?: string[];
  actor: Actor;
  reason: string | null;
}

/** A ban's task, by the ban's audit entry: banning again after a failure to queue makes one task. */
export const rejectAuthorJobId = (auditId: string): string => `reject-author-${auditId}`;
/** Fold a site's recorded moderator decisions into its adapter (every decision not yet learned, not only one). */
export interface LearnDecisionsTask {
  kind: 'learn-decisions';
  siteId: string;
}
export type ModerationTask = RejectAuthorCommentsTask | LearnDecisionsTask;

/**
 * Asks the worker to learn a site's new decisions. The decisions are in Postgres already: a lost job
 * only delays learning until the site's next decision (every job drains all that wait), so a failure
 * to enqueue is not an error. The job id (per decision) keeps a retried action from enqueueing twice.
 */
export async function enqueueLearning(queue: Queue<ModerationTask>, siteId: string, decisionId: string): Promise<void> {
  await queue
    .add(
      'learn-decisions',
      { kind: 'learn-decisions', siteId },
      { ...moderationTaskOptions, jobId: `learn-${decisionId}`, removeOnComplete: { age: 3600, count: 1000 } },
    )
    .catch(() => undefined);
}

/** What the task reports with job.updateProgress and returns. */
export interface TaskProgress {
  done: number;
  total: number;
}

export const moderationTaskOptions: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  // Kept for a day so moderators can read how it went; failed ones stay for an operator.
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: false,
};

export function createModerationTasksQueue(connection: RedisClient, prefix: string): Queue<ModerationTask> {
  return new Queue<ModerationTask>(MODERATION_TASKS_QUEUE, { connection, prefix });
}
