import { LEET_LETTERS, normalizeText, originalRange, type NormalizedText } from '#shared/scoring/normalize.js';

/** One word of a list found in a text: UTF-16 offsets into the original text (end exclusive). */
export interface WordMatch {
  word: string;
  start: number;
  end: number;
}

export interface WordMatcher {
  /** Every listed word or phrase found in `text`, in text order. */
  match(text: string): WordMatch[];
  /** Distinct entries (words that normalise alike count once). */
  readonly size: number;
}

/*
 * A word is compared by its shape: the sequence of distinct letters (`skel`) and how often each
 * repeats. `fuuuck` has skel `fuck` and counts [1,3,1,1]; it contains the listed `fuck` because
 * the skeletons are equal and every count is at least the listed one. `assess` (skel `ases`)
 * never contains `ass` (skel `as`): matching is per whole word, so there is no Scunthorpe problem.
 */
interface Shape {
  skel: string;
  counts: number[];
}
interface Entry {
  word: string;
  shapes: Shape[];
}

// Symbols and digits that stand for letters inside a word (`@ss`, `$hit`, `sh!t`, `b1tch`).
const LEET: Readonly<Record<string, string>> = { ...LEET_LETTERS, '8': 'b', '9': 'g', '!': 'i', '|': 'i', '+': 't' };
const WORD_CHAR_RE = /^[\p{L}\p{N}\p{M}]$/u;
// Scripts written without spaces between words: a listed word there is found anywhere in the text.
const UNSPACED_RE =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}ー\u3099\u309A]+$/u;
const LETTER = 1;
const DIGIT = 2;
const SYMBOL = 4; // a leet symbol
const APOSTROPHE = 8;
const CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (const s of '@$!|+') CLASS[s.charCodeAt(0)] = SYMBOL;
CLASS["'".charCodeAt(0)] = APOSTROPHE;
CLASS['`'.charCodeAt(0)] = APOSTROPHE;

function classOf(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return CLASS[c]!;
  if (c === 0x2019 || c === 0x02bc) return APOSTROPHE;
  return WORD_CHAR_RE.test(text[i]!) ? (/\p{N}/u.test(text[i]!) ? DIGIT : LETTER) : 0;
}

/**
 * Letters of `text[from, to)` as matching compares them: apostrophes dropped, leetspeak resolved
 * unless the word is mostly digits (a number or an id: "455" is not "ass"), and `l` read as `i`
 * because `l`, `1`, `|`, `!` and a capital I look alike.
 */
function canonical(text: string, from: number, to: number): string {
  let letters = 0;
  let digits = 0;
  let plain = true; // only a-z without `l`: the word is its own canonical form
  for (let i = from; i < to; i++) {
    const k = classOf(text, i);
    if (k === LETTER) {
      letters++;
      if (plain && (text.charCodeAt(i) > 122 || text.charCodeAt(i) === 108)) plain = false;
    } else {
      plain = false;
      if (k === DIGIT) digits++;
    }
  }
  if (plain) return text.slice(from, to);
  const leet = letters > 0 && digits <= letters;
  let out = '';
  for (let i = from; i < to; i++) {
    const k = classOf(text, i);
    const c = text[i]!;
    if (k === LETTER) out += c === 'l' ? 'i' : c;
    else if (k === DIGIT || k === SYMBOL) {
      if (leet) out += LEET[c] ?? c;
      else if (k === DIGIT) out += c;
    }
  }
  return out;
}

function shapeOf(s: string): Shape {
  let skel = '';
  const counts: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && s[i] === s[i - 1]) counts[counts.length - 1]!++;
    else {
      skel += s[i];
      counts.push(1);
    }
  }
  return { skel, counts };
}

function skeletonOf(s: string): string {
  let repeats = false;
  for (let i = 1; i < s.length && !repeats; i++) repeats = s.charCodeAt(i) === s.charCodeAt(i - 1);
  if (!repeats) return s; // most words: no letter doubled, the word is its own skeleton
  let skel = '';
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) skel += s[i];
  return skel;
}

/** Whether canonical letters `s` have the listed shape, each letter repeated at least as often. */
function contains(s: string, listed: Shape): boolean {
  let run = -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && s[i] === s[i - 1]) {
      n++;
      continue;
    }
    if (run >= 0 && n < listed.counts[run]!) return false;
    run++;
    if (run >= listed.skel.length || s[i] !== listed.skel[run]) return false;
    n = 1;
  }
  return run === listed.skel.length - 1 && n >= listed.counts[run]!;
}

interface Token {
  canon: string;
  from: number;
  to: number;
}

