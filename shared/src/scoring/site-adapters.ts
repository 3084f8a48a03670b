import { LRUCache } from 'lru-cache';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import { loadSiteAdapterState } from '#shared/db/moderation-learning.js';
import { createAdaptedScorer } from './adapted.js';
import { deserialize } from './model/adapter.js';
import { type CommentModel, createCommentModel } from './model/comment.js';
import type { Scorer } from './types.js';

/** Sites whose adapters stay decoded in memory (about 0.5 MB each). */
const MAX_SITES = 200;

/**
 * Sites' adapters, decoded once per version: the moderation input query says which version of a
 * site's adapter is in use, and only a version this process has not seen reads the state. An adapter whose shadow
 * window another shared model scored is not used.
 */
export function createSiteAdapters(db: Pool, logger: Logger, model: CommentModel = createCommentModel()) {
  const cache = new LRUCache<string, { version: number; scorer: Scorer | null }>({ max: MAX_SITES });
  return {
    /** The site's adapted scorer, or null when the site has no adapter in use (`version` null). */
    async scorerFor(siteId: string, version: number | null): Promise<Scorer | null> {
      if (version === null) return null;
      const hit = cache.get(siteId);
      if (hit && hit.version >= version) return hit.scorer;
      const row = await loadSiteAdapterState(db, siteId);
      let scorer: Scorer | null = null;
      if (row?.state && row.inUse) {
        try {
          const adapter = deserialize(row.state);
          // Checked against another shared model (the one before a new version shipped): the shared model scores until
          // the adapter does better on decisions this one scored (`Adapter.followModel`).
          if (adapter.model === model.version) scorer = createAdaptedScorer(model, adapter);
          else
            logger.info(
              { siteId, learnedOn: adapter.model, model: model.version },
              'site adapter waits for checking on this model',
            );
        } catch (err) {
          // A damaged state must not stop comments: the shared model scores until the adapter is reset.
          logger.error({ siteId, err: (err as Error).message }, 'site adapter state unreadable');
        }
      }
      cache.set(siteId, { version: row?.version ?? version, scorer });
      return scorer;
    },
  };
}
export type SiteAdapters = ReturnType<typeof createSiteAdapters>;
