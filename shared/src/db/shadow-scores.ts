import type { Queryable } from './pool.js';
import { RISK_SQL } from './moderation-learning.js';

/** A site's shadow scorer's results, and what scorers are compared with: moderators' decisions. */

/** A decided comment's label (its latest moderator decision) with the primary's and the shadow's TOXICITY. */
export interface ScoredDecision {
  label: 0 | 1;
  primary: number | null;
  shadow: number | null;
}

/**
 * The site's most recently decided comments (at most `limit`, read from its last 2 × `limit` decisions
 * so a busy site's history is never scanned whole), for comparing scorers with its moderators.
 */
export async function listScoredDecisions(db: Queryable, siteId: string, limit: number): Promise<ScoredDecision[]> {
  const res = await db.query<{ label: number; primary_score: number | null; shadow_score: number | null }>(
    `SELECT d.label, ${RISK_SQL} AS primary_score, (c.shadow_scores #>> '{attributes,TOXICITY}')::float8 AS shadow_score
       FROM (SELECT DISTINCT ON (comment_id) comment_id, label, id
               FROM (SELECT comment_id, label, id FROM moderation_decisions
                      WHERE site_id = $1 ORDER BY id DESC LIMIT $2 * 2) recent
              ORDER BY comment_id, id DESC) d
       JOIN comments c ON c.id = d.comment_id AND c.site_id = $1
      ORDER BY d.id DESC
      LIMIT $2`,
    [siteId, limit],
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
