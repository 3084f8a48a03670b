import type { RedisClient, ThreadAnnouncer } from '#shared/redis.js';

/** How often, at most, a post's reactions are announced to the caches and open widgets of every API process. */
export const REACTION_ANNOUNCE_MS = 2_000;

/**
 * Announces a post's reactions at most twice per `windowMs` across all API processes: the first reaction of a
 * window is announced at once (a key set only if absent, expiring with the window), and any later one in it by
 * one announcement at the window's end, from the process that claims it first (a second such key). Every open widget re-reads the post's first page on an
 * announcement, so on a viral post a reaction a second from each of many readers would otherwise have every
 * widget re-read it as often.
 */
export function createReactionAnnouncer(deps: {
  /** Where the windows' keys are kept. */
  redis: RedisClient;
  queuePrefix: string;
  announce: ThreadAnnouncer;
  windowMs?: number;
}): (change: { siteId: string; postId: string }) => Promise<void> {
  const windowMs = deps.windowMs ?? REACTION_ANNOUNCE_MS;
  const trailing = new Set<string>();
  const { announce } = deps;
  return async (change) => {
    const gate = `${deps.queuePrefix}:reactions-announced:${change.siteId}:${change.postId}`;
    const first = await deps.redis.set(gate, '1', 'PX', windowMs, 'NX').catch(() => 'OK');
    if (first === 'OK') return announce(change);
    const key = `${change.siteId}\n${change.postId}`;
    if (trailing.has(key)) return;
    // One process announces the window's end: the first to claim it.
    const claimed = await deps.redis.set(`${gate}:end`, '1', 'PX', windowMs, 'NX').catch(() => 'OK');
    if (claimed !== 'OK') return;
    trailing.add(key);
    setTimeout(() => {
      trailing.delete(key);
      void announce(change);
    }, windowMs).unref();
  };
}
