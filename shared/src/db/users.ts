import type { Queryable } from './pool.js';
import type { Role, User, UserStatus } from '../domain.js';

interface UserRow {
  id: string;
  site_id: string;
  display_name: string;
  email: string | null;
  role: Role;
  status: UserStatus;
  suspended_until: Date | null;
  created_at: Date;
  premod: boolean;
  approved_count: number;
  rejected_count: number;
}
const COLS = `id, site_id, display_name, email, role, status, suspended_until, created_at, premod, approved_count, rejected_count`;
export const toUser = (r: UserRow): User => ({
  id: r.id,
  siteId: r.site_id,
  displayName: r.display_name,
  email: r.email,
  role: r.role,
  status: r.status,
  suspendedUntil: r.suspended_until,
  createdAt: r.created_at,
  premod: r.premod,
  approvedCount: r.approved_count,
  rejectedCount: r.rejected_count,
});

/**
 * Creates or refreshes a reader who signed in through the publisher's SSO. Name and email
 * change only when this token is newer (by iat) than the newest one seen.
 */
export async function upsertSsoUser(
  db: Queryable,
  u: { id: string; siteId: string; externalId: string; name: string; email: string | null; iat: number },
): Promise<User> {
  const res = await db.query<UserRow>(
    `INSERT INTO users (id, site_id, external_id, email, display_name, sso_iat)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (site_id, external_id) WHERE external_id IS NOT NULL DO UPDATE
       SET display_name = CASE WHEN users.sso_iat IS NULL OR EXCLUDED.sso_iat > users.sso_iat THEN EXCLUDED.display_name ELSE users.display_name END,
           email        = CASE WHEN users.sso_iat IS NULL OR EXCLUDED.sso_iat > users.sso_iat THEN EXCLUDED.email ELSE users.email END,
           sso_iat      = GREATEST(users.sso_iat, EXCLUDED.sso_iat),
           updated_at   = now()
     RETURNING ${COLS}`,
    [u.id, u.siteId, u.externalId, u.email, u.name, u.iat],
  );
  return toUser(res.rows[0]!);
}

/** Inserts a password account; returns null when the email is already registered on the site. */
export async function insertPasswordUser(
  db: Queryable,
  u: { id: string; siteId: string; email: string; passwordHash: string; displayName: string; role: Role },
): Promise<User | null> {
  const res = await db.query<UserRow>(
    `INSERT INTO users (id, site_id, email, password_hash, display_name, role)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (site_id, lower(email)) WHERE password_hash IS NOT NULL DO NOTHING
     RETURNING ${COLS}`,
    [u.id, u.siteId, u.email, u.passwordHash, u.displayName, u.role],
  );
  return res.rows[0] ? toUser(res.rows[0]) : null;
}

/** Sets password and role of an existing password account (the admin CLI's idempotent users:create). */
export async function updatePasswordUser(
  db: Queryable,
  u: { siteId: string; email: string; passwordHash: string; displayName: string; role: Role },
): Promise<User | null> {
  const res = await db.query<UserRow>(
    `UPDATE users SET password_hash = $3, display_name = $4, role = $5, updated_at = now()
      WHERE site_id = $1 AND lower(email) = lower($2) AND password_hash IS NOT NULL
      RETURNING ${COLS}`,
    [u.siteId, u.email, u.passwordHash, u.displayName, u.role],
  );
  return res.rows[0] ? toUser(res.rows[0]) : null;
}

export async function findPasswordUser(
  db: Queryable,
  siteId: string,
  email: string,
): Promise<(User & { passwordHash: string }) | null> {
  const res = await db.query<UserRow & { password_hash: string }>(
    `SELECT ${COLS}, password_hash FROM users
      WHERE site_id = $1 AND lower(email) = lower($2) AND password_hash IS NOT NULL`,
    [siteId, email],
  );
  const r = res.rows[0];
  return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
}

/** A user of the site; an erased account (kept only as a "deleted user" tombstone) is not found. */
export async function findUser(db: Queryable, siteId: string, id: string): Promise<User | null> {
  const res = await db.query<UserRow>(
    `SELECT ${COLS} FROM users WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [siteId, id],
  );
  return res.rows[0] ? toUser(res.rows[0]) : null;
}

export async function setUserStatus(
  db: Queryable,
  u: { siteId: string; id: string; status: UserStatus; suspendedUntil?: Date | null },
): Promise<boolean> {
  const res = await db.query(
    `UPDATE users SET status = $3, suspended_until = $4, updated_at = now() WHERE site_id = $1 AND id = $2`,
    [u.siteId, u.id, u.status, u.suspendedUntil ?? null],
  );
  return res.rowCount === 1;
}

/** Whether the user may post now: active, or suspended with the suspension over. */
export function canPost(u: Pick<User, 'status' | 'suspendedUntil'>, now = new Date()): boolean {
  if (u.status === 'active') return true;
  if (u.status === 'suspended') return u.suspendedUntil !== null && u.suspendedUntil <= now;
  return false;
}
