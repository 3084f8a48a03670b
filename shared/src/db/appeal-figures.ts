import type { AppealFigures } from '../contract.js';
import type { Queryable } from './pool.js';

export type { AppealFigures };

/**
 * The analytics' appeal figures, from the complaints (`dsa_appeals`) of one site: counted by
 * when they were lodged and when they were decided, so an appeal lodged before the range and
 * decided in it counts as decided.
 */
export async function appealFigures(
  db: Queryable,
  q: { siteId: string; from: Date; to: Date },
): Promise<AppealFigures> {
  const res = await db.query<AppealFigures>(
    `SELECT (count(*) FILTER (WHERE created_at >= $2 AND created_at < $3))::int AS received,
            (count(*) FILTER (WHERE status = 'upheld' AND decided_at >= $2 AND decided_at < $3))::int AS upheld,
            (count(*) FILTER (WHERE status = 'reversed' AND decided_at >= $2 AND decided_at < $3))::int AS reversed
       FROM dsa_appeals
      WHERE site_id = $1 AND (created_at >= $2 OR decided_at >= $2) AND created_at < $3`,
    [q.siteId, q.from, q.to],
  );
  return res.rows[0]!;
}
