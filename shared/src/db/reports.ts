import type { Queryable } from './pool.js';

export const REPORT_REASONS = ['spam', 'abuse', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Who counts towards a site's report threshold (the site setting `reportStanding`). */
export interface ReportStanding {
  minAccountAgeDays: number;
  minApprovedComments: number;
  requireVerifiedEmail: boolean;
}

/**
 * Records a reader's report of a comment. Returns null when this reader reported it already (this text of it: after
 * an edit, their earlier report, closed by the edit, is made again);
 * otherwise the open reports of the comment from distinct readers (this one included): all of
 * them, and by reason those whose reporters have standing, which alone count towards holding it.
 */
export async function insertReport(
  db: Queryable,
  r: {
    siteId: string;
    commentId: string;
    reporterId: string;
    reason: ReportReason;
    note: string | null;
    standing?: ReportStanding;
  },
): Promise<{ open: number; counted: number; byReason: Record<string, number> } | null> {
  const st = r.standing ?? { minAccountAgeDays: 0, minApprovedComments: 0, requireVerifiedEmail: false };
  const res = await db.query<{ inserted: boolean; total: number; by_reason: Record<string, number> | null }>(
    `WITH ins AS (
       INSERT INTO reports (site_id, comment_id, reporter_id, reason, note) VALUES ($1, $2, $3, $4, $5)
       -- One report per reader and text: a reader whose report an edit closed (an edit applied after it) reports the
       -- new text anew, in place of that report.
       ON CONFLICT (comment_id, reporter_id) DO UPDATE
         SET reason = EXCLUDED.reason, note = EXCLUDED.note, created_at = now(), resolved_at = NULL
         WHERE reports.resolved_at IS NOT NULL
           AND EXISTS (SELECT 1 FROM comment_revisions r
                        WHERE r.comment_id = reports.comment_id AND r.applied_at > reports.created_at)
       RETURNING reason, reporter_id
     ), open AS (
       SELECT reason, reporter_id FROM reports WHERE site_id = $1 AND comment_id = $2 AND resolved_at IS NULL
       UNION ALL SELECT reason, reporter_id FROM ins
     ), standing AS (
       SELECT o.reason FROM open o JOIN users u ON u.id = o.reporter_id
        WHERE u.created_at <= now() - make_interval(days => $6)
          AND u.approved_count >= $7
          AND (NOT $8 OR u.password_hash IS NULL OR u.email_verified_at IS NOT NULL)
     )
     SELECT EXISTS (SELECT 1 FROM ins) AS inserted, (SELECT count(*)::int FROM open) AS total,
            (SELECT jsonb_object_agg(reason, n) FROM (SELECT reason, count(*)::int AS n FROM standing GROUP BY reason) g) AS by_reason`,
    [
      r.siteId,
      r.commentId,
      r.reporterId,
      r.reason,
      r.note,
      st.minAccountAgeDays,
      st.minApprovedComments,
      st.requireVerifiedEmail,
    ],
  );
  const row = res.rows[0]!;
  if (!row.inserted) return null;
  const byReason = row.by_reason ?? {};
  return { open: row.total, counted: Object.values(byReason).reduce((a, b) => a + b, 0), byReason };
}

/** Closes a comment's open reports (a moderator decided on it). Returns how many were open. */
export async function resolveReports(db: Queryable, siteId: string, commentId: string): Promise<number> {
  const res = await db.query(
    `UPDATE reports SET resolved_at = now() WHERE site_id = $1 AND comment_id = $2 AND resolved_at IS NULL`,
    [siteId, commentId],
  );
  return res.rowCount ?? 0;
}
