import type { Queryable } from './pool.js';

export const REPORT_REASONS = ['spam', 'abuse', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/**
 * Records a reader's report of a comment. Returns null when this reader reported it already;
 * otherwise the open reports of the comment from distinct readers, by reason (this one included).
 */
export async function insertReport(
  db: Queryable,
  r: { siteId: string; commentId: string; reporterId: string; reason: ReportReason; note: string | null },
): Promise<{ open: number; byReason: Record<string, number> } | null> {
  const res = await db.query<{ inserted: boolean; by_reason: Record<string, number> | null }>(
    `WITH ins AS (
       INSERT INTO reports (site_id, comment_id, reporter_id, reason, note) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (comment_id, reporter_id) DO NOTHING
       RETURNING reason
     ), open AS (
       SELECT reason FROM reports WHERE site_id = $1 AND comment_id = $2 AND resolved_at IS NULL
       UNION ALL SELECT reason FROM ins
     )
     SELECT EXISTS (SELECT 1 FROM ins) AS inserted,
            (SELECT jsonb_object_agg(reason, n) FROM (SELECT reason, count(*)::int AS n FROM open GROUP BY reason) g) AS by_reason`,
    [r.siteId, r.commentId, r.reporterId, r.reason, r.note],
  );
  const row = res.rows[0]!;
  if (!row.inserted) return null;
  const byReason = row.by_reason ?? {};
  return { open: Object.values(byReason).reduce((a, b) => a + b, 0), byReason };
}

/** Closes a comment's open reports (a moderator decided on it). Returns how many were open. */
export async function resolveReports(db: Queryable, siteId: string, commentId: string): Promise<number> {
  const res = await db.query(
    `UPDATE reports SET resolved_at = now() WHERE site_id = $1 AND comment_id = $2 AND resolved_at IS NULL`,
    [siteId, commentId],
  );
  return res.rowCount ?? 0;
}
