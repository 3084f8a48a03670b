import type { Queryable } from './pool.js';
import { newId } from '../ids.js';

export type AppealStatus = 'open' | 'upheld' | 'reversed';

/** A complaint (Art. 20) against a statement of reasons (its recipient's) or a notice's decision (its notifier's). */
export interface Appeal {
  id: string;
  siteId: string;
  statementId: string | null;
  noticeId: string | null;
  appellant: 'author' | 'notifier';
  appellantId: string | null;
  explanation: string;
  firstDecider: string | null;
  status: AppealStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  createdAt: Date;
}

interface AppealRow {
  id: string;
  site_id: string;
  statement_id: string | null;
  notice_id: string | null;
  appellant: 'author' | 'notifier';
  appellant_id: string | null;
  explanation: string;
  first_decider: string | null;
  status: AppealStatus;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  created_at: Date;
}

const COLS = `id, site_id, statement_id, notice_id, appellant, appellant_id, explanation, first_decider, status,
  decided_by, decided_at, decision_reason, created_at`;

const toAppeal = (r: AppealRow): Appeal => ({
  id: r.id,
  siteId: r.site_id,
  statementId: r.statement_id,
  noticeId: r.notice_id,
  appellant: r.appellant,
  appellantId: r.appellant_id,
  explanation: r.explanation,
  firstDecider: r.first_decider,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  createdAt: r.created_at,
});

/** Stores an appeal; null when this decision was appealed already (one appeal per decision). */
export async function insertAppeal(
  db: Queryable,
  a: Pick<Appeal, 'siteId' | 'statementId' | 'noticeId' | 'appellant' | 'appellantId' | 'explanation' | 'firstDecider'>,
): Promise<Appeal | null> {
  const res = await db.query<AppealRow>(
    `INSERT INTO dsa_appeals (id, site_id, statement_id, notice_id, appellant, appellant_id, explanation, first_decider)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT DO NOTHING
     RETURNING ${COLS}`,
    [newId(), a.siteId, a.statementId, a.noticeId, a.appellant, a.appellantId, a.explanation, a.firstDecider],
  );
  const r = res.rows[0];
  return r ? toAppeal(r) : null;
}

export async function findAppeal(db: Queryable, siteId: string, id: string, lock = false): Promise<Appeal | null> {
  const res = await db.query<AppealRow>(
    `SELECT ${COLS} FROM dsa_appeals WHERE site_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [siteId, id],
  );
  const r = res.rows[0];
  return r ? toAppeal(r) : null;
}

/** The appeal of a statement, if there is one (the widget shows its state). */
export async function findAppealOfStatement(
  db: Queryable,
  siteId: string,
  statementId: string,
): Promise<Appeal | null> {
  const res = await db.query<AppealRow>(`SELECT ${COLS} FROM dsa_appeals WHERE site_id = $1 AND statement_id = $2`, [
    siteId,
    statementId,
  ]);
  const r = res.rows[0];
  return r ? toAppeal(r) : null;
}

/** The appeals of several statements, by statement id (one query). */
export async function findAppealsOfStatements(
  db: Queryable,
  siteId: string,
  statementIds: string[],
): Promise<Map<string, Appeal>> {
  if (statementIds.length === 0) return new Map();
  const res = await db.query<AppealRow>(
    `SELECT ${COLS} FROM dsa_appeals WHERE site_id = $1 AND statement_id = ANY($2::uuid[])`,
    [siteId, statementIds],
  );
  return new Map(res.rows.map((r) => [r.statement_id!, toAppeal(r)]));
}

/** The appeals queue, oldest first (limit + 1 rows for paging). */
export async function listAppeals(
  db: Queryable,
  q: { siteId: string; status: AppealStatus; limit: number; offset: number },
): Promise<Appeal[]> {
  const res = await db.query<AppealRow>(
    `SELECT ${COLS} FROM dsa_appeals WHERE site_id = $1 AND status = $2 ORDER BY created_at, id LIMIT $3 + 1 OFFSET $4`,
    [q.siteId, q.status, q.limit, q.offset],
  );
  return res.rows.map(toAppeal);
}

export async function decideAppeal(
  db: Queryable,
  d: { siteId: string; id: string; status: Exclude<AppealStatus, 'open'>; decidedBy: string; reason: string },
): Promise<void> {
  await db.query(
    `UPDATE dsa_appeals SET status = $3, decided_by = $4, decision_reason = $5, decided_at = now()
      WHERE site_id = $1 AND id = $2 AND status = 'open'`,
    [d.siteId, d.id, d.status, d.decidedBy, d.reason],
  );
}

/** A reader's appeals (their data export). */
export async function listUserAppeals(db: Queryable, siteId: string, userId: string): Promise<Appeal[]> {
  const res = await db.query<AppealRow>(
    `SELECT ${COLS} FROM dsa_appeals WHERE site_id = $1 AND appellant_id = $2 ORDER BY created_at DESC`,
    [siteId, userId],
  );
  return res.rows.map(toAppeal);
}
