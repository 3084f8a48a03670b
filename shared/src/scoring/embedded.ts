import { createLexiconClassifier } from './lexicon.js';
import { createModelClassifier } from './model/classifier.js';
import { loadModel } from './model/index.js';
import type { ScoreContext, Scorer } from './types.js';

/** The embedded scorer's context: the site's, plus the comment's own context when the caller has it. */
export interface EmbeddedScoreContext extends ScoreContext {
  /** For a reply: the text of the comment it answers. */
  parentText?: string;
  /** For a top-level comment: the article's title. */
  articleTitle?: string;
}

/**
 * The scorer every site has: the trained toxicity model (weights in `services/worker/models/`,
 * loaded once per process) with the lexicon for spans and slurs. Offline; no text leaves the worker.
 * A `parentText` or `articleTitle` in the context is read when present (model/comment.ts).
 */
export function createEmbeddedScorer(weightsPath?: string): Scorer {
  const classifier = createModelClassifier(loadModel(weightsPath), createLexiconClassifier());
  return {
    name: 'embedded',
    async score(text: string, ctx: EmbeddedScoreContext) {
      const started = performance.now();
      const { attributes, spans } = classifier.classifyComment({
        text,
        parentText: ctx?.parentText,
        articleTitle: ctx?.articleTitle,
      });
      return {
        attributes,
        spans,
        provider: 'embedded',
        model: classifier.model,
        latencyMs: performance.now() - started,
      };
    },
  };
}
