import type { Queryable } from './pool.js';
import { toUser, type UserRow } from './users.js';
import {
  type CommentStatus,
  DECIDED_BY_PEOPLE,
  type Decision,
  type Reason,
  type ScoredBy,
  type SiteSettings,
  type StoredComment,
  type User,
} from '../domain.js';
import { DEFAULT_SETTINGS, effectiveSettingsOfText } from '../settings.js';

/** Replies nest under their parent up to this depth; deeper replies attach to their depth-3 ancestor. */
export const MAX_THREAD_DEPTH = 3;

/** A comment as the API accepted it, before its decision. */
export type NewComment = Pick<
  StoredComment,
  'id' | 'siteId' | 'postId' | 'authorId' | 'parentId' | 'body' | 'createdAt'
>;

/**
 * Writes a decided comment and its counters in one statement (atomic without a transaction,
 * one round trip). Idempotent: a second call with the same id changes nothing and returns
 * inserted=false. A reply whose parent is not stored is an error.
 *
 * The author's row is locked and read in the same statement, so the write serialises with a
 * ban or an account erasure that committed while the comment was being decided: an erased
 * author's comment is not stored (`authorGone`), and a barred author's comment is stored as
 * rejected, with reason `author_banned`, whatever the pipeline decided. `decision` is the final
 * decision as this call stored it (when `inserted`); this is the only place that rule is applied.
 */
export async function insertDecidedComment(
  db: Queryable,
  c: NewComment,
  d: Decision,
): Promise<{ inserted: boolean; decision: Decision; authorGone: boolean }> {
  // Named: prepared once per connection, planned once; this runs for every comment.
  const res = await db.query<{
    inserted: number;
    parent_found: boolean;
    status: CommentStatus | null;
    reasons: Reason[] | null;
    author_gone: boolean;
  }>({
    name: 'insert-decided-comment',
    text: `WITH author AS (
       SELECT deleted_at IS NOT NULL AS erased,
              (status = 'banned' OR (status = 'suspended' AND (suspended_until IS NULL OR suspended_until > now()))) AS barred
         FROM users WHERE id = $4 AND site_id = $2
          FOR NO KEY UPDATE
     ), d AS (
       SELECT CASE WHEN a.barred THEN 'rejected' ELSE $7::text END AS status,
              CASE WHEN a.barred AND $7::text <> 'rejected'
                   THEN $8::jsonb || jsonb_build_array(jsonb_build_object('rule', 'author_banned',
                          'detail', 'the author was banned or suspended while the comment was being decided'))
                   ELSE $8::jsonb END AS reasons
         FROM author a WHERE NOT a.erased
     ), parent AS (
       SELECT depth, root_id, thread_parent_id FROM comments WHERE id = $5 AND site_id = $2 AND post_id = $3
     ), placed AS (
       SELECT COALESCE(p.root_id, $1::uuid) AS root_id,
              CASE WHEN p.depth IS NULL THEN NULL WHEN p.depth < $11 THEN $5::uuid ELSE p.thread_parent_id END AS thread_parent_id,
              CASE WHEN p.depth IS NULL THEN 0 ELSE LEAST(p.depth + 1, $11) END AS depth
         FROM (SELECT 1) one LEFT JOIN parent p ON true
        WHERE $5::uuid IS NULL OR p.depth IS NOT NULL
     ), ins AS (
       INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth,
                             body, status, reasons, scores, created_at, scored_by, settings_version)
       SELECT $1, $2, $3, $4, $5, placed.root_id, placed.thread_parent_id, placed.depth, $6, d.status, d.reasons, $9, $10, $12, $13
         FROM placed CROSS JOIN d
       ON CONFLICT (id) DO NOTHING
       RETURNING thread_parent_id, status
     ), author_count AS (
       UPDATE users SET approved_count = approved_count + (ins.status = 'approved')::int,
                        rejected_count = rejected_count + (ins.status = 'rejected')::int
         FROM ins WHERE users.id = $4 AND ins.status <> 'pending'
     ), post_count AS (
       UPDATE posts SET comment_count = comment_count + 1
         FROM ins WHERE posts.site_id = $2 AND posts.id = $3 AND ins.status = 'approved'
     ), reply_count AS (
       UPDATE comments SET reply_count = reply_count + 1
         FROM ins WHERE comments.id = ins.thread_parent_id AND ins.status = 'approved'
     )
     SELECT (SELECT count(*) FROM ins)::int AS inserted, ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM parent)) AS parent_found,
            (SELECT status FROM d) AS status, (SELECT reasons FROM d) AS reasons,
            NOT EXISTS (SELECT 1 FROM d) AS author_gone`,
    values: [
      c.id,
      c.siteId,
      c.postId,
      c.authorId,
      c.parentId,
      c.body,
      d.status,
      JSON.stringify(d.reasons),
      JSON.stringify(d.scores),
      c.createdAt,
      MAX_THREAD_DEPTH,
      JSON.stringify(d.scoredBy),
      d.settingsVersion,
    ],
  });
  const row = res.rows[0]!;
  if (row.author_gone) return { inserted: false, decision: { ...d, status: 'rejected' }, authorGone: true };
  if (!row.parent_found) throw new Error(`parent ${c.parentId} of comment ${c.id} is not stored`);
  return {
    inserted: row.inserted === 1,
    decision: { ...d, status: row.status ?? d.status, reasons: row.reasons ?? d.reasons },
    authorGone: false,
  };
}

