import type { Queryable } from './pool.js';
import type { Post } from '../domain.js';
import { effectiveSettings } from '../settings.js';

interface PostRow {
  site_id: string;
  id: string;
  title: string;
  url: string;
  closed: boolean;
  comment_count: number;
  created_at: Date;
  /** created_at to the microsecond (a Date keeps milliseconds): what a page's cursor must carry. */
  created_key: string;
  stays_open: boolean;
  title_verified: boolean;
  surge_mode: 'premod' | 'slow' | null;
  site_settings: unknown;
}
// The site's settings come along so `closed` includes the site's auto-close (autoCloseDays).
const COLS = `p.site_id, p.id, p.title, p.url, p.closed, p.comment_count, p.created_at,
  to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key, p.stays_open, p.title_verified, p.surge_mode,
  (SELECT s.settings FROM sites s WHERE s.id = p.site_id) AS site_settings`;

/** When commenting closes by itself (null: never): autoCloseDays after creation, unless reopened. */
function closesAt(r: PostRow): Date | null {
  const days = effectiveSettings(r.site_settings).autoCloseDays;
  if (days === null || r.stays_open) return null;
  return new Date(r.created_at.getTime() + days * 86_400_000);
}

const toPost = (r: PostRow): Post => {
  const auto = closesAt(r);
  return {
    siteId: r.site_id,
    id: r.id,
    title: r.title,
    url: r.url,
    closed: r.closed || (auto !== null && auto.getTime() <= Date.now()),
    commentCount: r.comment_count,
    titleVerified: r.title_verified,
    surgeMode: r.surge_mode,
  };
};

/** A post as its publisher sees it: whether it was closed by hand, and when it closes by itself. */
export interface PublisherPost extends Post {
  createdAt: Date;
  /** `createdAt` to the microsecond, as an ISO string: the listing's cursor. */
  createdKey: string;
  closedByHand: boolean;
  closesAt: Date | null;
}
const toPublisherPost = (r: PostRow): PublisherPost => ({
  ...toPost(r),
  createdAt: r.created_at,
  createdKey: r.created_key,
  closedByHand: r.closed,
  closesAt: closesAt(r),
});

/**
 * Creates or updates a post; `closed` keeps its value when not given. Returns whether it was created, and whether
 * anything readers see of it (title, url, closed, the title's standing) changed: a CMS that sends the same post again
 * changes nothing.
 */
export async function upsertPost(
  db: Queryable,
  p: { siteId: string; id: string; title: string; url: string; closed?: boolean },
): Promise<{ post: Post; created: boolean; changed: boolean }> {
  const res = await db.query<PostRow & { created: boolean; changed: boolean }>(
    `WITH old AS (
       SELECT title, url, closed, title_verified FROM posts WHERE site_id = $1 AND id = $2
     ), p AS (
       INSERT INTO posts (site_id, id, title, url, closed) VALUES ($1, $2, $3, $4, COALESCE($5, false))
       ON CONFLICT (site_id, id) DO UPDATE
         SET title = EXCLUDED.title, url = EXCLUDED.url, title_verified = true,
             closed = COALESCE($5, posts.closed), updated_at = now()
       RETURNING *, (xmax = 0) AS created
     )
     SELECT ${COLS}, p.created,
            p.created OR NOT EXISTS (SELECT 1 FROM old WHERE (old.title, old.url, old.closed, old.title_verified)
                                                   = (p.title, p.url, p.closed, p.title_verified)) AS changed
       FROM p`,
    [p.siteId, p.id, p.title, p.url, p.closed ?? null],
  );
  const row = res.rows[0]!;
  return { post: toPost(row), created: row.created, changed: row.changed };
}

export async function findPost(db: Queryable, siteId: string, id: string): Promise<Post | null> {
  const res = await db.query<PostRow>(`SELECT ${COLS} FROM posts p WHERE p.site_id = $1 AND p.id = $2`, [siteId, id]);
  return res.rows[0] ? toPost(res.rows[0]) : null;
}

export async function findPublisherPost(db: Queryable, siteId: string, id: string): Promise<PublisherPost | null> {
  const res = await db.query<PostRow>(`SELECT ${COLS} FROM posts p WHERE p.site_id = $1 AND p.id = $2`, [siteId, id]);
  return res.rows[0] ? toPublisherPost(res.rows[0]) : null;
}

/**
 * A site's posts, newest first, keyset-paginated by (created_at, id); `before.createdKey` is the microsecond time of
 * the last post listed (`createdKey`), so posts created within the same millisecond are neither skipped nor repeated.
 */
export async function listPosts(
  db: Queryable,
  q: { siteId: string; limit: number; before: { createdKey: string; id: string } | null },
): Promise<PublisherPost[]> {
  const res = await db.query<PostRow>(
    `SELECT ${COLS} FROM posts p
      WHERE p.site_id = $1 AND ($2::timestamptz IS NULL OR (p.created_at, p.id) < ($2::timestamptz, $3::text))
      ORDER BY p.created_at DESC, p.id DESC LIMIT $4`,
    [q.siteId, q.before?.createdKey ?? null, q.before?.id ?? null, q.limit],
  );
  return res.rows.map(toPublisherPost);
}

/**
 * Closes or reopens commenting. Reopening also exempts the post from the site's auto-close,
 * so an old article stays open once its publisher reopened it.
 */
export async function setPostClosed(
  db: Queryable,
  q: { siteId: string; id: string; closed: boolean },
): Promise<PublisherPost | null> {
  const res = await db.query<PostRow>(
    `WITH p AS (
       UPDATE posts SET closed = $3, stays_open = NOT $3, updated_at = now()
        WHERE site_id = $1 AND id = $2 RETURNING *
     )
     SELECT ${COLS} FROM p`,
    [q.siteId, q.id, q.closed],
  );
  return res.rows[0] ? toPublisherPost(res.rows[0]) : null;
}

/**
 * Creates a post unless it exists (the publisher's own title and url are never overwritten), its title marked
 * unverified: it came from a reader's browser. Returns the stored post and whether it was created.
 */
export async function insertPostIfAbsent(
  db: Queryable,
  p: { siteId: string; id: string; title: string; url: string },
): Promise<{ post: Post; created: boolean }> {
  const res = await db.query<PostRow>(
    `WITH p AS (
       INSERT INTO posts (site_id, id, title, url, title_verified) VALUES ($1, $2, $3, $4, false)
       ON CONFLICT (site_id, id) DO NOTHING RETURNING *
     )
     SELECT ${COLS} FROM p`,
    [p.siteId, p.id, p.title, p.url],
  );
  if (res.rows[0]) return { post: toPost(res.rows[0]), created: true };
  return { post: (await findPost(db, p.siteId, p.id))!, created: false };
}
