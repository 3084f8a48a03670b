import { LEET_LETTERS, normalizeText } from '../normalize.js';
import { type VectorFeatures, type WordVectors, createPooler, pooledWidth } from './vectors.js';

/**
 * Text → hashed n-gram features, shared by training and the worker so the two can never drift.
 * Everything the model sees goes through `modelText` (the lexicon's normalisation, then tweet
 * artefacts removed, leetspeak inside words and letter repeats folded) and `featurize` (word 1–2-grams
 * and character 2–5-grams within words, hashed with FNV-1a over char codes; no string per n-gram).
 */

export interface FeatureConfig {
  /** Hash buckets, a power of two. */
  readonly buckets: number;
  readonly charMin: number;
  readonly charMax: number;
  /** Weight of the word block against the character block (each block is L2-normalised first). */
  readonly wordWeight: number;
  readonly charWeight: number;
  /**
   * What the n-grams are taken from: `model` is `modelText` (artefacts removed, leetspeak and repeats
   * folded); `lexicon` is the lexicon's normalisation alone, split into words (the simple baseline).
   */
  readonly text: 'model' | 'lexicon';
  /**
   * Pooled pre-trained word vectors (`vectors.ts`) after the hashed buckets: features `buckets + j`.
   * Absent: n-grams only.
   */
  readonly vectors?: VectorFeatures;
  /**
   * Word phrases as a third block after the characters: each word trigram, hashed apart from the bigrams and
   * L2-normalised with `weight`, and unless `pairs` is false each pair of words one apart ("go _ to") too (the
   * pairs are toxicity-lr-v7's; later models read trigrams alone). Absent: none.
   */
  readonly phrases?: { readonly weight: number; readonly pairs?: boolean };
  /**
   * Words in a negation's scope as a block of their own, after the others: each of the `window` words after a
   * negation (`NEGATIONS`: "not", "never", "dont", "no" …; the next negation starts a scope of its own) hashed apart
   * from the same word unnegated, L2-normalised with `weight`; and, with word vectors, those words' pooled vectors as
   * one more pooled block (`NegationFeatures`). So "not lazy" is not read as "lazy", nor "dont respect" as "respect",
   * and what a negation does to a word carries to words of like meaning. The scope is a fixed count of words, not a
   * clause: the text it reads has no punctuation left, so in "I'm not racist. Muslims are …" it runs into the next
   * sentence. With `text: 'lexicon'` contractions are split ("don t") and only the whole words negate. Absent: none.
   */
  readonly negation?: NegationFeatures;
}

/** `FeatureConfig.negation`. */
export interface NegationFeatures {
  /** How many words after a negation are in its scope. */
  readonly window: number;
  /** The block's length after normalisation (and the negated words' pooled block's, with word vectors). */
  readonly weight: number;
  /** With word vectors, whether the negated words' vectors are pooled in a block of their own (default true). */
  readonly vectors?: boolean;
}

/**
 * Negations as the model's text spells them (lower case, apostrophes dropped: "don't" is "dont", "do n't" leaves
 * "nt"): the words whose scope `FeatureConfig.negation` reads, after the usual list of sentiment analysis.
 */
export const NEGATIONS: readonly string[] = (
  'not no never nothing nowhere noone nobody none neither nor cannot cant couldnt shouldnt wont wouldnt dont doesnt ' +
  'didnt isnt arent wasnt werent aint hasnt havent hadnt mustnt nt'
).split(' ');

export const DEFAULT_FEATURES: FeatureConfig = {
  buckets: 1 << 20,
  charMin: 2,
  charMax: 5,
  wordWeight: 1,
  charWeight: 1,
  text: 'model',
};

