import { Router, type RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { clientKey } from '../http/client-key.js';
import { staffOf, userOf } from '../auth/guards.js';
import { staffAuth } from '../moderation/routes.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { withTransaction } from '#shared/db/pool.js';
import { findUser } from '#shared/db/users.js';
import { changeCommentStatus } from '#shared/db/comments.js';
import { resolveReports } from '#shared/db/reports.js';
import { recordDecision, withdrawDecisions } from '#shared/db/moderation-learning.js';
import { enqueueLearning } from '#shared/moderation-tasks.js';
import { changeStanding } from '#shared/db/reader-moderation.js';
import { insertAudit } from '#shared/db/audit.js';
import { findStatement, markStatementReversed, stillInForce, type Statement } from '#shared/db/dsa-statements.js';
import { findNotice } from '#shared/db/dsa-notices.js';
import { decideAppeal, findAppeal, insertAppeal, listAppeals, type Appeal } from '#shared/db/dsa-appeals.js';
import { mailStatement } from '#shared/dsa/statements.js';
import { appealOutcomeMail } from '#shared/dsa/texts.js';
import { normalizeBody, normalizeLine } from '#shared/text.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';
import { announceUserChange } from '../auth/user-changes.js';
import { announcePosts, type CommentChange, commentsChanged, removeNoticedComments } from './actions.js';
import { dsaSite, hashCode } from './notice-routes.js';
import { appealView, ownAppealView, statementView } from './views.js';

const siteParams = z.object({ siteId: siteIdSchema });
const explanation = z
  .string()
  .max(10_000)
  .transform(normalizeBody)
  .pipe(z.string().min(1, 'say why the decision is wrong').max(5000));

export const appealBody = z.union([
  z.strictObject({ statementId: uuidSchema, explanation }),
  z.strictObject({
    noticeReference: z.string().regex(/^N-[A-Z0-9]{12}$/, 'the reference from the receipt, N- and 12 characters'),
    appealCode: z.string().max(100).optional(),
    explanation,
  }),
]);

export const appealDecisionBody = z.strictObject({
  outcome: z.enum(['upheld', 'reversed']),
  reason: z.string().max(2000).transform(normalizeLine).pipe(z.string().min(1, 'a reason is required').max(1000)),
});

const appealQuery = z.object({
  status: z.enum(['open', 'upheld', 'reversed']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
const appealSchema = z.looseObject({ id: z.uuid(), status: z.string(), appellant: z.string() });
const SIX_MONTHS_MS = 183 * 86_400_000;

export const appealDocs = [
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/appeals',
    tag: 'DSA',
    auth: "the statement's recipient (reader token); a notice's notifier (their token, or the code from the receipt)",
    summary: 'Appeal a decision within six months (DSA Art. 20)',
    params: siteParams,
    body: appealBody,
    responses: {
      201: { description: 'appealed', schema: z.object({ appeal: appealSchema }) },
      ...commonErrors,
      ...notFoundError,
      409: {
        description: '`already_appealed`, `appeal_window_closed`, `not_decided`, `nothing_to_appeal`',
        schema: errorSchema,
      },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/appeals',
    tag: 'DSA',
    auth: staffAuth,
    summary: 'The appeals queue, oldest first, each with the decision appealed',
    params: siteParams,
    query: appealQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.object({ items: z.array(appealSchema), nextOffset: z.number().nullable() }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/moderation/appeals/:appealId/decision',
    tag: 'DSA',
    auth: `${staffAuth}, who did not take the decision appealed`,
    summary: 'Decide an appeal: uphold the decision or reverse it (restoring the comment or the account)',
    params: siteParams.extend({ appealId: uuidSchema }),
    body: appealDecisionBody,
    responses: {
      200: { description: 'decided; the appellant is told', schema: z.object({ appeal: appealSchema }) },
      ...commonErrors,
      ...notFoundError,
      409: { description: '`already_decided`', schema: errorSchema },
    },
  }),
];

const sameCode = (code: string, hash: Buffer) => {
  const h = hashCode(code);
  return h.length === hash.length && timingSafeEqual(h, hash);
};

export function appealRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  const optionalBearer: RequestHandler = (req, res, next) =>
    req.headers.authorization ? bearer(req, res, next) : next();

  r.post('/sites/:siteId/appeals', optionalBearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const user = req.principal ? userOf(req, siteId) : null;
    const body = parse(appealBody, req.body);
    await consume(deps.limiters, deps.limiters.appeal, `ip:${siteId}:${clientKey(req.ip)}`);
    await dsaSite(deps, siteId);
    let appeal: Appeal | null;
    if ('statementId' in body) {
      if (!user) throw new UnauthorizedError("the statement's recipient must sign in to appeal it");
      await consume(deps.limiters, deps.limiters.appeal, `u:${siteId}:${user.userId}`);
      const s = await findStatement(deps.db, siteId, body.statementId);
      // Someone else's statement is not there for this reader.
      if (s?.userId !== user.userId) throw new NotFoundError('statement');
      if (s.reversedAt) throw new ConflictError('nothing_to_appeal', 'this decision was reversed already');
      if (s.appealUntil.getTime() < Date.now())
        throw new ConflictError('appeal_window_closed', 'the six months to appeal this decision have passed');
      appeal = await insertAppeal(deps.db, {
        siteId,
        statementId: s.id,
        noticeId: null,
        appellant: 'author',
        appellantId: user.userId,
        explanation: body.explanation,
        firstDecider: s.decidedBy,
      });
    } else {
      const n = await findNotice(deps.db, siteId, { reference: body.noticeReference });
      const mayAppeal =
        n !== null &&
        ((user !== null && n.notifierId === user.userId) ||
          (body.appealCode !== undefined && sameCode(body.appealCode, n.appealCodeHash)));
      if (!n || !mayAppeal) throw new NotFoundError('notice');
      await consume(deps.limiters, deps.limiters.appeal, `n:${siteId}:${n.id}`);
      if (n.status === 'open') throw new ConflictError('not_decided', 'this notice has not been decided yet');
      if (n.status === 'actioned')
        throw new ConflictError('nothing_to_appeal', 'the comments were removed as you asked');
      if ((n.decidedAt?.getTime() ?? 0) + SIX_MONTHS_MS < Date.now())
        throw new ConflictError('appeal_window_closed', 'the six months to appeal this decision have passed');
      appeal = await insertAppeal(deps.db, {
        siteId,
        statementId: null,
        noticeId: n.id,
        appellant: 'notifier',
        appellantId: n.notifierId,
        explanation: body.explanation,
        firstDecider: n.decidedBy,
      });
    }
    if (!appeal) throw new ConflictError('already_appealed', 'this decision has been appealed already');
    res.status(201).json({ appeal: ownAppealView(appeal) });
  });

  r.get('/sites/:siteId/moderation/appeals', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    await dsaSite(deps, siteId);
    const q = parse(appealQuery, req.query, 'query');
    const rows = await listAppeals(deps.db, { siteId, status: q.status, limit: q.limit, offset: q.offset });
    const items = [];
    for (const a of rows.slice(0, q.limit)) {
      const statement = a.statementId ? await findStatement(deps.db, siteId, a.statementId) : null;
      const notice = a.noticeId ? await findNotice(deps.db, siteId, { id: a.noticeId }) : null;
      items.push({
        ...appealView(a),
        statement: statement ? statementView(statement) : null,
        notice: notice
          ? {
              id: notice.id,
              reference: notice.reference,
              category: notice.category,
              explanation: notice.explanation,
              decisionReason: notice.decisionReason,
              comments: notice.comments,
            }
          : null,
      });
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items, nextOffset: rows.length > q.limit ? q.offset + q.limit : null });
  });

  r.post('/sites/:siteId/moderation/appeals/:appealId/decision', bearer, async (req, res) => {
    const { siteId, appealId } = parse(siteParams.extend({ appealId: uuidSchema }), req.params, 'path');
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const body = parse(appealDecisionBody, req.body);
    const site = await dsaSite(deps, siteId);
    const actor = { id: staff.userId, name: staff.name };
    const reversed = body.outcome === 'reversed';
    const done = await withTransaction(deps.db, async (tx) => {
      const appeal = await findAppeal(tx, siteId, appealId, true);
      if (!appeal) throw new NotFoundError('appeal');
      if (appeal.status !== 'open')
        throw new ConflictError('already_decided', `this appeal was decided (${appeal.status})`);
      // Art. 20(6): not decided solely by automated means, and here never by who took the first decision.
      if (appeal.firstDecider === staff.userId)
        throw new ForbiddenError(
          'same_decider',
          'an appeal is decided by someone who did not take the decision appealed',
        );
      await decideAppeal(tx, {
        siteId,
        id: appealId,
        status: body.outcome,
        decidedBy: staff.userId,
        reason: body.reason,
      });
      const posts = new Set<string>();
      let decisionId: string | null = null;
      // The comment the appealed statement is about: the decision is on its record, so a moderator's undo of an
      // earlier action on it sees that something happened since.
      let appealedComment: string | null = null;
      let statements: Statement[] = [];
      const changes: CommentChange[] = [];
      let restoredUser: string | null = null;
      let email: string | null = null;
      if (appeal.statementId) {
        const s = await findStatement(tx, siteId, appeal.statementId);
        if (!s) throw new NotFoundError('statement');
        appealedComment = s.commentId;
        email = s.userId ? ((await findUser(tx, siteId, s.userId))?.email ?? null) : null;
        if (reversed) {
          await markStatementReversed(tx, siteId, s.id);
          if (s.commentId && (s.restriction === 'removal' || s.restriction === 'hold')) {
            const inForce = await stillInForce(tx, siteId, s);
            const changed =
              inForce &&
              (await changeCommentStatus(tx, {
                id: s.commentId,
                siteId,
                status: 'approved',
                reason: { rule: 'dsa_appeal', detail: `restored by ${staff.name} on appeal: ${body.reason}` },
                // Only what this statement did is undone: a hold while the comment is still held, a removal while it is
                // still removed. A comment removed since its hold (a later decision, with its own statement) stays so.
                onlyFrom: [s.restriction === 'hold' ? 'pending' : 'rejected'],
              }));
            if (changed) {
              posts.add(changed.postId);
              changes.push({ commentId: s.commentId, action: 'approve', before: changed.before, after: changed.after });
              // As a moderator's approval: the reports that held it are closed, and the site's adapter learns the
              // approval in place of a removal that no longer stands.
              await resolveReports(tx, siteId, s.commentId);
              await withdrawDecisions(tx, { siteId, commentId: s.commentId, label: 1 });
              decisionId = await recordDecision(tx, {
                siteId,
                commentId: s.commentId,
                label: 0,
                before: changed.before,
              });
              await insertAudit(tx, {
                siteId,
                actor,
                action: 'comment.approve',
                commentId: s.commentId,
                readerId: changed.authorId,
                before: { status: changed.before },
                after: { status: changed.after, appeal: appealId },
                reason: body.reason,
              });
            }
          } else if (
            s.userId &&
            (s.restriction === 'suspension' || s.restriction === 'ban') &&
            (await stillInForce(tx, siteId, s))
          ) {
            const changed = await changeStanding(tx, {
              siteId,
              userId: s.userId,
              status: 'active',
              suspendedUntil: null,
            });
            if (changed) {
              restoredUser = s.userId;
              await insertAudit(tx, {
                siteId,
                actor,
                action: 'reader.unban',
                readerId: s.userId,
                before: changed.before,
                after: changed.after,
                reason: `appeal ${appealId}: ${body.reason}`,
              });
            }
          }
        }
      } else if (appeal.noticeId) {
        const notice = await findNotice(tx, siteId, { id: appeal.noticeId }, true);
        if (!notice) throw new NotFoundError('notice');
        email = notice.notifierEmail;
        if (reversed) {
          await tx.query(
            `UPDATE dsa_notices SET status = 'actioned', manifestly_unfounded = false, actioned_at = now()
              WHERE site_id = $1 AND id = $2`,
            [siteId, notice.id],
          );
          const removed = await removeNoticedComments(tx, {
            notice,
            actor,
            reason: body.reason,
            ground: 'illegal_content',
            manifestlyIllegal: false,
            settings: site.settings,
            via: `appeal:${appealId}`,
          });
          for (const p of removed.posts) posts.add(p);
          statements = removed.statements;
          changes.push(...removed.changes);
        }
      }
      await insertAudit(tx, {
        siteId,
        actor,
        action: `dsa.appeal_${body.outcome}`,
        commentId: appealedComment,
        readerId: appeal.appellantId,
        before: { status: 'open' },
        after: { status: body.outcome, appeal: appealId },
        reason: body.reason,
      });
      return { posts, statements, restoredUser, email, changes, decisionId };
    });
    if (done.decisionId) await enqueueLearning(deps.tasks, siteId, done.decisionId);
    // Reversals restore the comment: the threads are told, as for any decision.
    await announcePosts(deps, siteId, done.posts);
    commentsChanged(deps, siteId, staff.userId, done.changes);
    if (done.restoredUser) await announceUserChange(deps, siteId, done.restoredUser);
    for (const s of done.statements) await mailStatement(deps, s);
    if (done.email && deps.mailer.state === 'configured') {
      await deps.mailer
        .send(
          appealOutcomeMail(done.email, { id: appealId, reversed, reason: body.reason }, site.name, site.settings.dsa),
        )
        .catch((err: unknown) => req.log.warn({ err }, 'could not mail an appeal outcome'));
    }
    const fresh = await findAppeal(deps.db, siteId, appealId);
    res.json({ appeal: fresh ? appealView(fresh) : null });
  });

  return r;
}
