import type { TextClassifier } from '../lexicon.js';
import type { ToxicityModel } from './index.js';

/**
 * The embedded scorer's classifier: TOXICITY is the trained model's calibrated probability, with the
 * lexicon's finding as one more input to the calibration (it knows profanity and slurs that one
 * dataset or the other lacks). The lexicon's findings stay as reasons (matched spans) and still give
 * slurs their near-certain TOXICITY, SEVERE_TOXICITY and IDENTITY_ATTACK, and INSULT and PROFANITY.
 */
export function createModelClassifier(model: ToxicityModel, lexicon: TextClassifier): TextClassifier {
  return {
    model: model.version,
    classify(text) {
      const lex = lexicon.classify(text);
      const p = model.predict(text, lex.attributes.TOXICITY ?? 0);
      // A slur the tweets rarely show still scores as one.
      const TOXICITY = Math.max(p.TOXICITY ?? 0, lex.attributes.SEVERE_TOXICITY ?? 0);
      return { attributes: { ...lex.attributes, ...p, TOXICITY }, spans: lex.spans };
    },
  };
}
