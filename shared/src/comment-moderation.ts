import type { Pool } from './db/pool.js';
import { withTransaction } from './db/pool.js';
import { changeCommentStatus } from './db/comments.js';
import { insertAudit, type Actor } from './db/audit.js';
import { resolveReports } from './db/reports.js';
import type { ThreadAnnouncer } from './redis.js';
import type { CommentStatus } from './domain.js';
import { recordDecision } from './db/moderation-learning.js';
import { enqueueLearning, type ModerationTask } from './moderation-tasks.js';
import type { Queue } from 'bullmq';
import { notifyDecision, notifyReply } from './db/notifications.js';
import { enqueueNotifications, type NotificationJob } from './notifications/queue.js';
import type { SiteSettings } from './settings.js';
import type { Reason } from './domain.js';
import type { Statement } from './db/dsa-statements.js';
import { automatedDetection, humanStatement, storeStatement } from './dsa/statements.js';

export const COMMENT_ACTIONS = ['approve', 'reject', 'hold'] as const;
export type CommentAction = (typeof COMMENT_ACTIONS)[number];
const STATUS_OF: Record<CommentAction, CommentStatus> = { approve: 'approved', reject: 'rejected', hold: 'pending' };

export interface CommentModeration {
  siteId: string;
  commentId: string;
  action: CommentAction;
  actor: Actor;
  /** The moderator's words, if any (kept in the audit log and the comment's reasons). */
  reason: string | null;
  /** Rule recorded in the comment's reasons; default `moderator`. */
  rule?: string;
  /** Sentence recorded in the comment's reasons; default built from actor, action and reason. */
  detail?: string;
  /** Act only on a comment in one of these statuses (e.g. hold only what is still visible). */
  onlyFrom?: CommentStatus[];
  /** Act only on the text the moderator read: the comment's edit count as it was shown (an edit since leaves it). */
  onlyEditCount?: number;
  /** Made by a bulk action (recorded with the decision: the likely-fine lane's precision leaves these out). */
  bulk?: boolean;
  /** Audit action name; default `comment.<action>`. */
  auditAction?: string;
  /**
   * A moderator's own decision, which readers hear of: the author of a held comment that is approved or
   * rejected, and the author of the comment a newly visible reply answers. The notifications are written in
   * the action's transaction (none lost), then queued for delivery.
   */
  notifyReaders?: boolean;
  /**
   * For a reject or hold on a site with the DSA features on: the site's settings, and the
   * statement of reasons (Art. 17) is stored with the change, naming the moderator's words as facts.
   */
  statement?: {
    settings: Pick<SiteSettings, 'dsa'>;
    /** What the statement says instead of the moderator's review (e.g. the ban that removed the comment). */
    facts?: string;
    groundDetail?: string;
    /** Whether automated means brought the comment up; default: the worker held it on a content rule. */
    automatedDetection?: boolean;
  };
}

export interface ModerationResult {
  before: CommentStatus;
  after: CommentStatus;
  postId: string;
  authorId: string;
  /** The statement of reasons stored with a reject or hold (see `statement`), for the caller to mail. */
  statement?: Statement | null;
}

/** How a moderator's action reads in a comment's reasons ("rejected by Dana: off topic"). */
const PAST_TENSE: Record<CommentModeration['action'], string> = {
  approve: 'approved',
  reject: 'rejected',
  hold: 'held',
};

/**
 * Applies a status change to a comment with its audit entry, in one transaction: the comment's
 * row lock serialises concurrent moderators (the last write wins, every action is logged, the
 * counters move only by what changed). A moderator's approve or reject closes the comment's
 * open reports. Afterwards, when the comment was or became visible, every API process is told
 * to drop the post's cached pages. Null when the comment is not on the site (or not in onlyFrom, or edited since
 * onlyEditCount).
 */
