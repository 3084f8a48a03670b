import type { Queryable } from './pool.js';
import { newId } from '../ids.js';

export type NoticeStatus = 'open' | 'actioned' | 'no_action';

/** A notice of illegal content (Art. 16), with the comments it names. */
export interface Notice {
  id: string;
  siteId: string;
  reference: string;
  notifierId: string | null;
  notifierName: string;
  notifierEmail: string | null;
  category: string;
  explanation: string;
  trusted: boolean;
  status: NoticeStatus;
  manifestlyUnfounded: boolean;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  createdAt: Date;
  comments: NoticeComment[];
}

export interface NoticeComment {
  id: string;
  postId: string;
  status: string;
  body: string;
  authorId: string;
  authorName: string;
}

/** Who a notice is from, for "one notice per comment per notifier": the account, else the address. */
export const notifierKey = (n: { notifierId: string | null; notifierEmail: string | null }): string =>
  n.notifierId ? `u:${n.notifierId}` : `e:${(n.notifierEmail ?? '').toLowerCase()}`;

interface NoticeRow {
  id: string;
  site_id: string;
  reference: string;
  notifier_id: string | null;
  notifier_name: string;
  notifier_email: string | null;
  category: string;
  explanation: string;
  trusted: boolean;
  status: NoticeStatus;
  manifestly_unfounded: boolean;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  created_at: Date;
  comments: NoticeComment[] | null;
}

const toNotice = (r: NoticeRow): Notice => ({
  id: r.id,
  siteId: r.site_id,
  reference: r.reference,
  notifierId: r.notifier_id,
  notifierName: r.notifier_name,
  notifierEmail: r.notifier_email,
  category: r.category,
  explanation: r.explanation,
  trusted: r.trusted,
  status: r.status,
  manifestlyUnfounded: r.manifestly_unfounded,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  createdAt: r.created_at,
  comments: r.comments ?? [],
});

const NOTICE_SELECT = `SELECT n.id, n.site_id, n.reference, n.notifier_id, n.notifier_name, n.notifier_email, n.category,
    n.explanation, n.trusted, n.status, n.manifestly_unfounded, n.decided_by, n.decided_at, n.decision_reason, n.created_at,
    (SELECT json_agg(json_build_object('id', c.id, 'postId', c.post_id, 'status', c.status, 'body', c.body,
                                       'authorId', c.author_id, 'authorName', u.display_name) ORDER BY c.id)
       FROM dsa_notice_comments nc JOIN comments c ON c.id = nc.comment_id JOIN users u ON u.id = c.author_id
      WHERE nc.notice_id = n.id) AS comments
  FROM dsa_notices n`;

/**
 * Stores a notice and the comments it names, in the caller's transaction. Returns the ids this
 * notifier had already sent a notice about (nothing is stored then: the caller rolls back), or
 * the notice. Only approved comments of the site can be named (readers see nothing else).
 */
export async function insertNotice(
  tx: Queryable,
  n: {
    siteId: string;
    reference: string;
    notifierId: string | null;
    notifierName: string;
    notifierEmail: string | null;
    category: string;
    explanation: string;
    trusted: boolean;
    appealCodeHash: Buffer;
    commentIds: string[];
  },
): Promise<{ ok: true; id: string } | { ok: false; missing: string[] } | { ok: false; duplicates: string[] }> {
  const found = await tx.query<{ id: string }>(
    `SELECT id FROM comments WHERE site_id = $1 AND id = ANY($2::uuid[]) AND status = 'approved' AND deleted_at IS NULL`,
    [n.siteId, n.commentIds],
  );
  const present = new Set(found.rows.map((r) => r.id));
  const missing = n.commentIds.filter((id) => !present.has(id));
  if (missing.length > 0) return { ok: false, missing };
  const id = newId();
  await tx.query(
    `INSERT INTO dsa_notices (id, site_id, reference, notifier_id, notifier_name, notifier_email, category, explanation,
       good_faith, trusted, appeal_code_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, $9, $10)`,
    [
      id,
      n.siteId,
      n.reference,
      n.notifierId,
      n.notifierName,
      n.notifierEmail,
      n.category,
      n.explanation,
      n.trusted,
      n.appealCodeHash,
    ],
  );
  const key = notifierKey(n);
  const ins = await tx.query<{ comment_id: string }>(
    `INSERT INTO dsa_notice_comments (notice_id, site_id, comment_id, notifier_key)
     SELECT $1, $2, c, $3 FROM unnest($4::uuid[]) c
     ON CONFLICT (site_id, comment_id, notifier_key) DO NOTHING
     RETURNING comment_id`,
    [id, n.siteId, key, n.commentIds],
  );
  const stored = new Set(ins.rows.map((r) => r.comment_id));
  const duplicates = n.commentIds.filter((c) => !stored.has(c));
  return duplicates.length > 0 ? { ok: false, duplicates } : { ok: true, id };
}

