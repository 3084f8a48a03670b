import type { Pool } from './db/pool.js';
import { withTransaction } from './db/pool.js';
import { changeCommentStatus } from './db/comments.js';
import { insertAudit, type Actor } from './db/audit.js';
import type { ThreadAnnouncer } from './redis.js';
import type { CommentStatus } from './domain.js';
import {
  STATEMENT_COLS,
  STATEMENT_MAIL_LEASE_MS,
  toStatement,
  type Statement,
  type StatementRow,
} from './db/dsa-statements.js';

/** How long after a decision its moderator may take it back. */
export const UNDO_WINDOW_MS = 10_000;
/** The actions an undo takes back: a moderator's approve or reject of one comment. */
const UNDOABLE = ['comment.approve', 'comment.reject'];
/** The decision an appeal reads when the moderator took back what it contested. */
export const UNDONE_APPEAL_REASON = 'The moderator withdrew the decision you appealed, so it no longer applies.';

export type UndoOutcome =
  | {
      ok: true;
      before: CommentStatus;
      after: CommentStatus;
      postId: string;
      undoneId: string;
      /** Statements of reasons the action made that were mailed (or being mailed): now withdrawn, a correction is due. */
      withdrawn: Statement[];
      /**
       * Appeals against the undone decision, closed in the appellant's favour; one whose statement was never mailed
       * gets no correction, so its appellant is told by the caller.
       */
      closedAppeals: { id: string; userId: string | null; statementMailed: boolean }[];
    }
  /** The caller's last action is not a decision on this comment (or was undone already). */
  | { ok: false; reason: 'not_last' }
  /** The window passed. */
  | { ok: false; reason: 'expired' }
  /** Someone (or something) acted on the comment since. */
  | { ok: false; reason: 'changed' };

interface LastAction {
  id: string;
  action: string;
  comment_id: string | null;
  before: { status?: CommentStatus; decidedAt?: string } | null;
  after: { status?: CommentStatus } | null;
  fresh: boolean;
}

/**
 * Takes back a moderator's last action (approve or reject of `commentId`) within UNDO_WINDOW_MS,
 * measured by the database's clock, and restores the comment as it was: status, reasons and
 * decision time, every counter (through the same status change), the reports the action closed,
 * the labeled example it recorded (unless already learned) and its statement of reasons (deleted
 * while unsent and unclaimed; else withdrawn, and returned for the caller to mail the correction
 * after the commit — the worker's sweep sends it if the caller does not). One transaction, with the
 * caller's last audit entry and the comment row locked; audited as `comment.undo`. Afterwards,
 * when visibility changed, every API process is told to drop the post's cached pages.
 */
