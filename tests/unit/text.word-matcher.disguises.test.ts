import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createWordMatcher } from '#worker/text/word-matcher.js';

/**
 * Every disguise the matcher knows, in any combination, on a word of a site's list: case, full-width and
 * mathematical letters, diacritics, look-alike letters from other scripts, digits and symbols for letters,
 * repeated letters, invisible characters, and letters spelled out with separators.
 */
const WORDS = ['grobnik', 'skvader', 'moron'];
const matcher = createWordMatcher(WORDS);

// Digits and symbols the matcher reads as letters, and letters from other scripts that look like them.
const LEET: Record<string, string[]> = {
  o: ['0'],
  i: ['1', '!', '|'],
  e: ['3'],
  a: ['4', '@'],
  s: ['5', '$'],
  t: ['7'],
  b: ['8'],
  g: ['9'],
};
const LOOK_ALIKE: Record<string, string[]> = {
  o: ['ο', 'о'],
  a: ['а', 'α'],
  e: ['е'],
  k: ['к', 'κ'],
  r: ['г'],
  n: ['η'],
  i: ['і', 'ι'],
  v: ['ν'],
  d: ['ԁ'],
  s: ['ѕ'],
  m: ['м'],
};
const fullWidth = (c: string) => String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41);
const mathBold = (c: string) => String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0x1d41a);
const INVISIBLE = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\u00ad',
  // Beyond the zero-widths: a Mongolian variation selector, Hangul fillers, a musical format mark, a tag character
  // and a supplementary variation selector (the last three outside the Basic Multilingual Plane).
  '\u180b',
  '\u3164',
  '\uffa0',
  '\u{1d173}',
  '\u{e0020}',
  '\u{e0100}',
];
const SEPARATORS = ['.', ' ', '-', '_', '*', '·', '~', ':', ', ', '. '];

/** One letter disguised: as itself, in capitals, full-width, bold, accented, a look-alike or a digit/symbol. */
function letter(c: string): fc.Arbitrary<{ text: string; leet: boolean }> {
  const plain = [c, c.toUpperCase(), fullWidth(c), mathBold(c), `${c}\u0301`, `${c}\u0308`, ...(LOOK_ALIKE[c] ?? [])];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...plain).map((text) => ({ text, leet: false })), weight: 3 },
    ...(LEET[c] ? [{ arbitrary: fc.constantFrom(...LEET[c]!).map((text) => ({ text, leet: true })), weight: 1 }] : []),
  );
}

const disguised = fc.constantFrom(...WORDS).chain((word) =>
  fc
    .record({
      letters: fc.tuple(...[...word].map(letter)),
      repeats: fc.tuple(...[...word].map(() => fc.integer({ min: 1, max: 3 }))),
      join: fc.oneof(fc.constant(''), fc.constantFrom(...INVISIBLE), fc.constantFrom(...SEPARATORS)),
    })
    // As in prose, a word that is mostly digits is a number, not a disguise: keep letters the majority.
    .filter(({ letters, repeats }) => {
      const times = (k: number) => repeats[k]!;
      const leet = letters.reduce((n, l, k) => n + (l.leet ? times(k) : 0), 0);
      const all = letters.reduce((n, _l, k) => n + times(k), 0);
      return leet * 2 <= all;
    })
    .map(({ letters, repeats, join }) => ({
      word,
      text: letters.flatMap((l, k) => Array<string>(repeats[k]!).fill(l.text)).join(join),
    })),
);

describe('word matcher against combined disguises', () => {
  it('when "g.r.0.b.n.i.k" is written (dots between letters and a digit for a letter), then "grobnik" is found', () => {
    assert.deepEqual(
      matcher.match('what a g.r.0.b.n.i.k he is').map((m) => m.word),
      ['grobnik'],
    );
    for (const text of [
      'g r 0 b n 1 k',
      'G-R-0-B-N-!-K',
      'g.r.ο.b.n.і.k',
      'g.r.0.0.b.n.i.k',
      'gr0bn!k',
      'ｇｒ０ｂｎｉｋ',
    ])
      assert.deepEqual(
        matcher.match(`so ${text} then`).map((m) => m.word),
        ['grobnik'],
        text,
      );
  });

  it('when a listed word is disguised in any combination of the disguises the matcher knows, then it is found where it was written', () => {
    fc.assert(
      fc.property(disguised, fc.constantFrom('', 'well ', 'you ', '😀 '), ({ word, text }, before) => {
        const full = `${before}${text} there`;
        const hits = matcher.match(full).filter((m) => m.word === word);
        assert.ok(
          // A combining accent after the last letter is not part of the span (it folds to nothing).
          hits.some(
            (m) => m.start === before.length && m.end >= before.length + text.replace(/[\u0301\u0308]$/, '').length,
          ),
          `${JSON.stringify(full)} → ${JSON.stringify(matcher.match(full))}`,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('when spaced digits stand alone, then they are not read as a word (a number stays a number)', () => {
    const numbers = createWordMatcher(['ass', 'bio']);
    for (const text of ['route 4 5 5', 'call 1 8 0 0', 'grade 8 1 0']) assert.deepEqual(numbers.match(text), [], text);
  });
});
