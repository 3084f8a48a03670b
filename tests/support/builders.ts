import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { Express } from 'express';
import type { Pool } from '#shared/db/pool.js';
import { insertSite } from '#shared/db/sites.js';
import { insertApiKey } from '#shared/db/api-keys.js';
import { upsertPost } from '#shared/db/posts.js';
import { API_KEY_SCOPES, generateApiKey, generateSsoSecret } from '#shared/secrets.js';

export const uniq = (prefix = 'x'): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface BuiltSite {
  siteId: string;
  apiKey: string;
  ssoSecret: string;
}

/** A site with an all-scopes API key, as `sites:create` makes it. */
export async function buildSite(db: Pool, overrides: { id?: string; scopes?: string[] } = {}): Promise<BuiltSite> {
  const siteId = overrides.id ?? uniq('site');
  const ssoSecret = generateSsoSecret();
  await insertSite(db, { id: siteId, name: `Site ${siteId}`, origins: ['http://localhost:8080'], ssoSecret });
  const key = generateApiKey();
  await insertApiKey(db, {
    id: key.id,
    siteId,
    label: 'test',
    secretHash: key.secretHash,
    scopes: overrides.scopes ?? [...API_KEY_SCOPES],
  });
  return { siteId, apiKey: key.key, ssoSecret };
}

export async function buildPost(
  db: Pool,
  siteId: string,
  overrides: { id?: string; closed?: boolean } = {},
): Promise<string> {
  const id = overrides.id ?? uniq('post');
  await upsertPost(db, {
    siteId,
    id,
    title: `Post ${id}`,
    url: `http://localhost:8080/${id}`,
    closed: overrides.closed ?? false,
  });
  return id;
}

/** An SSO token as a publisher's backend signs it. */
export async function signSso(
  secret: string,
  claims: { sub?: string; name?: string; email?: string; iat?: number; exp?: number; verified?: boolean } = {},
  alg = 'HS256',
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    name: claims.name ?? 'Reader',
    ...(claims.email ? { email: claims.email } : {}),
    ...(claims.verified !== undefined ? { verified: claims.verified } : {}),
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg })
    .setSubject(claims.sub ?? uniq('reader'))
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(new TextEncoder().encode(secret));
}

/** Signs a reader in through SSO and returns the access token and user. */
export async function signInReader(
  app: Express,
  site: BuiltSite,
  claims: { sub?: string; name?: string; verified?: boolean } = {},
) {
  const res = await request(app)
    .post('/api/v1/auth/sso')
    .send({ siteId: site.siteId, token: await signSso(site.ssoSecret, claims) });
  if (res.status !== 200) throw new Error(`sso sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; user: { id: string; name: string } };
}

const WORDS = (
  'ferry timetable harbour council budget quay dredging tender winter route bridge market river station ' +
  'bakery festival museum archive survey ballot audit contract deadline forecast rainfall village county grant clinic ' +
  'tunnel highway runway garden stadium theatre column editor teacher nurse farmer bicycle parking library mayor'
).split(' ');
/**
 * A clean sentence of 12 words drawn by a small generator seeded with n: texts of different n share
 * few character 4-grams, so many of them from several accounts are not held as a campaign.
 */
export function distinctText(n: number): string {
  let x = (n + 1) * 2654435761;
  return `Remark ${n}: ${Array.from({ length: 12 }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return WORDS[Math.floor(x / 65536) % WORDS.length];
  }).join(' ')}.`;
}

/**
 * Gives a reader the standing a site's report threshold asks for by default (an account a month
 * old with approved comments), as time and moderation would; SSO accounts need no address check.
 */
export async function establishReader(db: Pool, userId: string): Promise<void> {
  await db.query(
    `UPDATE users SET created_at = now() - interval '30 days', approved_count = GREATEST(approved_count, 5) WHERE id = $1`,
    [userId],
  );
}