// Tweet and web artefacts that must not become features: mentions, links, OLID's masks, retweet
// markers, hashtags, HTML entities. The text is already lower-case here (the language check reads them out too).
export const ARTEFACTS_RE = /(?:^|(?<=\s))@\w+|https?:\/\/\S+|www\.\S+|\b(?:url|rt)\b|#\w+|&#?\w+;/g;
const APOSTROPHE_ENTITY_RE = /&#(?:39|8217|x27);/g;
// Letters stand in for these inside a word that has letters (b1tch, sh!t, a$$): leetspeak.
const LEET: Readonly<Record<string, string>> = { ...LEET_LETTERS, '!': 'i' };
const LEET_WORD_RE = /[\p{L}0-9@$!]*\p{L}[\p{L}0-9@$!]*/gu;
// Digits or '!' closing a word stay as they are (covid19, mp3, wow!); a '$' is an 's' anywhere (a$$).
const LEET_TAIL_RE = /[0-9!]+$/;
// Digits with no letter look-alike (2, 6, 8, 9) stay digits.
const LEET_CHAR_RE = /[013457@$!]/g;
const REPEAT_RE = /(.)\1{2,}/gu;
// Apostrophes join (don't → dont); anything that is not a letter or digit separates words.
const APOSTROPHE_RE = /['’`´]/g;
const NON_WORD_RE = /[^\p{L}\p{N}]+/gu;

/** The lexicon's normalisation split into words, nothing more: what the simple baseline reads. */
function lexiconText(text: string): string {
  return normalizeText(text).text.replace(NON_WORD_RE, ' ').trim();
}

// Single letters or digits spelled out with separators (`g.r.0.s.s`, `f 4 g`): the lexicon's normalisation
// joins letters only; digits standing for letters are joined here, and leetspeak folding reads them.
const SPELLED_HINT_RE =
  /[\p{L}\p{N}][.\-_*~+:,/ ]{1,2}\d[.\-_*~+:,/ ]{1,2}[\p{L}\p{N}]|\d[.\-_*~+:,/ ]{1,2}[\p{L}\p{N}][.\-_*~+:,/ ]{1,2}\p{L}/u;
const SPELLED_RE = /(?<![\p{L}\p{N}])[\p{L}\p{N}](?:[.\-_*~+:,/ ]{1,2}[\p{L}\p{N}](?![\p{L}\p{N}])){2,}/gu;
const SEPARATOR_RE = /[.\-_*~+:,/ ]/g;
const HAS_LETTER_RE = /\p{L}/u;
const LEET_DIGIT_RE = /[013457]/g;

/** The text as the model reads it: words of letters and digits, separated by single spaces. */
export function modelText(text: string): string {
  if (SPELLED_HINT_RE.test(text))
    text = text.replace(SPELLED_RE, (m) =>
      HAS_LETTER_RE.test(m) ? m.replace(SEPARATOR_RE, '').replace(LEET_DIGIT_RE, (c) => LEET[c]!) : m,
    );
  let t = normalizeText(text).text;
  if (t.includes('&#')) t = t.replace(APOSTROPHE_ENTITY_RE, "'");
  t = t.replace(ARTEFACTS_RE, ' ');
  return ASCII_RE.test(t) ? foldAscii(t) : foldAny(t);
}

/** What `modelText` does after removing artefacts, by regular expressions: any script (and the reference for `foldAscii`). */
export function foldAny(t: string): string {
  t = t.replace(LEET_WORD_RE, (w) => {
    if (/^\d/.test(w) || !/[0-9@$!]/.test(w)) return w;
    const tail = LEET_TAIL_RE.exec(w)?.[0] ?? '';
    return w.slice(0, w.length - tail.length).replace(LEET_CHAR_RE, (c) => LEET[c]!) + tail;
  });
  return t.replace(REPEAT_RE, '$1$1').replace(APOSTROPHE_RE, '').replace(NON_WORD_RE, ' ').trim();
}

const ASCII_RE = /^[\x00-\x7f]*$/;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => isLower(c) || (c >= 65 && c <= 90);
const inWord = (c: number) => isAlpha(c) || isDigit(c) || c === 64 || c === 36 || c === 33;
const LEET_CODE = new Int32Array(128).fill(-1);
for (const [k, v] of Object.entries(LEET)) LEET_CODE[k.charCodeAt(0)] = v.charCodeAt(0);
let scratch = new Uint16Array(1024);

/** `foldAny` for ASCII text, in two passes over char codes (the model's hot path). */
export function foldAscii(t: string): string {
  const n = t.length;
  if (scratch.length < n) scratch = new Uint16Array(n * 2);
  const b = scratch;
  // Leetspeak inside each run of letters, digits, '@', '$' and '!' that has a letter, does not start with
  // a digit and has one of them; a closing run of digits and '!' stays. Then repeats of 3+ become 2.
  // (`last` and `run` track the repeat; kept inline, the hot path, rather than in a closure.)
  let len = 0;
  let last = -1;
  let run = 0;
  for (let i = 0; i < n; ) {
    const c = t.charCodeAt(i);
    if (!inWord(c)) {
      if (c === last) run++;
      else {
        last = c;
        run = 1;
      }
      if (run <= 2) b[len++] = c;
      i++;
      continue;
    }
    let j = i;
    let letter = false;
    let leet = false;
    for (; j < n; j++) {
      const d = t.charCodeAt(j);
      if (!inWord(d)) break;
      if (isAlpha(d)) letter = true;
      else leet = true;
    }
    let end = i;
    if (letter && leet && !isDigit(c)) {
      end = j;
      while (end > i && (isDigit(t.charCodeAt(end - 1)) || t.charCodeAt(end - 1) === 33)) end--;
    }
    for (let k = i; k < j; k++) {
      const d = t.charCodeAt(k);
      const x = k < end && LEET_CODE[d]! >= 0 ? LEET_CODE[d]! : d;
      if (x === last) run++;
      else {
        last = x;
        run = 1;
      }
      if (run <= 2) b[len++] = x;
    }
    i = j;
  }
  // Apostrophes dropped; anything else that is not a letter or digit separates, one space at most, none at the
  // ends. Written back into the same buffer (the output never runs ahead of the input: a space is only
  // written where a separator was dropped), then made a string a slice at a time.
  let w = 0;
  let pendingSpace = false;
  for (let k = 0; k < len; k++) {
    const c = b[k]!;
    if (c === 39 || c === 96) continue;
    if (isAlpha(c) || isDigit(c)) {
      if (pendingSpace && w > 0) b[w++] = 32;
      pendingSpace = false;
      b[w++] = c;
    } else pendingSpace = true;
  }
  let out = '';
  for (let from = 0; from < w; from += 4096)
    out += String.fromCharCode.apply(null, b.subarray(from, Math.min(w, from + 4096)) as unknown as number[]);
  return out;
}

/**
 * Protected groups' names as the model's text spells them (lower case, no apostrophes): the words the
 * `mean-near-group` pooling reads around.
 */
const GROUP_WORDS = [
  'muslim muslims moslem moslems islam islamic jew jews jewish blacks black african africans negro negroes',
  'gay gays lesbian lesbians homosexual homosexuals queer queers bisexual bisexuals trans transgender transgenders',
  'immigrant immigrants migrant migrants refugee refugees foreigner foreigners illegals aliens asylum',
  'woman women female females girls feminist feminists mexican mexicans latino latinos latina hispanic hispanics',
  'arab arabs asian asians chinese indian indians pakistani pakistanis paki pakis hindu hindus sikh sikhs',
  'christian christians catholic catholics atheist atheists roma gypsy gypsies traveller travellers disabled',
  'autistic deaf blind indigenous native natives aboriginal aboriginals white whites nigerian nigerians somali',
  'somalis syrian syrians afghan afghans iraqi iraqis iranian iranians palestinian palestinians israeli israelis',
]
  .join(' ')
  .split(' ');

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x9e3779b9;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;
const SEED_TRIGRAM = 0x27d4eb2f;
const SEED_SKIP = 0x165667b1;
const SEED_NEGATED = 0x2545f491;

/** A final avalanche (murmur3's fmix32), so nearby FNV values spread over the buckets. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function fnv(s: string, from: number, to: number, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** A word's hash as the featurizer computes it: what word vectors are looked up by. */
export function wordHash(word: string): number {
  return fnv(word, 0, word.length, SEED_WORD);
}

const GROUP_HASHES: ReadonlySet<number> = new Set(GROUP_WORDS.map(wordHash));
const NEGATION_HASHES: ReadonlySet<number> = new Set(NEGATIONS.map(wordHash));

/** The features after the hashed buckets: the pooled word vectors, then the negated words' pooled vectors. */
export function denseWidth(cfg: FeatureConfig, vectors: { dim: number } | undefined): number {
  if (!cfg.vectors || !vectors) return 0;
  return pooledWidth(vectors, cfg.vectors) + (poolsNegated(cfg) ? vectors.dim : 0);
}

/** Whether the negated words' vectors are pooled apart (`NegationFeatures.vectors`), given word vectors. */
const poolsNegated = (cfg: FeatureConfig) => cfg.negation !== undefined && cfg.negation.vectors !== false;

/** A copy of a hashed feature vector (indices into the model's buckets, values). */
export interface FeatureVector {
  index: Int32Array;
  value: Float32Array;
  /**
   * How many entries, from the first, are the shared model's own features; those after it are the adapter's alone
   * (the words near a group's name: `adapterFeatures` in index.ts). Absent: all of them.
   */
  modelLength?: number;
}

/**
 * A sparse feature vector: `index[k]`, `value[k]` for k < `length` (a bucket may appear once per block),
 * L2-normalised per block (words, characters) and weighted. Reused between calls: copy it to keep it.
 */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
  length: number;
}

