import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every publisher API-key scope. */
// Moderation is done by signed-in staff (audited by name), never by a publisher key: there is no moderation scope.
export const API_KEY_SCOPES = ['posts:write', 'comments:read', 'webhooks:manage', 'transparency:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_RE = /^ck_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new key `ck_<id>_<secret>`; only sha256(secret) is stored, and the whole key is shown once. */
export function generateApiKey(): { id: string; key: string; secretHash: Buffer } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `ck_${id}_${secret}`, secretHash: sha256(secret) };
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const m = KEY_RE.exec(key);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/** Constant-time check of a presented secret against the stored hash. */
export function apiKeyMatches(secret: string, storedHash: Buffer): boolean {
  const presented = sha256(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}

export const generateSsoSecret = (): string => randomBytes(32).toString('base64url');

export const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();