interface CommentRow {
  id: string;
  site_id: string;
  post_id: string;
  author_id: string;
  parent_id: string | null;
  body: string;
  status: CommentStatus;
  reasons: Reason[];
  scores: Record<string, number>;
  created_at: Date;
  decided_at: Date;
  scored_by: ScoredBy[];
  settings_version: number | null;
  edited_at: Date | null;
  edit_count: number;
  deleted: boolean;
}

export async function findComment(db: Queryable, id: string): Promise<StoredComment | null> {
  const res = await db.query<CommentRow>(
    `SELECT id, site_id, post_id, author_id, parent_id, body, status, reasons, scores, created_at, decided_at,
            scored_by, settings_version, edited_at, edit_count, deleted_at IS NOT NULL AS deleted
       FROM comments WHERE id = $1`,
    [id],
  );
  const r = res.rows[0];
  return r
    ? {
        id: r.id,
        siteId: r.site_id,
        postId: r.post_id,
        authorId: r.author_id,
        parentId: r.parent_id,
        body: r.body,
        status: r.status,
        reasons: r.reasons,
        scores: r.scores,
        createdAt: r.created_at,
        decidedAt: r.decided_at,
        scoredBy: r.scored_by,
        settingsVersion: r.settings_version,
        editedAt: r.edited_at,
        editCount: r.edit_count,
        deleted: r.deleted,
      }
    : null;
}

/** A status change made after the first decision (a moderator, reports, a campaign found later). */
export interface StatusChange {
  id: string;
  siteId: string;
  status: CommentStatus;
  /** Appended to the comment's reasons. */
  reason: Reason;
  /** Change only from these statuses (e.g. hold only what is still visible); default: any. */
  onlyFrom?: CommentStatus[];
  /** Leave a comment that people decided (a moderator, readers' reports, a notice, an appeal) as it is: an automated change. */
  unlessDecidedByPeople?: boolean;
  /** Change only the text a moderator read: the comment's edit count when it was shown to them. */
  onlyEditCount?: number;
}

/** A comment's status and edit count on a site, or null when the site has no such comment or its author deleted it. */
export async function findCommentVersion(
  db: Queryable,
  siteId: string,
  id: string,
): Promise<{ status: CommentStatus; editCount: number } | null> {
  const res = await db.query<{ status: CommentStatus; edit_count: number }>(
    `SELECT status, edit_count FROM comments WHERE id = $1 AND site_id = $2 AND deleted_at IS NULL`,
    [id, siteId],
  );
  const r = res.rows[0];
  return r ? { status: r.status, editCount: r.edit_count } : null;
}

/**
 * Sets a stored comment's status and keeps every counter true (post, parent's replies,
 * author's approved and rejected), in one statement. The row is locked first, so two
 * moderators acting at once apply one after the other: the last write wins and counters
 * move only by what actually changed, never below zero. Returns the statuses before and
 * after, or null when the comment is not on this site (or not in `onlyFrom`).
 */
