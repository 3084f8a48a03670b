import type { Queryable } from './pool.js';
import type { CommentStatus, Decision, Reason, StoredComment } from '../domain.js';

/** Replies nest under their parent up to this depth; deeper replies attach to their depth-3 ancestor. */
export const MAX_THREAD_DEPTH = 3;

export interface NewComment {
  id: string;
  siteId: string;
  postId: string;
  authorId: string;
  parentId: string | null;
  body: string;
  createdAt: Date;
}

/**
 * Writes a decided comment and its counters. Idempotent: a second call with the same id
 * changes nothing and returns inserted=false. Call inside a transaction.
 */
export async function insertDecidedComment(tx: Queryable, c: NewComment, d: Decision): Promise<{ inserted: boolean }> {
  let rootId = c.id;
  let threadParentId: string | null = null;
  let depth = 0;
  if (c.parentId) {
    const parent = await tx.query<{ depth: number; root_id: string; thread_parent_id: string | null }>(
      `SELECT depth, root_id, thread_parent_id FROM comments WHERE id = $1 AND site_id = $2 AND post_id = $3`,
      [c.parentId, c.siteId, c.postId],
    );
    const p = parent.rows[0];
    if (!p) throw new Error(`parent ${c.parentId} of comment ${c.id} is not stored`);
    rootId = p.root_id;
    if (p.depth < MAX_THREAD_DEPTH) {
      depth = p.depth + 1;
      threadParentId = c.parentId;
    } else {
      depth = MAX_THREAD_DEPTH;
      threadParentId = p.thread_parent_id;
    }
  }
  const res = await tx.query(
    `INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth,
                           body, status, reasons, scores, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (id) DO NOTHING`,
    [c.id, c.siteId, c.postId, c.authorId, c.parentId, rootId, threadParentId, depth,
     c.body, d.status, JSON.stringify(d.reasons), JSON.stringify(d.scores), c.createdAt],
  );
  const inserted = res.rowCount === 1;
  if (inserted && d.status === 'approved') {
    await tx.query(`UPDATE posts SET comment_count = comment_count + 1 WHERE site_id = $1 AND id = $2`, [c.siteId, c.postId]);
    if (threadParentId) await tx.query(`UPDATE comments SET reply_count = reply_count + 1 WHERE id = $1`, [threadParentId]);
  }
  return { inserted };
}

interface CommentRow {
  id: string; site_id: string; post_id: string; author_id: string; parent_id: string | null; body: string;
  status: CommentStatus; reasons: Reason[]; scores: Record<string, number>; created_at: Date; decided_at: Date;
}

export async function findComment(db: Queryable, id: string): Promise<StoredComment | null> {
  const res = await db.query<CommentRow>(
    `SELECT id, site_id, post_id, author_id, parent_id, body, status, reasons, scores, created_at, decided_at
       FROM comments WHERE id = $1`,
    [id],
  );
  const r = res.rows[0];
  return r ? {
    id: r.id, siteId: r.site_id, postId: r.post_id, authorId: r.author_id, parentId: r.parent_id, body: r.body,
    status: r.status, reasons: r.reasons, scores: r.scores, createdAt: r.created_at, decidedAt: r.decided_at,
  } : null;
}

/** Whether a comment exists, is approved, and belongs to this post (a valid parent for a reply). */
export async function isApprovedInPost(db: Queryable, siteId: string, postId: string, id: string): Promise<boolean> {
  const res = await db.query(
    `SELECT 1 FROM comments WHERE id = $1 AND site_id = $2 AND post_id = $3 AND status = 'approved'`,
    [id, siteId, postId],
  );
  return res.rowCount === 1;
}

/** One comment as a thread shows it. */
export interface ThreadRow {
  id: string;
  parentId: string | null;
  threadParentId: string | null;
  authorId: string;
  authorName: string;
  parentAuthorName: string | null;
  body: string;
  createdAt: Date;
  replyCount: number;
}

const THREAD_COLS = `c.id, c.parent_id, c.thread_parent_id, c.author_id, u.display_name AS author_name,
  pu.display_name AS parent_author_name, c.body, c.created_at, c.reply_count`;
const THREAD_JOINS = `JOIN users u ON u.id = c.author_id
  LEFT JOIN comments p ON p.id = c.parent_id AND c.parent_id IS DISTINCT FROM c.thread_parent_id
  LEFT JOIN users pu ON pu.id = p.author_id`;

interface ThreadDbRow {
  id: string; parent_id: string | null; thread_parent_id: string | null; author_id: string; author_name: string;
  parent_author_name: string | null; body: string; created_at: Date; reply_count: number;
}
const toThreadRow = (r: ThreadDbRow): ThreadRow => ({
  id: r.id, parentId: r.parent_id, threadParentId: r.thread_parent_id, authorId: r.author_id, authorName: r.author_name,
  parentAuthorName: r.parent_author_name, body: r.body, createdAt: r.created_at, replyCount: r.reply_count,
});

/** Approved top-level comments of a post, keyset-paginated by id (UUIDv7, so by time). */
export async function listTopLevel(
  db: Queryable,
  q: { siteId: string; postId: string; sort: 'newest' | 'oldest'; limit: number; after: string | null },
): Promise<ThreadRow[]> {
  const newest = q.sort === 'newest';
  const res = await db.query<ThreadDbRow>(
    `SELECT ${THREAD_COLS} FROM comments c ${THREAD_JOINS}
      WHERE c.site_id = $1 AND c.post_id = $2 AND c.status = 'approved' AND c.parent_id IS NULL
        AND ($3::uuid IS NULL OR c.id ${newest ? '<' : '>'} $3::uuid)
      ORDER BY c.id ${newest ? 'DESC' : 'ASC'}
      LIMIT $4`,
    [q.siteId, q.postId, q.after, q.limit],
  );
  return res.rows.map(toThreadRow);
}

/** The first approved replies (oldest first) under each of the given top-level comments. */
export async function listRepliesOf(db: Queryable, siteId: string, rootIds: string[], perRoot: number): Promise<ThreadRow[]> {
  if (rootIds.length === 0) return [];
  const res = await db.query<ThreadDbRow>(
    `SELECT r.* FROM unnest($2::uuid[]) AS root(id)
       CROSS JOIN LATERAL (
         SELECT ${THREAD_COLS} FROM comments c ${THREAD_JOINS}
          WHERE c.root_id = root.id AND c.site_id = $1 AND c.status = 'approved' AND c.parent_id IS NOT NULL
          ORDER BY c.id ASC
          LIMIT $3
       ) r`,
    [siteId, rootIds, perRoot],
  );
  return res.rows.map(toThreadRow);
}
