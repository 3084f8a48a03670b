import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { moderationCompleted } from '../moderation/events.js';
import { uuidSchema } from '#shared/schemas.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { canPost, findUser } from '#shared/db/users.js';
import { withTransaction } from '#shared/db/pool.js';
import { insertReport, REPORT_REASONS } from '#shared/db/reports.js';
import { changeCommentStatus } from '#shared/db/comments.js';
import { insertAudit } from '#shared/db/audit.js';
import { findSite } from '#shared/db/sites.js';
import { countSurgeReport } from '#shared/surge.js';
import { humanStatement, mailStatement, storeStatement } from '#shared/dsa/statements.js';
import { normalizeLine } from '#shared/text.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';

export const reportBody = z.strictObject({
  reason: z.enum(REPORT_REASONS),
  note: z
    .string()
    .max(2000)
    .optional()
    .transform((s) => (s ? normalizeLine(s).slice(0, 500) || null : null)),
});

/**
 * Readers report visible comments. One report per reader per comment; when readers with standing
 * (account age, approved comments, confirmed address: the site's `reportStanding`) reporting it
 * reach the site's threshold, the comment is held for a moderator and leaves the thread.
 * The comment's row is locked while a report is counted, so simultaneous reports cannot all
 * miss the threshold.
 */
/** A reader reports a comment. */
export const reportDocs = [
  route({
    method: 'post',
    path: '/api/v1/comments/:id/reports',
    tag: 'Reports',
    auth: 'a signed-in reader of the site',
    summary: 'Report a visible comment',
    params: z.object({ id: uuidSchema }),
    body: reportBody,
    responses: {
      201: { description: 'reported', schema: z.looseObject({}) },
      ...commonErrors,
      ...notFoundError,
      409: {
        description: '`already_reported` (this text of it: after an edit it may be reported again)',
        schema: errorSchema,
      },
      ...rateLimitedError,
    },
  }),
];

export function reportRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.post('/comments/:id/reports', bearer, async (req, res) => {
    const { id } = parse(z.object({ id: uuidSchema }), req.params, 'path');
    const p = req.principal;
    if (p?.kind !== 'user') throw new UnauthorizedError("a reader's access token is required");
    const input = parse(reportBody, req.body);
    const siteId = p.siteId;
    await consume(deps.limiters, deps.limiters.commentUser, `report:${siteId}:${p.userId}`);
    const site = await findSite(deps.db, siteId);
    if (!site) throw new NotFoundError('site');
    // The token may outlive a ban or an erasure: the reader is read again, as for a comment.
    const reporter = await findUser(deps.db, siteId, p.userId);
    if (!reporter) throw new UnauthorizedError('this account no longer exists');
    if (!canPost(reporter)) throw new ForbiddenError('user_banned', 'this account may not report comments');
    if (!reporter.emailVerified)
      throw new ForbiddenError('email_unverified', 'confirm your email address to report comments');
    const threshold = site.settings.reportThreshold;
    const notifyAt = site.settings.reportNotifyThreshold;

    const outcome = await withTransaction(deps.db, async (tx) => {
      const c = await tx.query<{ author_id: string; status: string; post_id: string }>(
        `SELECT author_id, status, post_id FROM comments WHERE id = $1 AND site_id = $2 AND deleted_at IS NULL FOR UPDATE`,
        [id, siteId],
      );
      const comment = c.rows[0];
      // Readers see approved comments only; anything else is not there for them.
      if (comment?.status !== 'approved') throw new NotFoundError('comment');
      if (comment.author_id === p.userId) throw new AppError('own_comment', 400, 'you cannot report your own comment');
      const counted = await insertReport(tx, {
        siteId,
        commentId: id,
        reporterId: p.userId,
        reason: input.reason,
        note: input.note,
        standing: site.settings.reportStanding,
      });
      if (!counted) throw new ConflictError('already_reported', 'you have reported this comment already');
      // The row lock serialises reports, so exactly one report makes the open count reach the level (a crossing);
      // a moderator's decision closes the reports, and a later crossing notifies again.
      const crossed = notifyAt > 0 && counted.open === notifyAt;
      // Only reporters with standing can take a comment off the thread; the others' reports wait for a moderator.
      if (counted.counted < threshold) return { postId: comment.post_id, open: counted.open, held: false, crossed };
      const detail = `reported by ${counted.counted} readers (${Object.entries(counted.byReason)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')})`;
      const changed = await changeCommentStatus(tx, {
        id,
        siteId,
        status: 'pending',
        reason: { rule: 'reports', detail },
        onlyFrom: ['approved'],
      });
      let auditId: string | null = null;
      if (changed) {
        auditId = await insertAudit(tx, {
          siteId,
          actor: { id: null, name: 'reader reports' },
          action: 'comment.hold',
          commentId: id,
          readerId: changed.authorId,
          before: { status: changed.before },
          after: { status: changed.after },
          reason: detail,
        });
      }
      // DSA Art. 17: the author sees the hold, so it has a statement; readers flagged it, the threshold decided.
      const statement = changed
        ? await storeStatement(
            tx,
            humanStatement({
              // One per hold: a comment approved again and held again by new reports gets a statement of its own.
              sourceKey: `reports:${id}:${auditId}`,
              siteId,
              commentId: id,
              userId: changed.authorId,
              restriction: 'hold',
              facts: "Several readers reported it; it is held until a moderator reviews it against the site's rules.",
              groundDetail: 'held_for_review',
              automatedDetection: false,
              decidedBy: null,
              settings: site.settings,
            }),
          )
        : null;
      return { postId: comment.post_id, open: counted.open, held: changed !== null, crossed, statement };
    });
    if (site.settings.surge.enabled) {
      // A report counts towards the post's surge window; losing one only makes the surge later.
      await countSurgeReport(deps.redis, deps.config.QUEUE_PREFIX, {
        siteId,
        postId: outcome.postId,
        windowSeconds: site.settings.surge.windowSeconds,
      }).catch(() => undefined);
    }
    await mailStatement(deps, outcome.statement ?? null);
    if (outcome.held) {
      await deps.announceThread({ siteId, postId: outcome.postId });
    }
    moderationCompleted(deps, {
      type: 'comment.reported',
      siteId,
      commentId: id,
      reason: input.reason,
      openReports: outcome.open,
      held: outcome.held,
    });
    if (outcome.crossed) {
      moderationCompleted(deps, {
        type: 'comment.report_threshold',
        siteId,
        commentId: id,
        postId: outcome.postId,
        openReports: outcome.open,
        threshold: notifyAt,
        key: `${id}:${p.userId}`,
      });
    }
    res.status(201).json({ report: { commentId: id, reason: input.reason } });
  });

  return r;
}