export async function changeCommentStatus(
  db: Queryable,
  c: StatusChange,
): Promise<{
  before: CommentStatus;
  after: CommentStatus;
  postId: string;
  authorId: string;
  /** When the comment was decided before this change, as Postgres writes it (microseconds kept: an undo restores it). */
  beforeDecidedAt: string;
  /** When this change was made, as Postgres writes it. */
  decidedAt: string;
} | null> {
  const res = await db.query<{
    before: CommentStatus;
    after: CommentStatus;
    post_id: string;
    author_id: string;
    before_decided_at: string;
    decided_at: string;
  }>({
    name: 'change-comment-status',
    text: `WITH old AS (
       SELECT id, status, post_id, author_id, thread_parent_id, decided_at FROM comments
        WHERE id = $1 AND site_id = $2 AND ($5::text[] IS NULL OR status = ANY($5)) AND deleted_at IS NULL
          AND ($6::text[] IS NULL OR NOT EXISTS (
                SELECT 1 FROM jsonb_array_elements(reasons) r WHERE r->>'rule' = ANY($6)))
          AND ($7::int IS NULL OR edit_count = $7)
        FOR UPDATE
     ), upd AS (
       UPDATE comments c SET status = $3, reasons = c.reasons || jsonb_build_array($4::jsonb), decided_at = now()
         FROM old WHERE c.id = old.id
       RETURNING old.status AS before, c.status AS after, c.post_id, c.author_id, c.thread_parent_id,
                 old.decided_at::text AS before_decided_at, c.decided_at::text AS decided_at
     ), delta AS (
       SELECT upd.*, ((after = 'approved')::int - (before = 'approved')::int) AS d_approved,
              ((after = 'rejected')::int - (before = 'rejected')::int) AS d_rejected
         FROM upd
     ), post_count AS (
       UPDATE posts p SET comment_count = greatest(p.comment_count + delta.d_approved, 0)
         FROM delta WHERE p.site_id = $2 AND p.id = delta.post_id AND delta.d_approved <> 0
     ), reply_count AS (
       UPDATE comments p SET reply_count = greatest(p.reply_count + delta.d_approved, 0)
         FROM delta WHERE p.id = delta.thread_parent_id AND delta.d_approved <> 0
     ), author_count AS (
       UPDATE users u SET approved_count = greatest(u.approved_count + delta.d_approved, 0),
                          rejected_count = greatest(u.rejected_count + delta.d_rejected, 0)
         FROM delta WHERE u.id = delta.author_id AND (delta.d_approved <> 0 OR delta.d_rejected <> 0)
     )
     SELECT before, after, post_id, author_id, before_decided_at, decided_at FROM delta`,
    values: [
      c.id,
      c.siteId,
      c.status,
      JSON.stringify(c.reason),
      c.onlyFrom ?? null,
      c.unlessDecidedByPeople ? [...DECIDED_BY_PEOPLE] : null,
      c.onlyEditCount ?? null,
    ],
  });
  const r = res.rows[0];
  return r
    ? {
        before: r.before,
        after: r.after,
        postId: r.post_id,
        authorId: r.author_id,
        beforeDecidedAt: r.before_decided_at,
        decidedAt: r.decided_at,
      }
    : null;
}

/**
 * A comment whose last decision was a hold by `rule` (pending, its last reason that rule): its post, its author and
 * when it was held, as Postgres writes it (as `changeCommentStatus` returns it). Null otherwise.
 */
export async function findHoldBy(
  db: Queryable,
  c: { siteId: string; id: string; rule: string },
): Promise<{ postId: string; authorId: string; decidedAt: string } | null> {
  const res = await db.query<{ post_id: string; author_id: string; decided_at: string }>(
    `SELECT post_id, author_id, decided_at::text AS decided_at FROM comments
      WHERE id = $1 AND site_id = $2 AND status = 'pending' AND deleted_at IS NULL AND reasons->-1->>'rule' = $3`,
    [c.id, c.siteId, c.rule],
  );
  const r = res.rows[0];
  return r ? { postId: r.post_id, authorId: r.author_id, decidedAt: r.decided_at } : null;
}

