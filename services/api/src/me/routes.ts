import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { stageDeleted } from '../comments/deleted-events.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { eraseReader, isErasedReader, logDataRequest, readerData } from '#shared/db/data-rights.js';
import { clearReaderJobs } from './queued-data.js';
import { findSite } from '#shared/db/sites.js';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { findUser } from '#shared/db/users.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';
import { consume } from '../http/rate-limit.js';
import { listUserStatements } from '#shared/db/dsa-statements.js';
import { listUserAppeals } from '#shared/db/dsa-appeals.js';
import { ownAppealView, statementView } from '../dsa/views.js';

const readerParams = z.object({ siteId: siteIdSchema, userId: uuidSchema });
const readerDataSchema = z.object({
  profile: z.object({
    id: z.uuid(),
    siteId: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    emailBouncedAt: z
      .string()
      .nullable()
      .describe('when a mail server refused the address for good: no notification email goes to it since'),
    role: z.string(),
    status: z.string(),
    signIn: z.enum(['sso', 'password', 'imported', 'none']),
    externalId: z.string().nullable(),
    createdAt: z.string(),
    approvedCount: z.number().int(),
    rejectedCount: z.number().int(),
  }),
  comments: z.array(
    z.object({
      id: z.uuid(),
      postId: z.string(),
      postTitle: z.string(),
      postUrl: z.string(),
      parentId: z.uuid().nullable(),
      body: z.string(),
      status: z.string(),
      createdAt: z.string(),
      decidedAt: z.string(),
    }),
  ),
  reports: z.array(
    z.object({ commentId: z.uuid(), reason: z.string(), note: z.string().nullable(), createdAt: z.string() }),
  ),
  revisions: z.array(
    z.object({
      commentId: z.uuid(),
      body: z.string(),
      previousBody: z.string().nullable(),
      createdAt: z.string(),
      appliedAt: z.string().nullable(),
      discardedAt: z.string().nullable(),
    }),
  ),
  reactions: z.array(z.object({ commentId: z.uuid(), kind: z.string(), createdAt: z.string() })),
  mutes: z.array(z.object({ userId: z.uuid(), name: z.string(), createdAt: z.string() })),
  notificationSettings: z.object({ email: z.enum(['off', 'immediate', 'daily']) }),
  notifications: z.array(
    z.object({
      kind: z.string(),
      commentId: z.uuid(),
      status: z.string().nullable(),
      createdAt: z.string(),
      readAt: z.string().nullable(),
      emailedAt: z.string().nullable(),
    }),
  ),
  /** DSA: statements of reasons addressed to the reader, notices they sent, appeals they made. */
  statements: z.array(z.looseObject({ id: z.uuid(), restriction: z.string(), automatedDecision: z.boolean() })),
  notices: z.array(z.looseObject({ reference: z.string(), status: z.string() })),
  appeals: z.array(z.looseObject({ id: z.uuid(), status: z.string() })),
});
const erasedSchema = z.object({
  erased: z.literal(true),
  mode: z.enum(['remove', 'anonymize']),
  comments: z.number().int(),
});

