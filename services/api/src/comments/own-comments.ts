import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { clientKey } from '../http/client-key.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { uuidSchema } from '#shared/schemas.js';
import { MAX_BODY_LENGTH } from '#shared/contract.js';
import { newId } from '#shared/ids.js';
import { canPost, findUser } from '#shared/db/users.js';
import { findSettingsOverrides } from '#shared/db/sites.js';
import { effectiveSettings } from '#shared/settings.js';
import { stageDeleted } from './deleted-events.js';
import { commentJobOptions, editJobId, type CommentJob } from '#shared/queues.js';
import {
  commentEtag,
  deleteOwnComment,
  discardEdit,
  findEdit,
  findOwnComment,
  recordEdit,
  type OwnComment,
} from '#shared/db/comment-edits.js';
import { validBody } from './create-comment.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';

const params = z.object({ id: uuidSchema });
const editBody = z.object({
  body: z.string().max(MAX_BODY_LENGTH * 4, `comments are at most ${MAX_BODY_LENGTH} characters`),
});
const ifMatch = z.object({
  'If-Match': z
    .string()
    .optional()
    .describe("The comment's ETag (from GET /comments/:id): 412 `precondition_failed` when it was edited since"),
});
const refusals = {
  403: { description: '`not_author`, `user_banned`, `edit_window_passed`', schema: errorSchema },
  409: {
    description:
      '`edit_pending` (an earlier edit with other text is still being moderated; the same text again is 202 with that edit), `not_editable` (rejected), `post_closed` (the post is closed)',
    schema: errorSchema,
  },
  412: { description: '`precondition_failed`', schema: errorSchema },
};