/** Whether a comment exists, is approved, not deleted by its author, and belongs to this post (a valid parent for a reply). */
export async function isApprovedInPost(db: Queryable, siteId: string, postId: string, id: string): Promise<boolean> {
  const res = await db.query(
    `SELECT 1 FROM comments WHERE id = $1 AND site_id = $2 AND post_id = $3 AND status = 'approved' AND deleted_at IS NULL`,
    [id, siteId, postId],
  );
  return res.rowCount === 1;
}

/** One comment as a thread shows it. */
export interface ThreadRow {
  id: string;
  /** Held or rejected but with approved replies: shown as "comment removed", without author or body. */
  removed: boolean;
  /** Removed because its author deleted it ("deleted by its author"). */
  deleted: boolean;
  parentId: string | null;
  threadParentId: string | null;
  authorId: string;
  authorName: string;
  /** The author's staff role, read from the account (never from anything the author wrote); null for readers. */
  authorRole: 'moderator' | 'admin' | null;
  /** The publisher vouches for the author (its SSO token's `verified` claim). */
  authorVerified: boolean;
  parentAuthorName: string | null;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  replyCount: number;
  /** Reactions by kind (only kinds that have any). */
  reactions: Record<string, number>;
  reactionCount: number;
  featured: boolean;
}

/** What readers see: approved and not deleted by its author. */
const VISIBLE = `(c.status = 'approved' AND c.deleted_at IS NULL)`;
/**
 * Staff who have not set up the two-factor sign-in their site requires: the worker holds their comments as a
 * reader's, and the thread shows them without the staff badge. Every thread statement names the site as $1, so the
 * site's setting is read once per statement, and only when a staff author is on the page.
 */
const UNENROLLED_STAFF = `(u.role <> 'commenter' AND u.totp_enabled_at IS NULL
  AND COALESCE((SELECT CASE WHEN jsonb_typeof(s.settings->'staffTotpRequired') = 'boolean'
                            THEN (s.settings->>'staffTotpRequired')::boolean END
                  FROM sites s WHERE s.id = $1), ${DEFAULT_SETTINGS.staffTotpRequired ? 'true' : 'false'}))`;
// A removed comment's author and body never leave the database; nor does the name of a removed parent.
const THREAD_COLS = `c.id, NOT ${VISIBLE} AS removed, c.deleted_at IS NOT NULL AS deleted, c.parent_id, c.thread_parent_id,
  c.author_id, CASE WHEN ${VISIBLE} THEN u.display_name ELSE '' END AS author_name,
  CASE WHEN ${VISIBLE} AND u.role <> 'commenter' AND NOT ${UNENROLLED_STAFF} THEN u.role END AS author_role,
  ${VISIBLE} AND u.verified AS author_verified,
  pu.display_name AS parent_author_name, CASE WHEN ${VISIBLE} THEN c.body ELSE '' END AS body,
  (extract(epoch FROM c.created_at) * 1000)::bigint AS created_ms,
  CASE WHEN ${VISIBLE} THEN (extract(epoch FROM c.edited_at) * 1000)::bigint END AS edited_ms, c.reply_count,
  CASE WHEN ${VISIBLE} AND c.reaction_count > 0 THEN (SELECT jsonb_object_agg(k.kind, k.n) FROM (
    SELECT kind, count(*)::int AS n FROM comment_reactions WHERE comment_id = c.id GROUP BY kind) k) END AS reactions,
  CASE WHEN ${VISIBLE} THEN c.reaction_count ELSE 0 END AS reaction_count,
  ${VISIBLE} AND c.featured_at IS NOT NULL AS featured`;
const THREAD_JOINS = `JOIN users u ON u.id = c.author_id
  LEFT JOIN comments p ON p.id = c.parent_id AND c.parent_id IS DISTINCT FROM c.thread_parent_id AND p.status = 'approved'
    AND p.deleted_at IS NULL
  LEFT JOIN users pu ON pu.id = p.author_id`;
/** Visible, or removed with approved replies under it (shown as a placeholder so the replies stay readable). */
const SHOWN = `(${VISIBLE} OR c.reply_count > 0)`;

