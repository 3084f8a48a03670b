import type { Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { takeSlowTurn } from '#shared/surge.js';
import { consume } from '../http/rate-limit.js';
import { userOf } from '../auth/guards.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/app-error.js';
import { postIdSchema, siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { hasVisibleText, normalizeBody, textLength } from '#shared/text.js';
import { newId } from '#shared/ids.js';
import { canPost } from '#shared/db/users.js';
import { MAX_BODY_LENGTH } from '#shared/domain.js';
import { findComment } from '#shared/db/comments.js';
import { commentJobId, commentJobOptions, type CommentJob } from '#shared/queues.js';
import {
  adoptIdempotencyKey,
  claimIdempotencyKey,
  fingerprint,
  IDEMPOTENCY_KEY_RE,
  releaseIdempotencyKey,
} from './idempotency.js';
import { clientKey } from '../http/client-key.js';

/** How long a POST waits for Redis to take the job before answering 503 (Redis down, never a hang). */
const ENQUEUE_DEADLINE_MS = 5000;

async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error('enqueue timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const commentParams = z.object({ siteId: siteIdSchema, postId: postIdSchema });
export const commentBody = z.object({
  body: z.string().max(MAX_BODY_LENGTH * 4, `comments are at most ${MAX_BODY_LENGTH} characters`),
  parentId: uuidSchema.nullish(),
  prompted: z
    .enum(['edited', 'unchanged'])
    .optional()
    .describe('After a "may be held for review" prompt: whether the reader edited the draft (a metric, nothing else)'),
});

/** A comment's text normalised, or a 400 when it is empty or too long (new comments and edits alike). */
export function validBody(raw: string): string {
  const body = normalizeBody(raw);
  const length = textLength(body);
  if (!hasVisibleText(body))
    throw new ValidationError('comment body is empty', [{ path: 'body', message: 'empty after trimming' }]);
  if (length > MAX_BODY_LENGTH) {
    throw new ValidationError(`comments are at most ${MAX_BODY_LENGTH} characters`, [
      { path: 'body', message: `${length} characters` },
    ]);
  }
  return body;
}

/**
 * Accepts a comment: validates it against cached look-ups, enqueues it for the worker and
 * answers with its id. Writes nothing to Postgres; the job id is derived from the comment id,
 * so enqueueing is idempotent.
 */
export async function createComment(deps: ApiDeps, req: Request): Promise<{ id: string; replayed: boolean }> {
  const { siteId, postId } = parse(commentParams, req.params, 'path');
  const user = userOf(req, siteId);
  const input = parse(commentBody, req.body);
  const body = validBody(input.body);
  const parentId = input.parentId ?? null;

  const idemHeader = req.headers['idempotency-key'];
  if (idemHeader !== undefined && (typeof idemHeader !== 'string' || !IDEMPOTENCY_KEY_RE.test(idemHeader))) {
    throw new ValidationError('Idempotency-Key must be 1–255 printable ASCII characters');
  }
  let id = newId();
  let claimed = false;
  let addAttempted = false;
  const idem = idemHeader ? { prefix: deps.config.QUEUE_PREFIX, siteId, userId: user.userId, key: idemHeader } : null;
  try {
    if (idem) {
      const fp = fingerprint([postId, parentId, body]);
      const previous = await claimIdempotencyKey(deps.redis, { ...idem, id, fp });
      if (previous && (await isEnqueuedOrStored(deps, previous))) return { id: previous, replayed: true };
      // A previous request with this key still in flight, or dead before enqueueing: the fingerprint
      // matched, so this is the same comment; enqueue it under the same id (BullMQ ignores a second
      // add of one job id), taking the key over so that the first request's refusal cannot free it.
      if (previous) id = await adoptIdempotencyKey(deps.redis, { ...idem, id: previous, fp });
      claimed = !previous;
    }
    const job: CommentJob = {
      commentId: id,
      siteId,
      postId,
      authorId: user.userId,
      parentId,
      body,
      acceptedAt: new Date().toISOString(),
    };
    await consume(deps.limiters, deps.limiters.commentUser, `${siteId}:${user.userId}`);
    await consume(deps.limiters, deps.limiters.commentIp, clientKey(req.ip));
    await validateAgainstState(deps, { siteId, postId, userId: user.userId, parentId });
    addAttempted = true;
    await withDeadline(
      deps.queue.add('moderate', job, {
        ...commentJobOptions({ attempts: deps.config.JOB_ATTEMPTS }),
        jobId: commentJobId(id),
      }),
      ENQUEUE_DEADLINE_MS,
    );
  } catch (err) {
    // Refused before enqueueing: nothing was accepted, so the key is free again. If the add itself
    // failed, the job may still have reached Redis: keep the key, so a retry reuses this id (and
    // re-adds it under the same job id) instead of creating a second comment.
    if (idem && claimed && !addAttempted) await releaseIdempotencyKey(deps.redis, { ...idem, id });
    if (err instanceof AppError) throw err;
    deps.logger.error({ err }, 'could not accept comment');
    throw new AppError('unavailable', 503, 'comments cannot be accepted right now; retry shortly', undefined, {
      'Retry-After': '2',
    });
  }
  return { id, replayed: idem !== null && !claimed };
}

async function validateAgainstState(
  deps: ApiDeps,
  c: { siteId: string; postId: string; userId: string; parentId: string | null },
): Promise<void> {
  const [post, author, parentOk] = await Promise.all([
    deps.lookups.post(c.siteId, c.postId),
    deps.lookups.user(c.siteId, c.userId),
    c.parentId ? deps.lookups.approvedParent(c.siteId, c.postId, c.parentId) : Promise.resolve(true),
  ]);
  if (!post) throw new NotFoundError('post');
  if (post.closed) throw new ConflictError('post_closed', 'comments are closed on this post');
  if (!author) throw new ForbiddenError('user_unknown', 'this account no longer exists');
  if (!canPost(author)) throw new ForbiddenError('user_banned', 'this account may not comment');
  if (!author.emailVerified)
    throw new ForbiddenError('email_unverified', 'confirm your email address (follow the link sent to it) to comment');
  if (!parentOk) throw new AppError('invalid_parent', 422, 'parentId is not an approved comment of this post');
  // Slow mode (a surge on this post): one Redis call takes the reader's turn, only on such posts.
  if (post.surgeMode === 'slow') {
    const waitMs = await takeSlowTurn(deps.redis, deps.config.QUEUE_PREFIX, c);
    if (waitMs >= 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AppError(
        'slow_mode',
        429,
        `this discussion is in slow mode: you can comment again in ${seconds} s`,
        { retryAfterSeconds: seconds },
        { 'Retry-After': String(seconds) },
      );
    }
  }
}

async function isEnqueuedOrStored(deps: ApiDeps, id: string): Promise<boolean> {
  const job = await deps.queue.getJob(commentJobId(id));
  if (job) {
    // Kept in the failed set after its attempts: the reader's retry is the sign it is still wanted, so it is
    // given all its attempts again.
    if (await job.isFailed())
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => undefined); // another retry took it first
    return true;
  }
  return (await findComment(deps.db, id)) !== null;
}
