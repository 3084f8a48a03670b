import { decodeThreadChange, decodeUserChange, type RedisClient, type ThreadChange } from '#shared/redis.js';
import type { Logger } from '#shared/logger.js';
import type { ThreadCache } from './thread-cache.js';
import type { Lookups } from './lookups.js';

/**
 * Listens for "post changed" announcements (from the worker and from other API processes) and
 * drops this process's cached pages and post look-up. On every (re)connection the whole cache is
 * dropped, because announcements sent while disconnected are gone. Account changes (a ban, a
 * suspension) arrive on `userChannel` and drop the cached reader, so they apply at once; a site's settings changes
 * arrive on `siteChannel` and drop every cached page of the site, which shows them.
 */
export async function subscribeToThreadChanges(opts: {
  subscriber: RedisClient;
  channel: string;
  /** Where account changes are announced (`userChannel(prefix)`); the API process always listens. */
  userChannel?: string;
  /** Where a site's settings changes are announced (`siteChannel(prefix)`); the API process always listens. */
  siteChannel?: string;
  cache: ThreadCache;
  lookups: Lookups;
  logger: Logger;
  /** Also told of every change (the live-update streams); `resync` after a reconnect, when changes may have been missed. */
  listener?: { change(change: ThreadChange): void; resync(): void };
}): Promise<void> {
  const { subscriber, channel, userChannel, siteChannel, cache, lookups, logger, listener } = opts;
  let connectedBefore = false;
  subscriber.on('message', (ch: string, message: string) => {
    if (userChannel !== undefined && ch === userChannel) {
      const user = decodeUserChange(message);
      if (user) lookups.forgetUser(user.siteId, user.userId);
      return;
    }
    if (siteChannel !== undefined && ch === siteChannel) {
      if (message) cache.invalidateSite(message);
      return;
    }
    if (ch !== channel) return;
    const change = decodeThreadChange(message);
    if (!change) return;
    cache.invalidate(change.siteId, change.postId);
    if (change.post) lookups.forgetPost(change.siteId, change.postId);
    listener?.change(change);
  });
  subscriber.on('ready', () => {
    cache.clear();
    lookups.clear();
    logger.debug('thread cache cleared on (re)subscription');
    if (connectedBefore) listener?.resync();
    connectedBefore = true;
  });
  await subscriber.subscribe(channel, ...[userChannel, siteChannel].filter((c) => c !== undefined));
}
