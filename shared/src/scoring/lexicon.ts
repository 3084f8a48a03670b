import {
  DataSet,
  type MatchPayload,
  RegExpMatcher,
  compareMatchByPositionAndId,
  englishDataset,
  englishRecommendedTransformers,
  pattern,
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
  // Added to obscenity's list: ethnic slurs whose rows in the training sets are at least 90 % labelled toxic
  // (of at least 20 rows each; see the model card), with no other common sense in news text.
  'spic',
  'wetback',
  'raghead',
  'beaner',
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
  whitelistedTerms?: string[];
  blacklistMatcherTransformers?: unknown;
  whitelistMatcherTransformers?: unknown;
  applyTransformers?: (input: string, transformers: unknown) => [ArrayLike<number>, string];
  getWhitelistedIntervals?: (input: string) => { query(lower: number, upper: number): boolean };
}

/** The parts of obscenity's TransformerSet (0.4) that `compileTransformers` reads. */
interface TransformerSetInternals {
  transformers?: { type?: unknown; transform?: unknown }[];
  statefulTransformers?: unknown[];
}

/** A text as a transformer set makes it, with, for each UTF-16 unit of it, where its character starts in the input. */
interface Transformed {
  text: string;
  toOriginal: ArrayLike<number>;
}

const SIMPLE = 0;
const STATEFUL = 1;

/**
 * obscenity's `applyTransformers` for one transformer set, with the same output, without its per-character
 * iterator, closures and string concatenation: what each code point becomes through the set's simple
 * (stateless) transformers is worked out once (a table for ASCII, a cache beyond it), and a final
 * collapse-duplicates transformer is replayed with its own thresholds. Null for a set of another shape
 * (a stateful transformer of another kind, or one before a simple one): the caller keeps obscenity's.
 * The returned `toOriginal` is a buffer reused by the next call.
 */
function compileTransformers(set: unknown): ((input: string) => Transformed) | null {
  const s = set as TransformerSetInternals;
  const ts = s.transformers;
  const stateful = s.statefulTransformers;
  if (!Array.isArray(ts) || !Array.isArray(stateful) || stateful.length !== ts.length) return null;
  const simple: ((c: number) => number | undefined)[] = [];
  let collapse: { defaultThreshold: number; customThresholds: Map<number, number> } | null = null;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.type === SIMPLE && typeof t.transform === 'function') {
      simple.push(t.transform as (c: number) => number | undefined);
      continue;
    }
    const c = stateful[i] as {
      constructor?: { name?: string };
      defaultThreshold?: unknown;
      customThresholds?: unknown;
    };
    if (
      t.type !== STATEFUL ||
      i !== ts.length - 1 ||
      c?.constructor?.name !== 'CollapseDuplicatesTransformer' ||
      typeof c.defaultThreshold !== 'number' ||
      !(c.customThresholds instanceof Map)
    )
      return null;
    collapse = c as { defaultThreshold: number; customThresholds: Map<number, number> };
  }
  const NONE = -1;
  const chain = (cp: number): number => {
    let x: number | undefined = cp;
    for (let i = 0; i < simple.length && x !== undefined; i++) x = simple[i]!(x);
    return x === undefined ? NONE : x;
  };
  const threshold = (x: number): number =>
    collapse ? (collapse.customThresholds.get(x) ?? collapse.defaultThreshold) : Number.POSITIVE_INFINITY;
  const asciiChain = new Int32Array(128);
  for (let c = 0; c < 128; c++) asciiChain[c] = chain(c);
  const asciiThreshold = new Float64Array(128);
  for (let c = 0; c < 128; c++) asciiThreshold[c] = threshold(c);
  const chainCache = new Map<number, number>();
  let units = new Uint16Array(512);
  let toOriginal = new Int32Array(512);
  return (input) => {
    if (units.length < 2 * input.length) {
      units = new Uint16Array(4 * input.length);
      toOriginal = new Int32Array(4 * input.length);
    }
    let n = 0;
    let lastChar = -1;
    let remaining = -1;
    for (let i = 0; i < input.length; ) {
      const cp = input.codePointAt(i)!;
      const at = i;
      i += cp > 0xffff ? 2 : 1;
      let x: number;
      if (cp < 128) x = asciiChain[cp]!;
      else {
        const cached = chainCache.get(cp);
        if (cached === undefined) {
          x = chain(cp);
          if (chainCache.size < 10_000) chainCache.set(cp, x);
        } else x = cached;
      }
      if (x === NONE) continue;
      if (collapse) {
        if (x === lastChar) {
          if (!(remaining-- > 0)) continue;
        } else {
          const t = x < 128 ? asciiThreshold[x]! : threshold(x);
          remaining = t - 1;
          lastChar = x;
          if (!(t > 0)) continue;
        }
      }
      if (x > 0xffff) {
        units[n] = 0xd800 + ((x - 0x10000) >> 10);
        toOriginal[n++] = at;
        units[n] = 0xdc00 + ((x - 0x10000) & 0x3ff);
      } else units[n] = x;
      toOriginal[n++] = at;
    }
    let text = '';
    for (let from = 0; from < n; from += 4096)
      text += String.fromCharCode.apply(null, units.subarray(from, Math.min(n, from + 4096)) as unknown as number[]);
    return { text, toOriginal };
  };
}

