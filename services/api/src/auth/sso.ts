import { jwtVerify, errors } from 'jose';
import { z } from 'zod';
import { displayNameSchema } from '#shared/schemas.js';
import { hasControlChars, hasLoneSurrogate } from '#shared/text.js';

const claimsSchema = z.object({
  // Lone surrogates would all be stored as U+FFFD, merging distinct readers into one account.
  sub: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !hasControlChars(s) && !hasLoneSurrogate(s), 'sub has control characters'),
  name: displayNameSchema,
  email: z.email().max(254).optional(),
  /** The publisher vouches for this reader (a subscriber whose identity it checked): a "verified" badge. */
  verified: z.boolean().optional(),
  /** A unique token id: a token that has one is accepted once. */
  jti: z.string().min(1).max(200).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type SsoClaims = z.infer<typeof claimsSchema>;

/**
 * Verifies a publisher-signed SSO token: HS256 with the site's secret, not expired,
 * `exp` at most maxTtlSeconds ahead, with the claims we need; an `aud`, when present, must be
 * the site's id (so a token made for one site is refused by another sharing the secret). Returns
 * a reason on failure. Single use of a `jti` is the caller's (it needs Redis).
 */
export async function verifySsoToken(
  token: string,
  secret: string,
  maxTtlSeconds: number,
  siteId?: string,
): Promise<{ ok: true; claims: SsoClaims } | { ok: false; reason: string }> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 30,
    }));
    const aud = (payload as { aud?: string | string[] }).aud;
    if (aud !== undefined && (siteId === undefined || ![aud].flat().includes(siteId)))
      return { ok: false, reason: 'SSO token is for another audience' };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: 'SSO token has expired' };
    return { ok: false, reason: 'SSO token is not valid for this site' };
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: 'SSO token lacks a valid sub, name, iat or exp' };
  const now = Math.floor(Date.now() / 1000);
  if (parsed.data.exp - now > maxTtlSeconds + 30) return { ok: false, reason: 'SSO token expires too far ahead' };
  // A future iat would pin the reader's name against every later token.
  if (parsed.data.iat > now + 60) return { ok: false, reason: 'SSO token is issued in the future' };
  return { ok: true, claims: parsed.data };
}