/**
 * Counts bucket `b` in the open-addressing table (`keys`: the bucket in each slot, -1 for none; `entry`:
 * its place in `touched`/`counts`); `n` entries are in use. Returns the entries in use after it.
 */
function countBucket(
  keys: Int32Array,
  entry: Int32Array,
  slotOf: Int32Array,
  touched: Int32Array,
  counts: Float32Array,
  b: number,
  n: number,
): number {
  const slotMask = keys.length - 1;
  let s = b & slotMask;
  for (;;) {
    const k = keys[s]!;
    if (k === b) {
      counts[entry[s]!]! += 1;
      return n;
    }
    if (k === -1) {
      keys[s] = b;
      entry[s] = n;
      slotOf[n] = s;
      touched[n] = b;
      counts[n] = 1;
      return n + 1;
    }
    s = (s + 1) & slotMask;
  }
}

/**
 * A featurizer with its own scratch buffers (one per thread of use; not re-entrant). `vectors` are needed
 * when the configuration pools word vectors.
 */
export function createFeaturizer(cfg: FeatureConfig = DEFAULT_FEATURES, vectors?: WordVectors) {
  const mask = cfg.buckets - 1;
  if ((cfg.buckets & mask) !== 0) throw new Error('buckets must be a power of two');
  if (cfg.vectors && !vectors) throw new Error('this feature configuration needs word vectors');
  const pooler = cfg.vectors && vectors ? createPooler(vectors, cfg.vectors, GROUP_HASHES) : undefined;
  const negation = cfg.negation;
  // The negated words' vectors: a mean of their own, written after the comment's pooled block.
  const negatedPooler =
    poolsNegated(cfg) && vectors && pooler
      ? createPooler(vectors, { pooling: 'mean', weight: negation!.weight })
      : undefined;
  const extra = denseWidth(cfg, vectors);
  // Count per bucket while a text is featurised, in a small open-addressing table rather than an array of
  // every bucket: a comment touches a few hundred buckets, and a table of a few thousand slots stays in the
  // processor's cache where a 2²⁰-entry array does not. The table is sized before each text for the most
  // n-grams it can have, so it never fills. `touched` lists the buckets in the order first seen (word
  // block, then character block), `counts` their counts.
  let keys = new Int32Array(4096).fill(-1);
  let entry = new Int32Array(4096);
  let slotOf = new Int32Array(2048);
  let touched = new Int32Array(2048);
  let counts = new Float32Array(2048);
  const out: SparseVector = { index: new Int32Array(2048), value: new Float32Array(2048), length: 0 };
  const { charMin, charMax, wordWeight, charWeight } = cfg;
  // The last text's word hashes in order (what `withNearGroup` pools the words near a group from).
  let wordHashes = new Uint32Array(256);
  let words = 0;
  const gramsPerWord = charMax - charMin + 1;
  const pairs = cfg.phrases?.pairs !== false;
  // Features a word adds in the blocks after the characters: its trigram, its pair one apart, its negated self.
  const afterCharsPerWord = (cfg.phrases ? (pairs ? 2 : 1) : 0) + (negation ? 1 : 0);

  /**
   * Room for a text of `length` characters: at most length + 1 words and bigrams, (2·length + 1)·sizes n-grams, and
   * length + 1 features of each block after the characters (trigrams, pairs one apart, negated words); and no more
   * than each block's buckets.
   */
  const reserve = (length: number) => {
    const blocks = 2 + (cfg.phrases ? 1 : 0) + (negation ? 1 : 0);
    const most = Math.min((length + 1) * (1 + 2 * gramsPerWord + afterCharsPerWord), blocks * cfg.buckets);
    if (touched.length < most + extra) {
      const n = Math.max(most + extra, touched.length * 2);
      slotOf = new Int32Array(n);
      touched = new Int32Array(n);
      counts = new Float32Array(n);
      out.index = new Int32Array(n);
      out.value = new Float32Array(n);
    }
    // Less than half full: probes stay short.
    let size = keys.length;
    while (size < 2 * most) size *= 2;
    if (size !== keys.length) {
      keys = new Int32Array(size).fill(-1);
      entry = new Int32Array(size);
    }
  };

  /** Moves entries `from`…`to` into `out` as sublinear counts, L2-normalised times `weight`, and empties the table. */
  const flush = (from: number, to: number, weight: number) => {
    let norm = 0;
    for (let k = from; k < to; k++) {
      const v = 1 + Math.log(counts[k]!);
      counts[k] = v;
      norm += v * v;
    }
    const scale = norm > 0 ? weight / Math.sqrt(norm) : 0;
    for (let k = from; k < to; k++) {
      out.index[out.length] = touched[k]!;
      out.value[out.length++] = counts[k]! * scale;
      keys[slotOf[k]!] = -1;
    }
  };

  return {
    config: cfg,
    /** Features per comment: the hashed buckets, then the pooled word vectors if any (`denseWidth`). */
    dim: cfg.buckets + extra,
    /** Features of an already `modelText`-ed string. */
    featurizeModelText(t: string): SparseVector {
      reserve(t.length);
      out.length = 0;
      words = 0;
      pooler?.reset();
      let n = 0;
      // Words and word bigrams.
      let prev = 0;
      let start = -1;
      for (let i = 0; i <= t.length; i++) {
        if (i < t.length && t.charCodeAt(i) !== 32) {
          if (start < 0) start = i;
          continue;
        }
        if (start < 0) continue;
        const w = fnv(t, start, i, SEED_WORD);
        pooler?.add(w);
        if (words === wordHashes.length) {
          const grown = new Uint32Array(2 * words);
          grown.set(wordHashes);
          wordHashes = grown;
        }
        wordHashes[words++] = w;
        n = countBucket(keys, entry, slotOf, touched, counts, mix(w) & mask, n);
        if (prev !== 0)
          n = countBucket(
            keys,
            entry,
            slotOf,
            touched,
            counts,
            mix(Math.imul(prev ^ SEED_BIGRAM, FNV_PRIME) ^ w) & mask,
            n,
          );
        prev = w;
        start = -1;
      }
      flush(0, n, wordWeight);
      // Character n-grams of each word padded with a space on both sides (" you ", " yo", "ou ").
      const charsFrom = n;
      start = -1;
      for (let i = 0; i <= t.length; i++) {
        if (i < t.length && t.charCodeAt(i) !== 32) {
          if (start < 0) start = i;
          continue;
        }
        if (start < 0) continue;
        // Positions -1 and i stand for the padding spaces.
        const end = i;
        for (let a = start - 1; a < end; a++) {
          let h = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
          for (let g = 1; g <= charMax && a + g - 1 <= end; g++) {
            const p = a + g - 1;
            const c = p < start || p >= end ? 32 : t.charCodeAt(p);
            h = Math.imul(h ^ c, FNV_PRIME);
            if (g >= charMin) n = countBucket(keys, entry, slotOf, touched, counts, mix(h ^ g) & mask, n);
          }
        }
        start = -1;
      }
      flush(charsFrom, n, charWeight);
      if (cfg.phrases) {
        const phrasesFrom = n;
        for (let i = 2; i < words; i++) {
          const a = wordHashes[i - 2]!;
          const b = wordHashes[i - 1]!;
          const c = wordHashes[i]!;
          const tri = Math.imul(Math.imul(a ^ SEED_TRIGRAM, FNV_PRIME) ^ b, FNV_PRIME) ^ c;
          n = countBucket(keys, entry, slotOf, touched, counts, mix(tri) & mask, n);
          if (!pairs) continue;
          const skip = Math.imul(a ^ SEED_SKIP, FNV_PRIME) ^ c;
          n = countBucket(keys, entry, slotOf, touched, counts, mix(skip) & mask, n);
        }
        flush(phrasesFrom, n, cfg.phrases.weight);
      }
      if (negation) {
        // Each word within `window` after a negation, hashed apart; a negation itself is not in a scope.
        negatedPooler?.reset();
        const negatedFrom = n;
        let left = 0;
        for (let i = 0; i < words; i++) {
          const w = wordHashes[i]!;
          if (NEGATION_HASHES.has(w)) {
            left = negation.window;
            continue;
          }
          if (left === 0) continue;
          left--;
          n = countBucket(keys, entry, slotOf, touched, counts, mix(Math.imul(w ^ SEED_NEGATED, FNV_PRIME)) & mask, n);
          negatedPooler?.add(w);
        }
        flush(negatedFrom, n, negation.weight);
      }
      if (pooler) out.length = pooler.write(out.index, out.value, out.length, cfg.buckets);
      if (negatedPooler)
        out.length = negatedPooler.write(out.index, out.value, out.length, cfg.buckets + pooler!.width);
      return out;
    },
    featurize(text: string): SparseVector {
      return this.featurizeModelText(cfg.text === 'lexicon' ? lexiconText(text) : modelText(text));
    },
    /** The last featurised text's words, as their word hashes (`wordHash`) in order: a view the next call overwrites. */
    words(): Uint32Array {
      return wordHashes.subarray(0, words);
    },
    /**
     * The last featurised text's features with, after them, the words near a group's name pooled apart as features
     * `dim + j` (`writeNearGroup` in vectors.ts), where the model's own pooling leaves them out: what the per-site
     * adapter reads. A copy; `modelLength` is how many of its entries are the model's own.
     */
    withNearGroup(): FeatureVector & { modelLength: number } {
      const extra = pooler && vectors && cfg.vectors?.pooling !== 'mean-near-group' ? vectors.dim : 0;
      const index = new Int32Array(out.length + extra);
      const value = new Float32Array(out.length + extra);
      index.set(out.index.subarray(0, out.length));
      value.set(out.value.subarray(0, out.length));
      if (extra === 0) return { index, value, modelLength: out.length };
      const n = pooler!.writeNearGroup(wordHashes.subarray(0, words), index, value, out.length, this.dim);
      return { index: index.subarray(0, n), value: value.subarray(0, n), modelLength: out.length };
    },
  };
}

export type Featurizer = ReturnType<typeof createFeaturizer>;
