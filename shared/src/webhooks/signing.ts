import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex>[,v1=<hex>]`: one v1 per valid secret. */
export const SIGNATURE_HEADER = 'X-Comments-Signature';

/** A new endpoint signing secret, shown once (`whsec_` + 256 random bits). */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

const hmac = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

/**
 * Stripe-style signature of a body at time t: HMAC-SHA256 of "t.body" with each secret. During
 * a rotation's grace period both the new and the previous secret sign, so receivers that still
 * hold the old secret keep verifying.
 */
export function signatureHeader(body: string, secrets: string[], t = Math.floor(Date.now() / 1000)): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmac(s, t, body)}`)].join(',');
}

/**
 * What a receiver does: parse the header, refuse timestamps older than toleranceS (replays),
 * and compare each v1 in constant time with the HMAC under its secret.
 */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  opts: { toleranceS?: number; now?: number } = {},
): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (opts.toleranceS ?? 300)) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v || !/^[0-9a-f]{64}$/.test(v)) return false;
    return timingSafeEqual(Buffer.from(v, 'hex'), expected);
  });
}