interface ThreadJsonRow {
  id: string;
  removed: boolean;
  deleted: boolean;
  parent_id: string | null;
  thread_parent_id: string | null;
  author_id: string;
  author_name: string;
  author_role: 'moderator' | 'admin' | null;
  author_verified: boolean;
  parent_author_name: string | null;
  body: string;
  created_ms: number;
  edited_ms: number | null;
  reply_count: number;
  reactions: Record<string, number> | null;
  reaction_count: number;
  featured: boolean;
}
const toThreadRow = (r: ThreadJsonRow): ThreadRow => ({
  id: r.id,
  removed: r.removed,
  deleted: r.deleted,
  parentId: r.parent_id,
  threadParentId: r.thread_parent_id,
  authorId: r.author_id,
  authorName: r.author_name,
  authorRole: r.author_role,
  authorVerified: r.author_verified,
  parentAuthorName: r.parent_author_name,
  body: r.body,
  createdAt: new Date(Number(r.created_ms)),
  editedAt: r.edited_ms === null ? null : new Date(Number(r.edited_ms)),
  replyCount: r.reply_count,
  reactions: r.reactions ?? {},
  reactionCount: r.reaction_count,
  featured: r.featured,
});

/** Thread orders: by time either way, or by reactions (most first, newest first among equals). */
export type ThreadSort = 'newest' | 'oldest' | 'reacted';

export interface ThreadSlice {
  /** Approved comments on the post (its counter), or null when the post does not exist. */
  total: number | null;
  /** Top-level comments in page order: limit rows, plus one more when a next page exists. */
  top: ThreadRow[];
  /** The first replies (oldest first) under each of those comments. */
  replies: ThreadRow[];
  /** Comments moderators featured (newest feature first), read with the first page only. */
  featured: ThreadRow[];
  /** The site's settings (what readers may do: reactions, the edit window). */
  settings: SiteSettings;
}

/** Featured comments shown above a thread's first page, at most. */
export const MAX_FEATURED = 10;

/**
 * Rows a thread's statements read in order before cutting to the page asked, the largest page the
 * API serves: one statement for every page size, at the cost of reading index entries no page uses.
 */
const PAGE_SCAN = 100;
const pageScanSize = (limit: number): number => Math.max(PAGE_SCAN, sqlInt(limit));
/** A count written into a statement's text: a positive integer, or a programming error. */
function sqlInt(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`expected a positive integer, got ${n}`);
  return n;
}

/**
 * One page of a thread in a single statement, so counter, page and replies come from one
 * snapshot: shown top-level comments (visible, or removed with approved replies) keyset-paginated by id (UUIDv7,
 * so by time) or by (reactions, id), the first `repliesPerRoot` replies of each comment on the page,
 * and on the first page the featured comments. One top-level row beyond the page is read (without
 * its replies) to tell whether there is a next page.
 */
