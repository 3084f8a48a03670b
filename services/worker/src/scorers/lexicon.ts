import { DataSet, RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { normalizeForScoring } from './normalize.js';
import type { Attribute, ScoreResult, Scorer } from './types.js';

// Words a news discussion uses in earnest (court reports, health, history); not scored.
const NEWS_VOCABULARY = new Set(['rape', 'sex', 'incest', 'anal', 'anus', 'penis', 'vagina', 'negro', 'porn', 'orgasm',
  'ejaculate', 'bestiality', 'hooker', 'semen', 'masturbate', 'boob', 'tit', 'scat', 'cum', 'cock']);
// Slurs against a group: an identity attack and severe.
const SLURS = new Set(['nigger', 'kike', 'chink', 'fag', 'africoon', 'abeed', 'arabush', 'boonga', 'chingchong', 'tranny']);
// Words aimed at a person.
const INSULTS = new Set(['bitch', 'bastard', 'cunt', 'twat', 'prick', 'whore', 'slut', 'dick', 'retard', 'spastic', 'dyke', 'cuck']);

type Metadata = { originalWord: string };

const dataset = new DataSet<Metadata>()
  .addAll(englishDataset)
  .removePhrasesIf((p) => NEWS_VOCABULARY.has(p.metadata?.originalWord ?? ''));
const matcher = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });

/**
 * The embedded scorer: a curated English lexicon on `obscenity`, after normalisation.
 * Works offline, in microseconds; it cannot tell an insult from a quotation, which is why
 * its scores hold rather than reject, except for slurs.
 */
export function createLexiconScorer(): Scorer {
  return {
    name: 'embedded',
    async score(text) {
      const started = performance.now();
      const matches = matcher.getAllMatches(normalizeForScoring(text), true);
      const words = matches.map((m) => dataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? '');
      const attributes: Partial<Record<Attribute, number>> = { TOXICITY: 0, SEVERE_TOXICITY: 0, IDENTITY_ATTACK: 0, INSULT: 0, PROFANITY: 0 };
      const bump = (a: Attribute, v: number) => { attributes[a] = Math.max(attributes[a] ?? 0, v); };
      for (const w of words) {
        if (SLURS.has(w)) {
          bump('IDENTITY_ATTACK', 0.97); bump('SEVERE_TOXICITY', 0.97); bump('TOXICITY', 0.97);
        } else if (INSULTS.has(w)) {
          bump('INSULT', 0.8); bump('TOXICITY', 0.8);
        } else {
          bump('PROFANITY', 0.7); bump('TOXICITY', 0.6);
        }
      }
      // Several hits in one comment raise the score a little, never to certainty.
      if (words.length > 1) bump('TOXICITY', Math.min(0.94, (attributes.TOXICITY ?? 0) + 0.05 * (words.length - 1)));
      const result: ScoreResult = { attributes, provider: 'embedded', model: 'lexicon-obscenity-en', latencyMs: performance.now() - started };
      return result;
    },
  };
}
