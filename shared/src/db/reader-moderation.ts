import type { Queryable } from './pool.js';
import type { CommentStatus, Reason, UserStatus } from '../domain.js';

/** A reader's standing as moderation changes it; before and after go to the audit log. */
export interface Standing {
  status: UserStatus;
  suspendedUntil: string | null;
  premod: boolean;
}

interface StandingRow {
  status: UserStatus;
  suspended_until: Date | null;
  premod: boolean;
}
const toStanding = (r: StandingRow): Standing => ({
  status: r.status,
  suspendedUntil: r.suspended_until ? r.suspended_until.toISOString() : null,
  premod: r.premod,
});

/**
 * Changes a reader's status and/or pre-moderation flag (fields left undefined keep their
 * value), locking the row so concurrent changes apply one after the other. Returns the
 * standing before and after, or null when the reader is not on this site.
 */
export async function changeStanding(
  db: Queryable,
  c: { siteId: string; userId: string; status?: UserStatus; suspendedUntil?: Date | null; premod?: boolean },
): Promise<{ before: Standing; after: Standing } | null> {
  const res = await db.query<{ b_status: UserStatus; b_until: Date | null; b_premod: boolean } & StandingRow>(
    `WITH old AS (
       SELECT id, status, suspended_until, premod FROM users WHERE site_id = $1 AND id = $2 FOR UPDATE
     )
     UPDATE users u SET status = COALESCE($3, u.status),
                        suspended_until = CASE WHEN $3::text IS NULL THEN u.suspended_until ELSE $4::timestamptz END,
                        premod = COALESCE($5, u.premod),
                        -- A ban also revokes the reader's access tokens.
                        token_version = u.token_version + CASE WHEN $3::text = 'banned' THEN 1 ELSE 0 END,
                        updated_at = now()
       FROM old WHERE u.id = old.id AND u.site_id = $1
     RETURNING old.status AS b_status, old.suspended_until AS b_until, old.premod AS b_premod,
               u.status, u.suspended_until, u.premod`,
    [c.siteId, c.userId, c.status ?? null, c.suspendedUntil ?? null, c.premod ?? null],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    before: toStanding({ status: r.b_status, suspended_until: r.b_until, premod: r.b_premod }),
    after: toStanding(r),
  };
}

export interface HistoryComment {
  id: string;
  postId: string;
  postTitle: string;
  status: CommentStatus;
  body: string;
  reasons: Reason[];
  /** Its scores (for the page to blur what is severe; not shown). */
  scores: Record<string, number>;
  createdAt: Date;
}

/** A reader's comments on the site, newest first, keyset-paginated by id (limit + 1 rows). */
export async function listReaderComments(
  db: Queryable,
  q: { siteId: string; userId: string; before: string | null; limit: number },
): Promise<HistoryComment[]> {
  const res = await db.query<{
    id: string;
    post_id: string;
    title: string;
    status: CommentStatus;
    body: string;
    reasons: Reason[];
    scores: Record<string, number>;
    created_at: Date;
  }>(
    `SELECT c.id, c.post_id, p.title, c.status, c.body, c.reasons, c.scores, c.created_at
       FROM comments c JOIN posts p ON p.site_id = c.site_id AND p.id = c.post_id
      WHERE c.author_id = $2 AND c.site_id = $1 AND ($3::uuid IS NULL OR c.id < $3::uuid)
      ORDER BY c.id DESC
      LIMIT $4 + 1`,
    [q.siteId, q.userId, q.before, q.limit],
  );
  return res.rows.map((r) => ({
    id: r.id,
    postId: r.post_id,
    postTitle: r.title,
    status: r.status,
    body: r.body,
    reasons: r.reasons,
    scores: r.scores ?? {},
    createdAt: r.created_at,
  }));
}

/**
 * Whose comments a ban task rejects: a reader's, or, once the reader erased their account (a queued task keeps no id
 * of theirs), the comments of theirs that were still open then.
 */
export type OpenCommentsOf = { userId: string } | { commentIds: readonly string[] };

const whose = (of: OpenCommentsOf): [string, string | readonly string[]] =>
  'userId' in of ? ['author_id = $2', of.userId] : ['id = ANY($2::uuid[])', of.commentIds];

/**
 * Ids of a reader's comments still visible or held, oldest first after a cursor (the ban task's batches); not those
 * they deleted themselves, which a rejection skips.
 */
export async function listOpenCommentIds(
  db: Queryable,
  q: { siteId: string; of: OpenCommentsOf; after: string | null; limit: number },
): Promise<string[]> {
  const [cond, value] = whose(q.of);
  const res = await db.query<{ id: string }>(
    `SELECT id FROM comments
      WHERE ${cond} AND site_id = $1 AND status IN ('approved', 'pending') AND deleted_at IS NULL
        AND ($3::uuid IS NULL OR id > $3::uuid)
      ORDER BY id LIMIT $4`,
    [q.siteId, value, q.after, q.limit],
  );
  return res.rows.map((r) => r.id);
}

/** How many of a reader's comments are still visible or held. */
export async function countOpenComments(db: Queryable, siteId: string, of: OpenCommentsOf): Promise<number> {
  const [cond, value] = whose(of);
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM comments
      WHERE ${cond} AND site_id = $1 AND status IN ('approved', 'pending') AND deleted_at IS NULL`,
    [siteId, value],
  );
  return res.rows[0]!.n;
}