export async function loadThreadSlice(
  db: Queryable,
  q: {
    siteId: string;
    postId: string;
    sort: ThreadSort;
    limit: number;
    /** The last row of the previous page: its id, and its reaction count for the "reacted" order. */
    after: { id: string; reactions: number } | null;
    repliesPerRoot: number;
  },
): Promise<ThreadSlice> {
  // A removed comment ranks with no reactions, as it is shown.
  const reacted = `(CASE WHEN ${VISIBLE} THEN c.reaction_count ELSE 0 END)`;
  const order =
    q.sort === 'reacted'
      ? {
          rows: `${reacted} DESC, c.id DESC`,
          json: 'top.reaction_count DESC, top.id DESC',
          page: 'reaction_count DESC, id DESC',
          after: `(${reacted}, c.id) < ($5::int, $4::uuid)`,
        }
      : q.sort === 'newest'
        ? { rows: 'c.id DESC', json: 'top.id DESC', page: 'id DESC', after: 'c.id < $4::uuid AND $5::int >= 0' }
        : { rows: 'c.id ASC', json: 'top.id ASC', page: 'id ASC', after: 'c.id > $4::uuid AND $5::int >= 0' };
  // Each variant is a named statement whose sizes are written into its text, so Postgres plans it
  // once per connection and runs that plan after (planning this statement costs more than running
  // it). The first page and the pages after a cursor are two statements, because one plan with
  // "cursor IS NULL OR …" would scan a long thread from its start. A page reads PAGE_SCAN rows in
  // order and is cut to the limit asked, so there is one statement whatever the page size.
  const first = q.after === null;
  const scan = pageScanSize(q.limit);
  const perRoot = sqlInt(q.repliesPerRoot);
  const res = await db.query<{
    total: number | null;
    top: ThreadJsonRow[];
    replies: ThreadJsonRow[];
    featured: ThreadJsonRow[];
    settings_text: string | null;
  }>({
    name: `thread-${q.sort}-${first ? 'first' : 'after'}-${scan}-${perRoot}`,
    text: `WITH top AS (
       SELECT ${THREAD_COLS} FROM (
         SELECT * FROM comments c
          WHERE c.site_id = $1 AND c.post_id = $2 AND ${SHOWN} AND c.parent_id IS NULL
            ${first ? '' : `AND ${order.after}`}
          ORDER BY ${order.rows}
          LIMIT ${scan + 1}
       ) c ${THREAD_JOINS}
        ORDER BY ${order.rows}
        LIMIT $3 + 1
     ), page AS (
       SELECT id FROM top ORDER BY ${order.page} LIMIT $3
     ), replies AS (
       -- Each root's first replies are taken from the index in order before the joins, so a comment
       -- with thousands of replies costs what one with twenty does.
       SELECT r.* FROM page top CROSS JOIN LATERAL (
         SELECT ${THREAD_COLS} FROM (
           SELECT * FROM comments c
            WHERE c.root_id = top.id AND c.site_id = $1 AND ${SHOWN} AND c.parent_id IS NOT NULL
            ORDER BY c.id ASC
            LIMIT ${perRoot}
         ) c ${THREAD_JOINS}
       ) r
     )${
       first
         ? `, picks AS (
       SELECT ${THREAD_COLS}, c.featured_at FROM comments c ${THREAD_JOINS}
        WHERE c.site_id = $1 AND c.post_id = $2 AND c.featured_at IS NOT NULL AND ${VISIBLE}
        ORDER BY c.featured_at DESC
        LIMIT ${MAX_FEATURED}
     )`
         : ''
     }
     SELECT (SELECT comment_count FROM posts WHERE site_id = $1 AND id = $2) AS total,
            (SELECT coalesce(json_agg(top ORDER BY ${order.json}), '[]'::json) FROM top) AS top,
            (SELECT coalesce(json_agg(replies ORDER BY replies.id), '[]'::json) FROM replies) AS replies,
            ${first ? `(SELECT coalesce(json_agg(picks ORDER BY picks.featured_at DESC), '[]'::json) FROM picks)` : `'[]'::json`} AS featured,
            (SELECT settings::text FROM sites WHERE id = $1) AS settings_text`,
    values:
      q.after === null ? [q.siteId, q.postId, q.limit] : [q.siteId, q.postId, q.limit, q.after.id, q.after.reactions],
  });
  const row = res.rows[0]!;
  return {
    total: row.total,
    top: row.top.map(toThreadRow),
    replies: row.replies.map(toThreadRow),
    featured: row.featured.map(toThreadRow),
    settings: effectiveSettingsOfText(row.settings_text),
  };
}

/**
 * Replies shown directly under one comment (oldest first, removed ones with replies as placeholders),
 * after a cursor id: `limit` rows, plus one more when a next page exists.
 */
export async function listChildren(
  db: Queryable,
  q: { siteId: string; postId: string; commentId: string; limit: number; after: string | null },
): Promise<ThreadRow[]> {
  // Named and sized like a thread page's statements (see loadThreadSlice).
  const scan = pageScanSize(q.limit);
  const res = await db.query<{ rows: ThreadJsonRow[] }>({
    name: `thread-children-${q.after === null ? 'first' : 'after'}-${scan}`,
    text: `SELECT coalesce(json_agg(t ORDER BY t.id), '[]'::json) AS rows FROM (
       SELECT ${THREAD_COLS} FROM (
         SELECT * FROM comments c
          WHERE c.thread_parent_id = $3 AND c.site_id = $1 AND c.post_id = $2 AND ${SHOWN}
            ${q.after === null ? '' : 'AND c.id > $5::uuid'}
          ORDER BY c.id
          LIMIT ${scan + 1}
       ) c ${THREAD_JOINS}
        ORDER BY c.id
        LIMIT $4 + 1) t`,
    values:
      q.after === null
        ? [q.siteId, q.postId, q.commentId, q.limit]
        : [q.siteId, q.postId, q.commentId, q.limit, q.after],
  });
  return res.rows[0]!.rows.map(toThreadRow);
}

