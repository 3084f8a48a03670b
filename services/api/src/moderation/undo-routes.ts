import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { ConflictError } from '../http/app-error.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { UNDONE_APPEAL_REASON, UNDO_WINDOW_MS, undoLastAction } from '#shared/moderation-undo.js';
import { appealClosedMail } from '#shared/dsa/texts.js';
import { findUser } from '#shared/db/users.js';
import { findSite } from '#shared/db/sites.js';
import { commonErrors, errorSchema, route } from '../openapi/registry.js';
import { mailStatementWithdrawal } from '#shared/dsa/statements.js';
import { moderationCompleted } from './events.js';
import { staffAuth } from './routes.js';

const siteParams = z.object({ siteId: siteIdSchema });
export const undoBody = z.strictObject({
  commentId: uuidSchema.describe('the comment of the last action, as the moderator saw it'),
});

const REFUSAL = {
  not_last: ['undo_not_last', 'your last action is not a decision on this comment, or it was undone already'],
  expired: ['undo_expired', `an action can be undone for ${UNDO_WINDOW_MS / 1000} seconds`],
  changed: ['undo_conflict', 'the comment changed since your action'],
} as const;

export const undoDocs = [
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/moderation/undo',
    tag: 'Moderation',
    auth: staffAuth,
    summary: `Undo your last approve or reject, within ${UNDO_WINDOW_MS / 1000} seconds`,
    params: siteParams,
    body: undoBody,
    responses: {
      200: {
        description: 'restored',
        schema: z.object({
          comment: z.object({ id: z.uuid(), status: z.string(), previousStatus: z.string() }),
        }),
      },
      ...commonErrors,
      409: { description: '`undo_not_last`, `undo_expired` or `undo_conflict`', schema: errorSchema },
    },
  }),
];

/** A moderator takes back their last decision for a few seconds (server-enforced, audited). */
export function undoRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.post('/sites/:siteId/moderation/undo', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const { commentId } = parse(undoBody, req.body);
    const outcome = await undoLastAction(
      { db: deps.db, announceThread: deps.announceThread },
      { siteId, actor: { id: staff.userId, name: staff.name }, commentId },
    );
    if (!outcome.ok) {
      const [code, message] = REFUSAL[outcome.reason];
      throw new ConflictError(code, message);
    }
    // A statement already mailed for the undone decision: its recipient is told it no longer applies.
    for (const s of outcome.withdrawn) await mailStatementWithdrawal(deps, s);
    // An appeal against a statement never mailed: its appellant is told it is closed, and why.
    const untold = outcome.closedAppeals.filter((a) => !a.statementMailed && a.userId);
    const site = untold.length > 0 && deps.mailer.state === 'configured' ? await findSite(deps.db, siteId) : null;
    for (const a of site ? untold : []) {
      const user = await findUser(deps.db, siteId, a.userId!);
      if (!user?.email) continue;
      await deps.mailer
        .send(appealClosedMail(user.email, { id: a.id }, site!.name, UNDONE_APPEAL_REASON))
        .catch((err: unknown) => req.log.warn({ err }, 'could not mail a closed appeal'));
    }
    moderationCompleted(deps, {
      type: 'comment.moderated',
      siteId,
      commentId,
      action: 'undo',
      before: outcome.before,
      after: outcome.after,
      actorId: staff.userId,
    });
    res.json({ comment: { id: commentId, status: outcome.after, previousStatus: outcome.before } });
  });
  return r;
}
