import type { Queryable } from './pool.js';
import { uuidV7Floor } from './moderation-queues.js';
import type { ModerationAnalytics } from '../contract.js';
import { appealFigures } from './appeal-figures.js';

export type { ModerationAnalytics };

/** The top rules listed. */
const MAX_REASONS = 30;
/** Moderators listed, most decisions first. */
const MAX_MODERATORS = 100;
const HUMAN_DECISIONS = `('comment.approve', 'comment.reject')`;

/** Runs the queries one after the other: on one connection, as one snapshot, never several of the pool's at once. */
async function inTurn<T extends unknown[]>(queries: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const results: unknown[] = [];
  for (const q of queries) results.push(await q());
  return results as T;
}

/**
 * Every figure by SQL aggregates over one site and a bounded range: comments by id (UUIDv7, so
 * the range is an index range on comments (site_id, id)), audit entries by (site_id, created_at). The
 * queries run in turn, so the caller decides the connection (one read-only snapshot: `withReadOnlySnapshot`).
 */
export async function moderationAnalytics(
  db: Queryable,
  q: { siteId: string; from: Date; to: Date },
): Promise<ModerationAnalytics> {
  const range = [q.siteId, uuidV7Floor(q.from.getTime()), uuidV7Floor(q.to.getTime()), q.from, q.to];
  // The id range is the index range; the time condition leaves out comments imported with an older time.
  const inRange = `SELECT id, status, created_at, reasons, deleted_at FROM comments
      WHERE site_id = $1 AND id >= $2::uuid AND id < $3::uuid AND created_at >= $4 AND created_at < $5`;
  const firstHuman = `SELECT a.comment_id, min(a.created_at) AS first_at FROM audit_log a
      WHERE a.site_id = $1 AND a.actor_id IS NOT NULL AND a.action IN ${HUMAN_DECISIONS}
        AND a.comment_id IN (SELECT id FROM c) GROUP BY a.comment_id`;
  const [volume, split, backlog, moderators, reasons, reversals, appeals] = await inTurn([
    () =>
      db.query<{ day: string; total: number; approved: number; pending: number; rejected: number }>(
        `WITH c AS (${inRange})
       SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS total,
              (count(*) FILTER (WHERE status = 'approved'))::int AS approved,
              (count(*) FILTER (WHERE status = 'pending'))::int AS pending,
              (count(*) FILTER (WHERE status = 'rejected'))::int AS rejected
         FROM c GROUP BY 1 ORDER BY 1`,
        range,
      ),
    () =>
      db.query<{ automatic: number; human: number; undecided: number; p50: number | null; p90: number | null }>(
        `WITH c AS (${inRange}), h AS (${firstHuman})
       SELECT (count(*) FILTER (WHERE h.comment_id IS NULL AND c.status <> 'pending'))::int AS automatic,
              (count(h.comment_id))::int AS human,
              (count(*) FILTER (WHERE h.comment_id IS NULL AND c.status = 'pending' AND c.deleted_at IS NULL))::int AS undecided,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h.first_at - c.created_at))
                FILTER (WHERE h.comment_id IS NOT NULL) AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM h.first_at - c.created_at))
                FILTER (WHERE h.comment_id IS NOT NULL) AS p90
         FROM c LEFT JOIN h ON h.comment_id = c.id`,
        range,
      ),
    () =>
      db.query<{ pending: number; oldest: Date | null; age: number | null }>(
        `SELECT count(*)::int AS pending, min(created_at) AS oldest,
              extract(epoch FROM now() - min(created_at))::float8 AS age
         FROM comments WHERE site_id = $1 AND status = 'pending' AND deleted_at IS NULL`,
        [q.siteId],
      ),
    () =>
      db.query<{ id: string; name: string; approved: number; rejected: number }>(
        `SELECT actor_id AS id, (array_agg(actor_name ORDER BY created_at DESC))[1] AS name,
              (count(*) FILTER (WHERE action = 'comment.approve'))::int AS approved,
              (count(*) FILTER (WHERE action = 'comment.reject'))::int AS rejected
         FROM audit_log
        WHERE site_id = $1 AND created_at >= $2 AND created_at < $3 AND actor_id IS NOT NULL
          AND action IN ${HUMAN_DECISIONS}
        GROUP BY actor_id ORDER BY count(*) DESC, actor_id LIMIT ${MAX_MODERATORS}`,
        [q.siteId, q.from, q.to],
      ),
    () =>
      db.query<{ rule: string; comments: number }>(
        `WITH c AS (${inRange})
       SELECT r.rule, count(DISTINCT c.id)::int AS comments
         FROM c CROSS JOIN LATERAL (SELECT e->>'rule' AS rule FROM jsonb_array_elements(c.reasons) e) r
        WHERE r.rule IS NOT NULL
        GROUP BY r.rule ORDER BY 2 DESC, 1 LIMIT ${MAX_REASONS}`,
        range,
      ),
    () =>
      db.query<{ total: number; undone: number }>(
        `SELECT (count(*) FILTER (WHERE action IN ${HUMAN_DECISIONS} AND before->>'status' IN ('approved', 'rejected')
                 AND after->>'status' IN ('approved', 'rejected') AND before->>'status' <> after->>'status'))::int AS total,
              (count(*) FILTER (WHERE action = 'comment.undo'))::int AS undone
         FROM audit_log
        WHERE site_id = $1 AND created_at >= $2 AND created_at < $3 AND actor_id IS NOT NULL`,
        [q.siteId, q.from, q.to],
      ),
    () => appealFigures(db, q),
  ]);
  const s = split.rows[0]!;
  const b = backlog.rows[0]!;
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    volume: volume.rows,
    decidedBy: { automatic: s.automatic, human: s.human, undecided: s.undecided },
    timeToDecision: {
      decided: s.human,
      p50Seconds: s.p50 === null ? null : Math.round(s.p50),
      p90Seconds: s.p90 === null ? null : Math.round(s.p90),
    },
    backlog: {
      pending: b.pending,
      oldestAt: b.oldest ? b.oldest.toISOString() : null,
      oldestAgeSeconds: b.age === null ? null : Math.round(b.age),
    },
    moderators: moderators.rows,
    reasons: reasons.rows,
    reversals: reversals.rows[0]!,
    appeals,
  };
}
