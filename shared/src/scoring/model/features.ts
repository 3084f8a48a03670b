import { normalizeText } from '../normalize.js';

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
}

export const DEFAULT_FEATURES: FeatureConfig = {
  buckets: 1 << 20,
  charMin: 2,
  charMax: 5,
  wordWeight: 1,
  charWeight: 1,
  text: 'model',
};

// Tweet and web artefacts that must not become features: mentions, links, OLID's masks, retweet
// markers, hashtags, HTML entities. The text is already lower-case here.
const ARTEFACTS_RE = /(?:^|(?<=\s))@\w+|https?:\/\/\S+|www\.\S+|\b(?:url|rt)\b|#\w+|&#?\w+;/g;
const APOSTROPHE_ENTITY_RE = /&#(?:39|8217|x27);/g;
// Letters stand in for these inside a word that has letters (b1tch, sh!t, a$$): leetspeak.
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};
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
  let len = 0;
  let last = -1;
  let run = 0;
  const emit = (c: number) => {
    if (c === last) {
      run++;
      if (run > 2) return;
    } else {
      last = c;
      run = 1;
    }
    b[len++] = c;
  };
  for (let i = 0; i < n; ) {
    const c = t.charCodeAt(i);
    if (!inWord(c)) {
      emit(c);
      i++;
      continue;
    }
    let j = i;
    let letter = false;
    let leet = false;
    for (; j < n && inWord(t.charCodeAt(j)); j++) {
      const d = t.charCodeAt(j);
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
      emit(k < end && LEET_CODE[d]! >= 0 ? LEET_CODE[d]! : d);
    }
    i = j;
  }
  // Apostrophes dropped; anything else that is not a letter or digit separates, one space at most, none at the ends.
  let out = '';
  let pendingSpace = false;
  let chunk = '';
  for (let k = 0; k < len; k++) {
    const c = b[k]!;
    if (c === 39 || c === 96) continue;
    if (isAlpha(c) || isDigit(c)) {
      if (pendingSpace && (out.length > 0 || chunk.length > 0)) chunk += ' ';
      pendingSpace = false;
      chunk += String.fromCharCode(c);
      if (chunk.length > 256) {
        out += chunk;
        chunk = '';
      }
    } else pendingSpace = true;
  }
  return out + chunk;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x9e3779b9;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;

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

/**
 * A sparse feature vector: `index[k]`, `value[k]` for k < `length` (a bucket may appear once per block),
 * L2-normalised per block (words, characters) and weighted. Reused between calls: copy it to keep it.
 */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
  length: number;
}

/** A featurizer with its own scratch buffers (one per thread of use; not re-entrant). */
export function createFeaturizer(cfg: FeatureConfig = DEFAULT_FEATURES) {
  const mask = cfg.buckets - 1;
  if ((cfg.buckets & mask) !== 0) throw new Error('buckets must be a power of two');
  // Count per bucket while a text is featurised; `touched` lists the buckets to read back and clear.
  const counts = new Float32Array(cfg.buckets);
  let touched = new Int32Array(4096);
  let nTouched = 0;
  const out: SparseVector = { index: new Int32Array(4096), value: new Float32Array(4096), length: 0 };

  const add = (h: number) => {
    const b = h & mask;
    if (counts[b] === 0) {
      if (nTouched === touched.length) {
        const t = new Int32Array(touched.length * 2);
        t.set(touched);
        touched = t;
      }
      touched[nTouched++] = b;
    }
    counts[b]! += 1;
  };

  /** Moves the touched buckets since `from` into `out` as sublinear counts, L2-normalised times `weight`. */
  const flush = (from: number, weight: number) => {
    let norm = 0;
    for (let k = from; k < nTouched; k++) {
      const c = counts[touched[k]!]!;
      const v = 1 + Math.log(c);
      counts[touched[k]!] = v;
      norm += v * v;
    }
    const scale = norm > 0 ? weight / Math.sqrt(norm) : 0;
    if (out.index.length < nTouched) {
      const n = Math.max(nTouched, out.index.length * 2);
      const i = new Int32Array(n);
      i.set(out.index.subarray(0, out.length));
      out.index = i;
      const v = new Float32Array(n);
      v.set(out.value.subarray(0, out.length));
      out.value = v;
    }
    for (let k = from; k < nTouched; k++) {
      const b = touched[k]!;
      out.index[out.length] = b;
      out.value[out.length++] = counts[b]! * scale;
      counts[b] = 0;
    }
  };

  return {
    config: cfg,
    /** Features of an already `modelText`-ed string. */
    featurizeModelText(t: string): SparseVector {
      out.length = 0;
      nTouched = 0;
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
        add(mix(w));
        if (prev !== 0) add(mix(Math.imul(prev ^ SEED_BIGRAM, FNV_PRIME) ^ w));
        prev = w;
        start = -1;
      }
      flush(0, cfg.wordWeight);
      // Character n-grams of each word padded with a space on both sides (" you ", " yo", "ou ").
      const charsFrom = nTouched;
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
          for (let n = 1; n <= cfg.charMax && a + n - 1 <= end; n++) {
            const p = a + n - 1;
            const c = p < start || p >= end ? 32 : t.charCodeAt(p);
            h = Math.imul(h ^ c, FNV_PRIME);
            if (n >= cfg.charMin) add(mix(h ^ n));
          }
        }
        start = -1;
      }
      flush(charsFrom, cfg.charWeight);
      return out;
    },
    featurize(text: string): SparseVector {
      return this.featurizeModelText(cfg.text === 'lexicon' ? lexiconText(text) : modelText(text));
    },
  };
}

export type Featurizer = ReturnType<typeof createFeaturizer>;
