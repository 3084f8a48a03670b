import type { TextClassifier } from '../lexicon.js';
import type { Attribute } from '../types.js';
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
      const attributes: Partial<Record<Attribute, number>> = { ...lex.attributes };
      for (const [k, v] of Object.entries(p) as [Attribute, number][]) attributes[k] = v;
      // A slur the tweets rarely show still scores as one.
      const slur = lex.attributes.SEVERE_TOXICITY ?? 0;
      attributes.TOXICITY = Math.max(p.TOXICITY ?? 0, slur);
      return { attributes, spans: lex.spans };
    },
  };
}