const TERMS_PER_GROUP = 8;
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * obscenity's `getAllMatches`, with the same results, faster: it runs one regular expression per listed
 * word (over a hundred) on every text. Here one alternation of them all first tells whether any can
 * match at all (for most comments none can), then one alternation per group of eight tells which words
 * to run; an alternation matches wherever one of its branches does, so nothing is missed. The text is
 * transformed once, by `compileTransformers` rather than obscenity's character-by-character pipeline, and
 * the whitelist read only when something matched. The rest mirrors obscenity 0.4's own loop;
 * `tests/unit/scorers.lexicon.test.ts` compares the two on thousands of texts.
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
  const transform =
    compileTransformers(m.blacklistMatcherTransformers) ??
    ((input: string): Transformed => {
      const [toOriginal, text] = m.applyTransformers!.call(matcher, input, m.blacklistMatcherTransformers);
      return { text, toOriginal };
    });
  const whitelistTransform = compileTransformers(m.whitelistMatcherTransformers);
  const whitelistedTerms = m.whitelistedTerms;
  /** obscenity's `getWhitelistedIntervals`, as a test of whether [lower, upper] lies within one of them. */
  const whitelistOf = (input: string): ((lower: number, upper: number) => boolean) => {
    if (!whitelistTransform || !Array.isArray(whitelistedTerms)) {
      const intervals = m.getWhitelistedIntervals!.call(matcher, input);
      return (lower, upper) => intervals.query(lower, upper);
    }
    const { text, toOriginal } = whitelistTransform(input);
    const intervals: number[] = [];
    for (const term of whitelistedTerms) {
      for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) {
        let end = toOriginal[at + term.length - 1]!;
        if (
          end < input.length - 1 &&
          isHighSurrogate(input.charCodeAt(end)) &&
          isLowSurrogate(input.charCodeAt(end + 1))
        )
          end++;
        intervals.push(toOriginal[at]!, end);
      }
    }
    return (lower, upper) => {
      for (let k = 0; k < intervals.length; k += 2)
        if (intervals[k]! <= lower && upper <= intervals[k + 1]!) return true;
      return false;
    };
  };
  matcher.getAllMatches = (input: string, sorted = false): MatchPayload[] => {
    const { text: transformed, toOriginal } = transform(input);
    if (!any.test(transformed)) return [];
    let whitelisted: ((lower: number, upper: number) => boolean) | null = null;
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
          whitelisted ??= whitelistOf(input);
          if (!whitelisted(startIndex, endIndex))
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

/**
 * Builds the lexicon classifier. `reference: true` runs obscenity's own matcher, unprefiltered: slower, with
 * the same results (what the tests compare the shipped one with).
 */
export function buildLexiconClassifier(opts: { reference?: boolean } = {}): TextClassifier {
  const dataset = new DataSet<Metadata>()
    .addAll(englishDataset)
    .removePhrasesIf((p) => NEWS_VOCABULARY.has(p.metadata?.originalWord ?? ''))
    // Ordinary words that read as a listed one once repeated letters collapse.
    .addPhrase((p) => p.setMetadata({ originalWord: '' }).addWhitelistedTerm('shiitake'))
    // Patterns match the transformed text: lower case, leetspeak resolved, most repeated letters collapsed.
    .addPhrase((p) =>
      p
        .setMetadata({ originalWord: 'spic' })
        .addPattern(pattern`|spic|`)
        .addPattern(pattern`|spics|`)
        .addWhitelistedTerm('spic and span')
        .addWhitelistedTerm('spic n span'),
    )
    .addPhrase((p) => p.setMetadata({ originalWord: 'wetback' }).addPattern(pattern`|wetback`))
    .addPhrase((p) => p.setMetadata({ originalWord: 'raghead' }).addPattern(pattern`|raghead`))
    .addPhrase((p) =>
      p.setMetadata({ originalWord: 'beaner' }).addPattern(pattern`|beaner|`).addPattern(pattern`|beaners|`),
    )
    // obscenity lists the singular only ("trany" once the double n collapses).
    .addPhrase((p) => p.setMetadata({ originalWord: 'tranny' }).addPattern(pattern`|tranies`));
  const plain = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });
  const matcher = opts.reference ? plain : prefiltered(plain);
  // The listed word behind each pattern id, looked up once.
  const words = new Map<number, string>();
  const wordOf = (m: MatchPayload) => {
    let word = words.get(m.termId);
    if (word === undefined) {
      word = dataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? '';
      words.set(m.termId, word);
    }
    return word;
  };

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
        const word = wordOf(m);
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
