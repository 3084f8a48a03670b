import type { Queryable } from './pool.js';
import type { CommentStatus, Reason } from '../domain.js';
import { STATEMENT_COLS, toStatement, type Statement, type StatementRow } from './dsa-statements.js';
import { findAppealOfStatement, findAppealsOfStatements, type Appeal } from './dsa-appeals.js';
import { canPost } from './users.js';
import type { User } from '../domain.js';

/** One of a reader's own comments that readers do not see: held for review, or not published. */
export interface OwnUnpublished {
  id: string;
  parentId: string | null;
  status: Extract<CommentStatus, 'pending' | 'rejected'>;
  body: string;
  reasons: Reason[];
  createdAt: Date;
  /** The statement of reasons in force (newest not reversed), with its appeal. */
  statement: { statement: Statement; appeal: Appeal | null } | null;
}

/**
 * A reader's own held and rejected comments on one post, newest first, each with its statement of
 * reasons in force: what the widget shows its author alone when they come back. Every query names
 * the site and the author, so nothing of another reader or another site is ever read. Three round
 * trips whatever the number of comments (comments_author, then the statements by comment).
 */
export async function listOwnUnpublished(
  db: Queryable,
  q: { siteId: string; postId: string; userId: string; limit: number },
): Promise<OwnUnpublished[]> {
  const comments = await db.query<{
    id: string;
    parent_id: string | null;
    status: 'pending' | 'rejected';
    body: string;
    reasons: Reason[];
    created_at: Date;
  }>(
    `SELECT id, parent_id, status, body, reasons, created_at FROM comments
      WHERE author_id = $3 AND site_id = $1 AND post_id = $2 AND status IN ('pending', 'rejected') AND deleted_at IS NULL
      ORDER BY id DESC LIMIT $4`,
    [q.siteId, q.postId, q.userId, q.limit],
  );
  const ids = comments.rows.map((c) => c.id);
  const statements =
    ids.length === 0
      ? []
      : (
          await db.query<StatementRow>(
            `SELECT DISTINCT ON (comment_id) ${STATEMENT_COLS} FROM dsa_statements
              WHERE site_id = $1 AND user_id = $2 AND comment_id = ANY($3::uuid[]) AND reversed_at IS NULL
              ORDER BY comment_id, created_at DESC, id DESC`,
            [q.siteId, q.userId, ids],
          )
        ).rows.map(toStatement);
  const appeals = await findAppealsOfStatements(
    db,
    q.siteId,
    statements.map((s) => s.id),
  );
  const byComment = new Map(statements.map((s) => [s.commentId, s]));
  return comments.rows.map((c) => {
    const s = byComment.get(c.id);
    return {
      id: c.id,
      parentId: c.parent_id,
      status: c.status,
      body: c.body,
      reasons: c.reasons,
      createdAt: c.created_at,
      statement: s ? { statement: s, appeal: appeals.get(s.id) ?? null } : null,
    };
  });
}

/** A reader's account restriction in force, as they are shown it: a ban or a running suspension. */
export interface OwnStanding {
  status: 'suspended' | 'banned';
  /** When a suspension ends; null for a ban. */
  until: Date | null;
  /** The statement of reasons of the restriction in force (newest not reversed nor withdrawn), with its appeal. */
  statement: { statement: Statement; appeal: Appeal | null } | null;
}

/**
 * The signed-in reader's own restriction, if any, with the statement to appeal (DSA Art. 17 and 20): a banned
 * or suspended reader finds it in the widget, where the statement's mail says the appeal is made. Null for an
 * account that may post (then nothing is read: the caller has the account, from its cached look-ups).
 */
export async function findOwnStanding(
  db: Queryable,
  q: { siteId: string; user: Pick<User, 'id' | 'status' | 'suspendedUntil'> | null },
  now = new Date(),
): Promise<OwnStanding | null> {
  const user = q.user;
  if (!user || user.status === 'active' || canPost(user, now)) return null;
  const status = user.status;
  const res = await db.query<StatementRow>(
    `SELECT ${STATEMENT_COLS} FROM dsa_statements
      WHERE site_id = $1 AND user_id = $2 AND restriction = $3 AND reversed_at IS NULL AND withdrawn_at IS NULL
      ORDER BY created_at DESC, id DESC LIMIT 1`,
    [q.siteId, user.id, status === 'banned' ? 'ban' : 'suspension'],
  );
  const s = res.rows[0] ? toStatement(res.rows[0]) : null;
  return {
    status,
    until: status === 'suspended' ? user.suspendedUntil : null,
    statement: s ? { statement: s, appeal: await findAppealOfStatement(db, q.siteId, s.id) } : null,
  };
}