export async function moderateComment(
  deps: {
    db: Pool;
    announceThread: ThreadAnnouncer;
    /** Where the site's adapter is told to learn the decision (absent: the caller learns it itself). */
    tasks?: Queue<ModerationTask>;
    /** Where readers' notifications are queued for delivery (absent or failing: the worker's sweep queues them). */
    notifications?: Queue<NotificationJob>;
  },
  m: CommentModeration,
): Promise<ModerationResult | null> {
  let decisionId: string | null = null;
  const notificationIds: string[] = [];
  const status = STATUS_OF[m.action];
  const detail = m.detail ?? `${PAST_TENSE[m.action]} by ${m.actor.name}${m.reason ? `: ${m.reason}` : ''}`;
  const result = await withTransaction(deps.db, async (tx) => {
    const changed = await changeCommentStatus(tx, {
      id: m.commentId,
      siteId: m.siteId,
      status,
      reason: { rule: m.rule ?? 'moderator', detail },
      onlyFrom: m.onlyFrom,
      onlyEditCount: m.onlyEditCount,
    });
    if (!changed) return null;
    let statement: Statement | null = null;
    if (m.statement && m.action !== 'approve' && changed.before !== changed.after) {
      const prior = await tx.query<{ reasons: Reason[] }>(`SELECT reasons FROM comments WHERE id = $1`, [m.commentId]);
      const reasons = (prior.rows[0]?.reasons ?? []).slice(0, -1);
      statement = await storeStatement(
        tx,
        humanStatement({
          // One per decision: the decision it replaces is named by its time (an edit resets the reasons, so their
          // number does not tell two decisions apart).
          sourceKey: `moderator:${m.commentId}:${changed.before}>${changed.after}:${changed.beforeDecidedAt}`,
          siteId: m.siteId,
          commentId: m.commentId,
          userId: changed.authorId,
          restriction: m.action === 'reject' ? 'removal' : 'hold',
          facts:
            m.statement.facts ??
            (m.reason
              ? `A moderator reviewed it: ${m.reason}`
              : "A moderator reviewed it and found that it breaks the site's rules."),
          groundDetail: m.statement.groundDetail ?? (m.reason ? `site rules: ${m.reason}` : "the site's rules"),
          automatedDetection: m.statement.automatedDetection ?? automatedDetection(changed.before, reasons),
          decidedBy: m.actor.id,
          settings: m.statement.settings,
        }),
      );
    }
    if (m.action !== 'hold') {
      await resolveReports(tx, m.siteId, m.commentId);
      // Every approve or reject is a labeled example for the site's adapter, committed with the action.
      decisionId = await recordDecision(tx, {
        siteId: m.siteId,
        commentId: m.commentId,
        label: m.action === 'reject' ? 1 : 0,
        before: changed.before,
        bulk: m.bulk,
      });
    }
    if (m.notifyReaders && m.action !== 'hold') {
      if (changed.before === 'pending') notificationIds.push(...(await notifyDecision(tx, m.commentId)));
      if (changed.after === 'approved' && changed.before !== 'approved')
        notificationIds.push(...(await notifyReply(tx, m.commentId)));
    }
    await insertAudit(tx, {
      siteId: m.siteId,
      actor: m.actor,
      action: m.auditAction ?? `comment.${m.action}`,
      commentId: m.commentId,
      readerId: changed.authorId,
      // The decision time before the change lets an undo restore the comment exactly.
      before: { status: changed.before, decidedAt: changed.beforeDecidedAt },
      after: { status: changed.after },
      reason: m.reason,
    });
    return { ...changed, statement };
  });
  if (decisionId && deps.tasks) await enqueueLearning(deps.tasks, m.siteId, decisionId);
  if (deps.notifications) await enqueueNotifications(deps.notifications, notificationIds).catch(() => undefined);
  if (result && (result.before === 'approved') !== (result.after === 'approved')) {
    // After the commit; never fails (a retried ban task would skip its event).
    await deps.announceThread({ siteId: m.siteId, postId: result.postId });
  }
  return result;
}
