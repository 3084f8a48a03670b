import type { Queryable } from './pool.js';
import { MAX_THREAD_DEPTH, type NewComment } from './comments.js';
import type { Decision } from '../domain.js';

/** One decided comment of a batch and what storing it did (as insertDecidedComment answers for one). */
export type BatchResult =
  | { ok: true; inserted: boolean; decision: Decision; authorGone: boolean }
  | { ok: false; error: Error };

const BANNED_REASON = {
  rule: 'author_banned',
  detail: 'the author was banned or suspended while the comment was being decided',
};

/**
 * Stores a batch of decided comments and their counters in one statement (atomic without a
 * transaction, one round trip): a multi-row INSERT from unnest arrays, and one UPDATE per counter
 * table whatever the batch size. Same guarantees as insertDecidedComment, comment by comment:
 * idempotent (ON CONFLICT on the id: a comment stored before is answered inserted=false and
 * counts nothing); the authors' rows are locked before the insert, so a ban or an erasure that
 * committed meanwhile wins (a barred author's comment is stored rejected with `author_banned`, an
 * erased author's is not stored: authorGone); a reply approved under a parent that was held, removed or
 * deleted meanwhile is stored held (`parent_unavailable`), as the pipeline would have held it; a reply whose
 * parent is not stored is not stored and fails alone (ok=false).
 *
 * Rows are locked in key order (authors, then posts, then parent comments), so batches of
 * several workers wait for each other rather than deadlock. Ids must be distinct and no comment
 * may be the parent of another of the same batch (the caller defers such a reply).
 */
