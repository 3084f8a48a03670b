import { createHash } from 'node:crypto';
import type { RedisClient } from '#shared/redis.js';
import { AppError } from '../http/app-error.js';

const TTL_SECONDS = 24 * 3600;
export const IDEMPOTENCY_KEY_RE = /^[\x21-\x7E]{1,255}$/;

/** What a key remembers: the comment id it produced and a fingerprint of the request. */
interface Remembered {
  id: string;
  fp: string;
}

export const fingerprint = (parts: (string | null)[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url');

type KeyOwner = { prefix: string; siteId: string; userId: string; key: string };
const redisKeyOf = (o: KeyOwner) => `${o.prefix}:idem:${o.siteId}:${o.userId}:${o.key}`;

/**
 * Claims an Idempotency-Key for a user for 24 h. Returns the id a previous request with the
 * same key produced, or null when this request is the first (and now owns `id`). The same
 * key with a different request is a 422, as Stripe does. One round trip: SET NX GET.
 */
export async function claimIdempotencyKey(
  redis: RedisClient,
  o: KeyOwner & { id: string; fp: string },
): Promise<string | null> {
  const value = JSON.stringify({ id: o.id, fp: o.fp } satisfies Remembered);
  const existing = await redis.set(redisKeyOf(o), value, 'EX', TTL_SECONDS, 'NX', 'GET');
  if (existing === null) return null;
  const remembered = JSON.parse(existing) as Remembered;
  if (remembered.fp !== o.fp) {
    throw new AppError('idempotency_key_reused', 422, 'this Idempotency-Key was used for a different request');
  }
  return remembered.id;
}

export async function releaseIdempotencyKey(redis: RedisClient, o: KeyOwner): Promise<void> {
  await redis.del(redisKeyOf(o)).catch(() => undefined);
}
