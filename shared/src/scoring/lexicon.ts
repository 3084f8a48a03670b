import {
  DataSet,
  type MatchPayload,
  RegExpMatcher,
  compareMatchByPositionAndId,
  englishDataset,
  englishRecommendedTransformers,
} from 'obscenity';
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
const NEWS_VOCABULARY = new Set([
  'rape',
  'sex',
  'incest',
  'anal',
  'anus',
  'penis',
  'vagina',
  'negro',
  'porn',
  'orgasm',
  'ejaculate',
  'bestiality',
  'hooker',
  'semen',
  'masturbate',
  'boob',
  'tit',
  'scat',
  'cum',
  'cock',
]);
// Slurs against a group: an identity attack and severe.
const SLURS: ReadonlySet<string> = new Set([
  'nigger',
  'kike',
  'chink',
  'fag',
  'africoon',
  'abeed',
  'arabush',
  'boonga',
  'chingchong',
  'tranny',
]);
// Words aimed at a person.
export const INSULTS: ReadonlySet<string> = new Set([
  'bitch',
  'bastard',
  'cunt',
  'twat',
  'prick',
  'whore',
  'slut',
  'dick',
  'retard',
  'spastic',
  'dyke',
  'cuck',
]);

type Metadata = { originalWord: string };

/** The parts of obscenity's RegExpMatcher (0.4) that `prefiltered` uses; absent in another version, it does nothing. */
interface MatcherInternals {
  blacklistedTerms?: { id: number; regExp: RegExp }[];
  blacklistMatcherTransformers?: unknown;
  applyTransformers?: (input: string, transformers: unknown) => [number[], string];
  getWhitelistedIntervals?: (input: string) => { query(lower: number, upper: number): boolean };
}

const TERMS_PER_GROUP = 8;
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * obscenity's `getAllMatches`, with the same results, faster: it runs one regular expression per listed
 * word (over a hundred) on every text. Here one alternation of them all first tells whether any can
 * match at all (for most comments none can), then one alternation per group of eight tells which words
 * to run; an alternation matches wherever one of its branches does, so nothing is missed. The text is
 * transformed once and the whitelist read only when something matched. The rest mirrors obscenity
 * 0.4's own loop; `tests/unit/lexicon.test.ts` compares the two on many texts.
 */
export function prefiltered(matcher: RegExpMatcher): RegExpMatcher {
  const m = matcher as unknown as MatcherInternals;
  const terms = m.blacklistedTerms;
  if (
    !Array.isArray(terms) ||
    terms.length === 0 ||
    typeof m.applyTransformers !== 'function' ||
    typeof m.getWhitelistedIntervals !== 'function'
  )
    return matcher;
  const flags = terms[0]!.regExp.flags.replace('g', '');
  if (terms.some((t) => t.regExp.flags.replace('g', '') !== flags || !t.regExp.global)) return matcher;
  const alternation = (ts: { regExp: RegExp }[]) =>
    new RegExp(ts.map((t) => `(?:${t.regExp.source})`).join('|'), flags);
  const any = alternation(terms);
  const groups: { re: RegExp; terms: { id: number; regExp: RegExp }[] }[] = [];
  for (let i = 0; i < terms.length; i += TERMS_PER_GROUP) {
    const ts = terms.slice(i, i + TERMS_PER_GROUP);
    groups.push({ re: alternation(ts), terms: ts });
  }
  matcher.getAllMatches = (input: string, sorted = false): MatchPayload[] => {
    const [toOriginal, transformed] = m.applyTransformers!.call(matcher, input, m.blacklistMatcherTransformers);
    if (!any.test(transformed)) return [];
    let whitelisted: ReturnType<NonNullable<MatcherInternals['getWhitelistedIntervals']>> | null = null;
    const matches: MatchPayload[] = [];
    for (const group of groups) {
      if (!group.re.test(transformed)) continue;
      for (const term of group.terms) {
        for (const match of transformed.matchAll(term.regExp)) {
          const startIndex = toOriginal[match.index]!;
          let endIndex = toOriginal[match.index + match[0].length - 1]!;
          if (
            endIndex < input.length - 1 &&
            isHighSurrogate(input.charCodeAt(endIndex)) &&
            isLowSurrogate(input.charCodeAt(endIndex + 1))
          )
            endIndex++;
          whitelisted ??= m.getWhitelistedIntervals!.call(matcher, input);
          if (!whitelisted.query(startIndex, endIndex))
            matches.push({ termId: term.id, startIndex, endIndex, matchLength: [...match[0]].length });
        }
      }
    }
    if (sorted) matches.sort(compareMatchByPositionAndId);
    return matches;
  };
  matcher.hasMatch = (input: string) => matcher.getAllMatches(input).length > 0;
  return matcher;
}

/**
 * A curated English lexicon on `obscenity` (its patterns know word boundaries and whitelist
 * "Scunthorpe", "assassin" and the like), run over the shared normalisation so spelled-out,
 * zero-width and look-alike tricks fold away first; obscenity's own transformers then resolve
 * leetspeak and repeated letters. Spans point into the original text.
 */
let built: TextClassifier | null = null;

/** The lexicon classifier; stateless, so built once per process (its matcher takes a while to build). */
export function createLexiconClassifier(): TextClassifier {
  built ??= buildLexiconClassifier();
  return built;
}

function buildLexiconClassifier(): TextClassifier {
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
      const attributes: Partial<Record<Attribute, number>> = {
        TOXICITY: 0,
        SEVERE_TOXICITY: 0,
        IDENTITY_ATTACK: 0,
        INSULT: 0,
        PROFANITY: 0,
      };
      const spans: NonNullable<ScoreResult['spans']> = [];
      const bump = (a: Attribute, v: number) => {
        attributes[a] = Math.max(attributes[a] ?? 0, v);
      };
      for (const m of matches) {
        const word = dataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? '';
        let attribute: Attribute;
        if (SLURS.has(word)) {
          bump('IDENTITY_ATTACK', 0.97);
          bump('SEVERE_TOXICITY', 0.97);
          bump('TOXICITY', 0.97);
          attribute = 'IDENTITY_ATTACK';
        } else if (INSULTS.has(word)) {
          bump('INSULT', 0.8);
          bump('TOXICITY', 0.8);
          attribute = 'INSULT';
        } else {
          bump('PROFANITY', 0.7);
          bump('TOXICITY', 0.6);
          attribute = 'PROFANITY';
        }
        // obscenity's indices are inclusive, in the normalized text.
        const span = { ...originalRange(n, m.startIndex, m.endIndex + 1), attribute };
        if (!spans.some((s) => s.start === span.start && s.end === span.end && s.attribute === attribute))
          spans.push(span);
      }
      // Several hits in one comment raise the score a little, never to certainty.
      if (matches.length > 1)
        bump('TOXICITY', Math.min(0.94, (attributes.TOXICITY ?? 0) + 0.05 * (matches.length - 1)));
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

/**
 * The lexicon alone as the embedded scorer. It cannot tell an insult from a quotation; the shipped
 * scorer (`createEmbeddedScorer`) keeps it for its spans and for slurs.
 */
export function createLexiconScorer(classifier: TextClassifier = createLexiconClassifier()): Scorer {
  return createClassifierScorer(classifier);
}
