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

/** Channel on which the worker announces that a post's approved comments changed. */
export const threadChannel = (prefix: string): string => `${prefix}:thread-changed`;
