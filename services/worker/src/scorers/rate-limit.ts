import type { RedisClient } from '#shared/redis.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateSpec } from '#shared/config.js';
import { ScorerError } from '#shared/scoring/types.js';

/** A provider's request quota, shared by every worker process through Redis. */
export interface RequestSlots {
  /**
   * Takes one request slot, waiting for one until `deadline` (epoch ms). Throws
   * ScorerError('rate_limited') with the expected wait when none comes in time.
   */
  acquire(deadline: number): Promise<void>;
  /** Tells every process to send nothing for `ms` (the provider's own Retry-After). */
  pause(ms: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Longest a turned-away caller is told to wait (the queue's SCORER_MAX_DEFER_S still bounds the whole). */
const MAX_DEFER_MS = 5 * 60_000;

interface QuotaOptions {
  redis: RedisClient;
  prefix: string;
  provider: string;
  rate: RateSpec;
}

/** The provider's quota in Redis: one counter, whichever slots (live or shadow) take from it. */
const quotaOf = (opts: QuotaOptions) =>
  new RateLimiterRedis({
    storeClient: opts.redis,
    keyPrefix: `${opts.prefix}:scorer-rate`,
    points: opts.rate.points,
    duration: opts.rate.duration,
  });

/**
 * A fixed-window counter per provider in Redis (`rate-limiter-flexible`), `points` requests
 * per `duration` seconds across all processes: the provider's quota is the whole fleet's.
 */
export function createRequestSlots(opts: QuotaOptions): RequestSlots {
  const { provider } = opts;
  const limiter = quotaOf(opts);
  return {
    async acquire(deadline) {
      for (;;) {
        try {
          await limiter.consume(provider);
          return;
        } catch (res) {
          if (!(res instanceof RateLimiterRes)) {
            throw new ScorerError(
              'unavailable',
              provider,
              `${provider} request quota unreadable (${(res as Error).message})`,
            );
          }
          const wait = Math.max(1, res.msBeforeNext);
          if (Date.now() + wait > deadline) {
            // Callers turned away in this window queue up for the next ones: come back when about
            // our turn comes rather than all at the start of the next window.
            const ahead = Math.max(0, res.consumedPoints - opts.rate.points - 1);
            const turn = wait + Math.floor(ahead / opts.rate.points) * opts.rate.duration * 1000;
            const retryAfter = Math.min(MAX_DEFER_MS, Math.round(turn + Math.random() * 100));
            throw new ScorerError(
              'rate_limited',
              provider,
              `${provider} request quota used up; next slot in ${wait} ms`,
              retryAfter,
            );
          }
          // Spread the waiters a little so they do not all ask again at the same millisecond.
          await sleep(wait + Math.random() * 25);
        }
      }
    },
    async pause(ms) {
      await limiter.block(provider, Math.max(1, Math.ceil(ms / 1000))).catch(() => undefined);
    },
  };
}

/**
 * The provider's quota as shadow scoring takes from it (`SHADOW_QUOTA_SHARE`): a slot only while less than `share` of
 * the window's requests have been sent, and never a wait, so live scoring, which may wait for a slot, finds the rest
 * of the window free. Throws ScorerError('rate_limited') when the share is used.
 */
export function createShadowSlots(opts: QuotaOptions & { share: number }): RequestSlots {
  const { provider } = opts;
  const limiter = quotaOf(opts);
  const usedUp = () =>
    new ScorerError('rate_limited', provider, `${provider}: the shadow's share of the request quota is used`);
  return {
    async acquire() {
      const now = await limiter.get(provider).catch((err: Error) => {
        throw new ScorerError('unavailable', provider, `${provider} request quota unreadable (${err.message})`);
      });
      if ((now?.consumedPoints ?? 0) >= opts.rate.points * opts.share) throw usedUp();
      try {
        await limiter.consume(provider);
      } catch (res) {
        if (res instanceof RateLimiterRes) throw usedUp();
        throw new ScorerError(
          'unavailable',
          provider,
          `${provider} request quota unreadable (${(res as Error).message})`,
        );
      }
    },
    async pause(ms) {
      await limiter.block(provider, Math.max(1, Math.ceil(ms / 1000))).catch(() => undefined);
    },
  };
}