export async function undoLastAction(
  deps: { db: Pool; announceThread: ThreadAnnouncer },
  u: { siteId: string; actor: Actor & { id: string }; commentId: string },
): Promise<UndoOutcome> {
  const outcome = await withTransaction(deps.db, async (tx): Promise<UndoOutcome> => {
    const last = await tx.query<LastAction>(
      `SELECT id, action, comment_id, before, after,
              created_at >= now() - make_interval(secs => $3::float8 / 1000) AS fresh
         FROM audit_log WHERE site_id = $1 AND actor_id = $2
        ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      [u.siteId, u.actor.id, UNDO_WINDOW_MS],
    );
    const entry = last.rows[0];
    const before = entry?.before?.status;
    const after = entry?.after?.status;
    // Only a decision from the queues records the time it replaced; a notice's decision (DSA) is not undone here.
    if (
      !entry ||
      !UNDOABLE.includes(entry.action) ||
      entry.comment_id !== u.commentId ||
      !before ||
      !after ||
      !entry.before?.decidedAt
    )
      return { ok: false, reason: 'not_last' };
    if (!entry.fresh) return { ok: false, reason: 'expired' };
    const current = await tx.query<{ status: CommentStatus; later: boolean }>(
      // Something done to it since: a later audited action, or an edit of its author applied after the action (when
      // it was applied: an edit sent before the action may be applied after it).
      `SELECT c.status, EXISTS (SELECT 1 FROM audit_log a WHERE a.site_id = $2 AND a.comment_id = c.id AND a.id > $3)
              OR EXISTS (SELECT 1 FROM comment_revisions r
                          WHERE r.comment_id = c.id
                            AND r.applied_at > (SELECT created_at FROM audit_log WHERE site_id = $2 AND id = $3)) AS later
         FROM comments c WHERE c.id = $1 AND c.site_id = $2 FOR UPDATE`,
      [u.commentId, u.siteId, entry.id],
    );
    const row = current.rows[0];
    if (!row || row.status !== after || row.later) return { ok: false, reason: 'changed' };
    const changed = await changeCommentStatus(tx, {
      id: u.commentId,
      siteId: u.siteId,
      status: before,
      reason: { rule: 'moderator', detail: 'undone' },
    });
    if (!changed) return { ok: false, reason: 'changed' };
    // The action appended one reason and this change another: both go, and the decision time comes back.
    await tx.query(
      `UPDATE comments SET reasons = (reasons - (-1)) - (-1), decided_at = coalesce($3::timestamptz, decided_at)
        WHERE id = $1 AND site_id = $2`,
      [u.commentId, u.siteId, entry.before?.decidedAt ?? null],
    );
    // Reports and the labeled example the action wrote carry its transaction's time, as its audit entry
    // does (compared in SQL: a JavaScript Date would drop the microseconds).
    const actionTime = `(SELECT created_at FROM audit_log WHERE site_id = $1 AND id = $3)`;
    await tx.query(
      `UPDATE reports SET resolved_at = NULL WHERE site_id = $1 AND comment_id = $2 AND resolved_at = ${actionTime}`,
      [u.siteId, u.commentId, entry.id],
    );
    // The decision it recorded: gone if the adapter has not learned it yet; otherwise it stays learned but voided,
    // and stops counting in the lane's precision and the scorers' agreement.
    await tx.query(
      `DELETE FROM moderation_decisions
        WHERE site_id = $1 AND comment_id = $2 AND decided_at = ${actionTime} AND learned_at IS NULL`,
      [u.siteId, u.commentId, entry.id],
    );
    await tx.query(
      `UPDATE moderation_decisions SET voided_at = now()
        WHERE site_id = $1 AND comment_id = $2 AND decided_at = ${actionTime} AND voided_at IS NULL`,
      [u.siteId, u.commentId, entry.id],
    );
    // The statement of reasons the action made: gone while no one has mailed it or is mailing it and no one has
    // appealed it; otherwise it stays on record, reversed and withdrawn (its key freed, so a later decision on the
    // comment gets its own statement), and its recipient is owed a correction.
    await tx.query(
      `DELETE FROM dsa_statements s
        WHERE s.site_id = $1 AND s.comment_id = $2 AND s.created_at = ${actionTime} AND s.mailed_at IS NULL
          AND (s.mail_claimed_at IS NULL OR s.mail_claimed_at < now() - make_interval(secs => ${STATEMENT_MAIL_LEASE_MS / 1000}))
          AND NOT EXISTS (SELECT 1 FROM dsa_appeals a WHERE a.site_id = s.site_id AND a.statement_id = s.id)`,
      [u.siteId, u.commentId, entry.id],
    );
    const withdrawn = await tx.query<StatementRow>(
      `UPDATE dsa_statements SET reversed_at = now(), withdrawn_at = now(), source_key = source_key || ':undone:' || $3
        WHERE site_id = $1 AND comment_id = $2 AND created_at = ${actionTime}
        RETURNING ${STATEMENT_COLS}`,
      [u.siteId, u.commentId, entry.id],
    );
    // An appeal filed against it in the meantime is kept (Art. 20 complaints are records) and closed in the
    // appellant's favour: the decision it contests no longer stands. No one decided it (the moderator who undid took
    // the decision appealed), so it has no decider.
    const closed = await tx.query<{ id: string; user_id: string | null; unmailed: boolean }>(
      `UPDATE dsa_appeals a SET status = 'reversed', decided_by = NULL, decided_at = now(), decision_reason = $2
         FROM dsa_statements s
        WHERE a.site_id = $1 AND a.status = 'open' AND a.statement_id = ANY($3::uuid[]) AND s.id = a.statement_id
        RETURNING a.id, s.user_id, s.mailed_at IS NULL AS unmailed`,
      [u.siteId, UNDONE_APPEAL_REASON, withdrawn.rows.map((s) => s.id)],
    );
    await insertAudit(tx, {
      siteId: u.siteId,
      actor: u.actor,
      action: 'comment.undo',
      commentId: u.commentId,
      readerId: changed.authorId,
      before: { status: after },
      after: { status: before },
      reason: `undoes ${entry.action} ${entry.id}`,
    });
    return {
      ok: true,
      before: after,
      after: before,
      postId: changed.postId,
      undoneId: entry.id,
      withdrawn: withdrawn.rows.map(toStatement),
      closedAppeals: closed.rows.map((a) => ({ id: a.id, userId: a.user_id, statementMailed: !a.unmailed })),
    };
  });
  if (outcome.ok && (outcome.before === 'approved') !== (outcome.after === 'approved')) {
    await deps.announceThread({ siteId: u.siteId, postId: outcome.postId });
  }
  return outcome;
}
