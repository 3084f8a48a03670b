import type { Queryable } from '#shared/db/pool.js';
import { createBatchLoader } from '#shared/db/batch-loader.js';
import { loadModerationInputsMany, type ModerationInputs, type ModerationInputsQuery } from '#shared/db/comments.js';

/** Reads what the rules need for the comments a worker decides at once, in one statement for several. */
export interface InputsLoader {
  load(q: ModerationInputsQuery): Promise<ModerationInputs>;
}

/**
 * The read side of the worker's group commit (persist-batch.ts): jobs that start while `maxInFlight`
 * statements are running share the next one (batch-loader.ts, which reads a failed batch again one
 * comment at a time, so one job's bad data fails that job alone).
 */
export function createInputsLoader(o: { db: Queryable; maxBatch: number; maxInFlight: number }): InputsLoader {
  const load = createBatchLoader((qs: readonly ModerationInputsQuery[]) => loadModerationInputsMany(o.db, qs), o);
  return {
    load: (q) =>
      load({ commentId: q.commentId, siteId: q.siteId, postId: q.postId, authorId: q.authorId, parentId: q.parentId }),
  };
}
