import type { Queryable } from './pool.js';
import type { CommentStatus, Decision, Reason, Role, SiteSettings, StoredComment, User, UserStatus } from '../domain.js';

/** Replies nest under their parent up to this depth; deeper replies attach to their depth-3 ancestor. */
export const MAX_THREAD_DEPTH = 3;

/** A comment as the API accepted it, before its decision. */
export type NewComment = Pick<StoredComment, 'id' | 'siteId' | 'postId' | 'authorId' | 'parentId' | 'body' | 'createdAt'>;

/**
 * Writes a decided comment and its counters in one statement (atomic without a transaction,
 * one round trip). Idempotent: a second call with the same id changes nothing and returns
 * inserted=false. A reply whose parent is not stored is an error.
 */
export async function insertDecidedComment(db: Queryable, c: NewComment, d: Decision): Promise<{ inserted: boolean }> {
  // Named: prepared once per connection, planned once; this runs for every comment.
  const res = await db.query<{ inserted: number; parent_found: boolean }>({
    name: 'insert-decided-comment',
    text: `WITH parent AS (
       SELECT depth, root_id, thread_parent_id FROM comments WHERE id = $5 AND site_id = $2 AND post_id = $3
     ), placed AS (
       SELECT COALESCE(p.root_id, $1::uuid) AS root_id,
              CASE WHEN p.depth IS NULL THEN NULL WHEN p.depth < $11 THEN $5::uuid ELSE p.thread_parent_id END AS thread_parent_id,
              CASE WHEN p.depth IS NULL THEN 0 ELSE LEAST(p.depth + 1, $11) END AS depth
         FROM (SELECT 1) one LEFT JOIN parent p ON true
        WHERE $5::uuid IS NULL OR p.depth IS NOT NULL
     ), ins AS (
       INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth,
                             body, status, reasons, scores, created_at)
       SELECT $1, $2, $3, $4, $5, placed.root_id, placed.thread_parent_id, placed.depth, $6, $7, $8, $9, $10 FROM placed
       ON CONFLICT (id) DO NOTHING
       RETURNING thread_parent_id
     ), post_count AS (
       UPDATE posts SET comment_count = comment_count + 1
        WHERE site_id = $2 AND id = $3 AND $7 = 'approved' AND EXISTS (SELECT 1 FROM ins)
     ), reply_count AS (
       UPDATE comments SET reply_count = reply_count + 1
        WHERE id = (SELECT thread_parent_id FROM ins) AND $7 = 'approved'
     )
     SELECT (SELECT count(*) FROM ins)::int AS inserted, ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM parent)) AS parent_found`,
    values: [c.id, c.siteId, c.postId, c.authorId, c.parentId, c.body, d.status, JSON.stringify(d.reasons), JSON.stringify(d.scores),
      c.createdAt, MAX_THREAD_DEPTH],
  });
  const row = res.rows[0]!;
  if (!row.parent_found) throw new Error(`parent ${c.parentId} of comment ${c.id} is not stored`);
  return { inserted: row.inserted === 1 };
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
  pu.display_name AS parent_author_name, c.body, (extract(epoch FROM c.created_at) * 1000)::bigint AS created_ms, c.reply_count`;
const THREAD_JOINS = `JOIN users u ON u.id = c.author_id
  LEFT JOIN comments p ON p.id = c.parent_id AND c.parent_id IS DISTINCT FROM c.thread_parent_id
  LEFT JOIN users pu ON pu.id = p.author_id`;

interface ThreadJsonRow {
  id: string; parent_id: string | null; thread_parent_id: string | null; author_id: string; author_name: string;
  parent_author_name: string | null; body: string; created_ms: number; reply_count: number;
}
const toThreadRow = (r: ThreadJsonRow): ThreadRow => ({
  id: r.id, parentId: r.parent_id, threadParentId: r.thread_parent_id, authorId: r.author_id, authorName: r.author_name,
  parentAuthorName: r.parent_author_name, body: r.body, createdAt: new Date(Number(r.created_ms)), replyCount: r.reply_count,
});

export interface ThreadSlice {
  /** Approved comments on the post (its counter), or null when the post does not exist. */
  total: number | null;
  /** Top-level comments in page order: limit rows, plus one more when a next page exists. */
  top: ThreadRow[];
  /** The first replies (oldest first) under each of those comments. */
  replies: ThreadRow[];
}

/**
 * One page of a thread in a single statement, so counter, page and replies come from one
 * snapshot: approved top-level comments keyset-paginated by id (UUIDv7, so by time), and
 * the first `repliesPerRoot` approved replies of each comment on the page. One top-level row
 * beyond the page is read (without its replies) to tell whether there is a next page.
 */
export async function loadThreadSlice(
  db: Queryable,
  q: { siteId: string; postId: string; sort: 'newest' | 'oldest'; limit: number; after: string | null; repliesPerRoot: number },
): Promise<ThreadSlice> {
  const newest = q.sort === 'newest';
  const res = await db.query<{ total: number | null; top: ThreadJsonRow[]; replies: ThreadJsonRow[] }>(
    `WITH top AS (
       SELECT ${THREAD_COLS} FROM comments c ${THREAD_JOINS}
        WHERE c.site_id = $1 AND c.post_id = $2 AND c.status = 'approved' AND c.parent_id IS NULL
          AND ($3::uuid IS NULL OR c.id ${newest ? '<' : '>'} $3::uuid)
        ORDER BY c.id ${newest ? 'DESC' : 'ASC'}
        LIMIT $4 + 1
     ), page AS (
       SELECT id FROM top ORDER BY id ${newest ? 'DESC' : 'ASC'} LIMIT $4
     ), replies AS (
       SELECT r.* FROM page top CROSS JOIN LATERAL (
         SELECT ${THREAD_COLS} FROM comments c ${THREAD_JOINS}
          WHERE c.root_id = top.id AND c.site_id = $1 AND c.status = 'approved' AND c.parent_id IS NOT NULL
          ORDER BY c.id ASC
          LIMIT $5
       ) r
     )
     SELECT (SELECT comment_count FROM posts WHERE site_id = $1 AND id = $2) AS total,
            (SELECT coalesce(json_agg(top ORDER BY top.id ${newest ? 'DESC' : 'ASC'}), '[]'::json) FROM top) AS top,
            (SELECT coalesce(json_agg(replies ORDER BY replies.id), '[]'::json) FROM replies) AS replies`,
    [q.siteId, q.postId, q.after, q.limit, q.repliesPerRoot],
  );
  const row = res.rows[0]!;
  return { total: row.total, top: row.top.map(toThreadRow), replies: row.replies.map(toThreadRow) };
}

/** Approved replies shown directly under one comment (oldest first), after a cursor id. */
export async function listChildren(
  db: Queryable,
  q: { siteId: string; postId: string; commentId: string; limit: number; after: string | null },
): Promise<ThreadRow[]> {
  const res = await db.query<{ rows: ThreadJsonRow[] }>(
    `SELECT coalesce(json_agg(t ORDER BY t.id), '[]'::json) AS rows FROM (
       SELECT ${THREAD_COLS} FROM comments c ${THREAD_JOINS}
        WHERE c.thread_parent_id = $3 AND c.site_id = $1 AND c.post_id = $2 AND c.status = 'approved'
          AND ($4::uuid IS NULL OR c.id > $4::uuid)
        ORDER BY c.id
        LIMIT $5) t`,
    [q.siteId, q.postId, q.commentId, q.after, q.limit],
  );
  return res.rows[0]!.rows.map(toThreadRow);
}

/** What the worker reads before deciding, in one round trip. */
export interface ModerationInputs {
  existingStatus: CommentStatus | null;
  /** The parent's status now, for replies (null when there is no parent or it is gone). */
  parentStatus: CommentStatus | null;
  site: { settings: SiteSettings } | null;
  author: User | null;
}

export async function loadModerationInputs(
  db: Queryable,
  q: { commentId: string; siteId: string; authorId: string; parentId: string | null },
): Promise<ModerationInputs> {
  const res = await db.query<{
    existing_status: CommentStatus | null; parent_status: CommentStatus | null; settings: SiteSettings | null;
    u_id: string | null; display_name: string; email: string | null; role: Role;
    status: UserStatus; suspended_until: Date | null; created_at: Date;
  }>({
    name: 'load-moderation-inputs',
    text: `SELECT (SELECT status FROM comments WHERE id = $1) AS existing_status,
            (SELECT status FROM comments WHERE id = $4 AND site_id = $2) AS parent_status,
            s.settings, u.id AS u_id, u.display_name, u.email, u.role, u.status, u.suspended_until, u.created_at
       FROM (SELECT 1) one
       LEFT JOIN sites s ON s.id = $2
       LEFT JOIN users u ON u.site_id = $2 AND u.id = $3`,
    values: [q.commentId, q.siteId, q.authorId, q.parentId],
  });
  const r = res.rows[0]!;
  return {
    existingStatus: r.existing_status,
    parentStatus: r.parent_status,
    site: r.settings ? { settings: r.settings } : null,
    author: r.u_id ? {
      id: r.u_id, siteId: q.siteId, displayName: r.display_name, email: r.email, role: r.role,
      status: r.status, suspendedUntil: r.suspended_until, createdAt: r.created_at,
    } : null,
  };
}
