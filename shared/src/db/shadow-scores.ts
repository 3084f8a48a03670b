import type { Queryable } from './pool.js';
import { RISK_SQL } from './moderation-learning.js';

/** A site's shadow scorer's results, and what scorers are compared with: moderators' decisions. */

/** A decided comment's label (its moderators' standing decision) with the primary's and the shadow's TOXICITY. */
export interface ScoredDecision {
  label: 0 | 1;
  primary: number | null;
  /** Null when there is no shadow scorer, or `shadowScorer` did not score this text. */
  shadow: number | null;
}

/**
 * The site's most recently decided comments (at most `limit`, read from its last 2 × `limit` standing decisions so a
 * busy site's history is never scanned whole), for comparing scorers with its moderators. A decision undone, or made
 * before the comment was edited, no longer stands. Of a comment decided both ways, the decision its status still
 * shows counts, else the latest. The shadow's score counts only when `shadowScorer` wrote it, so a scorer switched
 * in shadow is measured on its own answers.
 */
export async function listScoredDecisions(
  db: Queryable,
  siteId: string,
  limit: number,
  shadowScorer: string | null,
): Promise<ScoredDecision[]> {
  const res = await db.query<{ label: number; primary_score: number | null; shadow_score: number | null }>(
    `SELECT d.label, ${RISK_SQL} AS primary_score,
            CASE WHEN c.shadow_scores->>'scorer' = $3 THEN (c.shadow_scores #>> '{attributes,TOXICITY}')::float8 END AS shadow_score
       FROM (SELECT DISTINCT ON (recent.comment_id) recent.comment_id, recent.label, recent.id
               FROM (SELECT comment_id, label, id FROM moderation_decisions
                      WHERE site_id = $1 AND voided_at IS NULL ORDER BY id DESC LIMIT $2 * 2) recent
               JOIN comments s ON s.id = recent.comment_id AND s.site_id = $1
              ORDER BY recent.comment_id,
                       recent.label = CASE s.status WHEN 'rejected' THEN 1 WHEN 'approved' THEN 0 END DESC NULLS LAST,
                       recent.id DESC) d
       JOIN comments c ON c.id = d.comment_id AND c.site_id = $1
      ORDER BY d.id DESC
      LIMIT $2`,
    [siteId, limit, shadowScorer],
  );
  return res.rows.map((r) => ({
    label: r.label === 1 ? 1 : 0,
    primary: r.primary_score,
    shadow: r.shadow_score,
  }));
}

/** What the shadow scorer answered for a comment (or why it could not), stored beside its decision. */
export interface ShadowScores {
  scorer: string;
  provider: string | null;
  model: string | null;
  attributes: Record<string, number>;
  error: string | null;
}

export async function storeShadowScores(
  db: Queryable,
  c: { siteId: string; commentId: string; shadow: ShadowScores },
): Promise<void> {
  await db.query('UPDATE comments SET shadow_scores = $3 WHERE id = $2 AND site_id = $1', [
    c.siteId,
    c.commentId,
    JSON.stringify(c.shadow),
  ]);
}
