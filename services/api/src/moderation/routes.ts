import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { decodeCursor, encodeCursor } from '../comments/thread.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { isUuid } from '#shared/ids.js';
import { AppError, ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../http/app-error.js';
import { findCommentVersion } from '#shared/db/comments.js';
import type { CommentStatus } from '#shared/domain.js';
import { findSettings } from './site-settings.js';
import { countQueues, listQueue, QUEUES } from '#shared/db/moderation-queues.js';
import { moderateComment } from '#shared/comment-moderation.js';
import { queueItemView } from './views.js';
import { isSevere } from './wellbeing.js';
import { moderationCompleted } from './events.js';
import { commonErrors, errorSchema, notFoundError, route } from '../openapi/registry.js';
import { mailStatement } from '#shared/dsa/statements.js';
import { isOutage } from '#shared/outage.js';

export const cursorSchema = z
  .string()
  .max(64)
  .optional()
  .transform((c) => (c === undefined || c === '' ? null : decodeCursor(c)))
  .refine((id) => id === null || isUuid(id), 'invalid cursor');
/** A queue page's cursor: the last id, and with sort `risk` its risk key too (`<key>~<id>`). */
const queueCursorSchema = z
  .string()
  .max(128)
  .optional()
  .transform((c, ctx) => {
    if (c === undefined || c === '') return null;
    const m = /^(?:(\d+(?:\.\d+)?(?:e-\d+)?)~)?([0-9a-f-]{36})$/i.exec(decodeCursor(c));
    if (!m || !isUuid(m[2]!)) {
      ctx.addIssue({ code: 'custom', message: 'invalid cursor' });
      return z.NEVER;
    }
    return { risk: m[1] !== undefined ? Number(m[1]) : null, id: m[2]! };
  });
const reasonText = z
  .string()
  .trim()
  .max(500)
  .optional()
  .transform((s) => (s ? s : null));
const siteParams = z.object({ siteId: siteIdSchema });
export const queueQuery = z.object({
  postId: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{1,200}$/, 'post ids are 1–200 URL-safe characters')
    .optional(),
  reason: z
    .string()
    .regex(/^[a-z_]{1,64}$/, 'a rule or report reason such as toxicity or spam')
    .optional(),
  cursor: queueCursorSchema,
  limit: z.coerce.number().int().min(1).max(100).default(25),
  sort: z
    .enum(['time', 'risk'])
    .default('time')
    .describe("`time`: the queue's review order; `risk`: most likely to be rejected first (unscored first of all)"),
  lane: z
    .enum(['likely-fine'])
    .optional()
    .describe("pending only: held comments whose predicted rejection is below the site's `likelyFineBelow`"),
});
/** The comment's edit count as the moderator was shown it (`editCount` of a queue item): an edit since is a 409. */
const editCountOf = z
  .int()
  .min(0)
  .describe(
    "the comment's `editCount` as the moderator read it: an author's edit since leaves the comment as it is, with the error `comment_edited`",
  );
/** The status the moderator saw the comment in (the queue it was listed in). */
const fromStatus = z
  .enum(['pending', 'approved', 'rejected'])
  .describe(
    'act only on comments still in this status (the queue they were listed in): one another moderator has decided since is left as it is, with the error `changed`',
  );
export const actionBody = z.strictObject({
  action: z.enum(['approve', 'reject']),
  reason: reasonText,
  from: fromStatus.optional(),
  editCount: editCountOf.optional(),
});
export const bulkBody = z.strictObject({
  ids: z
    .array(uuidSchema)
    .min(1)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'each id at most once'),
  action: z.enum(['approve', 'reject']),
  reason: reasonText,
  from: fromStatus.optional(),
  editCounts: z
    .record(uuidSchema, editCountOf)
    .optional()
    .describe(
      "each listed comment's `editCount` as the moderator read it: one edited since is left, with `comment_edited`",
    ),
});

/** The site a signed-in caller belongs to, for paths that name a comment but not its site. */
function callerSite(req: Request): string {
  if (!req.principal) throw new UnauthorizedError("a staff member's access token is required");
  return req.principal.siteId;
}

/** Queues, their counts, and moderators' decisions on comments (one at a time or in bulk). */
/** Who may call the moderators' routes. */
export const staffAuth = 'moderator or admin of the site';
const queueItem = z.looseObject({ id: z.uuid(), status: z.string() });

