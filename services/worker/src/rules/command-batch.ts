import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '#shared/redis.js';

/** Sends commands to Redis in pipelines shared by the jobs a worker decides together. */
export interface CommandBatch {
  /** Adds one command to the next pipeline (`add` queues exactly one) and answers its reply. */
  send<T>(add: (p: ChainableCommander) => void): Promise<T>;
}

interface Entry {
  add: (p: ChainableCommander) => void;
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

/**
 * Group commit for Redis: the commands the worker's jobs issue in one turn of the event loop, and
 * those that gather while the previous pipeline is on its way, go out as one pipeline — one write
 * and one round trip for all of them. Each command is still sent once and answered alone (a
 * failed command rejects only its own caller); Redis runs them in order, each script atomically.
 * With a cluster every key shares the prefix's hash tag, so a pipeline goes to one node.
 */
export function createCommandBatch(redis: RedisClient, onBatch?: (size: number) => void): CommandBatch {
  let pending: Entry[] = [];
  let inFlight = false;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (inFlight || pending.length === 0) return;
    const batch = pending;
    pending = [];
    inFlight = true;
    onBatch?.(batch.length);
    const pipeline = redis.pipeline();
    for (const e of batch) e.add(pipeline);
    pipeline
      .exec()
      .then(
        (results) => {
          batch.forEach((e, i) => {
            const [err, value] = results?.[i] ?? [new Error('no reply from the Redis pipeline'), null];
            if (err) e.reject(err);
            else e.resolve(value as never);
          });
        },
        (err: Error) => {
          for (const e of batch) e.reject(err);
        },
      )
      .finally(() => {
        inFlight = false;
        schedule();
      });
  };

  const schedule = (): void => {
    if (scheduled || inFlight || pending.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    send<T>(add: (p: ChainableCommander) => void) {
      return new Promise<T>((resolve, reject) => {
        pending.push({ add, resolve: resolve as (value: never) => void, reject });
        schedule();
      });
    },
  };
}