/** A reader's recent record: their last comments (at most 200) within the history window. */
export interface RecentHistory {
  total: number;
  rejected: number;
}

/** What the worker reads before deciding, in one round trip. */
export interface ModerationInputs {
  existingStatus: CommentStatus | null;
  /** The parent's status now, for replies (null when there is no parent or it is gone). */
  parentStatus: CommentStatus | null;
  site: { settings: SiteSettings; settingsVersion: number } | null;
  /** The post's own pre-moderation override, when it has one. */
  postPremod: SiteSettings['premod'] | null;
  /** The post's surge protection, while it is in a surge. */
  postSurge: SiteSettings['surge']['mode'] | null;
  author: User | null;
  /** The author erased their account after the API accepted the comment. */
  authorDeleted: boolean;
  history: RecentHistory;
  /** What the scorer reads with the text: a reply's parent text, a top-level comment's article title. */
  context: { parentText?: string; articleTitle?: string };
  /** The version of the site's adapter when it is in use (null: the shared model scores alone). */
  adapterVersion: number | null;
}

/** The author's columns come as a user row's (`u_id` for its id, null when there is no author). */
interface ModerationInputsRow extends Omit<UserRow, 'id' | 'site_id'> {
  existing_status: CommentStatus | null;
  parent_status: CommentStatus | null;
  settings_text: string | null;
  settings_version: number | null;
  post_premod: SiteSettings['premod'] | null;
  post_surge: SiteSettings['surge']['mode'] | null;
  recent_total: number;
  recent_rejected: number;
  u_id: string | null;
  author_deleted: boolean | null;
  parent_body: string | null;
  post_title: string | null;
  adapter_version: string | null;
}

/** Which comment `loadModerationInputs` reads for. */
export interface ModerationInputsQuery {
  commentId: string;
  siteId: string;
  postId: string;
  authorId: string;
  parentId: string | null;
}

/**
 * Everything the moderation rules read, in one statement: the comment's stored status (for
 * idempotent re-runs), its parent's status and text, the site's settings, the post's override and
 * title (when the publisher wrote it), the version of the site's adapter when in use, the author and their recent record within
 * `historyDays` (their last 200 comments at most).
 */
export async function loadModerationInputs(db: Queryable, q: ModerationInputsQuery): Promise<ModerationInputs> {
  return (await loadModerationInputsMany(db, [q]))[0]!;
}

/**
 * The statement of `loadModerationInputsMany`: $1–$5 the comments' ids, sites, authors, parents and posts, $6 the
 * default history window in days, $7 whether sites require two-factor sign-in of staff by default. The site's settings are read once per site of the batch, not once per comment:
 * the window's start is computed per site, and the document (several KB with its word lists) is sent on the
 * site's first row only. The author's record is an index-only scan of `comments_author`, which carries the
 * status and time of each comment.
 */