/** The notice queue: open notices, trusted flaggers' first, then oldest first (limit + 1 rows for paging). */
export async function listNotices(
  db: Queryable,
  q: { siteId: string; status: NoticeStatus; limit: number; offset: number },
): Promise<Notice[]> {
  const res = await db.query<NoticeRow>(
    `${NOTICE_SELECT} WHERE n.site_id = $1 AND n.status = $2
      ORDER BY n.trusted DESC, n.created_at, n.id LIMIT $3 + 1 OFFSET $4`,
    [q.siteId, q.status, q.limit, q.offset],
  );
  return res.rows.map(toNotice);
}

export async function findNotice(
  db: Queryable,
  siteId: string,
  by: { id: string } | { reference: string },
  lock = false,
): Promise<(Notice & { appealCodeHash: Buffer }) | null> {
  const where = 'id' in by ? 'n.id = $2' : 'n.reference = $2';
  const res = await db.query<NoticeRow & { appeal_code_hash: Buffer }>(
    `${NOTICE_SELECT.replace('n.created_at,', 'n.created_at, n.appeal_code_hash,')} WHERE n.site_id = $1 AND ${where}${lock ? ' FOR UPDATE OF n' : ''}`,
    [siteId, 'id' in by ? by.id : by.reference],
  );
  const r = res.rows[0];
  return r ? { ...toNotice(r), appealCodeHash: r.appeal_code_hash } : null;
}

export async function decideNotice(
  tx: Queryable,
  d: {
    siteId: string;
    id: string;
    status: Exclude<NoticeStatus, 'open'>;
    manifestlyUnfounded: boolean;
    decidedBy: string;
    reason: string | null;
  },
): Promise<boolean> {
  const res = await tx.query(
    `UPDATE dsa_notices SET status = $3, manifestly_unfounded = $4, decided_by = $5, decision_reason = $6, decided_at = now(),
            actioned_at = CASE WHEN $3 = 'actioned' THEN now() END
      WHERE site_id = $1 AND id = $2 AND status = 'open'`,
    [d.siteId, d.id, d.status, d.manifestlyUnfounded, d.decidedBy, d.reason],
  );
  return res.rowCount === 1;
}

/** Notices from a notifier still open or found unfounded: for the misuse count. */
export async function countUnfoundedNotices(
  db: Queryable,
  q: { siteId: string; subject: string; since: Date },
): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dsa_notices
      WHERE site_id = $1 AND manifestly_unfounded AND decided_at >= $3
        AND (CASE WHEN notifier_id IS NOT NULL THEN 'u:' || notifier_id ELSE 'e:' || lower(notifier_email) END) = $2`,
    [q.siteId, q.subject, q.since],
  );
  return res.rows[0]!.n;
}

/** Whether a site has marked this account a trusted flagger. */
export async function isTrustedFlagger(db: Queryable, siteId: string, userId: string): Promise<boolean> {
  const res = await db.query(`SELECT 1 FROM dsa_trusted_flaggers WHERE site_id = $1 AND user_id = $2`, [
    siteId,
    userId,
  ]);
  return res.rowCount === 1;
}
