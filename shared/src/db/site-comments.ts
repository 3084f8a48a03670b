import { uuidV7Floor } from './moderation-queues.js';
import type { Queryable } from './pool.js';
import type { CommentStatus, Reason, ScoredBy } from '../domain.js';

/** A comment as its publisher sees it: any status, with the decision that gave it. */
export interface PublisherComment {
  id: string;
  postId: string;
  parentId: string | null;
  author: { id: string; name: string };
  body: string;
  status: CommentStatus;
  createdAt: string;
  decidedAt: string;
  replyCount: number;
  /** When its author deleted it (its text is gone); null while it stands. */
  deletedAt: string | null;
  decision: { reasons: Reason[]; scores: Record<string, number>; scoredBy: ScoredBy[]; settingsVersion: number | null };
}

/** The row shape of the listing and the export, built in SQL so the export can stream it as is. */
export const PUBLISHER_COMMENT_JSON = `json_build_object(
  'id', c.id, 'postId', c.post_id, 'parentId', c.parent_id,
  'author', json_build_object('id', u.id, 'name', u.display_name),
  'body', c.body, 'status', c.status,
  'createdAt', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'decidedAt', to_char(c.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'replyCount', c.reply_count,
  'deletedAt', to_char(c.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'decision', json_build_object('reasons', c.reasons, 'scores', c.scores, 'scoredBy', c.scored_by, 'settingsVersion', c.settings_version))`;

export interface SiteCommentsQuery {
  siteId: string;
  postId: string | null;
  status: CommentStatus | null;
  since: Date | null;
  until: Date | null;
  /** Keyset cursor: comments with a greater id (ids are UUIDv7, so this is creation order). */
  after: string | null;
  limit: number;
}

/**
 * How far a comment's id may be from its `created_at`: both are the time it was accepted (an imported comment's, the
 * time it was written at its source), so a time range is also a range of ids, give or take this; but a comment sent
 * again with the same Idempotency-Key (kept 24 hours) keeps the id of its first try and is stored at the retry's time,
 * so its id may be older by up to a day (`ID_BEFORE_TIME_MS`), never newer.
 */
const ID_TIME_MARGIN_MS = 10 * 60_000;
const ID_BEFORE_TIME_MS = 24 * 3_600_000 + ID_TIME_MARGIN_MS;
/** The largest time a UUIDv7 holds (48 bits of milliseconds). */
const UUID_V7_LAST_MS = 2 ** 48 - 1;

/**
 * A site's comments of every status, oldest first, filtered and keyset-paginated. A time range is read as a range of
 * ids too (`ID_TIME_MARGIN_MS`), so a poll of the last minutes walks the index from there, not from the site's first
 * comment.
 */
export async function listSiteComments(db: Queryable, q: SiteCommentsQuery): Promise<PublisherComment[]> {
  const fromId = q.since ? uuidV7Floor(q.since.getTime() - ID_BEFORE_TIME_MS) : null;
  const toId = q.until ? uuidV7Floor(Math.min(UUID_V7_LAST_MS, q.until.getTime() + ID_TIME_MARGIN_MS)) : null;
  const res = await db.query<{ c: PublisherComment }>(
    `SELECT ${PUBLISHER_COMMENT_JSON} AS c
       FROM comments c JOIN users u ON u.id = c.author_id
      WHERE c.site_id = $1
        AND ($2::text IS NULL OR c.post_id = $2)
        AND ($3::text IS NULL OR c.status = $3)
        AND ($4::timestamptz IS NULL OR c.created_at >= $4)
        AND ($5::timestamptz IS NULL OR c.created_at < $5)
        AND ($6::uuid IS NULL OR c.id > $6)
        AND ($8::uuid IS NULL OR c.id >= $8)
        AND ($9::uuid IS NULL OR c.id < $9)
      ORDER BY c.id LIMIT $7`,
    [q.siteId, q.postId, q.status, q.since, q.until, q.after, q.limit, fromId, toId],
  );
  return res.rows.map((r) => r.c);
}

/**
 * The export's two statements: every post, then every comment, of one site, as JSON text per row. A post line has
 * the posts listing's fields: `closed` as readers see it (by hand, or by the site's auto-close, $2 = autoCloseDays),
 * `closedByHand`, `closesAt` and whether the title is the publisher's (`titleVerified`).
 */
export const EXPORT_POSTS_SQL = `SELECT json_build_object('type', 'post', 'id', p.id, 'title', p.title, 'url', p.url,
    'closed', p.closed OR coalesce(a.closes_at <= now(), false), 'closedByHand', p.closed,
    'closesAt', to_char(a.closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'titleVerified', p.title_verified, 'commentCount', p.comment_count,
    'createdAt', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text AS line
  FROM posts p,
       LATERAL (SELECT CASE WHEN $2::int IS NULL OR p.stays_open THEN NULL
                            ELSE p.created_at + make_interval(days => $2::int) END AS closes_at) a
  WHERE p.site_id = $1 ORDER BY p.created_at, p.id`;
export const EXPORT_COMMENTS_SQL = `SELECT (jsonb_build_object('type', 'comment') || ${PUBLISHER_COMMENT_JSON}::jsonb)::text AS line
  FROM comments c JOIN users u ON u.id = c.author_id WHERE c.site_id = $1 ORDER BY c.id`;