/** The moderators' queues and decisions; responses are given by their top-level shape. */
export const moderationDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/counts',
    tag: 'Moderation',
    auth: staffAuth,
    summary: 'Counts per queue',
    params: siteParams,
    responses: {
      200: {
        description: 'counts',
        schema: z.object({ counts: z.record(z.string(), z.number().int()), capped: z.array(z.string()) }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/queues/:queue',
    tag: 'Moderation',
    auth: staffAuth,
    summary: 'One moderation queue, keyset-paginated',
    params: siteParams.extend({ queue: z.enum(QUEUES) }),
    query: queueQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.object({ items: z.array(queueItem), nextCursor: z.string().nullable() }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/comments/:id/moderation',
    tag: 'Moderation',
    auth: staffAuth,
    summary: 'Approve or reject one comment',
    params: z.object({ id: uuidSchema }),
    body: actionBody,
    responses: {
      200: {
        description: 'decided',
        schema: z.object({ comment: z.looseObject({ id: z.uuid(), status: z.string() }) }),
      },
      ...commonErrors,
      ...notFoundError,
      409: {
        description:
          '`comment_edited`: its author edited it since the `editCount` sent; `changed`: it is no longer in the `from` status sent (another moderator decided it); nothing was decided',
        schema: errorSchema,
      },
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/moderation/bulk',
    tag: 'Moderation',
    auth: staffAuth,
    summary: 'Approve or reject up to 100 comments',
    params: siteParams,
    body: bulkBody,
    responses: {
      200: {
        description: 'one result per id',
        schema: z.object({ results: z.array(z.looseObject({ id: z.string(), ok: z.boolean() })) }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/tasks/:taskId',
    tag: 'Moderation',
    auth: staffAuth,
    summary: 'Progress of a background task',
    params: siteParams.extend({ taskId: z.string() }),
    responses: {
      200: {
        description: 'the task',
        schema: z.object({ task: z.looseObject({ id: z.string(), state: z.string() }) }),
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
];

/** The moderators' page, served by assets/moderate-page.ts and mounted in app.ts. */
export const moderationPageDocs = [
  route({
    method: 'get',
    path: '/moderate',
    tag: 'Moderation',
    auth: 'none',
    summary: 'The moderation page (signs in itself)',
    responses: { 200: { description: 'HTML', contentType: 'text/html', schema: z.string() } },
  }),
  route({
    method: 'get',
    path: '/moderate/app.js',
    tag: 'Moderation',
    auth: 'none',
    summary: "The moderation page's script",
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript', schema: z.string() } },
  }),
  route({
    method: 'get',
    path: '/moderate/app.css',
    tag: 'Moderation',
    auth: 'none',
    summary: "The moderation page's styles",
    responses: { 200: { description: 'CSS', contentType: 'text/css', schema: z.string() } },
  }),
];

export function moderationRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  const modDeps = {
    db: deps.db,
    announceThread: deps.announceThread,
    tasks: deps.tasks,
    notifications: deps.notifications,
  };

  r.get('/sites/:siteId/moderation/counts', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await countQueues(deps.db, siteId));
  });

  r.get('/sites/:siteId/moderation/queues/:queue', bearer, async (req, res) => {
    const { siteId, queue } = parse(siteParams.extend({ queue: z.enum(QUEUES) }), req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    const q = parse(queueQuery, req.query, 'query');
    const byRisk = q.sort === 'risk';
    if (q.cursor && byRisk !== (q.cursor.risk !== null)) {
      throw new ValidationError('invalid query: cursor: the cursor is from another sort order', [
        { path: 'cursor', message: 'the cursor is from another sort order' },
      ]);
    }
    if (q.lane && queue !== 'pending') {
      throw new ValidationError('invalid query: lane: the likely-fine lane is part of the pending queue', [
        { path: 'lane', message: 'only with the pending queue' },
      ]);
    }
    const settings = await findSettings(deps.db, siteId);
    const riskBelow = q.lane ? settings.likelyFineBelow : undefined;
    const rows = await listQueue(deps.db, {
      siteId,
      queue,
      postId: q.postId,
      reason: q.reason,
      after: q.cursor?.id ?? null,
      afterRisk: q.cursor?.risk ?? null,
      limit: q.limit,
      sort: q.sort,
      riskBelow,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: page.map((i) => queueItemView(i, (scores) => isSevere(scores, settings))),
      nextCursor: rows.length > q.limit && last ? encodeCursor(byRisk ? `${last.riskKey}~${last.id}` : last.id) : null,
    });
  });

  /** One decision; the caller's site is the comment's site, or the comment is not found. */
  const decide = async ({
    staff,
    siteId,
    id,
    action,
    reason,
    bulk,
    from,
    editCount,
  }: {
    staff: { userId: string; name: string };
    siteId: string;
    id: string;
    action: 'approve' | 'reject';
    reason: string | null;
    bulk?: boolean;
    from?: CommentStatus;
    editCount?: number;
  }) => {
    const result = await moderateComment(modDeps, {
      siteId,
      commentId: id,
      action,
      actor: { id: staff.userId, name: staff.name },
      reason,
      notifyReaders: true,
      statement: { settings: await findSettings(deps.db, siteId) },
      bulk,
      ...(from ? { onlyFrom: [from] } : {}),
      ...(editCount !== undefined ? { onlyEditCount: editCount } : {}),
    });
    if (!result) {
      const now = await findCommentVersion(deps.db, siteId, id);
      if (!now) throw new NotFoundError('comment');
      if (editCount !== undefined && now.editCount !== editCount)
        throw new ConflictError(
          'comment_edited',
          'its author edited the comment since it was shown: read it again; it was left as it is',
        );
      if (from && now.status !== from)
        throw new ConflictError('changed', `the comment is ${now.status} now, no longer ${from}: it was left as it is`);
      throw new NotFoundError('comment');
    }
    // The decision is made: a statement that cannot be mailed now is mailed by the worker's sweep.
    await mailStatement(deps, result.statement ?? null).catch((err: unknown) =>
      deps.logger.warn({ err, commentId: id }, 'statement of reasons not mailed; left to the sweep'),
    );
    moderationCompleted(deps, {
      type: 'comment.moderated',
      siteId,
      commentId: id,
      action,
      before: result.before,
      after: result.after,
      actorId: staff.userId,
    });
    return result;
  };

  r.post('/comments/:id/moderation', bearer, async (req, res) => {
    const { id } = parse(z.object({ id: uuidSchema }), req.params, 'path');
    const siteId = callerSite(req);
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const body = parse(actionBody, req.body);
    const result = await decide({
      staff,
      siteId,
      id,
      action: body.action,
      reason: body.reason,
      from: body.from,
      editCount: body.editCount,
    });
    res.json({ comment: { id, status: result.after, previousStatus: result.before } });
  });

  r.post('/sites/:siteId/moderation/bulk', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const body = parse(bulkBody, req.body);
    // Each comment is its own transaction: one that fails (gone, another site) leaves the others done.
    const results = [];
    for (const [at, id] of body.ids.entries()) {
      try {
        const r = await decide({
          staff,
          siteId,
          id,
          action: body.action,
          reason: body.reason,
          bulk: true,
          from: body.from,
          editCount: body.editCounts?.[id],
        });
        results.push({ id, ok: true, status: r.after, previousStatus: r.before });
      } catch (err) {
        if (err instanceof AppError) {
          results.push({ id, ok: false, error: { code: err.code, message: err.message } });
          continue;
        }
        // The comments before it are decided: the answer says which, and that this one was not.
        req.log.error({ err, commentId: id }, 'a bulk decision failed');
        if (isOutage(err)) {
          // The database is away: the rest are not tried (each would wait for its timeout), and the answer says so.
          for (const rest of body.ids.slice(at))
            results.push({
              id: rest,
              ok: false,
              error: { code: 'unavailable', message: 'not decided: the service is unavailable; try again shortly' },
            });
          break;
        }
        results.push({
          id,
          ok: false,
          error: { code: 'internal', message: 'this comment could not be decided; try again' },
        });
      }
    }
    res.json({ results });
  });

  r.get('/sites/:siteId/moderation/tasks/:taskId', bearer, async (req, res) => {
    const { siteId, taskId } = parse(
      siteParams.extend({ taskId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/) }),
      req.params,
      'path',
    );
    await staffOf(deps.db, req, siteId, 'moderator');
    // State first: a job read after it shows `completed` carries its result (both are set in one step).
    const state = await deps.tasks.getJobState(taskId);
    const job = await deps.tasks.getJob(taskId);
    if (!job || job.data.siteId !== siteId) throw new NotFoundError('task');
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      task: {
        id: job.id,
        kind: job.data.kind,
        userId: job.data.kind === 'reject-author-comments' ? job.data.userId : null,
        state,
        progress: job.progress,
        result: job.returnvalue ?? null,
        failedReason: job.failedReason ?? null,
      },
    });
  });

  return r;
}
