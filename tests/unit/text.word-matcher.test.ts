import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createWordMatcher } from '#worker/text/word-matcher.js';

const matcher = createWordMatcher([
  'fuck',
  'ass',
  'shit',
  'bitch',
  'son of a bitch',
  'scum',
  'cock',
  'rapist',
  'sex',
  'moron',
  'fake news',
  '88',
  "don't",
]);
const found = (text: string) => matcher.match(text).map((m) => ({ word: m.word, text: text.slice(m.start, m.end) }));

describe('word matcher', () => {
  const hits: [string, string, string][] = [
    // [text, listed word, the original text its span must cover]
    ['what the fuck', 'fuck', 'fuck'],
    ['WHAT THE FUCK', 'fuck', 'FUCK'],
    ['f.u.c.k this', 'fuck', 'f.u.c.k'],
    ['f u c k this', 'fuck', 'f u c k'],
    ['f-u-c-k this', 'fuck', 'f-u-c-k'],
    ['f. u. c. k.', 'fuck', 'f. u. c. k'],
    ['you are a f u c k', 'fuck', 'f u c k'],
    ['fμck this', 'fuck', 'fμck'],
    ['fυck this', 'fuck', 'fυck'],
    ['fuсk (Cyrillic es)', 'fuck', 'fuсk'],
    ['f\u200bu\u200cc\u200dk', 'fuck', 'f\u200bu\u200cc\u200dk'],
    ['f\u2060uck', 'fuck', 'f\u2060uck'],
    ['fuuuuuck', 'fuck', 'fuuuuuck'],
    ['ffffuck', 'fuck', 'ffffuck'],
    ['ｆｕｃｋ', 'fuck', 'ｆｕｃｋ'],
    ['𝐟𝐮𝐜𝐤 it', 'fuck', '𝐟𝐮𝐜𝐤'],
    ['fúçk', 'fuck', 'fúçk'],
    ['sh1t', 'shit', 'sh1t'],
    ['$hit', 'shit', '$hit'],
    ['sh!t happens', 'shit', 'sh!t'],
    ['you @ss', 'ass', '@ss'],
    ['what an a$$', 'ass', 'a$$'],
    ['b1tch', 'bitch', 'b1tch'],
    ['bitch!', 'bitch', 'bitch'],
    ['you son of a b1tch', 'son of a bitch', 'son of a b1tch'],
    ['spreading FAKE   NEWS', 'fake news', 'FAKE   NEWS'],
    ['m0r0n', 'moron', 'm0r0n'],
    ['the code was 88', '88', '88'],
    ['dont do it', "don't", 'dont'],
    ['😀 scum 😀', 'scum', 'scum'],
  ];
  for (const [text, word, span] of hits) {
    it(`when the text is ${JSON.stringify(text)}, then "${word}" is found at ${JSON.stringify(span)}`, () => {
      assert.ok(
        found(text).some((f) => f.word === word && f.text === span),
        JSON.stringify(found(text)),
      );
    });
  }

  const misses = [
    'Scunthorpe',
    'assess the damage',
    'a classic',
    'Essex and Sussex',
    'a cocktail',
    'the therapist',
    'Route 455',
    'the score was 455 to 12',
    'at 10:55 on 5/5/55',
    'ref 01a212cc-20c3-7484-ab84-d531b0dfefdd',
    'passion',
    'assassin',
    'shiitake',
    'bass',
    'Dickens',
    'scumble',
    'as sess',
    'a 5 star',
    'fake',
    'news',
    'sexton',
    'the 1988 election',
    'a moronic plan',
  ];
  for (const text of misses) {
    it(`when the text is ${JSON.stringify(text)}, then nothing is found`, () => {
      assert.deepEqual(found(text), []);
    });
  }

  it('when a word appears several times, then every occurrence is reported in text order', () => {
    const text = 'Scum, utter SCUM. scum!';
    const m = matcher.match(text);
    assert.deepEqual(
      m.map((x) => [x.start, x.end]),
      [
        [0, 4],
        [12, 16],
        [18, 22],
      ],
    );
  });

  it('when the text has astral characters before the word, then offsets are UTF-16 offsets of the original text', () => {
    const text = '𝒜𝒷 ｆｕｃｋ';
    const [m] = matcher.match(text);
    assert.ok(m);
    assert.equal(text.slice(m.start, m.end), 'ｆｕｃｋ');
    assert.equal(m.start, 5);
  });

  it('when listed words normalise alike, then they count once', () => {
    assert.equal(createWordMatcher(['Fuck', 'fuck', 'FÚCK', 'fuck']).size, 1);
    assert.deepEqual(createWordMatcher([]).match('anything'), []);
  });

  it('when a listed word is in a script written without spaces, then it is found inside a run of text', () => {
    const m = createWordMatcher(['馬鹿', 'バカ']);
    const text = 'お前は馬鹿だ、ﾊﾞｶ！';
    assert.deepEqual(
      m.match(text).map((x) => [x.word, text.slice(x.start, x.end)]),
      [
        ['馬鹿', '馬鹿'],
        ['バカ', 'ﾊﾞｶ'],
      ],
    );
    assert.deepEqual(m.match('今日は晴れ'), []);
    assert.deepEqual(m.match('ハカ'), [], 'a voiced kana is another letter');
  });

  it('when a listed word has vowel signs (Devanagari), then it matches only the whole word', () => {
    const m = createWordMatcher(['काम']);
    assert.deepEqual(
      m.match('यह काम है').map((x) => x.word),
      ['काम'],
    );
    assert.deepEqual(m.match('क म'), []);
    assert.deepEqual(m.match('कम'), []);
  });

  it('when a listed word is obfuscated itself, then it matches the plain word', () => {
    const m = createWordMatcher(['Ｓ.Ｃ.Ｕ.Ｍ']);
    assert.deepEqual(
      m.match('you scum').map((x) => x.word),
      ['Ｓ.Ｃ.Ｕ.Ｍ'],
    );
  });

  it('when the listed word has a repeated letter, then a single letter in the text does not satisfy it', () => {
    assert.deepEqual(found('as you like'), []);
    assert.deepEqual(
      found('asss').map((f) => f.word),
      ['ass'],
    );
  });

  it('when 2,000 words are listed, then every one of them is found and none in plain prose', () => {
    const letters = (i: number) =>
      String(i)
        .split('')
        .map((d) => 'abcdefghjk'[Number(d)])
        .join('');
    const words = Array.from({ length: 2000 }, (_, i) => `zq${letters(i)}x`);
    const big = createWordMatcher(words);
    assert.equal(big.size, 2000);
    assert.deepEqual(
      big.match(`say ${words[1234]} and ${words[7]}!`).map((m) => m.word),
      [words[1234], words[7]],
    );
    assert.deepEqual(big.match("I disagree with the council's budget, but the article is fair."), []);
  });
});

