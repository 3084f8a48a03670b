import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { encodeCursor } from '../comments/thread.js';
import { cursorSchema, staffAuth } from '../moderation/routes.js';
import { historyCommentView, auditView, readerView } from '../moderation/views.js';
import { moderationCompleted } from '../moderation/events.js';
import { announceUserChange } from '../auth/user-changes.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../http/app-error.js';
import { findUser } from '#shared/db/users.js';
import { withTransaction } from '#shared/db/pool.js';
import { changeStanding, listReaderComments, type Standing } from '#shared/db/reader-moderation.js';
import { insertAudit, listAudit } from '#shared/db/audit.js';
import { moderationTaskOptions, rejectAuthorJobId } from '#shared/moderation-tasks.js';
import type { UserStatus } from '#shared/domain.js';
import { commonErrors, errorSchema, notFoundError, route } from '../openapi/registry.js';
import { findSettings } from '../moderation/site-settings.js';
import { isSevere } from '../moderation/wellbeing.js';
import { humanStatement, mailStatement, storeStatement } from '#shared/dsa/statements.js';

export const readerParams = z.object({ siteId: siteIdSchema, userId: uuidSchema });
const reason = z.string().trim().min(1, 'a reason is required').max(500);
export const banBody = z.strictObject({ reason, rejectExisting: z.boolean().default(false) });
export const suspendBody = z.strictObject({
  until: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() > Date.now(), 'must be in the future'),
  reason,
});
export const premodBody = z.strictObject({ enabled: z.boolean(), reason: reason.optional() });
export const unbanBody = z.strictObject({ reason: reason.optional() });
export const historyQuery = z.object({
  cursor: cursorSchema,
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * Moderators act on readers: ban (optionally rejecting everything they wrote, in the
 * background), suspend until a time, always pre-moderate, unban; and read a reader's history.
 * Moderators act on commenters; admins also on moderators; nobody here on admins or themselves.
 */
const readerAction = z.object({
  user: z.looseObject({ id: z.uuid(), status: z.string() }),
  task: z.looseObject({ id: z.string() }).nullable(),
});

/** Staff actions on a reader, and a reader's history. */
export const readerDocs = [
  ...(['ban', 'suspend', 'premod', 'unban'] as const).map((action) =>
    route({
      method: 'post',
      path: `/api/v1/sites/:siteId/users/:userId/${action}`,
      tag: 'Readers',
      auth: action === 'ban' ? 'moderator (on commenters), admin' : staffAuth,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a reader`,
      params: readerParams,
      body: { ban: banBody, suspend: suspendBody, premod: premodBody, unban: unbanBody }[action],
      responses: {
        200: { description: 'done', schema: readerAction },
        202: { description: 'done; a background task rejects their comments', schema: readerAction },
        ...commonErrors,
        ...notFoundError,
        409: { description: 'conflict', schema: errorSchema },
      },
    }),
  ),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/users/:userId/history',
    tag: 'Readers',
    auth: staffAuth,
    summary: 'A reader, their comments and the actions about them',
    params: readerParams,
    query: historyQuery,
    responses: { 200: { description: 'history', schema: z.looseObject({}) }, ...commonErrors, ...notFoundError },
  }),
];

export function readerRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  async function target(req: Parameters<RequestHandler>[0]) {
    const { siteId, userId } = parse(readerParams, req.params, 'path');
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const user = await findUser(deps.db, siteId, userId);
    if (!user) throw new NotFoundError('user');
    return { siteId, userId, staff, user };
  }

  type Target = Awaited<ReturnType<typeof target>>;

  async function change(
    { siteId, userId, staff, user }: Target,
    o: {
      action: string;
      status?: UserStatus;
      suspendedUntil?: Date | null;
      premod?: boolean;
      reason: string | null;
      afterCommit?: (auditId: string) => Promise<string | null>;
      /** An account restriction: its statement of reasons (DSA Art. 17) is stored with it and mailed. */
      restriction?: { kind: 'ban' | 'suspension'; endsAt: Date | null };
    },
  ) {
    if (userId === staff.userId) throw new ValidationError('you cannot moderate your own account');
    if (user.role === 'admin' || (user.role === 'moderator' && staff.role !== 'admin')) {
      throw new ForbiddenError(
        'forbidden',
        `a ${staff.role} cannot ${o.action.replace('reader.', '')} a site ${user.role}`,
      );
    }
    const settings = o.restriction ? await findSettings(deps.db, siteId) : null;
    const done = await withTransaction(deps.db, async (tx) => {
      const changed = await changeStanding(tx, {
        siteId,
        userId,
        status: o.status,
        suspendedUntil: o.suspendedUntil,
        premod: o.premod,
      });
      if (!changed) return null;
      const auditId = await insertAudit(tx, {
        siteId,
        actor: { id: staff.userId, name: staff.name },
        action: o.action,
        readerId: userId,
        before: changed.before,
        after: changed.after,
        reason: o.reason,
      });
      // A statement for a restriction this action imposed: banning a banned reader again (a retry) imposes none.
      const imposed =
        changed.before.status !== changed.after.status ||
        changed.before.suspendedUntil !== changed.after.suspendedUntil;
      const statement =
        o.restriction && settings && imposed
          ? await storeStatement(
              tx,
              humanStatement({
                sourceKey: `reader:${auditId}`,
                siteId,
                commentId: null,
                userId,
                restriction: o.restriction.kind,
                facts: `A moderator restricted the account: ${o.reason ?? 'no reason given'}`,
                groundDetail: `site rules: ${o.reason ?? ''}`.trim(),
                automatedDetection: false,
                decidedBy: staff.userId,
                endsAt: o.restriction.endsAt,
                settings,
              }),
            )
          : null;
      return { ...changed, auditId, statement };
    });
    if (!done) throw new NotFoundError('user');
    await mailStatement(deps, done.statement);
    // The API caches readers for a few seconds when accepting comments: a ban must not wait for that.
    await announceUserChange(deps, siteId, userId);
    const taskId = o.afterCommit ? await o.afterCommit(done.auditId) : null;
    moderationCompleted(deps, { type: 'reader.changed', siteId, userId, action: o.action, actorId: staff.userId });
    return { siteId, userId, staff, standing: done.after as Standing, taskId };
  }

  const answer = (
    res: Parameters<RequestHandler>[1],
    c: { userId: string; standing: Standing; taskId: string | null },
  ) => res.json({ user: { id: c.userId, ...c.standing }, task: c.taskId ? { id: c.taskId } : null });

  r.post('/sites/:siteId/users/:userId/ban', bearer, async (req, res) => {
    const t = await target(req);
    const { siteId, userId, staff } = t;
    const body = parse(banBody, req.body);
    const c = await change(t, {
      action: 'reader.ban',
      status: 'banned',
      suspendedUntil: null,
      reason: body.reason,
      restriction: { kind: 'ban', endsAt: null },
      afterCommit: body.rejectExisting
        ? async (auditId) => {
            const jobId = rejectAuthorJobId(auditId);
            try {
              await deps.tasks.add(
                'reject-author-comments',
                {
                  kind: 'reject-author-comments',
                  siteId,
                  userId,
                  actor: { id: staff.userId, name: staff.name },
                  reason: body.reason,
                },
                { ...moderationTaskOptions, jobId },
              );
            } catch (err) {
              req.log.error({ err }, "could not queue the rejection of a banned reader's comments");
              throw new AppError(
                'unavailable',
                503,
                'the reader is banned, but rejecting their comments could not be queued; ban again to retry',
                undefined,
                { 'Retry-After': '2' },
              );
            }
            return jobId;
          }
        : undefined,
    });
    answer(res.status(c.taskId ? 202 : 200), c);
  });

  r.post('/sites/:siteId/users/:userId/suspend', bearer, async (req, res) => {
    const t = await target(req);
    const body = parse(suspendBody, req.body);
    answer(
      res,
      await change(t, {
        action: 'reader.suspend',
        status: 'suspended',
        suspendedUntil: body.until,
        reason: body.reason,
        restriction: { kind: 'suspension', endsAt: body.until },
      }),
    );
  });

  r.post('/sites/:siteId/users/:userId/premod', bearer, async (req, res) => {
    const t = await target(req);
    const body = parse(premodBody, req.body);
    answer(
      res,
      await change(t, {
        action: body.enabled ? 'reader.premod_on' : 'reader.premod_off',
        premod: body.enabled,
        reason: body.reason ?? null,
      }),
    );
  });

  r.post('/sites/:siteId/users/:userId/unban', bearer, async (req, res) => {
    const t = await target(req);
    const body = parse(unbanBody, req.body);
    answer(
      res,
      await change(t, { action: 'reader.unban', status: 'active', suspendedUntil: null, reason: body.reason ?? null }),
    );
  });

  r.get('/sites/:siteId/users/:userId/history', bearer, async (req, res) => {
    const { siteId, userId, user } = await target(req);
    const q = parse(historyQuery, req.query, 'query');
    const [rows, audit, settings] = await Promise.all([
      listReaderComments(deps.db, { siteId, userId, before: q.cursor, limit: q.limit }),
      q.cursor ? Promise.resolve([]) : listAudit(deps.db, { siteId, readerId: userId, limit: 20 }),
      findSettings(deps.db, siteId),
    ]);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      user: readerView(user),
      // Severe text arrives blurred in the history too, as in the queues (the site's wellbeing level).
      comments: page.map((c) => ({ ...historyCommentView(c), severe: isSevere(c.scores, settings) })),
      audit: audit.map(auditView),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null,
    });
  });

  return r;
}
