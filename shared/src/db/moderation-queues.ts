import type { Queryable } from './pool.js';
import type { CommentStatus, Reason, ScoredBy, UserStatus } from '../domain.js';
import { RISK_SQL } from './moderation-learning.js';

/**
 * The moderators' queues: held for review, visible but reported, the recent decisions, and "for
 * review": visible comments reported in the recent days, whose reports stay listed (closed ones
 * too) after a moderator kept the comment.
 */
export const QUEUES = ['pending', 'reported', 'rejected', 'approved', 'review'] as const;
export type QueueName = (typeof QUEUES)[number];

/** `approved` and `rejected` list the comments of this many recent days (by when they were written). */
export const RECENT_DAYS = 7;

/** The smallest UUIDv7 of a millisecond: ids at or above it were created at or after that time. */
export function uuidV7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
const recentFloor = (now = Date.now()) => uuidV7Floor(now - RECENT_DAYS * 86_400_000);

export interface QueueReport {
  reporter: { id: string; name: string };
  reason: string;
  note: string | null;
  createdAt: string;
  /** When a moderator's decision closed it; null while open. */
  resolvedAt: string | null;
}

/** One item of a queue: everything a moderator needs to decide without another request. */
export interface QueueItem {
  id: string;
  postId: string;
  parentId: string | null;
  status: CommentStatus;
  body: string;
  reasons: Reason[];
  scores: Record<string, number>;
  scoredBy: ScoredBy[];
  createdAt: Date;
  decidedAt: Date;
  author: {
    id: string;
    name: string;
    joinedAt: Date;
    approvedCount: number;
    rejectedCount: number;
    status: UserStatus;
    suspendedUntil: Date | null;
    premod: boolean;
  };
  post: { id: string; title: string; url: string };
  /** The comment it replies to: the start of its text, and its scores (the page blurs a severe one as it does the reply). */
  parent: {
    id: string;
    authorName: string;
    excerpt: string;
    status: CommentStatus;
    scores: Record<string, number>;
  } | null;
  reports: QueueReport[];
  openReports: number;
  /** The sort key of the `risk` order: predicted rejection, 2 when unscored (an unscored comment comes first). */
  riskKey: number;
  /** Featured by a moderator (an Editors' pick). */
  featured: boolean;
  /** When its author last edited it (null: never); the earlier texts are at …/revisions. */
  editedAt: Date | null;
  /** How many of its author's edits were applied: what a moderator's decision names as the text they read. */
  editCount: number;
}

export interface ItemRow {
  id: string;
  post_id: string;
  parent_id: string | null;
  status: CommentStatus;
  body: string;
  reasons: Reason[];
  scores: Record<string, number>;
  scored_by: ScoredBy[];
  created_at: Date;
  decided_at: Date;
  featured: boolean;
  edited_at: Date | null;
  edit_count: number;
  author_id: string;
  author_name: string;
  author_joined: Date;
  approved_count: number;
  rejected_count: number;
  author_status: UserStatus;
  suspended_until: Date | null;
  premod: boolean;
  post_title: string;
  post_url: string;
  parent_author: string | null;
  parent_excerpt: string | null;
  parent_status: CommentStatus | null;
  parent_scores: Record<string, number> | null;
  reports: QueueReport[];
  open_reports: number;
  risk_key: number;
}

/** Characters of the parent comment shown with a reply. */
const EXCERPT = 280;

// A comment its author deleted has left every queue: there is nothing left to decide.
const CONDITION: Record<QueueName, string> = {
  pending: `c.status = 'pending' AND c.deleted_at IS NULL`,
  reported: `c.status = 'approved' AND c.deleted_at IS NULL AND c.id IN (SELECT comment_id FROM reports WHERE site_id = $1 AND resolved_at IS NULL)`,
  rejected: `c.status = 'rejected' AND c.deleted_at IS NULL`,
  approved: `c.status = 'approved' AND c.deleted_at IS NULL`,
  review: `c.status = 'approved' AND c.deleted_at IS NULL AND c.id IN (SELECT comment_id FROM reports WHERE site_id = $1 AND created_at >= now() - make_interval(days => ${RECENT_DAYS}))`,
};
/** Only the recent decisions are listed; what waits for a decision is listed however old. */
const floorOf = (queue: QueueName) => (queue === 'rejected' || queue === 'approved' ? recentFloor() : uuidV7Floor(0));
/** Review order: oldest first for what waits for a decision, newest first for what was decided. */
export const OLDEST_FIRST: Record<QueueName, boolean> = {
  pending: true,
  reported: true,
  rejected: false,
  approved: false,
  review: false,
};

