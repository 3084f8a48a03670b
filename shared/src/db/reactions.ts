import type pg from 'pg';
import { withTransaction, type Queryable } from './pool.js';

/**
 * Sets (kind) or removes (null) a reader's one reaction to a visible comment of the site, keeping the
 * comment's reaction_count true: the comment's row is locked first, so a reader's two clicks at
 * once apply one after the other. Returns null when the comment is not visible on this site.
 */
export async function setReaction(
  pool: pg.Pool,
  q: { siteId: string; commentId: string; userId: string; kind: string | null },
): Promise<{ postId: string; authorId: string; reactions: Record<string, number>; mine: string | null } | null> {
  return withTransaction(pool, async (tx) => {
    const c = await tx.query<{ post_id: string; author_id: string }>(
      `SELECT post_id, author_id FROM comments
        WHERE id = $1 AND site_id = $2 AND status = 'approved' AND deleted_at IS NULL FOR NO KEY UPDATE`,
      [q.commentId, q.siteId],
    );
    const row = c.rows[0];
    if (!row) return null;
    const old = await tx.query<{ kind: string }>(
      `SELECT kind FROM comment_reactions WHERE comment_id = $1 AND user_id = $2`,
      [q.commentId, q.userId],
    );
    const had = old.rowCount === 1;
    if (q.kind === null) {
      if (had) {
        await tx.query(`DELETE FROM comment_reactions WHERE comment_id = $1 AND user_id = $2`, [q.commentId, q.userId]);
        await tx.query(`UPDATE comments SET reaction_count = greatest(reaction_count - 1, 0) WHERE id = $1`, [
          q.commentId,
        ]);
      }
    } else {
      await tx.query(
        `INSERT INTO comment_reactions (comment_id, user_id, site_id, post_id, kind) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (comment_id, user_id) DO UPDATE SET kind = EXCLUDED.kind, created_at = now()`,
        [q.commentId, q.userId, q.siteId, row.post_id, q.kind],
      );
      if (!had) await tx.query(`UPDATE comments SET reaction_count = reaction_count + 1 WHERE id = $1`, [q.commentId]);
    }
    return {
      postId: row.post_id,
      authorId: row.author_id,
      reactions: await reactionCounts(tx, q.commentId),
      mine: q.kind,
    };
  });
}

/** A comment's reactions by kind (only kinds that have any). */
export async function reactionCounts(db: Queryable, commentId: string): Promise<Record<string, number>> {
  const res = await db.query<{ kind: string; n: number }>(
    `SELECT kind, count(*)::int AS n FROM comment_reactions WHERE comment_id = $1 GROUP BY kind ORDER BY kind`,
    [commentId],
  );
  return Object.fromEntries(res.rows.map((r) => [r.kind, r.n]));
}

/** The reader's reactions on one post's comments: comment id → kind. */
export async function readerReactions(
  db: Queryable,
  q: { siteId: string; postId: string; userId: string },
): Promise<Record<string, string>> {
  const res = await db.query<{ comment_id: string; kind: string }>(
    `SELECT comment_id, kind FROM comment_reactions WHERE site_id = $1 AND post_id = $2 AND user_id = $3`,
    [q.siteId, q.postId, q.userId],
  );
  return Object.fromEntries(res.rows.map((r) => [r.comment_id, r.kind]));
}
