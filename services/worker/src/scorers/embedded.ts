import { createClassifierScorer, createLexiconClassifier } from './lexicon.js';
import { createModelClassifier } from './model/classifier.js';
import { loadModel } from './model/index.js';
import type { Scorer } from './types.js';

/**
 * The scorer every site has: the trained toxicity model (weights in `services/worker/models/`,
 * loaded once per process) with the lexicon for spans and slurs. Offline; no text leaves the worker.
 */
export function createEmbeddedScorer(weightsPath?: string): Scorer {
  return createClassifierScorer(createModelClassifier(loadModel(weightsPath), createLexiconClassifier()));
}
