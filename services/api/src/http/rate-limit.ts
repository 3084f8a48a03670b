import type { RedisClient } from '#shared/redis.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config, RateSpec } from '#shared/config.js';
import { AppError, RateLimitedError } from './app-error.js';

/** Redis-backed limiters shared by every API process. */
export interface Limiters {
  enabled: boolean;
  commentUser: RateLimiterRedis;
  commentIp: RateLimiterRedis;
  /** Reactions given or taken back, per reader. */
  reactionUser: RateLimiterRedis;
  /** A reader's notifications and mutes, per reader. */
  readerUser: RateLimiterRedis;
  /** Drafts checked before posting, per reader. */
  commentCheckUser: RateLimiterRedis;
  authIp: RateLimiterRedis;
  /** The notification emails' unsubscribe page, per IP (mail providers' one-click requests share few addresses). */
  unsubscribeIp: RateLimiterRedis;
  loginFailures: RateLimiterRedis;
  /** Failed logins per account, whatever the address (rotating addresses must not escape the limit). */
  loginAccountFailures: RateLimiterRedis;
  /** Attempts an account over loginAccountFailures still gets: it is slowed down, never locked. */
  loginSlowed: RateLimiterRedis;
  /** Posts created by the widget on first load, per IP. */
  postCreateIp: RateLimiterRedis;
  /** Posts created by the widget on first load, per site (whatever the addresses). */
  postCreateSite: RateLimiterRedis;
  /** DSA notices, per IP (an IPv6 /64) and per notifier. */
  noticeIp: RateLimiterRedis;
  noticeNotifier: RateLimiterRedis;
  /** Account mails (confirmation links, registration notices) one address receives, per site. */
  accountMail: RateLimiterRedis;
  /** DSA appeals, per IP and per appellant. */
  appeal: RateLimiterRedis;
  /** A reader's downloads of their own data. */
  dataExport: RateLimiterRedis;
  /** Readings of a site's moderation analytics, per site. */
  analyticsSite: RateLimiterRedis;
  /** Webhook redeliveries by hand, per site. */
  redeliverSite: RateLimiterRedis;
}

export function createLimiters(redis: RedisClient, config: Config): Limiters {
  const make = (name: string, spec: RateSpec) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.QUEUE_PREFIX}:rl:${name}`,
      points: spec.points,
      duration: spec.duration,
    });
  return {
    enabled: config.RATE_LIMITS,
    commentUser: make('comment-user', config.RATE_LIMIT_COMMENT_USER),
    commentIp: make('comment-ip', config.RATE_LIMIT_COMMENT_IP),
    reactionUser: make('reaction-user', config.RATE_LIMIT_REACTION_USER),
    readerUser: make('reader-user', config.RATE_LIMIT_READER_USER),
    commentCheckUser: make('comment-check-user', config.RATE_LIMIT_COMMENT_CHECK_USER),
    authIp: make('auth-ip', config.RATE_LIMIT_AUTH_IP),
    unsubscribeIp: make('unsubscribe-ip', config.RATE_LIMIT_UNSUBSCRIBE_IP),
    loginFailures: make('login-fail', config.RATE_LIMIT_LOGIN_FAILURES),
    loginAccountFailures: make('login-account-fail', config.RATE_LIMIT_LOGIN_ACCOUNT),
    loginSlowed: make('login-slowed', config.RATE_LIMIT_LOGIN_SLOWED),
    postCreateIp: make('post-create-ip', config.RATE_LIMIT_POST_CREATE_IP),
    postCreateSite: make('post-create-site', config.RATE_LIMIT_POST_CREATE_SITE),
    noticeIp: make('notice-ip', config.RATE_LIMIT_NOTICE_IP),
    noticeNotifier: make('notice-notifier', config.RATE_LIMIT_NOTICE_NOTIFIER),
    accountMail: make('account-mail', config.RATE_LIMIT_ACCOUNT_MAIL),
    appeal: make('appeal', config.RATE_LIMIT_APPEAL),
    dataExport: make('data-export', config.RATE_LIMIT_DATA_EXPORT),
    analyticsSite: make('analytics-site', config.RATE_LIMIT_ANALYTICS_SITE),
    redeliverSite: make('redeliver-site', config.RATE_LIMIT_REDELIVER_SITE),
  };
}

/**
 * A limit that cannot be counted (Redis is away) refuses the request rather than let it through uncounted: a 503
 * with Retry-After, as every request that needs Redis gets during an outage.
 */
function uncounted(_err: unknown): AppError {
  return new AppError('unavailable', 503, 'this cannot be done right now; retry shortly', undefined, {
    'Retry-After': '2',
  });
}

/** Takes one point, or throws a 429 with Retry-After when the key is out of points. */
export async function consume(limiters: Limiters, limiter: RateLimiterRedis, key: string): Promise<void> {
  if (!limiters.enabled) return;
  try {
    await limiter.consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw new RateLimitedError(res.msBeforeNext / 1000);
    throw uncounted(res);
  }
}

/** Takes one point, answering whether there was one (for limits the caller applies silently). */
export async function tryConsume(limiters: Limiters, limiter: RateLimiterRedis, key: string): Promise<boolean> {
  if (!limiters.enabled) return true;
  return limiter.consume(key).then(
    () => true,
    (res: unknown) => {
      if (res instanceof RateLimiterRes) return false;
      throw uncounted(res);
    },
  );
}

/** One attempt counted against a failure budget before it is checked; `refund` gives the point back. */
export interface Attempt {
  /** The budget was used up by earlier attempts (this one included). */
  exhausted: boolean;
  /** The attempt did not fail (a right password or code): its point is given back. */
  refund(): Promise<void>;
}

/**
 * Counts an attempt (a sign-in, a two-factor code) against a failure budget before it is checked, in one atomic
 * step, so that attempts sent at once cannot all pass a budget that would only be charged after each check;
 * an attempt that succeeds is refunded. With `block`, an attempt over the budget is a 429 (per-address budgets);
 * without, the caller is told the budget is exhausted (the per-account budget, which slows sign-in, never locks).
 */
export async function countAttempt(
  limiters: Limiters,
  limiter: RateLimiterRedis,
  key: string,
  o: { block: boolean },
): Promise<Attempt> {
  if (!limiters.enabled) return { exhausted: false, refund: async () => undefined };
  const res = await limiter.penalty(key, 1).catch((err: unknown) => {
    throw uncounted(err);
  });
  const exhausted = res.consumedPoints > limiter.points;
  if (exhausted && o.block) throw new RateLimitedError(res.msBeforeNext / 1000);
  return {
    exhausted,
    refund: async () => {
      await limiter.reward(key, 1).catch(() => undefined);
    },
  };
}
