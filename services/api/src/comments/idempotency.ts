import { createHash } from 'node:crypto';
import type { RedisClient } from '#shared/redis.js';
import { AppError } from '../http/app-error.js';

const TTL_SECONDS = 24 * 3600;
export const IDEMPOTENCY_KEY_RE = /^[\x21-\x7E]{1,255}$/;

/** What a key remembers: the comment id it produced and a fingerprint of the request. */
interface Remembered {
  id: string;
  fp: string;
  /** A second request went on with this id: a failure of the first no longer frees the key. */
  adopted?: boolean;
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

/**
 * Another request holds the key and this one goes on with the key's id (the first was still in flight, or died
 * before enqueueing): the key is marked taken over, so the first request's failure no longer frees it, and made
 * again if it was freed meanwhile. Returns the id the key stands for now, which this request then uses.
 */
const ADOPT = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], cjson.encode({id = ARGV[1], fp = ARGV[2], adopted = true}), 'EX', tonumber(ARGV[3]))
  return ARGV[1]
end
local r = cjson.decode(v)
if r.fp ~= ARGV[2] then return false end
r.adopted = true
redis.call('SET', KEYS[1], cjson.encode(r), 'KEEPTTL')
return r.id`;

export async function adoptIdempotencyKey(
  redis: RedisClient,
  o: KeyOwner & { id: string; fp: string },
): Promise<string> {
  const id = await redis.eval(ADOPT, 1, redisKeyOf(o), o.id, o.fp, TTL_SECONDS);
  // Freed and claimed meanwhile by a request with another body: this key now stands for that one.
  if (id === null)
    throw new AppError('idempotency_key_reused', 422, 'this Idempotency-Key was used for a different request');
  return String(id);
}

/** Frees the key for a request refused before enqueueing, unless it now stands for another id or was taken over. */
const RELEASE = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local r = cjson.decode(v)
if r.id ~= ARGV[1] or r.adopted then return 0 end
return redis.call('DEL', KEYS[1])`;

export async function releaseIdempotencyKey(redis: RedisClient, o: KeyOwner & { id: string }): Promise<void> {
  await redis.eval(RELEASE, 1, redisKeyOf(o), o.id).catch(() => undefined);
}
