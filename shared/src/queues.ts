import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './redis.js';

/** The queue that carries accepted comments from the API to the worker. */
export const COMMENTS_QUEUE = 'comments';

/**
 * What the worker needs and cannot re-read: the comment as the API accepted it.
 * No tokens or secrets travel here; the author is referred to by id.
 */
export interface CommentJob {
  commentId: string;
  siteId: string;
  postId: string;
  authorId: string;
  parentId: string | null;
  body: string;
  /** ISO time at which the API accepted the comment (for an edit: the edit). */
  acceptedAt: string;
  /**
   * Set when the job is an edit of the stored comment `commentId`: the revision the API recorded
   * before queueing it, which the worker applies once (`body` is the new text).
   */
  editId?: string;
  /**
   * Set once its author erased their account: the job keeps no text and no author (`body` and `authorId`
   * emptied), and the worker stores nothing.
   */
  erased?: true;
}

/** What is left of a job whose author erased their account: the ids of the comment, its post and its site. */
export const erasedCommentJob = (c: CommentJob): CommentJob => ({ ...c, authorId: '', body: '', erased: true });

/** BullMQ forbids ':' in custom ids; the comment id (a UUID) makes enqueueing idempotent. */
export const commentJobId = (commentId: string): string => `comment-${commentId}`;
/** An edit's job id, from its revision id: queueing the same edit twice makes one job. */
export const editJobId = (editId: string): string => `edit-${editId}`;

export const BACKOFF_STRATEGY = 'capped-jitter';

export function commentJobOptions(opts: { attempts: number }): JobsOptions {
  return {
    attempts: opts.attempts,
    backoff: { type: BACKOFF_STRATEGY },
    // Completed jobs stay briefly (bounded, since Redis never evicts): once stored, Postgres
    // answers for the comment, and replays check Postgres as well as the queue.
    removeOnComplete: { age: 600, count: 10_000 },
    // Failed jobs are never dropped: an operator retries them (`npm run admin -- jobs:retry-failed`).
    removeOnFail: false,
  };
}

/** Exponential backoff from base to max with full jitter over the upper half, for BullMQ's custom strategy. */
export function cappedJitterBackoff(baseMs: number, maxMs: number) {
  return (attemptsMade: number): number => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  };
}

export function createCommentsQueue(connection: RedisClient, prefix: string): Queue<CommentJob> {
  return new Queue<CommentJob>(COMMENTS_QUEUE, { connection, prefix });
}
