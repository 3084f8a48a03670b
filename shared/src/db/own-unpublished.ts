import type { Queryable } from './pool.js';
import type { CommentStatus, Reason } from '../domain.js';
import { STATEMENT_COLS, toStatement, type Statement, type StatementRow } from './dsa-statements.js';
import { findAppealsOfStatements, type Appeal } from './dsa-appeals.js';

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
