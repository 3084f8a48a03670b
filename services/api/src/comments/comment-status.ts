import type { Request } from 'express';
import type { ApiDeps } from '../deps.js';
import { NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { findComment } from '#shared/db/comments.js';
import { findOwnComment } from '#shared/db/comment-edits.js';
import { findUser } from '#shared/db/users.js';
import { needsTotpEnrolment } from '#shared/db/staff-totp.js';
import { commentJobId } from '#shared/queues.js';
import { renderBody } from './render.js';
import type { Reason, ScoredBy } from '#shared/domain.js';
import { authorReason, type AuthorReason } from '../moderation/reason-categories.js';
import { currentCommentStatement } from '#shared/db/dsa-statements.js';
import { findAppealOfStatement } from '#shared/db/dsa-appeals.js';
import { statementView, type StatementView } from '../dsa/views.js';

/** The statement in force for a comment that is not published (null for a published one). */
async function statementOf(deps: ApiDeps, siteId: string, id: string, status: string): Promise<StatementView | null> {
  if (status === 'approved') return null;
  const s = await currentCommentStatement(deps.db, siteId, id);
  return s ? statementView(s, await findAppealOfStatement(deps.db, siteId, s.id)) : null;
}

export interface CommentStatusView {
  id: string;
  siteId: string;
  postId: string;
  parentId: string | null;
  status: 'queued' | 'approved' | 'pending' | 'rejected';
  body: string;
  bodyHtml: string;
  createdAt: string;
  decidedAt: string | null;
  /** When its author last edited it; absent while it is queued. */
  editedAt?: string | null;
  /** Applied edits: the comment's version, its ETag for If-Match. */
  editCount?: number;
  /** An edit sent and not decided yet (the text above is the one shown until then). */
  editPending?: boolean;
  /** For the author: why it is not (yet) published, as a category and a sentence. */
  reason: AuthorReason | null;
  /** DSA Art. 17: the statement of reasons in force for a held or removed comment (with its appeal, if any). */
  statement?: StatementView | null;
  /** For the site's moderators only: the full decision. */
  decision?: {
    reasons: Reason[];
    scores: Record<string, number>;
    scoredBy: ScoredBy[];
    settingsVersion: number | null;
  };
}

/**
 * A comment's state for its author or the site's moderators, including while it is still
 * in the queue. Anyone else gets a 404, so ids do not reveal held or rejected comments.
 */
export async function commentStatus(deps: ApiDeps, req: Request, id: string): Promise<CommentStatusView> {
  const p = req.principal;
  if (p?.kind !== 'user') throw new UnauthorizedError("a reader's access token is required");
  // Staff access is decided on the database's role and status, not the token's (a demotion or a ban applies at once).
  let staff: boolean | null = null;
  const isStaff = async () => {
    if (staff === null) {
      // A widget's token (readable by the publisher's page) shows staff only what any reader sees.
      if (!p.moderation) return (staff = false);
      const u = await findUser(deps.db, p.siteId, p.userId);
      staff = u !== null && u.status === 'active' && (u.role === 'moderator' || u.role === 'admin');
      // Staff who must still enrol in two-factor sign-in see only what any reader sees.
      if (staff) staff = !(await needsTotpEnrolment(deps.db, p.siteId, p.userId));
    }
    return staff;
  };
  const mayView = async (siteId: string, authorId: string) =>
    p.siteId === siteId && (p.userId === authorId || (await isStaff()));

  const stored = await findComment(deps.db, id);
  if (stored) {
    if (stored.deleted || !(await mayView(stored.siteId, stored.authorId))) throw new NotFoundError('comment');
    const own = await findOwnComment(deps.db, id);
    return {
      id: stored.id,
      siteId: stored.siteId,
      postId: stored.postId,
      parentId: stored.parentId,
      status: stored.status,
      body: stored.body,
      bodyHtml: renderBody(stored.body),
      createdAt: stored.createdAt.toISOString(),
      decidedAt: stored.decidedAt.toISOString(),
      editedAt: stored.editedAt?.toISOString() ?? null,
      editCount: stored.editCount,
      editPending: own?.pendingEditId != null,
      reason: authorReason(stored.status, stored.reasons),
      statement: await statementOf(deps, stored.siteId, stored.id, stored.status),
      ...((await isStaff())
        ? {
            decision: {
              reasons: stored.reasons,
              scores: stored.scores,
              scoredBy: stored.scoredBy,
              settingsVersion: stored.settingsVersion,
            },
          }
        : {}),
    };
  }
  const job = await deps.queue.getJob(commentJobId(id));
  if (!job || !(await mayView(job.data.siteId, job.data.authorId))) throw new NotFoundError('comment');
  const d = job.data;
  return {
    id: d.commentId,
    siteId: d.siteId,
    postId: d.postId,
    parentId: d.parentId,
    status: 'queued',
    body: d.body,
    bodyHtml: renderBody(d.body),
    createdAt: d.acceptedAt,
    decidedAt: null,
    reason: null,
  };
}
