import type { Queryable } from './pool.js';

/** The figures of a transparency report (Art. 15 and 24 DSA) for one site and a period [from, to). */
export interface TransparencyFigures {
  notices: {
    total: number;
    byCategory: Record<string, number>;
    fromTrustedFlaggers: number;
    byStatus: Record<string, number>;
    manifestlyUnfounded: number;
    /** Median seconds from a notice to its decision (decided notices of the period), null without any. */
    medianSecondsToDecision: number | null;
    /** Median seconds from a notice to the removal it led to. */
    medianSecondsToAct: number | null;
  };
  actions: {
    total: number;
    byRestriction: Record<string, number>;
    byGround: Record<string, number>;
    byGroundDetail: Record<string, number>;
    bySource: Record<string, number>;
    automatedDetection: number;
    automatedDecision: number;
    humanDecision: number;
    /**
     * Decisions their moderator undid within seconds (the statement withdrawn, docs/dsa.md "Undo"):
     * the decision never stood, so they are in none of the figures above.
     */
    withdrawn: number;
  };
  complaints: {
    total: number;
    byOutcome: Record<string, number>;
    byAppellant: Record<string, number>;
    medianSecondsToDecision: number | null;
  };
  suspensions: {
    /** Art. 23(1): accounts suspended for manifestly illegal content. */
    illegalContent: number;
    /** Art. 23(2): notifiers whose notices were suspended. */
    unfoundedNotices: number;
    warnings: number;
    /** Account restrictions of any origin (statements of suspension or ban). */
    accountRestrictions: number;
  };
}

/** Every figure in one statement, so they come from one snapshot. */
export async function transparencyFigures(
  db: Queryable,
  q: { siteId: string; from: Date; to: Date },
): Promise<TransparencyFigures> {
  const res = await db.query<{ r: TransparencyFigures }>(
    `WITH n AS (SELECT * FROM dsa_notices WHERE site_id = $1 AND created_at >= $2 AND created_at < $3),
          s_all AS (SELECT * FROM dsa_statements WHERE site_id = $1 AND created_at >= $2 AND created_at < $3),
          s AS (SELECT * FROM s_all WHERE withdrawn_at IS NULL),
          a AS (SELECT * FROM dsa_appeals WHERE site_id = $1 AND created_at >= $2 AND created_at < $3),
          m AS (SELECT * FROM dsa_misuse WHERE site_id = $1 AND created_at >= $2 AND created_at < $3),
          counts AS (
            SELECT 'nc' AS k, category AS key, count(*)::int AS n FROM n GROUP BY category
            UNION ALL SELECT 'ns', status, count(*)::int FROM n GROUP BY status
            UNION ALL SELECT 'sr', restriction, count(*)::int FROM s GROUP BY restriction
            UNION ALL SELECT 'sg', ground, count(*)::int FROM s GROUP BY ground
            UNION ALL SELECT 'sd', ground_detail, count(*)::int FROM s GROUP BY ground_detail
            UNION ALL SELECT 'ss', source, count(*)::int FROM s GROUP BY source
            UNION ALL SELECT 'ao', status, count(*)::int FROM a GROUP BY status
            UNION ALL SELECT 'aa', appellant, count(*)::int FROM a GROUP BY appellant
          ),
          obj AS (SELECT k, jsonb_object_agg(key, n) AS o FROM counts GROUP BY k)
     SELECT jsonb_build_object(
       'notices', jsonb_build_object(
         'total', (SELECT count(*) FROM n),
         'byCategory', COALESCE((SELECT o FROM obj WHERE k = 'nc'), '{}'),
         'fromTrustedFlaggers', (SELECT count(*) FROM n WHERE trusted),
         'byStatus', COALESCE((SELECT o FROM obj WHERE k = 'ns'), '{}'),
         'manifestlyUnfounded', (SELECT count(*) FROM n WHERE manifestly_unfounded),
         'medianSecondsToDecision', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) FROM n WHERE decided_at IS NOT NULL),
         'medianSecondsToAct', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM actioned_at - created_at)) FROM n WHERE status = 'actioned' AND actioned_at IS NOT NULL)
       ),
       'actions', jsonb_build_object(
         'total', (SELECT count(*) FROM s),
         'byRestriction', COALESCE((SELECT o FROM obj WHERE k = 'sr'), '{}'),
         'byGround', COALESCE((SELECT o FROM obj WHERE k = 'sg'), '{}'),
         'byGroundDetail', COALESCE((SELECT o FROM obj WHERE k = 'sd'), '{}'),
         'bySource', COALESCE((SELECT o FROM obj WHERE k = 'ss'), '{}'),
         'automatedDetection', (SELECT count(*) FROM s WHERE automated_detection),
         'automatedDecision', (SELECT count(*) FROM s WHERE automated_decision),
         'humanDecision', (SELECT count(*) FROM s WHERE NOT automated_decision),
         'withdrawn', (SELECT count(*) FROM s_all WHERE withdrawn_at IS NOT NULL)
       ),
       'complaints', jsonb_build_object(
         'total', (SELECT count(*) FROM a),
         'byOutcome', COALESCE((SELECT o FROM obj WHERE k = 'ao'), '{}'),
         'byAppellant', COALESCE((SELECT o FROM obj WHERE k = 'aa'), '{}'),
         'medianSecondsToDecision', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) FROM a WHERE decided_at IS NOT NULL)
       ),
       'suspensions', jsonb_build_object(
         'illegalContent', (SELECT count(*) FROM m WHERE action = 'suspension' AND kind = 'illegal_content'),
         'unfoundedNotices', (SELECT count(*) FROM m WHERE action = 'suspension' AND kind = 'unfounded_notices'),
         'warnings', (SELECT count(*) FROM m WHERE action = 'warning'),
         'accountRestrictions', (SELECT count(*) FROM s WHERE restriction IN ('suspension', 'ban'))
       )
     ) AS r`,
    [q.siteId, q.from, q.to],
  );
  return res.rows[0]!.r;
}
