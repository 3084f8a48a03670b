import type { Queryable } from '#shared/db/pool.js';
import { createBatchLoader } from '#shared/db/batch-loader.js';
import { loadModerationInputsMany, type ModerationInputs, type ModerationInputsQuery } from '#shared/db/comments.js';

/** Reads what the rules need for the comments a worker decides at once, in one statement for several. */
export interface InputsLoader {
  load(q: ModerationInputsQuery): Promise<ModerationInputs>;
}

/**
 * The read side of the worker's group commit (persist-batch.ts): jobs that start while `maxInFlight`
 * statements are running share the next one (batch-loader.ts). A statement that fails is read again
 * one comment at a time, so one job's bad data fails that job alone; the others go on.
 */
export function createInputsLoader(o: { db: Queryable; maxBatch: number; maxInFlight: number }): InputsLoader {
  const load = createBatchLoader(
    async (qs: readonly ModerationInputsQuery[]): Promise<(ModerationInputs | Error)[]> => {
      try {
        return await loadModerationInputsMany(o.db, qs);
      } catch (err) {
        if (qs.length === 1) throw err;
        return Promise.all(
          qs.map((q) =>
            loadModerationInputsMany(o.db, [q]).then(
              (r) => r[0]!,
              (e: unknown) => e as Error,
            ),
          ),
        );
      }
    },
    o,
  );
  return {
    load: (q) =>
      load({ commentId: q.commentId, siteId: q.siteId, postId: q.postId, authorId: q.authorId, parentId: q.parentId }),
  };
}
