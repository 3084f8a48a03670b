import { LRUCache } from 'lru-cache';
import type { Queryable } from '#shared/db/pool.js';
import type { Post, User } from '#shared/domain.js';
import { findPost } from '#shared/db/posts.js';
import { findUser } from '#shared/db/users.js';
import { isApprovedInPost } from '#shared/db/comments.js';

/**
 * Short-lived cache of what validating a new comment reads, so a burst of comments on a hot
 * post is not a burst of queries. Stale by at most the TTL; the worker re-checks what matters.
 * Concurrent misses for one key share a single query.
 */
export interface Lookups {
  post(siteId: string, postId: string): Promise<Post | null>;
  user(siteId: string, userId: string): Promise<User | null>;
  approvedParent(siteId: string, postId: string, commentId: string): Promise<boolean>;
  forgetPost(siteId: string, postId: string): void;
  /** Drops a cached account (banned, suspended, changed), so the next comment reads it again. */
  forgetUser(siteId: string, userId: string): void;
  /** Drops everything (after a missed announcement could have left an entry stale). */
  clear(): void;
}

type Entry = { value: Post | User | boolean };

export function createLookups(db: Queryable, ttlMs: number): Lookups {
  const cache = new LRUCache<string, Entry, () => Promise<Entry | undefined>>({
    max: 50_000,
    ttl: Math.max(1, ttlMs),
    fetchMethod: async (_key, _stale, { context }) => context(),
  });
  // Absent rows are not cached: a post registered a moment ago must be usable at once.
  const cached = async <T extends Post | User | boolean>(
    key: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> => {
    if (ttlMs === 0) return load();
    const context = async () => {
      const value = await load();
      return value === null || value === false ? undefined : { value };
    };
    // A fetch is aborted when its key is deleted meanwhile (an invalidation arrived); the
    // caller then reads straight from the database instead of failing.
    const entry = await cache.fetch(key, { context }).catch(() => context());
    return entry ? (entry.value as T) : null;
  };
  return {
    post: (siteId, postId) => cached(`post:${siteId}:${postId}`, () => findPost(db, siteId, postId)),
    user: (siteId, userId) => cached(`user:${siteId}:${userId}`, () => findUser(db, siteId, userId)),
    approvedParent: async (siteId, postId, id) =>
      (await cached(`parent:${siteId}:${postId}:${id}`, () => isApprovedInPost(db, siteId, postId, id))) === true,
    forgetPost: (siteId, postId) => void cache.delete(`post:${siteId}:${postId}`),
    forgetUser: (siteId, userId) => void cache.delete(`user:${siteId}:${userId}`),
    clear: () => cache.clear(),
  };
}
