import type { Queryable } from './pool.js';
import type { Post } from '../domain.js';

interface PostRow { site_id: string; id: string; title: string; url: string; closed: boolean; comment_count: number }
const COLS = `site_id, id, title, url, closed, comment_count`;
const toPost = (r: PostRow): Post => ({
  siteId: r.site_id, id: r.id, title: r.title, url: r.url, closed: r.closed, commentCount: r.comment_count,
});

/** Creates or updates a post; `closed` keeps its value when not given. Returns whether it was created. */
export async function upsertPost(
  db: Queryable,
  p: { siteId: string; id: string; title: string; url: string; closed?: boolean },
): Promise<{ post: Post; created: boolean }> {
  const res = await db.query<PostRow & { created: boolean }>(
    `INSERT INTO posts (site_id, id, title, url, closed) VALUES ($1, $2, $3, $4, COALESCE($5, false))
     ON CONFLICT (site_id, id) DO UPDATE
       SET title = EXCLUDED.title, url = EXCLUDED.url,
           closed = COALESCE($5, posts.closed), updated_at = now()
     RETURNING ${COLS}, (xmax = 0) AS created`,
    [p.siteId, p.id, p.title, p.url, p.closed ?? null],
  );
  const row = res.rows[0]!;
  return { post: toPost(row), created: row.created };
}

export async function findPost(db: Queryable, siteId: string, id: string): Promise<Post | null> {
  const res = await db.query<PostRow>(`SELECT ${COLS} FROM posts WHERE site_id = $1 AND id = $2`, [siteId, id]);
  return res.rows[0] ? toPost(res.rows[0]) : null;
}

/** Creates a post unless it exists (the publisher's own title and url are never overwritten). Returns the stored post and whether it was created. */
export async function insertPostIfAbsent(
  db: Queryable,
  p: { siteId: string; id: string; title: string; url: string },
): Promise<{ post: Post; created: boolean }> {
  const res = await db.query<PostRow>(
    `INSERT INTO posts (site_id, id, title, url) VALUES ($1, $2, $3, $4)
     ON CONFLICT (site_id, id) DO NOTHING RETURNING ${COLS}`,
    [p.siteId, p.id, p.title, p.url],
  );
  if (res.rows[0]) return { post: toPost(res.rows[0]), created: true };
  return { post: (await findPost(db, p.siteId, p.id))!, created: false };
}