export async function insertDecidedComments(
  db: Queryable,
  items: readonly { c: NewComment; d: Decision }[],
): Promise<BatchResult[]> {
  if (items.length === 0) return [];
  const col = <T>(f: (i: { c: NewComment; d: Decision }) => T) => items.map(f);
  const res = await db.query<{
    author_ok: boolean;
    barred: boolean;
    placed: boolean;
    parent_gone: string | null;
    inserted: boolean;
  }>({
    name: 'insert-decided-comments',
    text: `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[],
                            $8::jsonb[], $9::jsonb[], $10::timestamptz[], $11::jsonb[], $12::int[])
              WITH ORDINALITY AS t(id, site_id, post_id, author_id, parent_id, body, status, reasons, scores,
                                   created_at, scored_by, settings_version, n)
     ), author AS (
       SELECT id, site_id, deleted_at IS NOT NULL AS erased,
              (status = 'banned' OR (status = 'suspended' AND (suspended_until IS NULL OR suspended_until > now()))) AS barred
         FROM users WHERE id IN (SELECT author_id FROM input)
        ORDER BY id FOR NO KEY UPDATE
     ), d AS (
       SELECT i.*, CASE WHEN a.barred THEN 'rejected' ELSE i.status END AS final_status,
              CASE WHEN a.barred AND i.status <> 'rejected'
                   THEN i.reasons || jsonb_build_array(jsonb_build_object('rule', 'author_banned',
                          'detail', 'the author was banned or suspended while the comment was being decided'))
                   ELSE i.reasons END AS final_reasons
         FROM input i JOIN author a ON a.id = i.author_id AND a.site_id = i.site_id AND NOT a.erased
     ), placed AS (
       SELECT d.*, COALESCE(p.root_id, d.id) AS root_id,
              CASE WHEN p.depth IS NULL THEN NULL WHEN p.depth < $13 THEN d.parent_id ELSE p.thread_parent_id END AS thread_parent_id,
              CASE WHEN p.depth IS NULL THEN 0 ELSE LEAST(p.depth + 1, $13) END AS depth,
              -- The parent held, removed or deleted while this reply was being decided: held, as the pipeline holds it.
              (d.final_status = 'approved' AND p.id IS NOT NULL AND (p.status <> 'approved' OR p.deleted_at IS NOT NULL))
                AS parent_gone,
              CASE WHEN p.deleted_at IS NOT NULL THEN 'deleted' ELSE p.status END AS parent_now
         FROM d LEFT JOIN comments p ON p.id = d.parent_id AND p.site_id = d.site_id AND p.post_id = d.post_id
        WHERE d.parent_id IS NULL OR p.id IS NOT NULL
     ), ins AS (
       INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth,
                             body, status, reasons, scores, created_at, scored_by, settings_version)
       SELECT id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth, body,
              CASE WHEN parent_gone THEN 'pending' ELSE final_status END,
              CASE WHEN parent_gone
                   THEN final_reasons || jsonb_build_array(jsonb_build_object('rule', 'parent_unavailable',
                          'detail', 'the comment it replies to is ' || parent_now))
                   ELSE final_reasons END,
              scores, created_at, scored_by, settings_version
         FROM placed ORDER BY n
       ON CONFLICT (id) DO NOTHING
       RETURNING id, site_id, post_id, author_id, thread_parent_id, status
     ), author_count AS (
       UPDATE users u SET approved_count = u.approved_count + c.approved, rejected_count = u.rejected_count + c.rejected
         FROM (SELECT author_id, count(*) FILTER (WHERE status = 'approved') AS approved,
                      count(*) FILTER (WHERE status = 'rejected') AS rejected
                 FROM ins GROUP BY author_id) c
        WHERE u.id = c.author_id AND (c.approved > 0 OR c.rejected > 0)
     ), post_lock AS (
       SELECT 1 FROM posts WHERE (site_id, id) IN (SELECT site_id, post_id FROM ins WHERE status = 'approved')
        ORDER BY site_id, id FOR NO KEY UPDATE
     ), post_count AS (
       UPDATE posts p SET comment_count = p.comment_count + c.n
         FROM (SELECT site_id, post_id, count(*) AS n FROM ins WHERE status = 'approved' GROUP BY 1, 2) c,
              (SELECT count(*) FROM post_lock) locked
        WHERE p.site_id = c.site_id AND p.id = c.post_id
     ), reply_lock AS (
       SELECT 1 FROM comments WHERE id IN (SELECT thread_parent_id FROM ins WHERE status = 'approved')
        ORDER BY id FOR NO KEY UPDATE
     ), reply_count AS (
       UPDATE comments p SET reply_count = p.reply_count + c.n
         FROM (SELECT thread_parent_id, count(*) AS n FROM ins
                WHERE status = 'approved' AND thread_parent_id IS NOT NULL GROUP BY 1) c,
              (SELECT count(*) FROM reply_lock) locked
        WHERE p.id = c.thread_parent_id
     )
     SELECT d.id IS NOT NULL AS author_ok, COALESCE(a.barred, false) AS barred,
            EXISTS (SELECT 1 FROM placed WHERE placed.id = i.id) AS placed,
            (SELECT parent_now FROM placed WHERE placed.id = i.id AND parent_gone) AS parent_gone,
            EXISTS (SELECT 1 FROM ins WHERE ins.id = i.id) AS inserted
       FROM input i LEFT JOIN d ON d.id = i.id LEFT JOIN author a ON a.id = i.author_id
      ORDER BY i.n`,
    values: [
      col((i) => i.c.id),
      col((i) => i.c.siteId),
      col((i) => i.c.postId),
      col((i) => i.c.authorId),
      col((i) => i.c.parentId),
      col((i) => i.c.body),
      col((i) => i.d.status),
      col((i) => JSON.stringify(i.d.reasons)),
      col((i) => JSON.stringify(i.d.scores)),
      col((i) => i.c.createdAt),
      col((i) => JSON.stringify(i.d.scoredBy)),
      col((i) => i.d.settingsVersion),
      MAX_THREAD_DEPTH,
    ],
  });
  return items.map(({ c, d }, i): BatchResult => {
    const row = res.rows[i]!;
    if (!row.author_ok) return { ok: true, inserted: false, decision: { ...d, status: 'rejected' }, authorGone: true };
    if (!row.placed) return { ok: false, error: new Error(`parent ${c.parentId} of comment ${c.id} is not stored`) };
    const decision: Decision = row.barred
      ? d.status === 'rejected'
        ? d
        : { ...d, status: 'rejected', reasons: [...d.reasons, BANNED_REASON] }
      : row.parent_gone
        ? {
            ...d,
            status: 'pending',
            reasons: [
              ...d.reasons,
              { rule: 'parent_unavailable', detail: `the comment it replies to is ${row.parent_gone}` },
            ],
          }
        : d;
    return { ok: true, inserted: row.inserted, decision, authorGone: false };
  });
}
