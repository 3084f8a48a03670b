import type { Adapter } from './model/adapter.js';
import type { CommentModel } from './model/comment.js';
import { type EmbeddedScoreContext, readsEnglish, unreadable } from './embedded.js';
import type { Scorer } from './types.js';

/**
 * The embedded scorer as one site sees it: the shared model's attributes, with TOXICITY from the
 * site's adapter (what this site's moderators reject). Results say `adapter: true` so the comment
 * records which scored it.
 */
export function createAdaptedScorer(model: CommentModel, adapter: Adapter): Scorer {
  return {
    name: 'embedded',
    async score(text: string, ctx: EmbeddedScoreContext) {
      const started = performance.now();
      const s = model.score(
        { text, parentText: ctx?.parentText, articleTitle: ctx?.articleTitle },
        { features: true, language: readsEnglish(ctx?.languages) },
      );
      return {
        attributes: { ...s.attributes, TOXICITY: adapter.predict(s.features, s.baseLogit) },
        spans: s.spans,
        provider: 'embedded',
        model: `${model.version}+site-adapter`,
        latencyMs: performance.now() - started,
        adapter: true,
        ...unreadable(s.readability, ctx?.languages),
      };
    },
  };
}
