import { DataSet, RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { blankNumbers, normalizeText, originalRange } from './normalize.js';
import type { Attribute, ScoreResult, Scorer } from './types.js';

/**
 * The part of the embedded scorer that reads text: swappable, so a trained offline model can
 * replace the lexicon without touching the scorer around it.
 */
export interface TextClassifier {
  readonly model: string;
  classify(text: string): Pick<ScoreResult, 'attributes' | 'spans'>;
}

// Words a news discussion uses in earnest (court reports, health, history); not scored.
const NEWS_VOCABULARY = new Set(['rape', 'sex', 'incest', 'anal', 'anus', 'penis', 'vagina', 'negro', 'porn', 'orgasm',
  'ejaculate', 'bestiality', 'hooker', 'semen', 'masturbate', 'boob', 'tit', 'scat', 'cum', 'cock']);
// Slurs against a group: an identity attack and severe.
export const SLURS: ReadonlySet<string> = new Set(['nigger', 'kike', 'chink', 'fag', 'africoon', 'abeed', 'arabush', 'boonga', 'chingchong', 'tranny']);
// Words aimed at a person.
export const INSULTS: ReadonlySet<string> = new Set(['bitch', 'bastard', 'cunt', 'twat', 'prick', 'whore', 'slut', 'dick', 'retard', 'spastic', 'dyke', 'cuck']);

type Metadata = { originalWord: string };

/** The parts of obscenity's RegExpMatcher (0.4) that `prefiltered` reads; absent in another version, it does nothing. */
interface MatcherInternals {
  blacklistedTerms?: { regExp: RegExp }[];
  blacklistMatcherTransformers?: unknown;
  applyTransformers?: (input: string, transformers: unknown) => [number[], string];
}

/**
 * The same matches, found faster: obscenity runs one regular expression per listed word (over a hundred)
 * on every text. One alternation of them all first tells whether any can match at all: for most
 * comments none can, and that answer is exact (an alternation matches where any of its branches does).
 */
function prefiltered(matcher: RegExpMatcher): RegExpMatcher {
  const m = matcher as unknown as MatcherInternals;
  if (!Array.isArray(m.blacklistedTerms) || typeof m.applyTransformers !== 'function' || m.blacklistedTerms.length === 0) return matcher;
  const flags = m.blacklistedTerms[0]!.regExp.flags.replace('g', '');
  if (m.blacklistedTerms.some((t) => t.regExp.flags.replace('g', '') !== flags)) return matcher;
  const any = new RegExp(m.blacklistedTerms.map((t) => `(?:${t.regExp.source})`).join('|'), flags);
  const getAllMatches = matcher.getAllMatches.bind(matcher);
  matcher.getAllMatches = (input, sorted) => {
    const [, transformed] = m.applyTransformers!.call(matcher, input, m.blacklistMatcherTransformers);
    return any.test(transformed) ? getAllMatches(input, sorted) : [];
  };
  return matcher;
}

/**
 * A curated English lexicon on `obscenity` (its patterns know word boundaries and whitelist
 * "Scunthorpe", "assassin" and the like), run over the shared normalisation so spelled-out,
 * zero-width and look-alike tricks fold away first; obscenity's own transformers then resolve
 * leetspeak and repeated letters. Spans point into the original text.
 */
export function createLexiconClassifier(): TextClassifier {
  const dataset = new DataSet<Metadata>()
    .addAll(englishDataset)
    .removePhrasesIf((p) => NEWS_VOCABULARY.has(p.metadata?.originalWord ?? ''))
    // Ordinary words that read as a listed one once repeated letters collapse.
    .addPhrase((p) => p.setMetadata({ originalWord: '' }).addWhitelistedTerm('shiitake'));
  const matcher = prefiltered(new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers }));

  return {
    model: 'lexicon-obscenity-en',
    classify(text) {
      const n = normalizeText(text);
      const matches = matcher.getAllMatches(blankNumbers(n.text), true);
      const attributes: Partial<Record<Attribute, number>> = { TOXICITY: 0, SEVERE_TOXICITY: 0, IDENTITY_ATTACK: 0, INSULT: 0, PROFANITY: 0 };
      const spans: NonNullable<ScoreResult['spans']> = [];
      const bump = (a: Attribute, v: number) => { attributes[a] = Math.max(attributes[a] ?? 0, v); };
      for (const m of matches) {
        const word = dataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? '';
        let attribute: Attribute;
        if (SLURS.has(word)) {
          bump('IDENTITY_ATTACK', 0.97); bump('SEVERE_TOXICITY', 0.97); bump('TOXICITY', 0.97);
          attribute = 'IDENTITY_ATTACK';
        } else if (INSULTS.has(word)) {
          bump('INSULT', 0.8); bump('TOXICITY', 0.8);
          attribute = 'INSULT';
        } else {
          bump('PROFANITY', 0.7); bump('TOXICITY', 0.6);
          attribute = 'PROFANITY';
        }
        // obscenity's indices are inclusive, in the normalized text.
        const span = { ...originalRange(n, m.startIndex, m.endIndex + 1), attribute };
        if (!spans.some((s) => s.start === span.start && s.end === span.end && s.attribute === attribute)) spans.push(span);
      }
      // Several hits in one comment raise the score a little, never to certainty.
      if (matches.length > 1) bump('TOXICITY', Math.min(0.94, (attributes.TOXICITY ?? 0) + 0.05 * (matches.length - 1)));
      return { attributes, spans };
    },
  };
}

/**
 * The embedded scorer: works offline, in microseconds, around any text classifier. The product's is
 * `createEmbeddedScorer()` (the trained model with the lexicon, `model/classifier.ts`).
 */
export function createClassifierScorer(classifier: TextClassifier): Scorer {
  return {
    name: 'embedded',
    async score(text) {
      const started = performance.now();
      const { attributes, spans } = classifier.classify(text);
      return { attributes, spans, provider: 'embedded', model: classifier.model, latencyMs: performance.now() - started };
    },
  };
}

/**
 * The lexicon alone as the embedded scorer. It cannot tell an insult from a quotation; the shipped
 * scorer (`createEmbeddedScorer`) keeps it for its spans and for slurs.
 */
export function createLexiconScorer(classifier: TextClassifier = createLexiconClassifier()): Scorer {
  return createClassifierScorer(classifier);
}
