import { withTransaction, type Pool } from '#shared/db/pool.js';
import { type AdapterStats, listUnlearned, lockSiteAdapter, saveSiteAdapter } from '#shared/db/moderation-learning.js';
import { type Adapter, createAdapter, deserialize } from '#shared/scoring/model/adapter.js';
import type { CommentModel } from '#shared/scoring/model/comment.js';
import { readsEnglish, unreadable } from '#shared/scoring/embedded.js';
import { findSettingsOverrides } from '#shared/db/sites.js';
import { effectiveSettings } from '#shared/settings.js';

/** Decisions folded into the adapter per transaction (the adapter row stays locked meanwhile). */
const BATCH = 200;

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** The adapter's shadow evaluation as stored for the API (JSON has no NaN: a missing AUC is null). */
export function adapterStats(adapter: Adapter): AdapterStats {
  const s = adapter.shadow;
  return {
    total: s.total,
    n: s.n,
    positives: s.positives,
    base: { auc: finite(s.base.auc), logLoss: finite(s.base.logLoss) },
    adapter: { auc: finite(s.adapter.auc), logLoss: finite(s.adapter.logLoss) },
  };
}

/**
 * Folds every decision of the site not yet learned into its adapter. Each batch is one transaction
 * holding the adapter row's lock: two workers learning for one site apply one after the other (neither
 * loses the other's update), and the decisions are marked learned with the state that learned them, so
 * a retried job never learns one twice. A decision on a comment in a language the scorer does not read is marked
 * learned without being learned. The adapter follows the shared model's version (`Adapter.followModel`). Returns how
 * many decisions were taken.
 */
export async function learnDecisions(db: Pool, model: CommentModel, siteId: string): Promise<number> {
  let learned = 0;
  // What the site declared its comments' languages to be: the live scorer reads none of a site that declared no
  // English, and the adapter learns only what the live scorer reads.
  const languages = effectiveSettings((await findSettingsOverrides(db, siteId))?.overrides).languages;
  const readsAny = readsEnglish(languages);
  for (;;) {
    const n = await withTransaction(db, async (tx) => {
      const { state } = await lockSiteAdapter(tx, siteId);
      const examples = await listUnlearned(tx, siteId, BATCH);
      if (examples.length === 0) return 0;
      const adapter = state ? deserialize(state) : createAdapter();
      // Decisions scored by another shared model than this one (a new version shipped) say nothing of how the
      // adapter does on top of this one: the shadow window starts again.
      adapter.followModel(model.version);
      for (const e of examples) {
        if (!readsAny) continue;
        const s = model.score(
          e.parentText !== null
            ? { text: e.text, parentText: e.parentText }
            : { text: e.text, articleTitle: e.articleTitle ?? undefined },
          { features: true, language: true },
        );
        // A comment the scorer could not read (another language) says nothing of what it reads: not learned.
        if (!unreadable(s.readability, languages).unreadable) adapter.learn(s.features, s.baseLogit, e.label);
      }
      await saveSiteAdapter(tx, {
        siteId,
        state: adapter.serialize(),
        stats: adapterStats(adapter),
        inUse: adapter.shouldUse(),
        learnedIds: examples.map((e) => e.id),
      });
      return examples.length;
    });
    learned += n;
    if (n < BATCH) return learned;
  }
}
