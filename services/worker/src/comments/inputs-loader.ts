import DataLoader from 'dataloader';
import type { Queryable } from '#shared/db/pool.js';
import { loadModerationInputsMany, type ModerationInputs, type ModerationInputsQuery } from '#shared/db/comments.js';

/** Reads what the rules need for the comments a worker decides at once, in one statement for several. */
export interface InputsLoader {
  load(q: ModerationInputsQuery): Promise<ModerationInputs>;
}

/**
 * The read side of the worker's group commit (persist-batch.ts): jobs that start while `maxInFlight`
 * statements are running gather into the next one (up to `maxBatch` comments), so under load one
 * round trip and one plan serve a whole batch, and a lone job waits for nothing but its turn of the
 * event loop. A failed statement fails the jobs it read for (each is retried as any failed job).
 */
export function createInputsLoader(o: { db: Queryable; maxBatch: number; maxInFlight: number }): InputsLoader {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  const loader = new DataLoader<ModerationInputsQuery, ModerationInputs>(
    async (qs) => {
      try {
        return await loadModerationInputsMany(o.db, qs);
      } finally {
        release();
      }
    },
    {
      cache: false,
      maxBatchSize: o.maxBatch,
      batchScheduleFn: (dispatch) => {
        if (inFlight < o.maxInFlight) {
          inFlight++;
          setImmediate(dispatch);
        } else waiting.push(dispatch);
      },
    },
  );
  return {
    load: (q) =>
      loader.load({
        commentId: q.commentId,
        siteId: q.siteId,
        postId: q.postId,
        authorId: q.authorId,
        parentId: q.parentId,
      }),
  };
}
