import { moderationCompleted } from '../moderation/events.js';
import type { PoolClient } from 'pg';
import type { ApiDeps } from '../deps.js';
import { changeCommentStatus } from '#shared/db/comments.js';
import { insertAudit, type Actor } from '#shared/db/audit.js';
import { resolveReports } from '#shared/db/reports.js';
import { automatedDetection, humanStatement, storeStatement } from '#shared/dsa/statements.js';
import type { Statement } from '#shared/db/dsa-statements.js';
import type { Notice } from '#shared/db/dsa-notices.js';
import type { CommentStatus, Reason } from '#shared/domain.js';
import type { SiteSettings } from '#shared/settings.js';

/**
 * Removes the comments a notice names (those still visible or held), each with its audit entry
 * and a statement of reasons to its author, in the caller's transaction. Returns the posts whose
 * threads changed, the statements made and the comments' changes, for the caller to announce, mail and send to the
 * site's webhooks (`commentsChanged`) after the commit.
 */
export async function removeNoticedComments(
  tx: PoolClient,
  o: {
    notice: Notice;
    actor: Actor & { id: string };
    reason: string;
    ground: Statement['ground'];
    manifestlyIllegal: boolean;
    settings: SiteSettings;
    /** Part of each statement's key: the notice's decision, or an appeal's. */
    via: string;
  },
): Promise<{ posts: Set<string>; statements: Statement[]; changes: CommentChange[] }> {
  const posts = new Set<string>();
  const statements: Statement[] = [];
  const changes: CommentChange[] = [];
  const categoryLabel = o.settings.dsa.categories.find((c) => c.id === o.notice.category)?.label ?? o.notice.category;
  for (const c of o.notice.comments) {
    const before = await tx.query<{ status: CommentStatus; reasons: Reason[] }>(
      `SELECT status, reasons FROM comments WHERE id = $1 AND site_id = $2`,
      [c.id, o.notice.siteId],
    );
    const was = before.rows[0];
    const changed = await changeCommentStatus(tx, {
      id: c.id,
      siteId: o.notice.siteId,
      status: 'rejected',
      reason: { rule: 'dsa_notice', detail: `removed by ${o.actor.name} on notice ${o.notice.reference}: ${o.reason}` },
      onlyFrom: ['approved', 'pending'],
    });
    if (!changed || !was) continue;
    await resolveReports(tx, o.notice.siteId, c.id);
    await insertAudit(tx, {
      siteId: o.notice.siteId,
      actor: o.actor,
      action: 'comment.reject',
      commentId: c.id,
      readerId: changed.authorId,
      before: { status: changed.before },
      after: { status: changed.after, notice: o.notice.reference },
      reason: o.reason,
    });
    if (changed.before === 'approved') posts.add(changed.postId);
    changes.push({ commentId: c.id, action: 'reject', before: changed.before, after: changed.after });
    const s = await storeStatement(
      tx,
      humanStatement({
        sourceKey: `${o.via}:${c.id}`,
        siteId: o.notice.siteId,
        commentId: c.id,
        userId: changed.authorId,
        restriction: 'removal',
        facts: `A notice (${o.notice.trusted ? 'from a trusted flagger' : 'from a reader'}) reported it as ${categoryLabel}. ${o.reason}`,
        ground: o.ground,
        groundDetail: o.ground === 'illegal_content' ? categoryLabel : "the site's rules",
        category: o.notice.category,
        source: o.notice.trusted ? 'trusted_flagger' : 'notice',
        automatedDetection: automatedDetection(was.status, was.reasons),
        decidedBy: o.actor.id,
        noticeId: o.notice.id,
        manifestlyIllegal: o.manifestlyIllegal,
        settings: o.settings,
      }),
    );
    if (s) statements.push(s);
  }
  return { posts, statements, changes };
}

/** A comment's status as a DSA decision changed it, for the site's webhooks. */
export interface CommentChange {
  commentId: string;
  action: 'approve' | 'reject';
  before: CommentStatus;
  after: CommentStatus;
}

/** Sends each change to the site's webhooks as a moderator's decision (`comment.approved|rejected`, by the moderator). */
export function commentsChanged(
  deps: Pick<ApiDeps, 'logger' | 'events'>,
  siteId: string,
  actorId: string,
  changes: readonly CommentChange[],
): void {
  for (const c of changes)
    moderationCompleted(deps, {
      type: 'comment.moderated',
      siteId,
      commentId: c.commentId,
      action: c.action,
      before: c.before,
      after: c.after,
      actorId,
    });
}

export async function announcePosts(deps: Pick<ApiDeps, 'announceThread'>, siteId: string, posts: Iterable<string>) {
  for (const postId of posts) await deps.announceThread({ siteId, postId });
}
