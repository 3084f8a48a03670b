// Zero-width and invisible formatting characters used to split words past filters: every default-ignorable code
// point (soft hyphen, joiners, fillers, variation selectors, tag characters, the musical format marks…) and the
// blank braille pattern, tested by code point (astral ones included), before and after decomposition.
const INVISIBLE_RE = /^[\p{Default_Ignorable_Code_Point}\u180E\u2800]$/u;
// Diacritics that only decorate a letter (Latin, Greek, Cyrillic accents; Hebrew and Arabic vowel points).
// Marks that make a different letter (Indic vowel signs, kana voicing) are kept.
const COMBINING_RE =
  /[\u0300-\u036F\u0483-\u0489\u0591-\u05C7\u064B-\u065F\u0670\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F]+/g;
const LETTER_RE = /^\p{L}$/u;
const WORD_CHAR_RE = /^[\p{L}\p{N}\p{M}]$/u;

/**
 * Letters that look like Latin ones (after lower-casing and NFKD): Greek, Cyrillic, IPA and small
 * capitals, plus ligatures NFKD keeps. Folding them both in the text and in word lists is what
 * makes `fμck` or a Cyrillic `с` in `fuсk` read as Latin.
 */
export const HOMOGLYPHS: Readonly<Record<string, string>> = {
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  ζ: 'z',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  σ: 'o',
  ς: 'c',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ϲ: 'c',
  ϳ: 'j',
  // Cyrillic
  а: 'a',
  в: 'b',
  г: 'r',
  е: 'e',
  и: 'u',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  п: 'n',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ш: 'w',
  щ: 'w',
  ь: 'b',
  ъ: 'b',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  һ: 'h',
  ӏ: 'l',
  ɡ: 'g',
  // Latin variants NFKD leaves alone
  ı: 'i',
  ȷ: 'j',
  ɑ: 'a',
  ɩ: 'i',
  ʏ: 'y',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ł: 'l',
  ħ: 'h',
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ᴢ: 'z',
};

/** Characters that may separate spelled-out letters (`f.u.c.k`, `f u c k`, `f-u-c-k`). */
const SPELLING_SEPARATORS = new Set([' ', '.', '-', '_', '*', '·', '•', '~', '+', ':', ',', '/', '\\', '\u00A0']);
/** Fewer spelled-out letters than this stay apart ("a b" is two words; "f u c k" is one). */
const MIN_SPELLED = 3;

const foldCache = new Map<number, string>();
const FOLD_CACHE_MAX = 20_000;

/** One code point as matching sees it: '' for invisible ones, otherwise lower-case Latin where it can be. */
function fold(cp: number): string {
  if (cp < 128) return String.fromCharCode(cp).toLowerCase();
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  let out = '';
  if (!INVISIBLE_RE.test(ch)) {
    const decomposed = ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(COMBINING_RE, '');
    for (const c of decomposed) if (!INVISIBLE_RE.test(c)) out += HOMOGLYPHS[c] ?? c;
  }
  if (foldCache.size < FOLD_CACHE_MAX) foldCache.set(cp, out);
  return out;
}

/**
 * Digits and symbols that stand for letters inside a word (`b1tch`, `@ss`, `$hit`): the readers of words fold them
 * alike, each adding the ones its own reading allows (`!` and `|` read as `i` where a trailing `!` is handled).
 */
export const LEET_LETTERS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Text folded for matching, with the way back to the original for highlighting. */
export interface NormalizedText {
  /** Lower case, no diacritics or invisible characters, look-alike letters as Latin, spelled-out letters joined. */
  readonly text: string;
  /**
   * For each UTF-16 unit of `text`: where the original character it came from starts and ends
   * (UTF-16 offsets, end exclusive); null when `text` lines up with the original one to one.
   */
  readonly starts: Uint32Array | null;
  readonly ends: Uint32Array | null;
  /** Ranges of `text` (start inclusive, end exclusive) that were spelled out letter by letter. */
  readonly spelled: readonly (readonly [number, number])[];
  readonly original: string;
}

let last: NormalizedText | null = null;
const ASCII_RE = /^[\x00-\x7f]*$/;

/**
 * Folds text for the lexicon and for word lists alike, so both see the same thing: compatibility
 * forms (fullwidth, ligatures, mathematical letters), case, diacritics, zero-width and other
 * invisible characters, homoglyphs, and letters spelled out with separators (`f.u.c.k` → `fuck`).
 * Leetspeak and repeated letters are left to the matchers, which know word boundaries.
 * The last result is kept: the lexicon and the site's word lists fold the same comment in turn.
 */
export function normalizeText(original: string): NormalizedText {
  if (last?.original === original) return last;
  let folded: string;
  let starts: number[] | null = null;
  let ends: number[] | null = null;
  if (ASCII_RE.test(original)) {
    folded = original.toLowerCase();
  } else {
    const chars: string[] = [];
    starts = [];
    ends = [];
    for (let i = 0; i < original.length; ) {
      const cp = original.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const f = fold(cp);
      for (let k = 0; k < f.length; k++) {
        chars.push(f[k]!);
        starts.push(i);
        ends.push(i + width);
      }
      i += width;
    }
    folded = chars.join('');
  }
  last = joinSpelledLetters(original, folded, starts, ends);
  return last;
}

