import { generateSecret, generateURI, verify } from 'otplib';
import type { Queryable } from '#shared/db/pool.js';
import { type StaffTotp, useTotpStep } from '#shared/db/staff-totp.js';

const PERIOD_S = 30;

/** A new authenticator secret (base32, 20 bytes) and the otpauth:// URL an app scans. */
export function newTotpSecret(issuer: string, label: string): { secret: string; otpauthUrl: string } {
  const secret = generateSecret();
  return { secret, otpauthUrl: generateURI({ issuer, label, secret }) };
}

/**
 * Whether `code` is the account's current code (one step either side allowed for clock drift),
 * used once: its time step is recorded, and a code of that step or an earlier one is refused after.
 */
export async function checkTotp(
  db: Queryable,
  siteId: string,
  userId: string,
  totp: StaffTotp,
  code: string,
): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const result = await verify({
    secret: totp.secret,
    token: code,
    epochTolerance: PERIOD_S,
    ...(totp.lastStep === null ? {} : { afterTimeStep: totp.lastStep }),
  });
  if (!result.valid || !('timeStep' in result)) return false;
  // Conditional update: of two requests racing with the same code, one wins.
  return useTotpStep(db, siteId, userId, result.timeStep);
}
