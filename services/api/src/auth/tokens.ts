import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Principal, Role } from '#shared/domain.js';

const ISSUER = 'comments-api';
const AUDIENCE = 'comments';
const ROLES = new Set<Role>(['commenter', 'moderator', 'admin']);

export interface TokenKeys {
  /** A KeyObject, so jose imports it into WebCrypto once rather than on every call. */
  key: KeyObject;
  ttlSeconds: number;
}

export const tokenKeys = (secret: string, ttlSeconds: number): TokenKeys => ({
  key: createSecretKey(Buffer.from(secret)),
  ttlSeconds,
});

/** What a token is for: the comment widget (on the publisher's page, among its scripts) or the moderation page. */
export type TokenUse = 'widget' | 'moderation';

/**
 * A short-lived bearer token for one user on one site, stamped with the account's token version:
 * the bearer check refuses it once the version moved on (sign-out, password or role change, ban).
 * Only a `moderation` token reaches staff routes (`staffOf`).
 */
export async function issueAccessToken(
  keys: TokenKeys,
  u: { id: string; siteId: string; role: Role; tokenVersion: number },
  use: TokenUse = 'widget',
): Promise<string> {
  return new SignJWT({ site: u.siteId, role: u.role, ver: u.tokenVersion, ...(use === 'moderation' ? { use } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(u.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${keys.ttlSeconds}s`)
    .sign(keys.key);
}

/** Verifies signature (HS256 only, so `alg: none` fails), issuer, audience and expiry; not revocation (the bearer check does). */
export async function verifyAccessToken(keys: TokenKeys, token: string): Promise<Principal | null> {
  try {
    const { payload } = await jwtVerify(token, keys.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    const { sub, site, role, ver, use } = payload as {
      sub?: unknown;
      site?: unknown;
      role?: unknown;
      ver?: unknown;
      use?: unknown;
    };
    if (typeof sub !== 'string' || typeof site !== 'string' || !ROLES.has(role as Role)) return null;
    // A token without a version predates revocation and cannot be revoked: refused.
    if (typeof ver !== 'number' || !Number.isSafeInteger(ver)) return null;
    return {
      kind: 'user',
      userId: sub,
      siteId: site,
      role: role as Role,
      tokenVersion: ver,
      moderation: use === 'moderation',
    };
  } catch {
    return null;
  }
}

/**
 * verifyAccessToken behind a small cache of tokens already verified (a reader sends the same
 * token with every request): a hit costs a map look-up instead of an HMAC through WebCrypto.
 * Entries never outlive the token's own expiry.
 */
export function cachedVerifier(keys: TokenKeys, max = 20_000): (token: string) => Promise<Principal | null> {
  const cache = new LRUCache<string, { principal: Principal; exp: number }>({ max });
  return async (token) => {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.exp > now) return hit.principal;
    const principal = await verifyAccessToken(keys, token);
    if (principal) {
      const exp = decodeJwt(token).exp;
      if (typeof exp === 'number') cache.set(token, { principal, exp: exp * 1000 });
    }
    return principal;
  };
}
