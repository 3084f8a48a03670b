import { Redis } from 'ioredis';

/**
 * ioredis client for BullMQ and our own keys. maxRetriesPerRequest null is what BullMQ
 * requires of blocking connections; reconnects back off up to 2 s forever.
 */
export function createRedis(url: string, onError: (err: Error) => void, opts: { forQueue?: boolean } = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: opts.forQueue ? null : 2,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
    // RESP2: the reply shapes BullMQ and rate-limiter-flexible were written against.
    protocol: 2,
  });
  client.on('error', onError);
  return client;
}

/** Channel on which a post's changes are announced to every API process. */
export const threadChannel = (prefix: string): string => `${prefix}:thread-changed`;

/** What changed: its approved comments (from the worker), or the post itself (closed, retitled). */
export interface ThreadChange { siteId: string; postId: string; post: boolean }

export const encodeThreadChange = (c: ThreadChange): string => `${c.siteId}\n${c.postId}${c.post ? '\npost' : ''}`;

export function decodeThreadChange(message: string): ThreadChange | null {
  const [siteId, postId, what] = message.split('\n');
  return siteId && postId ? { siteId, postId, post: what === 'post' } : null;
}
