import { LEET_LETTERS, normalizeText, originalRange } from './normalize.js';
import type { PhraseSpan } from './shapes.js';

/**
 * Slurs with two adjacent letters swapped ("ngiger", "fagogt", "wetbcak"): an obfuscation the lexicon's
 * transformers (case, leetspeak, repeated letters, separators) do not undo. Only slurs of five letters or more
 * are read, so that no swap is another word: over the 116,000 rows of the eight data sets no swapped form
 * occurs at all, and a review against a dictionary of 300,000 words found only "chikn", a menu's chicken. "Dyke"
 * is left out, a term its community has reclaimed, and "boonga" and "gooks", whose swaps read as names. A swapped slur is held for a
 * moderator, not rejected as the slur itself is: a typo cannot be told from an insult by its letters.
 */
const SLURS = [
  'nigger',
  'nigga',
  'faggot',
  'tranny',
  'trannie',
  'wetback',
  'raghead',
  'towelhead',
  'beaner',
  'chink',
  'africoon',
  'arabush',
  'chingchong',
  'kikes',
  'spics',
];

// Swaps that are a word or a name after all: "chikn" (chicken, on menus).
const SPELLINGS = new Set(['chikn']);

/**
 * Every form of `words` with two adjacent (different) letters swapped, each mapped to its word: but for the words
 * themselves and the `spellings` that are words or names of their own.
 */
export function adjacentSwaps(words: readonly string[], spellings: ReadonlySet<string>): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const word of words) {
    for (let i = 0; i + 1 < word.length; i++) {
      if (word[i] === word[i + 1]) continue;
      const v = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      if (!words.includes(v) && !spellings.has(v)) out.set(v, word);
    }
  }
  return out;
}

const SWAPPED = adjacentSwaps(SLURS, SPELLINGS);

// The map's keys as a character class (digits and `@`, `$`: none needs escaping there).
const LEET_RE = new RegExp(`[${Object.keys(LEET_LETTERS).join('')}]`, 'g');
// Every swapped form, each letter with its leetspeak stand-ins, anywhere in a word: a plain text with none of them
// (nearly every comment) is passed over in one scan, without taking it apart word by word.
const LEET_OF = new Map<string, string[]>();
for (const [digit, letter] of Object.entries(LEET_LETTERS))
  LEET_OF.set(letter, [...(LEET_OF.get(letter) ?? []), digit]);
const ANY_SWAPPED = new RegExp(
  [...SWAPPED.keys()]
    .map((form) =>
      [...form].map((c) => (LEET_OF.has(c) ? `[${c}${LEET_OF.get(c)!.join('').replace('$', '\\$')}]` : c)).join(''),
    )
    .join('|'),
  'i',
);
const WORD_RE = /[a-z0-9@$]+/g;
const ASCII_RE = /^\p{ASCII}*$/u;

/** The swapped slurs in a text (none for most texts). */
export function findSwappedSlurs(text: string): PhraseSpan[] {
  // Plain text is read lower-cased; other text once folded (fullwidth and look-alike letters, accents).
  const ascii = ASCII_RE.test(text);
  if (ascii && !ANY_SWAPPED.test(text)) return [];
  const n = ascii ? null : normalizeText(text);
  const found: PhraseSpan[] = [];
  for (const m of (n?.text ?? text.toLowerCase()).matchAll(WORD_RE)) {
    // The lengths a swapped slur has: five to eleven letters, a plural's "s" included.
    if (m[0].length < 5 || m[0].length > 11) continue;
    const word = m[0].replace(LEET_RE, (c) => LEET_LETTERS[c]!);
    if (!SWAPPED.has(word) && !(word.endsWith('s') && SWAPPED.has(word.slice(0, -1)))) continue;
    const end = m.index + m[0].length;
    found.push(n ? originalRange(n, m.index, end) : { start: m.index, end });
  }
  return found;
}
