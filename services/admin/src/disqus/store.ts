import { erasedImportKey } from '#shared/db/data-rights.js';
import type { Queryable } from '#shared/db/pool.js';
import { MAX_THREAD_DEPTH } from '#shared/db/comments.js';

/** A thread as staged for import: already mapped onto our post id. */
export interface StagedThread {
  dsqId: string;
  postId: string;
  title: string;
  url: string;
  createdAt: Date;
  closed: boolean;
}
/** A comment as staged: body converted to text, author reduced to a stable identity key. */
export interface StagedPost {
  dsqId: string;
  newId: string;
  threadDsqId: string;
  parentDsqId: string | null;
  body: string;
  createdAt: Date;
  deleted: boolean;
  spam: boolean;
  authorKey: string;
  authorName: string;
  authorEmail: string | null;
}

export interface ImportCounts {
  postsCreated: number;
  readersCreated: number;
  commentsImported: number;
  approved: number;
  rejected: number;
  /** Replies whose parent was missing from the export (or in another thread), imported as top-level comments. */
  brokenParents: number;
  /** Comments already imported by an earlier run. */
  alreadyImported: number;
  /** Comments that could not be placed: unknown thread, empty text, or a parent cycle. */
  skipped: number;
  /** Posts whose threads changed. */
  touchedPosts: string[];
}

/** Staging tables for one import, private to the transaction and dropped at its end. */
export async function createStaging(tx: Queryable): Promise<void> {
  await tx.query(`CREATE TEMP TABLE disqus_threads (
      dsq_id text PRIMARY KEY, post_id text NOT NULL, title text NOT NULL, url text NOT NULL, created_at timestamptz NOT NULL, closed boolean NOT NULL
    ) ON COMMIT DROP`);
  await tx.query(`CREATE TEMP TABLE disqus_posts (
      dsq_id text PRIMARY KEY, new_id uuid NOT NULL, thread_dsq text NOT NULL, parent_dsq text, body text NOT NULL,
      created_at timestamptz NOT NULL, deleted boolean NOT NULL, spam boolean NOT NULL,
      author_key text NOT NULL, author_name text NOT NULL, author_email text
    ) ON COMMIT DROP`);
  await tx.query(
    `CREATE TEMP TABLE disqus_inserted (id uuid, post_id text, author_id uuid, thread_parent_id uuid, status text, broken boolean) ON COMMIT DROP`,
  );
}

export async function stageThreads(tx: Queryable, rows: StagedThread[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO disqus_threads SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::boolean[])
     ON CONFLICT (dsq_id) DO NOTHING`,
    [
      rows.map((r) => r.dsqId),
      rows.map((r) => r.postId),
      rows.map((r) => r.title),
      rows.map((r) => r.url),
      rows.map((r) => r.createdAt),
      rows.map((r) => r.closed),
    ],
  );
}

export async function stagePosts(tx: Queryable, rows: StagedPost[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO disqus_posts SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
       $7::boolean[], $8::boolean[], $9::text[], $10::text[], $11::text[])
     ON CONFLICT (dsq_id) DO NOTHING`,
    [
      rows.map((r) => r.dsqId),
      rows.map((r) => r.newId),
      rows.map((r) => r.threadDsqId),
      rows.map((r) => r.parentDsqId),
      rows.map((r) => r.body),
      rows.map((r) => r.createdAt),
      rows.map((r) => r.deleted),
      rows.map((r) => r.spam),
      rows.map((r) => r.authorKey),
      rows.map((r) => r.authorName),
      rows.map((r) => r.authorEmail),
    ],
  );
}

/**
 * Turns the staged export into posts, readers and comments, inside the caller's transaction.
 * Threading is rebuilt in SQL (a recursive walk from each top-level comment), so a reply may
 * come before its parent in the file. Everything already imported (by Disqus id) is left as is,
 * and counters move only by what this run inserted.
 */
