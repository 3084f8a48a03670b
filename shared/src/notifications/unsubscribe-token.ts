import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long an unsubscribe link in an email keeps working. */
export const UNSUBSCRIBE_TTL_S = 90 * 86400;

/** A key for this one purpose, derived from JWT_SECRET: an unsubscribe token can never pass as an access token. */
const keyOf = (secret: string) => createHmac('sha256', secret).update('reader-notifications/unsubscribe/v1').digest();

const sign = (secret: string, payload: string) =>
  createHmac('sha256', keyOf(secret)).update(payload).digest('base64url');

/**
 * A single-purpose token for an email's unsubscribe link: it names one reader of one site and can do
 * one thing, turn their notification email off, until it expires. It signs in nobody.
 */
export function signUnsubscribeToken(secret: string, r: { siteId: string; userId: string }, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ s: r.siteId, u: r.userId, e: Math.floor(now / 1000) + UNSUBSCRIBE_TTL_S }),
  ).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** The reader the token names, or null when it is malformed, forged or expired (compared in constant time). */
export function verifyUnsubscribeToken(
  secret: string,
  token: string,
  now = Date.now(),
): { siteId: string; userId: string } | null {
  if (token.length > 512) return null;
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      s?: unknown;
      u?: unknown;
      e?: unknown;
    };
    if (typeof p.s !== 'string' || typeof p.u !== 'string' || typeof p.e !== 'number') return null;
    if (p.e * 1000 < now) return null;
    return { siteId: p.s, userId: p.u };
  } catch {
    return null;
  }
}