/**
 * The columns and joins of a queue item (`c` is the comment): author, post, parent excerpt, and
 * the open reports (all of them, closed ones too, with allReports).
 */
export function itemSelect(allReports: boolean): string {
  return `SELECT c.id, c.post_id, c.parent_id, c.status, c.body, c.reasons, c.scores, c.scored_by, c.created_at, c.decided_at,
            c.featured_at IS NOT NULL AS featured, c.edited_at, c.edit_count, u.id AS author_id, u.display_name AS author_name, u.created_at AS author_joined, u.approved_count,
            u.rejected_count, u.status AS author_status, u.suspended_until, u.premod,
            p.title AS post_title, p.url AS post_url,
            pu.display_name AS parent_author, left(par.body, ${EXCERPT}) AS parent_excerpt, par.status AS parent_status, par.scores AS parent_scores,
            rp.reports, rp.open_reports, ${RISK_KEY} AS risk_key
       FROM comments c
       JOIN users u ON u.id = c.author_id
       JOIN posts p ON p.site_id = c.site_id AND p.id = c.post_id
       LEFT JOIN comments par ON par.id = c.parent_id AND par.site_id = c.site_id
       LEFT JOIN users pu ON pu.id = par.author_id
       CROSS JOIN LATERAL (
         SELECT (count(*) FILTER (WHERE r.resolved_at IS NULL))::int AS open_reports,
                coalesce(json_agg(json_build_object('reporter', json_build_object('id', r.reporter_id, 'name', ru.display_name),
                  'reason', r.reason, 'note', r.note, 'createdAt', r.created_at, 'resolvedAt', r.resolved_at)
                  ORDER BY r.created_at) FILTER (WHERE r.resolved_at IS NULL OR ${allReports}), '[]'::json) AS reports
           FROM reports r JOIN users ru ON ru.id = r.reporter_id
          WHERE r.site_id = c.site_id AND r.comment_id = c.id
       ) rp`;
}

/** A row of itemSelect() as a queue item. */
export function toQueueItem(r: ItemRow): QueueItem {
  return {
    id: r.id,
    postId: r.post_id,
    parentId: r.parent_id,
    status: r.status,
    body: r.body,
    reasons: r.reasons,
    scores: r.scores,
    scoredBy: r.scored_by,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    author: {
      id: r.author_id,
      name: r.author_name,
      joinedAt: r.author_joined,
      approvedCount: r.approved_count,
      rejectedCount: r.rejected_count,
      status: r.author_status,
      suspendedUntil: r.suspended_until,
      premod: r.premod,
    },
    post: { id: r.post_id, title: r.post_title, url: r.post_url },
    parent:
      r.parent_id && r.parent_author !== null && r.parent_status !== null
        ? {
            id: r.parent_id,
            authorName: r.parent_author,
            excerpt: r.parent_excerpt ?? '',
            status: r.parent_status,
            scores: r.parent_scores ?? {},
          }
        : null,
    reports: r.reports,
    openReports: r.open_reports,
    riskKey: r.risk_key,
    featured: r.featured,
    editedAt: r.edited_at,
    editCount: r.edit_count,
  };
}

/** A queue's order: by time (the queue's review order), or most likely to be rejected first. */
export type QueueSort = 'time' | 'risk';
// Unscored comments (a scorer could not run) have no prediction: they sort above every score.
const RISK_KEY = `coalesce(${RISK_SQL}, 2)`;

/**
 * One page of a queue, keyset-paginated by comment id (UUIDv7: creation time) or, sorted by risk,
 * by (predicted rejection descending, id), reading one row beyond `limit` so the caller can tell
 * whether a next page exists. Filters: a post, a rule of the decision's reasons or a reason of an
 * open report, and a predicted rejection below a level (the likely-fine lane).
 */