const adminAuth = "site admin (on a reader's request)";
const queuesNotCleared = {
  503: {
    description:
      "`unavailable`: the account is erased, but the job queues could not be cleared of its data; a site admin's erasure of it (answered 404) clears them",
    schema: errorSchema,
  },
};
export const dataRightsDocs = [
  route({
    method: 'get',
    path: '/api/v1/me/export',
    tag: "Readers' data",
    auth: 'reader access token',
    summary:
      'Download everything stored about me as JSON: profile, comments and their earlier texts, reports, reactions, mutes, notifications, DSA records',
    responses: {
      200: { description: 'the data', schema: readerDataSchema },
      ...commonErrors,
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/me',
    tag: "Readers' data",
    auth: 'reader access token',
    summary:
      'Delete my account: personal data erased; comments removed or kept as "Deleted user" per the site\'s onAccountDeleted',
    responses: {
      200: { description: 'erased', schema: erasedSchema },
      ...commonErrors,
      ...notFoundError,
      ...queuesNotCleared,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/readers/:userId/data',
    tag: "Readers' data",
    auth: adminAuth,
    summary: "Download a reader's data on their behalf",
    params: readerParams,
    responses: { 200: { description: 'the data', schema: readerDataSchema }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'delete',
    path: '/api/v1/sites/:siteId/readers/:userId/data',
    tag: "Readers' data",
    auth: adminAuth,
    summary: "Delete a reader's account on their behalf",
    params: readerParams,
    responses: {
      200: { description: 'erased', schema: erasedSchema },
      ...commonErrors,
      ...notFoundError,
      ...queuesNotCleared,
    },
  }),
];

function signedInReader(req: Request): { siteId: string; userId: string } {
  const p = req.principal;
  if (p?.kind !== 'user') throw new UnauthorizedError("a reader's access token is required");
  return { siteId: p.siteId, userId: p.userId };
}

/** Readers download or erase their own data; site admins do the same on a reader's request. Every request is logged. */
export function dataRightsRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  const exportFor = async (req: Request, siteId: string, userId: string, requestedBy: string | null) => {
    const base = await readerData(deps.db, siteId, userId);
    if (!base) throw new NotFoundError('reader');
    // Everything they wrote in a notice, and what was decided, is theirs: the text, the name and address given, the
    // comments named and the decision's reasons.
    const notices = await deps.db.query<{
      reference: string;
      category: string;
      explanation: string;
      notifier_name: string;
      notifier_email: string | null;
      comments: string[];
      status: string;
      decision_reason: string | null;
      decided_at: Date | null;
      created_at: Date;
    }>(
      `SELECT n.reference, n.category, n.explanation, n.notifier_name, n.notifier_email, n.status, n.decision_reason,
              n.decided_at, n.created_at,
              ARRAY(SELECT nc.comment_id::text FROM dsa_notice_comments nc
                     WHERE nc.notice_id = n.id ORDER BY nc.comment_id) AS comments
         FROM dsa_notices n WHERE n.site_id = $1 AND n.notifier_id = $2 ORDER BY n.created_at`,
      [siteId, userId],
    );
    const data = {
      ...base,
      statements: (await listUserStatements(deps.db, siteId, userId)).map((s) => statementView(s)),
      notices: notices.rows.map((n) => ({
        reference: n.reference,
        category: n.category,
        explanation: n.explanation,
        name: n.notifier_name,
        email: n.notifier_email,
        comments: n.comments,
        status: n.status,
        decisionReason: n.decision_reason,
        decidedAt: n.decided_at?.toISOString() ?? null,
        createdAt: n.created_at.toISOString(),
      })),
      appeals: (await listUserAppeals(deps.db, siteId, userId)).map(ownAppealView),
    };
    await logDataRequest(deps.db, {
      siteId,
      userId,
      kind: 'export',
      requestedBy,
      detail: { comments: data.comments.length },
    });
    req.log.info({ siteId, userId, requestedBy }, 'reader data exported');
    return data;
  };

  const eraseFor = async (req: Request, siteId: string, userId: string, requestedBy: string | null) => {
    const site = await findSite(deps.db, siteId);
    if (!site) throw new NotFoundError('site');
    const mode = site.settings.onAccountDeleted;
    // A publisher that keeps copies is told to drop the texts, in the erasure's own transaction.
    let queueDeleted = async () => {};
    const done = await eraseReader(deps.db, { siteId, userId, mode, requestedBy }, async (tx, erased) => {
      queueDeleted = await stageDeleted(deps, tx, siteId, erased.removed, 'account_erased');
    });
    if (!done) {
      // Erased before, when the job queues could not be cleared: asking again clears them (and still finds no reader).
      if (await isErasedReader(deps.db, siteId, userId))
        await clearJobs(req, { siteId, userId, mode, notificationIds: [] });
      throw new NotFoundError('reader');
    }
    // Names (anonymize) or comments (remove) changed on these threads: every API process drops its pages.
    await Promise.all(done.postIds.map((postId) => deps.announceThread({ siteId, postId })));
    await queueDeleted().catch((err: unknown) =>
      req.log.warn({ err }, 'comment.deleted not queued; the worker sends it with the stranded deliveries'),
    );
    req.log.info({ siteId, userId, requestedBy, mode, comments: done.comments }, 'reader account erased');
    await clearJobs(req, { siteId, userId, mode, notificationIds: done.notificationIds });
    return { erased: true as const, mode, comments: done.comments };
  };

  /** Their comments' texts and their id leave the job queues too (after the commit: see clearReaderJobs). */
  const clearJobs = async (req: Request, q: Parameters<typeof clearReaderJobs>[1]) => {
    try {
      const cleared = await clearReaderJobs(deps, q);
      req.log.info({ siteId: q.siteId, userId: q.userId, ...cleared }, "erased reader's queued jobs cleared");
    } catch (err) {
      req.log.error({ err, siteId: q.siteId, userId: q.userId }, "erased reader's queued jobs not cleared");
      throw new AppError(
        'unavailable',
        503,
        "the account is erased, but the job queues still hold some of its data; a site admin's erasure of it clears them",
      );
    }
  };

  r.get('/me/export', bearer, async (req, res) => {
    const me = signedInReader(req);
    await consume(deps.limiters, deps.limiters.dataExport, `${me.siteId}:${me.userId}`);
    res.setHeader('Content-Disposition', 'attachment; filename="my-comments-data.json"');
    res.json(await exportFor(req, me.siteId, me.userId, me.userId));
  });

  r.delete('/me', bearer, async (req, res) => {
    const me = signedInReader(req);
    res.json(await eraseFor(req, me.siteId, me.userId, me.userId));
  });

  r.get('/sites/:siteId/readers/:userId/data', bearer, async (req, res) => {
    const { siteId, userId } = parse(readerParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    res.json(await exportFor(req, siteId, userId, admin.userId));
  });

  r.delete('/sites/:siteId/readers/:userId/data', bearer, async (req, res) => {
    const { siteId, userId } = parse(readerParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    const target = await findUser(deps.db, siteId, userId);
    // An admin's account is erased only by its owner (DELETE /me), never by another admin.
    if (target && target.role === 'admin' && target.id !== admin.userId) {
      throw new ForbiddenError('forbidden', "another admin's account can only be erased by its owner");
    }
    res.json(await eraseFor(req, siteId, userId, admin.userId));
  });

  return r;
}