export const MODERATION_INPUTS_SQL = `WITH j AS MATERIALIZED (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[])
                WITH ORDINALITY AS j(comment_id, site_id, author_id, parent_id, post_id, ord)
     ), st AS MATERIALIZED (
       SELECT s.id, s.settings, s.settings_version,
              now() - make_interval(days => CASE
                WHEN jsonb_typeof(s.settings #> '{history,windowDays}') = 'number'
                THEN (s.settings #>> '{history,windowDays}')::numeric::int ELSE $6 END) AS since
         FROM sites s WHERE s.id IN (SELECT site_id FROM j)
     )
     SELECT (SELECT status FROM comments WHERE id = j.comment_id) AS existing_status,
            -- A parent its author deleted is gone as a parent: a reply to it waits for a moderator.
            CASE WHEN par.deleted_at IS NULL THEN par.status END AS parent_status, par.body AS parent_body, po.premod AS post_premod, po.surge_mode AS post_surge,
            -- A title a widget sent (unverified) is anyone's words: it is not read as context.
            CASE WHEN po.title_verified THEN po.title END AS post_title,
            (SELECT version FROM site_adapters WHERE site_id = j.site_id AND in_use) AS adapter_version,
            CASE WHEN row_number() OVER (PARTITION BY j.site_id ORDER BY j.ord) = 1 THEN st.settings::text END AS settings_text,
            st.settings_version, h.recent_total, h.recent_rejected,
            u.id AS u_id, u.display_name, u.email,
            -- Staff of a site that requires two-factor sign-in who have not set it up are read as readers: holds apply.
            CASE WHEN u.role <> 'commenter' AND u.totp_enabled_at IS NULL
                  AND COALESCE(CASE WHEN jsonb_typeof(st.settings->'staffTotpRequired') = 'boolean'
                                    THEN (st.settings->>'staffTotpRequired')::boolean END, $7)
                 THEN 'commenter' ELSE u.role END AS role,
            u.status, u.suspended_until, u.created_at,
            u.premod, u.approved_count, u.rejected_count, u.deleted_at IS NOT NULL AS author_deleted,
            u.token_version, (u.password_hash IS NULL OR u.email_verified_at IS NOT NULL) AS email_verified
       FROM j
       LEFT JOIN st ON st.id = j.site_id
       LEFT JOIN users u ON u.site_id = j.site_id AND u.id = j.author_id
       LEFT JOIN comments par ON par.id = j.parent_id AND par.site_id = j.site_id
       LEFT JOIN posts po ON po.site_id = j.site_id AND po.id = j.post_id
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS recent_total, count(*) FILTER (WHERE r.status = 'rejected')::int AS recent_rejected
           FROM (SELECT status, created_at FROM comments WHERE author_id = j.author_id ORDER BY id DESC LIMIT 200) r
          WHERE r.created_at >= COALESCE(st.since, now() - make_interval(days => $6))
       ) h
      ORDER BY j.ord`;

/**
 * `loadModerationInputs` for several comments in one statement (the worker's jobs decided at once),
 * answered in the order asked. One named statement serves every batch size: the comments arrive as arrays.
 */
export async function loadModerationInputsMany(
  db: Queryable,
  qs: readonly ModerationInputsQuery[],
): Promise<ModerationInputs[]> {
  if (qs.length === 0) return [];
  const res = await db.query<ModerationInputsRow>({
    name: 'load-moderation-inputs',
    text: MODERATION_INPUTS_SQL,
    values: [
      qs.map((q) => q.commentId),
      qs.map((q) => q.siteId),
      qs.map((q) => q.authorId),
      qs.map((q) => q.parentId),
      qs.map((q) => q.postId),
      DEFAULT_SETTINGS.history.windowDays,
      DEFAULT_SETTINGS.staffTotpRequired,
    ],
  });
  if (res.rows.length !== qs.length)
    throw new Error(`moderation inputs: ${res.rows.length} rows for ${qs.length} comments`);
  // A site's document comes on its first row (in the order asked); its other rows share it (one snapshot).
  const settingsOf = new Map<string, SiteSettings>();
  return res.rows.map((r, i): ModerationInputs => {
    const q = qs[i]!;
    let site: ModerationInputs['site'] = null;
    if (r.settings_version !== null) {
      const settings = r.settings_text !== null ? effectiveSettingsOfText(r.settings_text) : settingsOf.get(q.siteId);
      if (!settings) throw new Error(`moderation inputs: no settings for site ${q.siteId}`);
      settingsOf.set(q.siteId, settings);
      site = { settings, settingsVersion: r.settings_version };
    }
    return {
      existingStatus: r.existing_status,
      parentStatus: r.parent_status,
      site,
      postPremod: r.post_premod,
      postSurge: r.post_surge,
      history: { total: r.recent_total, rejected: r.recent_rejected },
      authorDeleted: r.author_deleted === true,
      context:
        q.parentId !== null
          ? r.parent_body !== null
            ? { parentText: r.parent_body }
            : {}
          : r.post_title
            ? { articleTitle: r.post_title }
            : {},
      adapterVersion: r.adapter_version !== null ? Number(r.adapter_version) : null,
      author: r.u_id ? toUser({ ...r, id: r.u_id, site_id: q.siteId }) : null,
    };
  });
}
