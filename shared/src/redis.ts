import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseRedisTarget } from './redis-url.js';

/** A connection to one Redis server or to a Redis Cluster; BullMQ and our own code take either. */
export type RedisClient = Redis | Cluster;

const backoff = (times: number) => Math.min(times * 100, 2000);

/**
 * The one ioredis factory, for BullMQ and our own keys: `redis://` gives a `Redis`,
 * `redis+cluster://host:port,…` a `Cluster` (see redis-url.ts). maxRetriesPerRequest null is what
 * BullMQ requires of blocking connections; reconnects back off up to 2 s forever.
 */
export function createRedis(
  url: string,
  onError: (err: Error) => void,
  opts: { forQueue?: boolean } = {},
): RedisClient {
  const target = parseRedisTarget(url);
  const common: RedisOptions = {
    maxRetriesPerRequest: opts.forQueue ? null : 2,
    enableReadyCheck: true,
    // RESP2: the reply shapes BullMQ and rate-limiter-flexible were written against.
    protocol: 2,
  };
  const client: RedisClient =
    target.kind === 'single'
      ? new Redis(target.url, { ...common, retryStrategy: backoff })
      : new Cluster(target.nodes, {
          clusterRetryStrategy: backoff,
          enableReadyCheck: true,
          // A cluster keeps commands while it is unreachable and maxRetriesPerRequest does not bound
          // that wait: without the offline queue a request fails at once (a 503), as with one server.
          // Blocking (queue) connections keep it, as BullMQ's workers wait for Redis anyway.
          enableOfflineQueue: Boolean(opts.forQueue),
          redisOptions: {
            ...common,
            ...(target.username ? { username: target.username } : {}),
            ...(target.password !== undefined ? { password: target.password } : {}),
            ...(target.tls ? { tls: {} } : {}),
          },
        });
  client.on('error', onError);
  return client;
}

/** Channel on which a post's changes are announced to every API process. */
export const threadChannel = (prefix: string): string => `${prefix}:thread-changed`;

/** What changed: its approved comments (from the worker), or the post itself (closed, retitled). */
export interface ThreadChange {
  siteId: string;
  postId: string;
  post: boolean;
}

export const encodeThreadChange = (c: ThreadChange): string => `${c.siteId}\n${c.postId}${c.post ? '\npost' : ''}`;

/**
 * Announces a change of a post's thread to every API process (each drops its cached pages and tells
 * its open live-update streams). Rejects when Redis does: a caller that has already committed its
 * change usually ignores that, as caches expire by themselves (THREAD_CACHE_TTL_MS).
 */
export async function announceThreadChange(
  redis: RedisClient,
  prefix: string,
  change: { siteId: string; postId: string; post?: boolean },
): Promise<void> {
  await publishThreadChange(redis, prefix, change);
}

/** A thread change as callers announce it (`post` defaults to false). */
export type ThreadChangeInput = Omit<ThreadChange, 'post'> & { post?: boolean };

/**
 * Announces thread changes after their commit; never rejects, as a lost announcement only delays the
 * pages until THREAD_CACHE_TTL_MS, and failing would answer an applied change with an error.
 */
export type ThreadAnnouncer = (change: ThreadChangeInput) => Promise<void>;

/**
 * A `ThreadAnnouncer` on `redis`. `local` is applied first, in this process: the API drops its own
 * cached pages there, so whoever made the change reads it on their next request, before the
 * announcement comes back through the process's subscription.
 */
export function threadAnnouncer(
  redis: RedisClient,
  prefix: string,
  opts: { onError(err: unknown): void; local?: (change: ThreadChange) => void },
): ThreadAnnouncer {
  return async (input) => {
    const change = { ...input, post: input.post ?? false };
    opts.local?.(change);
    await publishThreadChange(redis, prefix, change).catch(opts.onError);
  };
}

/** The PUBLISH of `announceThreadChange`, on a client or added to a pipeline. */
export function publishThreadChange<R>(
  to: { publish(channel: string, message: string): R },
  prefix: string,
  change: { siteId: string; postId: string; post?: boolean },
): R {
  return to.publish(threadChannel(prefix), encodeThreadChange({ ...change, post: change.post ?? false }));
}

export function decodeThreadChange(message: string): ThreadChange | null {
  const [siteId, postId, what] = message.split('\n');
  return siteId && postId ? { siteId, postId, post: what === 'post' } : null;
}

/**
 * Channel on which a change to what every thread page of a site shows (its settings: reactions offered, the edit
 * window, whether staff must use two-factor sign-in to wear their badge) is announced to every API process. The
 * message is the site's id.
 */
export const siteChannel = (prefix: string): string => `${prefix}:site-changed`;

/** Channel on which a change to an account (ban, suspension, role, sign-out) is announced to every API process. */
export const userChannel = (prefix: string): string => `${prefix}:user-changed`;

export interface UserChange {
  siteId: string;
  userId: string;
}

export const encodeUserChange = (c: UserChange): string => `${c.siteId}\n${c.userId}`;

export function decodeUserChange(message: string): UserChange | null {
  const [siteId, userId] = message.split('\n');
  return siteId && userId ? { siteId, userId } : null;
}
