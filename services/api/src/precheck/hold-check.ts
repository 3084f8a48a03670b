import type { Logger } from '#shared/logger.js';
import type { Pool } from '#shared/db/pool.js';
import { loadModerationInputs } from '#shared/db/comments.js';
import { newId } from '#shared/ids.js';
import type { SiteAdapters } from '#shared/scoring/site-adapters.js';
import { crossed } from '#shared/scoring/thresholds.js';
import type { Scorer } from '#shared/scoring/types.js';

export interface HoldCheckInput {
  siteId: string;
  postId: string;
  authorId: string;
  parentId: string | null;
  body: string;
}

/** Whether the site's embedded scorer would hold (or reject) a draft; null when the site is gone. */
export type HoldCheck = (input: HoldCheckInput) => Promise<boolean | null>;

/**
 * The worker's embedded scorer and the site's thresholds, asked before a reader posts. It reads what the
 * worker reads (`loadModerationInputs`: settings, the site's adapter in use, the reply's parent or the
 * article's title, the author's record) and applies the same two threshold sets, the staff exemption and
 * the trusted-reader rule. Remote scorers are never called: a draft leaves no trace outside the service.
 * The scorer's modules (the model's 15 MB of weights, the readers, the language identifier's table) are imported on the
 * first check, not at start-up: an API process that is never asked pays nothing for them.
 */
export function createHoldCheck(deps: { db: Pool; logger: Logger }): HoldCheck {
  let embedded: Scorer | null = null;
  let adapters: SiteAdapters | null = null;
  return async ({ siteId, postId, authorId, parentId, body }) => {
    const inputs = await loadModerationInputs(deps.db, { commentId: newId(), siteId, postId, authorId, parentId });
    if (!inputs.site || !inputs.author) return null;
    const { settings } = inputs.site;
    embedded ??= (await import('#shared/scoring/embedded.js')).createEmbeddedScorer();
    adapters ??= (await import('#shared/scoring/site-adapters.js')).createSiteAdapters(deps.db, deps.logger);
    const siteScorer = settings.adapter.enabled ? await adapters.scorerFor(siteId, inputs.adapterVersion) : null;
    const result = await (siteScorer ?? embedded).score(body, {
      siteId,
      languages: [...settings.languages],
      ...inputs.context,
    });
    const scores = result.attributes as Record<string, number>;
    if (crossed(scores, settings.thresholds.reject).length > 0) return true;
    // Staff are not held; a trusted reader's borderline scores are not held (the worker's hold phases).
    if (inputs.author.role !== 'commenter') return false;
    // A comment the embedded scorer cannot read is held where no other scorer may read it (the worker's scoring phase).
    if (result.unreadable && settings.scorers.every((name) => name === 'embedded')) return true;
    if (crossed(scores, settings.thresholds.hold).length === 0) return false;
    const { trustedAfter } = settings.history;
    return !(trustedAfter > 0 && inputs.author.approvedCount >= trustedAfter && inputs.history.rejected === 0);
  };
}
