import { SignJWT, jwtVerify } from 'jose';
import type { Principal, Role } from '../../../../shared/src/domain.js';

const ISSUER = 'comments-api';
const AUDIENCE = 'comments';
const ROLES = new Set<Role>(['commenter', 'moderator', 'admin']);

export interface TokenKeys {
  key: Uint8Array;
  ttlSeconds: number;
}

export const tokenKeys = (secret: string, ttlSeconds: number): TokenKeys => ({ key: new TextEncoder().encode(secret), ttlSeconds });

/** A short-lived bearer token for one user on one site. */
export async function issueAccessToken(keys: TokenKeys, u: { id: string; siteId: string; role: Role }): Promise<string> {
  return new SignJWT({ site: u.siteId, role: u.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(u.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${keys.ttlSeconds}s`)
    .sign(keys.key);
}

/** Verifies signature (HS256 only, so `alg: none` fails), issuer, audience and expiry. */
export async function verifyAccessToken(keys: TokenKeys, token: string): Promise<Principal | null> {
  try {
    const { payload } = await jwtVerify(token, keys.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    const { sub, site, role } = payload as { sub?: unknown; site?: unknown; role?: unknown };
    if (typeof sub !== 'string' || typeof site !== 'string' || !ROLES.has(role as Role)) return null;
    return { kind: 'user', userId: sub, siteId: site, role: role as Role };
  } catch {
    return null;
  }
}