export async function listQueue(
  db: Queryable,
  q: {
    siteId: string;
    queue: QueueName;
    postId?: string;
    reason?: string;
    after: string | null;
    limit: number;
    sort?: QueueSort;
    /** With sort `risk`: the risk key of the row `after` names. */
    afterRisk?: number | null;
    riskBelow?: number;
  },
): Promise<QueueItem[]> {
  const asc = OLDEST_FIRST[q.queue];
  const byRisk = q.sort === 'risk';
  const after = byRisk
    ? `($5::uuid IS NULL OR ${RISK_KEY} < $8::float8 OR (${RISK_KEY} = $8::float8 AND c.id > $5::uuid))`
    : `($5::uuid IS NULL OR c.id ${asc ? '>' : '<'} $5::uuid)`;
  const order = byRisk ? `${RISK_KEY} DESC, c.id ASC` : `c.id ${asc ? 'ASC' : 'DESC'}`;
  const res = await db.query<ItemRow>(
    `${itemSelect(q.queue === 'review')}      WHERE c.site_id = $1 AND ${CONDITION[q.queue]} AND c.id >= $2::uuid
        AND ($3::text IS NULL OR c.post_id = $3)
        AND ($4::text IS NULL OR c.reasons @> jsonb_build_array(jsonb_build_object('rule', $4::text))
             OR EXISTS (SELECT 1 FROM reports r2 WHERE r2.site_id = c.site_id AND r2.comment_id = c.id
                          AND ${q.queue === 'review' ? '' : 'r2.resolved_at IS NULL AND '}r2.reason = $4))
        AND ${after}
        AND ($7::float8 IS NULL OR ${RISK_SQL} < $7)
      ORDER BY ${order}
      LIMIT $6 + 1`,
    [
      q.siteId,
      floorOf(q.queue),
      q.postId ?? null,
      q.reason ?? null,
      q.after,
      q.limit,
      q.riskBelow ?? null,
      // $8 appears only in the risk order's cursor condition.
      ...(byRisk ? [q.afterRisk ?? null] : []),
    ],
  );
  return res.rows.map(toQueueItem);
}

export type QueueCounts = Record<QueueName, number>;

/** Beyond this many, the recent `approved` and `rejected` counts stop counting (shown as "10000+"). */
export const RECENT_COUNT_CAP = 10_000;

/**
 * The size of every queue in one statement, each an index scan on comments (site_id, status,
 * id) or on the open reports' partial index. `pending` and `reported` are exact however large
 * (they are the work to do, and small by nature); the recent `approved` and `rejected` are exact
 * up to RECENT_COUNT_CAP, so a busy site's poll never counts a week of traffic; `capped` names
 * the queues whose count is a lower bound.
 */
export async function countQueues(
  db: Queryable,
  siteId: string,
): Promise<{ counts: QueueCounts; capped: QueueName[] }> {
  const res = await db.query<QueueCounts>(
    `SELECT (SELECT count(*) FROM comments WHERE site_id = $1 AND status = 'pending' AND deleted_at IS NULL)::int AS pending,
            (SELECT count(*) FROM comments c WHERE c.site_id = $1 AND c.status = 'approved' AND c.deleted_at IS NULL
                AND c.id IN (SELECT comment_id FROM reports WHERE site_id = $1 AND resolved_at IS NULL))::int AS reported,
            (SELECT count(*) FROM (SELECT 1 FROM comments WHERE site_id = $1 AND status = 'rejected' AND deleted_at IS NULL AND id >= $2::uuid LIMIT $3) r)::int AS rejected,
            (SELECT count(*) FROM (SELECT 1 FROM comments WHERE site_id = $1 AND status = 'approved' AND deleted_at IS NULL AND id >= $2::uuid LIMIT $3) a)::int AS approved,
            (SELECT count(*) FROM comments c WHERE c.site_id = $1 AND c.status = 'approved' AND c.deleted_at IS NULL
                AND c.id IN (SELECT comment_id FROM reports WHERE site_id = $1
                               AND created_at >= now() - make_interval(days => ${RECENT_DAYS})))::int AS review`,
    [siteId, recentFloor(), RECENT_COUNT_CAP],
  );
  const counts = res.rows[0]!;
  return { counts, capped: (['rejected', 'approved'] as const).filter((q) => counts[q] >= RECENT_COUNT_CAP) };
}