/** Words of a normalized text: runs of letters, digits, leet symbols and apostrophes. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (classOf(text, i) === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && classOf(text, j) !== 0) j++;
    const canon = canonical(text, i, j);
    if (canon.length > 0) tokens.push({ canon, from: i, to: j });
    i = j;
  }
  return tokens;
}

// The last text's words: a site's banned and suspect lists read the same comment in turn.
let lastText: string | null = null;
let lastTokens: Token[] = [];
function tokensOf(text: string): Token[] {
  if (text !== lastText) {
    lastTokens = tokenize(text);
    lastText = text;
  }
  return lastTokens;
}

/**
 * Finds listed words and phrases on word boundaries, after the same normalisation as the
 * embedded scorer (case, diacritics, homoglyphs, invisible characters, spelled-out letters),
 * with leetspeak and repeated letters resolved per word. Built once per list (a site's
 * settings version); matching is one pass over the comment's words with a map look-up each.
 */
export function createWordMatcher(words: readonly string[]): WordMatcher {
  // Listed entries by the skeleton of their first word.
  const byFirst = new Map<string, Entry[]>();
  const seen = new Set<string>();
  const unspaced: { word: string; text: string }[] = [];
  let longest = 0;
  for (const word of words) {
    const folded = normalizeText(word).text.trim();
    if (UNSPACED_RE.test(folded)) {
      if (!seen.has(folded)) {
        seen.add(folded);
        unspaced.push({ word, text: folded });
      }
      continue;
    }
    const tokens = tokenize(folded);
    if (tokens.length === 0) continue;
    // The canonical letters determine the shapes: equal keys, equal entries.
    const key = tokens.map((t) => t.canon).join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    const shapes = tokens.map((t) => shapeOf(t.canon));
    if (shapes.length === 1)
      longest = Math.max(
        longest,
        shapes[0]!.counts.reduce((a, b) => a + b, 0),
      );
    const list = byFirst.get(shapes[0]!.skel);
    if (list) list.push({ word, shapes });
    else byFirst.set(shapes[0]!.skel, [{ word, shapes }]);
  }
  const size = seen.size;

  function match(text: string): WordMatch[] {
    if (size === 0 || text.length === 0) return [];
    const n = normalizeText(text);
    const tokens = tokensOf(n.text);
    const found: WordMatch[] = [];
    const add = (word: string, from: number, to: number) => found.push({ word, ...originalRange(n, from, to) });
    let sp = 0;

    for (let t = 0; t < tokens.length; t++) {
      const first = tokens[t]!;
      let matched = matchAt(tokens, t, first.canon, first.to, add);
      // A trailing `!` or `+` is punctuation more often than a letter ("fuck!").
      if (!matched && /[it]$/.test(first.canon) && /[!+]$/.test(n.text.slice(first.from, first.to))) {
        const raw = n.text.slice(first.from, first.to).replace(/[!+]+$/, '');
        if (raw.length > 0) matched = matchAt(tokens, t, canonical(raw, 0, raw.length), first.from + raw.length, add);
      }
      if (matched) continue;
      while (sp < n.spelled.length && n.spelled[sp]![1] <= first.from) sp++;
      const spelled = n.spelled[sp];
      if (spelled && spelled[0] < first.to)
        matchInside(n, Math.max(first.from, spelled[0]), Math.min(first.to, spelled[1]), add);
    }
    for (const u of unspaced) {
      for (let at = n.text.indexOf(u.text); at >= 0; at = n.text.indexOf(u.text, at + u.text.length))
        add(u.word, at, at + u.text.length);
    }
    return found.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  /** Entries whose first word is `canon` (token t, possibly trimmed) and whose other words follow. */
  function matchAt(
    tokens: Token[],
    t: number,
    canon: string,
    firstTo: number,
    add: (w: string, f: number, to: number) => void,
  ): boolean {
    const entries = byFirst.get(skeletonOf(canon));
    if (!entries) return false;
    let matched = false;
    for (const entry of entries) {
      if (!contains(canon, entry.shapes[0]!)) continue;
      let k = 1;
      while (k < entry.shapes.length && t + k < tokens.length && contains(tokens[t + k]!.canon, entry.shapes[k]!)) k++;
      if (k < entry.shapes.length) continue;
      add(entry.word, tokens[t]!.from, k === 1 ? firstTo : tokens[t + k - 1]!.to);
      matched = true;
    }
    return matched;
  }

  /** A listed single word anywhere inside letters spelled out one by one (`a f u c k`). */
  function matchInside(n: NormalizedText, from: number, to: number, add: (w: string, f: number, to: number) => void) {
    const letters = canonical(n.text, from, to);
    if (letters.length !== to - from) return;
    for (let a = 0; a < letters.length; a++) {
      for (let b = a + 1; b <= letters.length && b - a <= longest; b++) {
        if (a === 0 && b === letters.length) continue; // the whole word was tried already
        const s = letters.slice(a, b);
        const entry = byFirst.get(skeletonOf(s))?.find((e) => e.shapes.length === 1 && contains(s, e.shapes[0]!));
        if (entry) add(entry.word, from + a, from + b);
      }
    }
  }

  return { match, size };
}
