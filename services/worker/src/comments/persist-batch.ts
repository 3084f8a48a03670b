import type { Pool } from '#shared/db/pool.js';
import type { NewComment } from '#shared/db/comments.js';
import { insertDecidedComments, type BatchResult } from '#shared/db/comment-batch.js';
import type { Decision } from '#shared/domain.js';
import { isOutage } from '#shared/outage.js';

export type Stored = Extract<BatchResult, { ok: true }>;

/** Stores decided comments in batches; a job's promise settles once its batch has committed. */
export interface CommentBatcher {
  store(c: NewComment, d: Decision): Promise<Stored>;
}

interface Entry {
  c: NewComment;
  d: Decision;
  resolve: (r: Stored) => void;
  reject: (err: Error) => void;
}

const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure

/**
 * Group commit: the jobs a worker decides concurrently hand their comment over, and whatever has
 * gathered while the previous batch was being written goes in the next one (up to maxBatch, at
 * most maxInFlight batches at once). Nothing is acknowledged before its commit: the job that
 * stored a comment completes only after its batch committed, so a crash before that leaves the
 * job to be retried, and the retry finds the comment stored or stores it (the id is the key).
 *
 * A batch never holds one id twice, nor a reply with its parent, nor a reply whose parent is in
 * a batch still being written: those wait for the next batch, so every insert sees its parent.
 * A batch that fails for one comment's sake (its post deleted meanwhile) is written again one
 * comment at a time, so only that comment's job fails; one that fails because Postgres cannot be
 * reached fails every job at once, to wait for it (see worker.ts).
 */
export function createCommentBatcher(o: {
  db: Pool;
  maxBatch: number;
  maxInFlight: number;
  onBatch?: (size: number) => void;
}): CommentBatcher {
  let pending: Entry[] = [];
  const writing = new Set<string>();
  let inFlight = 0;
  let scheduled = false;

  const write = async (batch: Entry[]): Promise<void> => {
    const items = batch.map(({ c, d }) => ({ c, d }));
    let results: BatchResult[] | null = null;
    let failure: Error | null = null;
    for (let attempt = 0; attempt < 3 && !results; attempt++) {
      try {
        results = await insertDecidedComments(o.db, items);
      } catch (err) {
        failure = err as Error;
        if (!RETRYABLE.has((err as { code?: string }).code ?? '')) break;
      }
    }
    // One comment's data may have failed the batch; Postgres being unreachable fails every comment alike.
    if (!results && batch.length > 1 && !isOutage(failure)) {
      for (const e of batch) await write([e]);
      return;
    }
    o.onBatch?.(batch.length);
    batch.forEach((e, i) => {
      const r = results?.[i];
      if (!r) e.reject(failure ?? new Error('batch write failed'));
      else if (r.ok) e.resolve(r);
      else e.reject(r.error);
    });
  };

  const take = (): Entry[] => {
    const batch: Entry[] = [];
    const ids = new Set<string>();
    const rest: Entry[] = [];
    for (const e of pending) {
      const blocked =
        batch.length >= o.maxBatch ||
        ids.has(e.c.id) ||
        writing.has(e.c.id) ||
        (e.c.parentId !== null && (ids.has(e.c.parentId) || writing.has(e.c.parentId)));
      if (blocked) rest.push(e);
      else {
        batch.push(e);
        ids.add(e.c.id);
      }
    }
    pending = rest;
    return batch;
  };

  const flush = (): void => {
    scheduled = false;
    while (inFlight < o.maxInFlight && pending.length > 0) {
      const batch = take();
      if (batch.length === 0) return; // what is left waits for a batch being written
      inFlight++;
      for (const e of batch) writing.add(e.c.id);
      void write(batch).finally(() => {
        for (const e of batch) writing.delete(e.c.id);
        inFlight--;
        schedule();
      });
    }
  };

  // Jobs that finish deciding in the same turn of the event loop share a batch.
  const schedule = (): void => {
    if (scheduled || pending.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    store(c, d) {
      return new Promise<Stored>((resolve, reject) => {
        pending.push({ c, d, resolve, reject });
        schedule();
      });
    },
  };
}
