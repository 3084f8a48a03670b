import type { Queryable } from './pool.js';
import type { Role, User, UserStatus } from '../domain.js';
import { isUuid } from '../ids.js';

/** A user's columns as repositories select them (`COLS`); `toUser` maps them. */
export interface UserRow {
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
  token_version: number;
  email_verified: boolean;
}
const COLS = `id, site_id, display_name, email, role, status, suspended_until, created_at, premod, approved_count, rejected_count,
  token_version, (password_hash IS NULL OR email_verified_at IS NOT NULL) AS email_verified`;
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
  tokenVersion: r.token_version,
  emailVerified: r.email_verified,
});

/**
 * Creates or refreshes a reader who signed in through the publisher's SSO. Name and email
 * change only when this token is newer (by iat) than the newest one seen; a changed address is no longer known to bounce.
 */
export async function upsertSsoUser(
  db: Queryable,
  u: {
    id: string;
    siteId: string;
    externalId: string;
    name: string;
    email: string | null;
    iat: number;
    /** The token's `verified` claim (absent: false). */
    verified?: boolean;
  },
): Promise<User> {
  const res = await db.query<UserRow>(
    `INSERT INTO users (id, site_id, external_id, email, display_name, sso_iat, verified)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (site_id, external_id) WHERE external_id IS NOT NULL DO UPDATE
       SET display_name = CASE WHEN users.sso_iat IS NULL OR EXCLUDED.sso_iat > users.sso_iat THEN EXCLUDED.display_name ELSE users.display_name END,
           email        = CASE WHEN users.sso_iat IS NULL OR EXCLUDED.sso_iat > users.sso_iat THEN EXCLUDED.email ELSE users.email END,
           -- A new address has not bounced (SET reads the row as it was: users.email is the old address).
           email_bounced_at = CASE WHEN (users.sso_iat IS NULL OR EXCLUDED.sso_iat > users.sso_iat)
                                        AND lower(EXCLUDED.email) IS DISTINCT FROM lower(users.email)
                                   THEN NULL ELSE users.email_bounced_at END,
           verified     = CASE WHEN users.sso_iat IS NULL OR EXCLUDED.sso_iat > users.sso_iat THEN EXCLUDED.verified ELSE users.verified END,
           sso_iat      = GREATEST(users.sso_iat, EXCLUDED.sso_iat),
           updated_at   = now()
     RETURNING ${COLS}`,
    [u.id, u.siteId, u.externalId, u.email, u.name, u.iat, u.verified === true],
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

/**
 * Sets password and role of an existing password account (the admin CLI's users:create). The
 * operator vouches for the address, and every token issued before is revoked.
 */
export async function updatePasswordUser(
  db: Queryable,
  u: { siteId: string; email: string; passwordHash: string; displayName: string; role: Role },
): Promise<User | null> {
  const res = await db.query<UserRow>(
    `UPDATE users SET password_hash = $3, display_name = $4, role = $5, token_version = token_version + 1,
                      email_verified_at = COALESCE(email_verified_at, now()), email_verify_hash = NULL,
                      email_bounced_at = NULL, updated_at = now()
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

/**
 * The current version of each account's access tokens, in the order asked, or null when the account is
 * gone (erased, or never was) or the id is no UUID: one statement for the API's concurrent bearer checks.
 */
export async function currentTokenVersions(
  db: Queryable,
  keys: readonly { siteId: string; userId: string }[],
): Promise<(number | null)[]> {
  const wellFormed = keys.map((k) => isUuid(k.userId));
  const res = await db.query<{ token_version: number | null }>({
    name: 'current-token-versions',
    text: `SELECT u.token_version
             FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS k(site_id, id, ord)
             LEFT JOIN users u ON u.site_id = k.site_id AND u.id = k.id AND u.deleted_at IS NULL
            ORDER BY k.ord`,
    values: [keys.map((k) => k.siteId), keys.map((k, i) => (wellFormed[i] ? k.userId : null))],
  });
  return res.rows.map((r, i) => (wellFormed[i] ? r.token_version : null));
}

/** Revokes every access token of the user issued so far (sign-out everywhere). */
export async function revokeTokens(db: Queryable, siteId: string, id: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE users SET token_version = token_version + 1, updated_at = now() WHERE site_id = $1 AND id = $2`,
    [siteId, id],
  );
  return res.rowCount === 1;
}

/**
 * Marks a native account's address as verified (the operator made it, or its owner followed the link); one that had
 * bounced is written to again.
 */
export async function markEmailVerified(db: Queryable, siteId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), email_verify_hash = NULL,
                      email_verify_expires_at = NULL, email_bounced_at = NULL, updated_at = now()
      WHERE site_id = $1 AND id = $2`,
    [siteId, id],
  );
}

/**
 * Stores the hash of a new verification link's token (replacing any earlier link), for an address not confirmed yet or
 * one that bounced (its owner confirms it again).
 */
export async function setEmailVerification(
  db: Queryable,
  v: { siteId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `UPDATE users SET email_verify_hash = $3, email_verify_expires_at = $4, updated_at = now()
      WHERE site_id = $1 AND id = $2 AND (email_verified_at IS NULL OR email_bounced_at IS NOT NULL)`,
    [v.siteId, v.userId, v.tokenHash, v.expiresAt],
  );
}

/**
 * Uses a verification link: the account whose outstanding link has this token hash, if the link
 * has not lapsed, is verified (an address that had bounced is written to again), and the link is spent. Returns the
 * account, or null.
 */
export async function useEmailVerification(db: Queryable, tokenHash: string): Promise<User | null> {
  const res = await db.query<UserRow>(
    `UPDATE users SET email_verified_at = now(), email_verify_hash = NULL, email_verify_expires_at = NULL,
                      email_bounced_at = NULL, updated_at = now()
      WHERE email_verify_hash = $1 AND email_verify_expires_at > now() AND deleted_at IS NULL
      RETURNING ${COLS}`,
    [tokenHash],
  );
  return res.rows[0] ? toUser(res.rows[0]) : null;
}

/** Records an outstanding password-reset link for a native account (replacing an earlier one). */
export async function setPasswordReset(
  db: Queryable,
  r: { siteId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `UPDATE users SET password_reset_hash = $3, password_reset_expires_at = $4, updated_at = now()
      WHERE site_id = $1 AND id = $2 AND password_hash IS NOT NULL AND deleted_at IS NULL`,
    [r.siteId, r.userId, r.tokenHash, r.expiresAt],
  );
}

/**
 * Uses a password-reset link: the account whose outstanding link has this token hash, if it has not lapsed, takes
 * the new password; the link is spent, the address counts as confirmed (the link was read there; one that had bounced
 * is written to again), and every access
 * token issued before stops working. Returns the account, or null.
 */
export async function usePasswordReset(db: Queryable, tokenHash: string, passwordHash: string): Promise<User | null> {
  const res = await db.query<UserRow>(
    `UPDATE users SET password_hash = $2, password_reset_hash = NULL, password_reset_expires_at = NULL,
                      email_verified_at = coalesce(email_verified_at, now()), email_verify_hash = NULL,
                      email_verify_expires_at = NULL, email_bounced_at = NULL, token_version = token_version + 1,
                      updated_at = now()
      WHERE password_reset_hash = $1 AND password_reset_expires_at > now() AND deleted_at IS NULL
        AND password_hash IS NOT NULL
      RETURNING ${COLS}`,
    [tokenHash, passwordHash],
  );
  return res.rows[0] ? toUser(res.rows[0]) : null;
}

/**
 * Records that a mail server refused the account's address for good: no notification email is sent to it until the
 * address changes or its owner confirms it again. Only while the account still has that address (one changed since
 * has not bounced). True when this call recorded it.
 */
export async function markEmailBounced(db: Queryable, u: { userId: string; email: string }): Promise<boolean> {
  const res = await db.query(
    `UPDATE users SET email_bounced_at = now(), updated_at = now()
      WHERE id = $1 AND email = $2 AND email_bounced_at IS NULL AND deleted_at IS NULL`,
    [u.userId, u.email],
  );
  return res.rowCount === 1;
}

/** Whether a mail server refused the account's address for good (see markEmailBounced). */
export async function isEmailBounced(db: Queryable, siteId: string, id: string): Promise<boolean> {
  const res = await db.query<{ bounced: boolean }>(
    'SELECT email_bounced_at IS NOT NULL AS bounced FROM users WHERE site_id = $1 AND id = $2',
    [siteId, id],
  );
  return res.rows[0]?.bounced === true;
}

const RESERVED_WORDS = ['moderator', 'moderation', 'admin', 'administrator', 'editor', 'staff'];
/** A name as compared for impersonation: compatibility-folded, lower case, letters and digits only. */
const nameKey = (name: string): string =>
  name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Whether a reader may not take this display name: a staff word ("Moderator", "the editor") or the
 * name of one of the site's staff (other than the account itself, known by its SSO id).
 */
export async function isReservedName(
  db: Queryable,
  siteId: string,
  name: string,
  self: { externalId?: string } = {},
): Promise<boolean> {
  const key = nameKey(name);
  if (key === '') return false;
  if (RESERVED_WORDS.some((w) => key === w || key === `the${w}` || key === `site${w}`)) return true;
  const res = await db.query<{ display_name: string }>(
    `SELECT display_name FROM users
      WHERE site_id = $1 AND role <> 'commenter' AND deleted_at IS NULL AND ($2::text IS NULL OR external_id IS DISTINCT FROM $2)`,
    [siteId, self.externalId ?? null],
  );
  return res.rows.some((r) => nameKey(r.display_name) === key);
}
