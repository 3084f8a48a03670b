import type { Queryable } from './pool.js';
import { newId } from '../ids.js';

/** Who acted: a staff member, or the service itself (actorId null, e.g. the reports threshold). */
export interface Actor {
  id: string | null;
  name: string;
}

/** What a moderation action did. Actions are dotted names: `comment.approve`, `reader.ban`, … */
export interface AuditInput {
  siteId: string;
  actor: Actor;
  action: string;
  commentId?: string | null;
  readerId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditEntry {
  id: string;
  siteId: string;
  actor: Actor;
  action: string;
  commentId: string | null;
  readerId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  createdAt: Date;
}

/** Appends one entry; run it in the transaction of the change it records. */
export async function insertAudit(db: Queryable, e: AuditInput): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO audit_log (id, site_id, actor_id, actor_name, action, comment_id, reader_id, before, after, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      e.siteId,
      e.actor.id,
      e.actor.name,
      e.action,
      e.commentId ?? null,
      e.readerId ?? null,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.reason ?? null,
    ],
  );
  return id;
}

interface AuditRow {
  id: string;
  site_id: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  comment_id: string | null;
  reader_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  created_at: Date;
}

/** The log of one site, newest first, keyset-paginated by id; each filter is optional. */
export async function listAudit(
  db: Queryable,
  q: { siteId: string; actorId?: string; commentId?: string; readerId?: string; before?: string | null; limit: number },
): Promise<AuditEntry[]> {
  const res = await db.query<AuditRow>(
    `SELECT id, site_id, actor_id, actor_name, action, comment_id, reader_id, before, after, reason, created_at
       FROM audit_log
      WHERE site_id = $1
        AND ($2::uuid IS NULL OR actor_id = $2)
        AND ($3::uuid IS NULL OR comment_id = $3)
        AND ($4::uuid IS NULL OR reader_id = $4)
        AND ($5::uuid IS NULL OR id < $5)
      ORDER BY id DESC
      LIMIT $6`,
    [q.siteId, q.actorId ?? null, q.commentId ?? null, q.readerId ?? null, q.before ?? null, q.limit],
  );
  return res.rows.map((r) => ({
    id: r.id,
    siteId: r.site_id,
    actor: { id: r.actor_id, name: r.actor_name },
    action: r.action,
    commentId: r.comment_id,
    readerId: r.reader_id,
    before: r.before,
    after: r.after,
    reason: r.reason,
    createdAt: r.created_at,
  }));
}