describe('word matcher on random text', () => {
  const disguises = [
    'fuck',
    'FUCK',
    'f.u.c.k',
    'f u c k',
    'fμck',
    'f\u200bu\u200dck',
    'fuuuck',
    'ｆｕｃｋ',
    'fúck',
    'fuсk',
    '𝐟𝐮𝐜𝐤',
  ];
  // Filler that cannot itself contain the word: letters without f/u/c/k and their look-alikes, digits, spaces, emoji.
  const filler = fc.string({
    unit: fc.constantFrom(...'abdeghijmnopqrstwxyz 0123456789,;!?\n😀é'.split(/(?:)/u)),
    maxLength: 40,
  });

  it('when a disguised word sits between arbitrary filler, then it is found exactly where it was put', () => {
    fc.assert(
      fc.property(filler, fc.constantFrom(...disguises), filler, (before, disguise, after) => {
        const text = `${before} ${disguise} ${after}`;
        const start = before.length + 1;
        const hits = matcher.match(text).filter((m) => m.word === 'fuck');
        assert.ok(
          hits.some((m) => m.start === start && m.end === start + disguise.length),
          `${JSON.stringify(text)} → ${JSON.stringify(hits)}`,
        );
      }),
      { numRuns: 400 },
    );
  });

  it('when the text is any string at all, then matching never throws and every span lies inside the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        for (const m of matcher.match(text)) {
          assert.ok(m.start >= 0 && m.start < m.end && m.end <= text.length, JSON.stringify({ text, m }));
        }
      }),
      { numRuns: 500 },
    );
  });
});