export async function applyStaged(tx: Queryable, siteId: string, source = 'disqus'): Promise<ImportCounts> {
  const posts = await tx.query(
    `INSERT INTO posts (site_id, id, title, url, closed, created_at)
     SELECT DISTINCT ON (post_id) $1, post_id, title, url, closed, created_at FROM disqus_threads ORDER BY post_id, created_at
     ON CONFLICT (site_id, id) DO NOTHING`,
    [siteId],
  );
  // A reader who erased their account is not made again (their key is kept only as a hash: `erasedImportKey`).
  const readers = await tx.query(
    `INSERT INTO users (id, site_id, display_name, email, import_source, import_key, created_at)
     SELECT DISTINCT ON (author_key) gen_random_uuid(), $1, author_name, author_email, $2, author_key, created_at
       FROM disqus_posts p
      WHERE NOT EXISTS (SELECT 1 FROM users x WHERE x.site_id = $1 AND x.import_source = $2
                           AND x.import_key = ${erasedImportKey('p.author_key')})
      ORDER BY author_key, created_at
     ON CONFLICT (site_id, import_source, import_key) WHERE import_key IS NOT NULL DO NOTHING`,
    [siteId, source],
  );
  await tx.query(
    `WITH RECURSIVE src AS (
       SELECT p.dsq_id, p.parent_dsq, p.body, p.created_at, p.deleted, p.spam, t.post_id, u.id AS author_id,
              e.id AS existing_id, COALESCE(e.id, p.new_id) AS cid
         FROM disqus_posts p
         JOIN disqus_threads t ON t.dsq_id = p.thread_dsq
         JOIN users u ON u.site_id = $1 AND u.import_source = $2
                     AND u.import_key IN (p.author_key, ${erasedImportKey('p.author_key')})
         LEFT JOIN comments e ON e.site_id = $1 AND e.import_source = $2 AND e.import_key = p.dsq_id
        -- An erased reader's comments already here stay as the erasure left them; none of theirs is added.
        WHERE p.body <> '' AND (u.deleted_at IS NULL OR e.id IS NOT NULL)
     ), tree AS (
       SELECT s.dsq_id, s.post_id, s.cid, NULL::uuid AS parent_id, s.cid AS root_id, NULL::uuid AS thread_parent_id, 0 AS depth,
              (s.parent_dsq IS NOT NULL) AS broken
         FROM src s
        WHERE s.parent_dsq IS NULL OR s.parent_dsq = s.dsq_id
           OR NOT EXISTS (SELECT 1 FROM src pp WHERE pp.dsq_id = s.parent_dsq AND pp.post_id = s.post_id)
       UNION ALL
       SELECT c.dsq_id, c.post_id, c.cid, t.cid, t.root_id,
              CASE WHEN t.depth < $3 THEN t.cid ELSE t.thread_parent_id END, LEAST(t.depth + 1, $3), false
         FROM tree t JOIN src c ON c.parent_dsq = t.dsq_id AND c.post_id = t.post_id AND c.dsq_id <> c.parent_dsq
     ), ins AS (
       INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth, body, status, reasons,
                             created_at, import_source, import_key)
       SELECT s.cid, $1, s.post_id, s.author_id, t.parent_id, t.root_id, t.thread_parent_id, t.depth, s.body,
              CASE WHEN s.deleted OR s.spam THEN 'rejected' ELSE 'approved' END,
              jsonb_build_array(jsonb_build_object('rule', 'imported', 'detail',
                'imported from Disqus' || CASE WHEN s.spam THEN ', where it was marked as spam' WHEN s.deleted THEN ', where it was deleted' ELSE '' END
                || CASE WHEN t.broken THEN '; its parent was not in the export, so it stands as a top-level comment' ELSE '' END)),
              s.created_at, $2, s.dsq_id
         FROM tree t JOIN src s ON s.dsq_id = t.dsq_id
        WHERE s.existing_id IS NULL
       ON CONFLICT DO NOTHING
       RETURNING id, post_id, author_id, thread_parent_id, status
     )
     INSERT INTO disqus_inserted
     SELECT ins.*, t.broken FROM ins JOIN tree t ON t.cid = ins.id`,
    [siteId, source, MAX_THREAD_DEPTH],
  );
  // Counters, by what was inserted (comments stored in the statement above are visible from here on).
  await tx.query(
    `UPDATE posts p SET comment_count = p.comment_count + x.n
       FROM (SELECT post_id, count(*)::int AS n FROM disqus_inserted WHERE status = 'approved' GROUP BY post_id) x
      WHERE p.site_id = $1 AND p.id = x.post_id`,
    [siteId],
  );
  await tx.query(
    `UPDATE comments c SET reply_count = c.reply_count + x.n
       FROM (SELECT thread_parent_id, count(*)::int AS n FROM disqus_inserted
              WHERE status = 'approved' AND thread_parent_id IS NOT NULL GROUP BY thread_parent_id) x
      WHERE c.id = x.thread_parent_id AND c.site_id = $1`,
    [siteId],
  );
  await tx.query(
    `UPDATE users u SET approved_count = u.approved_count + x.a, rejected_count = u.rejected_count + x.r
       FROM (SELECT author_id, count(*) FILTER (WHERE status = 'approved')::int AS a, count(*) FILTER (WHERE status = 'rejected')::int AS r
               FROM disqus_inserted GROUP BY author_id) x
      WHERE u.site_id = $1 AND u.id = x.author_id`,
    [siteId],
  );
  const stats = await tx.query<{
    imported: number;
    approved: number;
    rejected: number;
    broken: number;
    staged: number;
    existing: number;
    touched: string[];
  }>(
    `SELECT (SELECT count(*)::int FROM disqus_inserted) AS imported,
            (SELECT count(*)::int FROM disqus_inserted WHERE status = 'approved') AS approved,
            (SELECT count(*)::int FROM disqus_inserted WHERE status = 'rejected') AS rejected,
            (SELECT count(*)::int FROM disqus_inserted WHERE broken) AS broken,
            (SELECT count(*)::int FROM disqus_posts) AS staged,
            (SELECT count(*)::int FROM disqus_posts p JOIN comments c ON c.site_id = $1 AND c.import_source = $2 AND c.import_key = p.dsq_id
              WHERE NOT EXISTS (SELECT 1 FROM disqus_inserted i WHERE i.id = c.id)) AS existing,
            (SELECT coalesce(array_agg(DISTINCT post_id), '{}') FROM disqus_inserted) AS touched`,
    [siteId, source],
  );
  const s = stats.rows[0]!;
  return {
    postsCreated: posts.rowCount ?? 0,
    readersCreated: readers.rowCount ?? 0,
    commentsImported: s.imported,
    approved: s.approved,
    rejected: s.rejected,
    brokenParents: s.broken,
    alreadyImported: s.existing,
    skipped: s.staged - s.imported - s.existing,
    touchedPosts: s.touched,
  };
}