const WORD = 1;
const LETTER = 2;
const SEPARATOR = 4;
/** May be spelled out among letters: a letter, or a digit or symbol standing for one (`g.r.0.b.n.!.k`). */
const SPELLABLE = 8;
const CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) CLASS[c] = WORD | LETTER | SPELLABLE;
for (let c = 48; c <= 57; c++) CLASS[c] = WORD | SPELLABLE;
for (const s of SPELLING_SEPARATORS) if (s.charCodeAt(0) < 128) CLASS[s.charCodeAt(0)] = SEPARATOR;
// The word matcher's leet symbols that are not separators.
for (const s of '@$!|') CLASS[s.charCodeAt(0)] = SPELLABLE;

function classOf(text: string, i: number): number {
  if (i < 0 || i >= text.length) return 0;
  const c = text.charCodeAt(i);
  if (c < 128) return CLASS[c]!;
  const ch = text[i]!;
  if (LETTER_RE.test(ch)) return WORD | LETTER | SPELLABLE;
  if (WORD_CHAR_RE.test(ch)) return WORD;
  return SPELLING_SEPARATORS.has(ch) ? SEPARATOR : 0;
}

// Two single letters (or a letter and a digit or symbol standing for one) with a separator between them: the
// cheap test before looking for runs.
const SPELLED_HINT =
  /(?<![\p{L}\p{N}@$!|])[\p{L}\p{N}@$!|][ .\-_*·•~+:,/\\\u00A0]{1,2}[\p{L}\p{N}@$!|](?![\p{L}\p{N}@$!|])/u;

/**
 * Removes the separators between three or more single letters in a row (`f.u.c.k`, `f u c k`). Digits and leet
 * symbols may stand among them (`g.r.0.b.n.i.k`) as long as letters are at least as many and at least two: a row
 * of spaced digits (`1 2 3`) stays apart, as the matcher reads a mostly-digit word as a number.
 */
function joinSpelledLetters(
  original: string,
  text: string,
  starts: number[] | null,
  ends: number[] | null,
): NormalizedText {
  if (!SPELLED_HINT.test(text)) {
    return {
      text,
      original,
      spelled: [],
      starts: starts ? Uint32Array.from(starts) : null,
      ends: ends ? Uint32Array.from(ends) : null,
    };
  }
  const alone = (i: number) => (classOf(text, i) & (WORD | SPELLABLE)) === 0;
  const single = (i: number) => (classOf(text, i) & SPELLABLE) !== 0 && alone(i - 1) && alone(i + 1);
  // Each run: the indices of its letters.
  const runs: number[][] = [];
  for (let i = 0; i < text.length; i++) {
    if (!single(i)) continue;
    const letters = [i];
    let j = i;
    for (;;) {
      let k = j + 1;
      while (k < text.length && k - j <= 2 && (classOf(text, k) & SEPARATOR) !== 0) k++;
      if (k === j + 1 || !single(k)) break;
      letters.push(k);
      j = k;
    }
    const real = letters.filter((l) => (classOf(text, l) & LETTER) !== 0).length;
    if (letters.length >= MIN_SPELLED && real >= 2 && real * 2 >= letters.length) runs.push(letters);
    i = j;
  }
  const identity = (n: number) => Uint32Array.from({ length: n }, (_, k) => k);
  if (runs.length === 0) {
    return {
      text,
      original,
      spelled: [],
      starts: starts ? Uint32Array.from(starts) : null,
      ends: ends ? Uint32Array.from(ends) : null,
    };
  }
  const srcStarts = starts ?? identity(text.length);
  const srcEnds = ends ?? Uint32Array.from({ length: text.length }, (_, k) => k + 1);
  const out: string[] = [];
  const outStarts: number[] = [];
  const outEnds: number[] = [];
  const spelled: [number, number][] = [];
  const push = (i: number) => {
    out.push(text[i]!);
    outStarts.push(srcStarts[i]!);
    outEnds.push(srcEnds[i]!);
  };
  let i = 0;
  for (const letters of runs) {
    while (i < letters[0]!) push(i++);
    const from = out.length;
    for (const l of letters) push(l);
    spelled.push([from, out.length]);
    i = letters[letters.length - 1]! + 1;
  }
  while (i < text.length) push(i++);
  return {
    text: out.join(''),
    original,
    spelled,
    starts: Uint32Array.from(outStarts),
    ends: Uint32Array.from(outEnds),
  };
}

/** The original text's UTF-16 range behind `text.slice(from, to)` of a normalized text. */
export function originalRange(n: NormalizedText, from: number, to: number): { start: number; end: number } {
  return n.starts && n.ends ? { start: n.starts[from]!, end: n.ends[to - 1]! } : { start: from, end: to };
}

// Numbers (route 455, 10:55, 1,555) and hex ids would read as leetspeak ("455" → "ass") to a
// matcher that does not know word boundaries: blank them, keeping offsets.
const NUMBER_RE = /(?<![\p{L}\d])\d[\d.,:/-]*(?![\p{L}\d])/gu;
const DIGIT_RE = /[0-9]/;
const HEX_ID_RE = /(?<![\p{L}\d])(?=[0-9a-f-]*\d)[0-9a-f][0-9a-f-]{7,}(?![\p{L}\d])/giu;

/** A normalized text with numbers and hex ids blanked (same length, so offsets still hold). */
export function blankNumbers(text: string): string {
  // Both patterns need an ASCII digit (`\d` is ASCII-only, even with the `u` flag): most comments have none.
  if (!DIGIT_RE.test(text)) return text;
  const blank = (m: string) => ' '.repeat(m.length);
  return text.replace(HEX_ID_RE, blank).replace(NUMBER_RE, blank);
}