/** Authors edit (within the site's window) and delete their own comments. */
export const ownCommentDocs = [
  route({
    method: 'patch',
    path: '/api/v1/comments/:id',
    tag: 'Comments',
    auth: "the comment's author (reader access token)",
    summary: "Edit one's own comment within the site's window; moderated again like a new comment",
    params,
    headers: ifMatch,
    body: editBody.extend({ body: editBody.shape.body.meta({ maxLength: MAX_BODY_LENGTH }) }),
    responses: {
      202: {
        description: 'the edit is queued for moderation; the thread shows it once decided, marked edited',
        schema: z.object({ id: z.uuid(), status: z.literal('queued'), editId: z.uuid() }),
      },
      ...commonErrors,
      ...refusals,
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/comments/:id',
    tag: 'Comments',
    auth: "the comment's author (reader access token)",
    summary: "Delete one's own comment: a placeholder stays while replies hang on it",
    params,
    headers: ifMatch,
    responses: {
      204: { description: 'deleted' },
      ...commonErrors,
      ...refusals,
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
];

/** The author's own comment, or 404 (another site's, someone else's as seen by nobody, or deleted). */
async function ownComment(deps: Pick<ApiDeps, 'db'>, req: Request, id: string): Promise<OwnComment> {
  const p = req.principal;
  if (p?.kind !== 'user') throw new UnauthorizedError("a reader's access token is required");
  const c = await findOwnComment(deps.db, id);
  if (!c || c.siteId !== p.siteId || c.deleted) throw new NotFoundError('comment');
  if (c.authorId !== p.userId) {
    // Someone else's held or removed comment is, to them, one that does not exist.
    if (c.status !== 'approved') throw new NotFoundError('comment');
    throw new ForbiddenError('not_author', 'only its author may change a comment');
  }
  return c;
}

async function mayAct(deps: Pick<ApiDeps, 'db'>, c: OwnComment): Promise<void> {
  const author = await findUser(deps.db, c.siteId, c.authorId);
  if (!author || !canPost(author)) throw new ForbiddenError('user_banned', 'this account may not change comments');
}

/**
 * How long an edit recorded without a job in the queue is taken to be on its way there: the request that recorded it
 * queues it just after its commit. Past this, it is taken to be lost (the API stopped in between) and is dropped.
 */
const EDIT_QUEUEING_GRACE_MS = 15_000;

function checkIfMatch(req: Request, c: OwnComment): void {
  const expected = req.get('If-Match');
  if (expected !== undefined && expected !== '*' && expected !== commentEtag(c.editCount))
    throw new AppError('precondition_failed', 412, 'the comment changed since you read it; read it again');
}

export function ownCommentRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.patch('/comments/:id', bearer, async (req, res) => {
    const { id } = parse(params, req.params, 'path');
    const found = await ownComment(deps, req, id);
    const body = validBody(parse(editBody, req.body).body);
    await consume(deps.limiters, deps.limiters.commentUser, `${found.siteId}:${found.authorId}`);
    await consume(deps.limiters, deps.limiters.commentIp, clientKey(req.ip));
    // A closed post takes no new words, an edit's included (its author may still delete theirs).
    if ((await deps.lookups.post(found.siteId, found.postId))?.closed)
      throw new ConflictError('post_closed', 'comments are closed on this post');
    const stored = await findSettingsOverrides(deps.db, found.siteId);
    const windowMs = effectiveSettings(stored?.overrides).editWindowMinutes * 60_000;
    const now = Date.now();
    const recorded = await recordEdit(deps.db, { editId: newId(), commentId: id, body }, async (locked, tx) => {
      checkIfMatch(req, locked);
      await mayAct(deps, locked);
      if (locked.deleted) throw new NotFoundError('comment');
      if (now - locked.createdAt.getTime() > windowMs)
        throw new ForbiddenError('edit_window_passed', 'the time to edit this comment has passed');
      if (locked.status === 'rejected') throw new ConflictError('not_editable', 'a rejected comment cannot be edited');
      if (!locked.pendingEditId) return undefined;
      const earlier = await findEdit(tx, locked.pendingEditId);
      const job = earlier && !earlier.applied ? await deps.queue.getJob(editJobId(locked.pendingEditId)) : undefined;
      const state = job ? await job.getState() : 'unknown';
      // The same text again (a retry whose answer was lost, a second click): the edit waiting is that one, and it is
      // queued again below if its job never got there.
      if (earlier && !earlier.applied && earlier.body === body && state !== 'failed' && state !== 'completed')
        return { repeats: locked.pendingEditId };
      // An edit recorded a moment ago whose job is not queued yet is on its way there (the request that recorded it
      // queues it after its commit): another tab's edit waits for it like any edit in the queue.
      const onItsWay = state === 'unknown' && earlier !== null && earlier.ageMs < EDIT_QUEUEING_GRACE_MS;
      if (onItsWay || (state !== 'unknown' && state !== 'failed' && state !== 'completed'))
        throw new ConflictError('edit_pending', 'your previous edit is still being reviewed');
      // An earlier edit whose job never reached the queue (the API stopped in between), or failed with no retry
      // left, will never be applied: it is dropped, in this transaction (the comment's row is locked by it).
      await discardEdit(tx, locked.pendingEditId);
      return undefined;
    });
    const { comment: c, editId } = recorded;
    const job: CommentJob = {
      commentId: c.id,
      siteId: c.siteId,
      postId: c.postId,
      authorId: c.authorId,
      parentId: c.parentId,
      body,
      acceptedAt: new Date(now).toISOString(),
      editId,
    };
    try {
      await deps.queue.add('moderate', job, {
        ...commentJobOptions({ attempts: deps.config.JOB_ATTEMPTS }),
        jobId: editJobId(editId),
      });
    } catch (err) {
      // Not queued: the edit is dropped (the comment keeps its text) and the reader may send it again. A repeat leaves
      // it to the request that recorded it.
      if (!recorded.repeated) await discardEdit(deps.db, editId).catch(() => undefined);
      req.log.error({ err }, 'could not queue an edit');
      throw new AppError('unavailable', 503, 'edits cannot be accepted right now; retry shortly', undefined, {
        'Retry-After': '2',
      });
    }
    res.status(202).json({ id: c.id, status: 'queued', editId });
  });

  r.delete('/comments/:id', bearer, async (req, res) => {
    const { id } = parse(params, req.params, 'path');
    const found = await ownComment(deps, req, id);
    await consume(deps.limiters, deps.limiters.commentUser, `${found.siteId}:${found.authorId}`);
    const author = await findUser(deps.db, found.siteId, found.authorId);
    const { comment: c, also: queueDeleted } = await deleteOwnComment(
      deps.db,
      { commentId: id, actor: { id: found.authorId, name: author?.displayName ?? '' } },
      async (locked) => {
        checkIfMatch(req, locked);
        if (locked.deleted) throw new NotFoundError('comment');
        await mayAct(deps, locked);
      },
      // A publisher that keeps copies is told to drop the text, in the deletion's own transaction.
      (tx, locked) => stageDeleted(deps, tx, locked.siteId, [{ id: locked.id, postId: locked.postId }], 'author'),
    );
    await deps.announceThread({ siteId: c.siteId, postId: c.postId });
    await queueDeleted().catch((err: unknown) =>
      req.log.warn({ err }, 'comment.deleted not queued; the worker sends it with the stranded deliveries'),
    );
    res.status(204).end();
  });

  return r;
}
