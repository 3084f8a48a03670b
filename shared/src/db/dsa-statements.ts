import type { Queryable } from './pool.js';
import { newId } from '../ids.js';

export const RESTRICTIONS = ['removal', 'hold', 'suspension', 'ban'] as const;
export type Restriction = (typeof RESTRICTIONS)[number];
export type StatementSource = 'automated' | 'notice' | 'trusted_flagger' | 'moderator' | 'misuse';
export type Ground = 'illegal_content' | 'incompatible_content';

/** How long a decision can be appealed (Art. 20(1): at least six months). */
export const APPEAL_MONTHS = 6;

/** A statement of reasons (Art. 17), as stored and as its recipient reads it. */
export interface Statement {
  id: string;
  siteId: string;
  commentId: string | null;
  userId: string | null;
  restriction: Restriction;
  decision: string;
  facts: string;
  ground: Ground;
  groundDetail: string;
  category: string | null;
  source: StatementSource;
  automatedDetection: boolean;
  automatedDecision: boolean;
  manifestlyIllegal: boolean;
  noticeId: string | null;
  decidedBy: string | null;
  redress: string;
  appealUntil: Date;
  endsAt: Date | null;
  reversedAt: Date | null;
  createdAt: Date;
}

export type NewStatement = Omit<Statement, 'id' | 'appealUntil' | 'reversedAt' | 'createdAt' | 'manifestlyIllegal'> & {
  /** Unique per site: a second insert with the same key stores nothing (a retried job, a repeated request). */
  sourceKey: string;
  manifestlyIllegal?: boolean;
};

interface StatementRow {
  id: string;
  site_id: string;
  comment_id: string | null;
  user_id: string | null;
  restriction: Restriction;
  decision: string;
  facts: string;
  ground: Ground;
  ground_detail: string;
  category: string | null;
  source: StatementSource;
  automated_detection: boolean;
  automated_decision: boolean;
  manifestly_illegal: boolean;
  notice_id: string | null;
  decided_by: string | null;
  redress: string;
  appeal_until: Date;
  ends_at: Date | null;
  reversed_at: Date | null;
  created_at: Date;
}

export const STATEMENT_COLS = `id, site_id, comment_id, user_id, restriction, decision, facts, ground, ground_detail,
  category, source, automated_detection, automated_decision, manifestly_illegal, notice_id, decided_by, redress,
  appeal_until, ends_at, reversed_at, created_at`;

export const toStatement = (r: StatementRow): Statement => ({
  id: r.id,
  siteId: r.site_id,
  commentId: r.comment_id,
  userId: r.user_id,
  restriction: r.restriction,
  decision: r.decision,
  facts: r.facts,
  ground: r.ground,
  groundDetail: r.ground_detail,
  category: r.category,
  source: r.source,
  automatedDetection: r.automated_detection,
  automatedDecision: r.automated_decision,
  manifestlyIllegal: r.manifestly_illegal,
  noticeId: r.notice_id,
  decidedBy: r.decided_by,
  redress: r.redress,
  appealUntil: r.appeal_until,
  endsAt: r.ends_at,
  reversedAt: r.reversed_at,
  createdAt: r.created_at,
});

/**
 * Stores a statement of reasons. Idempotent by (site, sourceKey): the second call returns null and
 * stores nothing, so a retried worker job or a repeated action never gives one decision two statements.
 */
export async function insertStatement(db: Queryable, s: NewStatement): Promise<Statement | null> {
  const res = await db.query<StatementRow>(
    `INSERT INTO dsa_statements (id, site_id, source_key, comment_id, user_id, restriction, decision, facts, ground,
       ground_detail, category, source, automated_detection, automated_decision, manifestly_illegal, notice_id,
       decided_by, redress, appeal_until, ends_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
             now() + make_interval(months => ${APPEAL_MONTHS}), $19)
     ON CONFLICT (site_id, source_key) DO NOTHING
     RETURNING ${STATEMENT_COLS}`,
    [
      newId(),
      s.siteId,
      s.sourceKey,
      s.commentId,
      s.userId,
      s.restriction,
      s.decision,
      s.facts,
      s.ground,
      s.groundDetail,
      s.category,
      s.source,
      s.automatedDetection,
      s.automatedDecision,
      s.manifestlyIllegal ?? false,
      s.noticeId,
      s.decidedBy,
      s.redress,
      s.endsAt,
    ],
  );
  const r = res.rows[0];
  return r ? toStatement(r) : null;
}

export async function findStatement(db: Queryable, siteId: string, id: string): Promise<Statement | null> {
  const res = await db.query<StatementRow>(
    `SELECT ${STATEMENT_COLS} FROM dsa_statements WHERE site_id = $1 AND id = $2`,
    [siteId, id],
  );
  const r = res.rows[0];
  return r ? toStatement(r) : null;
}

/** The statement in force for a comment: its newest one not reversed (null when there is none). */
export async function currentCommentStatement(
  db: Queryable,
  siteId: string,
  commentId: string,
): Promise<Statement | null> {
  const res = await db.query<StatementRow>(
    `SELECT ${STATEMENT_COLS} FROM dsa_statements
      WHERE site_id = $1 AND comment_id = $2 AND reversed_at IS NULL
      ORDER BY created_at DESC, id DESC LIMIT 1`,
    [siteId, commentId],
  );
  const r = res.rows[0];
  return r ? toStatement(r) : null;
}

/** Every statement addressed to a reader (their data export), newest first. */
export async function listUserStatements(db: Queryable, siteId: string, userId: string): Promise<Statement[]> {
  const res = await db.query<StatementRow>(
    `SELECT ${STATEMENT_COLS} FROM dsa_statements WHERE site_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC`,
    [siteId, userId],
  );
  return res.rows.map(toStatement);
}

/** Statements made in [from, to), oldest first (transparency exports). */
export async function listStatementsBetween(
  db: Queryable,
  q: { siteId: string; from: Date; to: Date; limit: number },
): Promise<(Statement & { contentDate: Date | null })[]> {
  const res = await db.query<StatementRow & { content_date: Date | null }>(
    `SELECT ${STATEMENT_COLS.split(',')
      .map((c) => `s.${c.trim()}`)
      .join(', ')}, c.created_at AS content_date
       FROM dsa_statements s LEFT JOIN comments c ON c.id = s.comment_id AND c.site_id = s.site_id
      WHERE s.site_id = $1 AND s.created_at >= $2 AND s.created_at < $3
      ORDER BY s.created_at, s.id LIMIT $4`,
    [q.siteId, q.from, q.to, q.limit],
  );
  return res.rows.map((r) => ({ ...toStatement(r), contentDate: r.content_date }));
}

export async function markStatementReversed(db: Queryable, siteId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE dsa_statements SET reversed_at = now() WHERE site_id = $1 AND id = $2 AND reversed_at IS NULL`,
    [siteId, id],
  );
}

export async function markStatementMailed(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE dsa_statements SET mailed_at = now() WHERE id = $1`, [id]);
}
