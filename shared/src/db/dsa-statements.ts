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
  /** Its moderator undid the decision within seconds: it no longer applies (reversedAt is set too). */
  withdrawnAt: Date | null;
  createdAt: Date;
}

export type NewStatement = Omit<
  Statement,
  'id' | 'appealUntil' | 'reversedAt' | 'withdrawnAt' | 'createdAt' | 'manifestlyIllegal'
> & {
  /** Unique per site: a second insert with the same key stores nothing (a retried job, a repeated request). */
  sourceKey: string;
  manifestlyIllegal?: boolean;
};

export interface StatementRow {
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
  withdrawn_at: Date | null;
  created_at: Date;
}

export const STATEMENT_COLS = `id, site_id, comment_id, user_id, restriction, decision, facts, ground, ground_detail,
  category, source, automated_detection, automated_decision, manifestly_illegal, notice_id, decided_by, redress,
  appeal_until, ends_at, reversed_at, withdrawn_at, created_at`;

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
  withdrawnAt: r.withdrawn_at,
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

/**
 * Statements made in [from, to), oldest first (the Transparency Database export): withdrawn ones
 * are left out, their decision having been undone before it stood.
 */
export async function listStatementsBetween(
  db: Queryable,
  q: { siteId: string; from: Date; to: Date; limit: number },
): Promise<(Statement & { contentDate: Date | null })[]> {
  const res = await db.query<StatementRow & { content_date: Date | null }>(
    `SELECT ${STATEMENT_COLS.split(',')
      .map((c) => `s.${c.trim()}`)
      .join(', ')}, c.created_at AS content_date
       FROM dsa_statements s LEFT JOIN comments c ON c.id = s.comment_id AND c.site_id = s.site_id
      WHERE s.site_id = $1 AND s.created_at >= $2 AND s.created_at < $3 AND s.withdrawn_at IS NULL
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

/**
 * The two mails a statement can need: the statement itself, and the correction after its decision
 * was withdrawn (undone by its moderator) once the statement had been mailed.
 */
export type StatementMailKind = 'statement' | 'withdrawal';

/**
 * How long a claim on a statement's mail holds: past it, the claimer is taken to have crashed. A send
 * that failed leaves its claim to lapse too, so a refused address is retried every ten minutes, not
 * at every sweep.
 */
export const STATEMENT_MAIL_LEASE_MS = 10 * 60_000;

/** When each kind of mail is due, whoever sends it (`s` is the statement's alias). */
const DUE: Record<StatementMailKind, string> = {
  statement: 's.mailed_at IS NULL AND s.withdrawn_at IS NULL AND s.reversed_at IS NULL',
  withdrawal: 's.withdrawn_at IS NOT NULL AND s.mailed_at IS NOT NULL AND s.withdrawal_mailed_at IS NULL',
};
const UNCLAIMED = `(s.mail_claimed_at IS NULL OR s.mail_claimed_at < now() - make_interval(secs => ${STATEMENT_MAIL_LEASE_MS / 1000}))`;

/**
 * Claims statements' mails of this kind for the caller to send: the ids of those that were due and
 * that no one else holds. The rows' update serialises two claimers (the API right after a decision,
 * the worker's sweep): exactly one of them sends each.
 */
export async function claimStatementMails(db: Queryable, ids: string[], kind: StatementMailKind): Promise<Set<string>> {
  const res = await db.query<{ id: string }>(
    `UPDATE dsa_statements s SET mail_claimed_at = now() WHERE s.id = ANY($1::uuid[]) AND ${DUE[kind]} AND ${UNCLAIMED}
     RETURNING s.id`,
    [ids],
  );
  return new Set(res.rows.map((r) => r.id));
}

/** Claimed mails were sent: recorded, and the claims released. */
export async function markStatementsMailed(db: Queryable, ids: string[], kind: StatementMailKind): Promise<void> {
  const column = kind === 'statement' ? 'mailed_at' : 'withdrawal_mailed_at';
  await db.query(`UPDATE dsa_statements SET ${column} = now(), mail_claimed_at = NULL WHERE id = ANY($1::uuid[])`, [
    ids,
  ]);
}

/** A due mail, claimed by the sweep, with what it needs to send it. */
export interface DueStatementMail {
  kind: StatementMailKind;
  statement: Statement;
  email: string;
  siteName: string;
}

/**
 * Claims, for the worker's sweep, mails that their sender should have sent by now (stored longer than
 * `graceMs` ago) and did not: the process stopped, or the transport failed. Only recipients with an
 * address; nothing older than `maxAgeDays` (a mail weeks late is not sent, the statement stays
 * readable in the widget, the API and the export). `SKIP LOCKED` and the claim make two sweeps in
 * two processes take different rows.
 */
export async function claimDueStatementMails(
  db: Queryable,
  o: { graceMs: number; maxAgeDays: number; limit: number },
): Promise<DueStatementMail[]> {
  const cols = STATEMENT_COLS.split(',')
    .map((c) => `s.${c.trim()}`)
    .join(', ');
  const res = await db.query<StatementRow & { kind: StatementMailKind; email: string; site_name: string }>(
    `WITH due AS (
       SELECT s.id, CASE WHEN s.mailed_at IS NULL THEN 'statement' ELSE 'withdrawal' END AS kind,
              u.email, st.name AS site_name
         FROM dsa_statements s
         JOIN users u ON u.id = s.user_id AND u.site_id = s.site_id AND u.deleted_at IS NULL AND u.email IS NOT NULL
         JOIN sites st ON st.id = s.site_id
        WHERE ${UNCLAIMED}
          AND ((${DUE.statement} AND s.created_at < now() - make_interval(secs => $1::float8 / 1000)
                AND s.created_at > now() - make_interval(days => $2))
            OR (${DUE.withdrawal} AND s.withdrawn_at < now() - make_interval(secs => $1::float8 / 1000)
                AND s.withdrawn_at > now() - make_interval(days => $2)))
        ORDER BY s.created_at
        LIMIT $3
          FOR UPDATE OF s SKIP LOCKED
     )
     UPDATE dsa_statements s SET mail_claimed_at = now()
       FROM due WHERE s.id = due.id
     RETURNING ${cols}, due.kind, due.email, due.site_name`,
    [o.graceMs, o.maxAgeDays, o.limit],
  );
  return res.rows.map((r) => ({ kind: r.kind, statement: toStatement(r), email: r.email, siteName: r.site_name }));
}

/**
 * Whether what this statement imposed is still in force and nothing imposed since stands over it: for a hold or
 * removal, no later statement on the same comment that was neither reversed nor withdrawn; for a ban or suspension,
 * none on the same account, which is still banned (or suspended). Reversing an older statement undoes what it did
 * and nothing since: a later removal or ban has its own statement and its own appeal.
 */
export async function stillInForce(tx: Queryable, siteId: string, s: Statement): Promise<boolean> {
  const account = s.restriction === 'ban' || s.restriction === 'suspension';
  const res = await tx.query<{ status: string | null; later: boolean }>(
    `SELECT (SELECT status FROM users WHERE site_id = $1 AND id = $2 FOR UPDATE) AS status,
            EXISTS (SELECT 1 FROM dsa_statements l
                     WHERE l.site_id = $1 AND l.id <> $3 AND l.created_at > $4 AND l.reversed_at IS NULL
                       AND l.withdrawn_at IS NULL
                       AND CASE WHEN $5 THEN l.user_id = $2 AND l.restriction IN ('ban', 'suspension')
                                ELSE l.comment_id = $6 AND l.restriction IN ('hold', 'removal') END) AS later`,
    [siteId, s.userId, s.id, s.createdAt, account, s.commentId],
  );
  const r = res.rows[0]!;
  if (r.later) return false;
  if (!account) return true;
  return s.restriction === 'ban' ? r.status === 'banned' : r.status === 'suspended';
}
