import type { Queryable } from './pool.js';
import { effectiveSettings } from '../settings.js';

/** A staff member's authenticator secret: pending until confirmed (enabledAt null). */
export interface StaffTotp {
  secret: string;
  enabledAt: Date | null;
  lastStep: number | null;
}

export async function findStaffTotp(db: Queryable, siteId: string, userId: string): Promise<StaffTotp | null> {
  const res = await db.query<{ totp_secret: string; totp_enabled_at: Date | null; totp_last_step: string | null }>(
    `SELECT totp_secret, totp_enabled_at, totp_last_step FROM users
      WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL AND totp_secret IS NOT NULL`,
    [siteId, userId],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    secret: r.totp_secret,
    enabledAt: r.totp_enabled_at,
    lastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
  };
}

/** Stores a new pending secret; false when TOTP is already enabled (an enabled secret is never replaced here). */
export async function setPendingTotp(db: Queryable, siteId: string, userId: string, secret: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE users SET totp_secret = $3, totp_last_step = NULL, updated_at = now()
      WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL AND totp_enabled_at IS NULL`,
    [siteId, userId, secret],
  );
  return res.rowCount === 1;
}

/**
 * Records the time step of an accepted code, only if it is later than the last one used: false
 * when another request used this step (or a later one) first, i.e. the code is being replayed.
 */
export async function useTotpStep(db: Queryable, siteId: string, userId: string, step: number): Promise<boolean> {
  const res = await db.query(
    `UPDATE users SET totp_last_step = $3
      WHERE site_id = $1 AND id = $2 AND totp_secret IS NOT NULL
        AND (totp_last_step IS NULL OR totp_last_step < $3)`,
    [siteId, userId, step],
  );
  return res.rowCount === 1;
}

/** Enables the pending secret and revokes every access token issued before. */
export async function enableTotp(db: Queryable, siteId: string, userId: string): Promise<number | null> {
  const res = await db.query<{ token_version: number }>(
    `UPDATE users SET totp_enabled_at = now(), token_version = token_version + 1, updated_at = now()
      WHERE site_id = $1 AND id = $2 AND totp_secret IS NOT NULL AND totp_enabled_at IS NULL
      RETURNING token_version`,
    [siteId, userId],
  );
  return res.rows[0]?.token_version ?? null;
}

/** Forgets the secret; tokens issued before are revoked too. */
export async function disableTotp(db: Queryable, siteId: string, userId: string): Promise<void> {
  await db.query(
    `UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
                      token_version = token_version + 1, updated_at = now()
      WHERE site_id = $1 AND id = $2`,
    [siteId, userId],
  );
}

/** Whether the site requires TOTP of its staff while this member has not enabled it. */
export async function needsTotpEnrolment(db: Queryable, siteId: string, userId: string): Promise<boolean> {
  const res = await db.query<{ settings: unknown; enabled: boolean }>(
    `SELECT s.settings, u.totp_enabled_at IS NOT NULL AS enabled
       FROM users u JOIN sites s ON s.id = u.site_id
      WHERE u.site_id = $1 AND u.id = $2`,
    [siteId, userId],
  );
  const r = res.rows[0];
  return r ? !r.enabled && effectiveSettings(r.settings).staffTotpRequired : false;
}
