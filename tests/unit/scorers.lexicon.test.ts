import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import {
  buildLexiconClassifier,
  createLexiconScorer,
  prefiltered,
  type TextClassifier,
} from '#shared/scoring/lexicon.js';
import { createModelClassifier } from '#shared/scoring/model/classifier.js';
import { loadModel } from '#shared/scoring/model/index.js';
import { blankNumbers, normalizeText } from '#shared/scoring/normalize.js';
import { FUNCTIONAL_SUITE } from '../../services/worker/training/functional/cases.js';

const scorer = createLexiconScorer();
const tox = async (t: string) => (await scorer.score(t, { siteId: 's' })).attributes;

describe('lexicon scorer', () => {
  it('when the text is civil, then every attribute is 0', async () => {
    const a = await tox("I disagree with the council's budget, but the article is fair.");
    assert.equal(a.TOXICITY, 0);
    assert.equal(a.INSULT, 0);
  });
  it('when the text insults someone, then TOXICITY and INSULT are high', async () => {
    const a = await tox('you are a bitch');
    assert.ok((a.TOXICITY ?? 0) >= 0.5);
    assert.ok((a.INSULT ?? 0) >= 0.5);
  });
  it('when the text hides a word with case, diacritics, zero-width characters, leetspeak or repeats, then it is still found', async () => {
    for (const t of ['BITCH', 'bítch', 'bi\u200btch', 'b1tch', 'biiiitch', 'ｂｉｔｃｈ']) {
      assert.ok(((await tox(`you ${t}`)).TOXICITY ?? 0) >= 0.5, t);
    }
  });
  it('when the text has a slur, then SEVERE_TOXICITY and IDENTITY_ATTACK are near certain', async () => {
    const a = await tox('go away you k1ke');
    assert.ok((a.SEVERE_TOXICITY ?? 0) >= 0.95);
    assert.ok((a.IDENTITY_ATTACK ?? 0) >= 0.95);
  });
  it("when the text has one of the slurs added to obscenity's list, singular, plural or disguised, then it is a slur too", async () => {
    for (const t of [
      'spic',
      'SPICS',
      'sp1cs',
      'wetback',
      'wetbacks',
      'raghead',
      'r@gheads',
      'beaner',
      'beaners',
      'trannies',
    ]) {
      const a = await tox(`they are ${t}`);
      assert.ok((a.SEVERE_TOXICITY ?? 0) >= 0.95, t);
      assert.ok((a.IDENTITY_ATTACK ?? 0) >= 0.95, t);
    }
  });
  it("when a word only starts like an added slur, or is the cleaner's name, then it is not scored", async () => {
    for (const t of [
      'Spicy food and spices at the market.',
      'The kitchen was spic and span.',
      'He threw a beanball.',
      'Ragtime and wetlands.',
      'A despicable act.',
    ]) {
      assert.equal((await tox(t)).TOXICITY, 0, t);
    }
  });
  it('when news vocabulary is used in earnest, then it is not scored', async () => {
    const a = await tox('The court heard the rape case; sex education funding was cut.');
    assert.equal(a.TOXICITY, 0);
  });
  it('when the text has numbers or ids, then digits are not read as leetspeak', async () => {
    for (const t of [
      'Route 455 is closed',
      'the score was 455 to 12',
      'at 10:55 on 5/5/55',
      'ref 01a212cc-20c3-7484-ab84-d531b0dfefdd',
    ]) {
      assert.equal((await tox(t)).TOXICITY, 0, t);
    }
    assert.ok(((await tox('you a55hole')).TOXICITY ?? 0) >= 0.5, 'leetspeak inside a word is still found');
  });
  it('when scoring, then provider and model are reported', async () => {
    const r = await scorer.score('hello', { siteId: 's' });
    assert.equal(r.provider, 'embedded');
    assert.ok(r.model.length > 0);
    assert.ok(r.latencyMs >= 0);
  });
  const obfuscated: [string, string][] = [
    ['f.u.c.k you', 'f.u.c.k'],
    ['f u c k you', 'f u c k'],
    ['f-u-c-k', 'f-u-c-k'],
    ['fμck this', 'fμck'],
    ['f\u200du\u200dck', 'f\u200du\u200dck'],
    ['fuuuuuck', 'fuuuuuck'],
    ['ｆｕｃｋ', 'ｆｕｃｋ'],
    ['fuсk', 'fuсk'],
    ['𝐟𝐮𝐜𝐤 it', '𝐟𝐮𝐜𝐤'],
    ['sh1t', 'sh1t'],
    ['you @ss', '@ss'],
  ];
  for (const [text, span] of obfuscated) {
    it(`when the text is ${JSON.stringify(text)}, then it is scored and the span covers ${JSON.stringify(span)} in the original`, async () => {
      const r = await scorer.score(text, { siteId: 's' });
      assert.ok((r.attributes.TOXICITY ?? 0) >= 0.5, JSON.stringify(r.attributes));
      assert.ok(
        r.spans?.some((s) => text.slice(s.start, s.end) === span),
        JSON.stringify(r.spans),
      );
    });
  }
  for (const text of [
    'Scunthorpe United',
    'assess the damage',
    'a classic',
    'Essex',
    'a cocktail',
    'the therapist',
    'shiitake',
    'assassin',
    'Dickens',
  ]) {
    it(`when the text is ${JSON.stringify(text)}, then nothing is scored`, async () => {
      const r = await scorer.score(text, { siteId: 's' });
      assert.equal(r.attributes.TOXICITY, 0);
      assert.deepEqual(r.spans, []);
    });
  }
  it('when an insult and a slur are found, then each span names its attribute', async () => {
    const text = 'go away you bitch, you k1ke';
    const r = await scorer.score(text, { siteId: 's' });
    const byAttr = Object.fromEntries((r.spans ?? []).map((s) => [s.attribute, text.slice(s.start, s.end)]));
    assert.equal(byAttr.INSULT, 'bitch');
    assert.equal(byAttr.IDENTITY_ATTACK, 'k1ke');
  });
  it('when another classifier is given, then the scorer reports its scores and model', async () => {
    const model: TextClassifier = {
      model: 'test-model-1',
      classify: () => ({ attributes: { TOXICITY: 0.42 }, spans: [] }),
    };
    const r = await createLexiconScorer(model).score('anything', { siteId: 's' });
    assert.equal(r.model, 'test-model-1');
    assert.equal(r.attributes.TOXICITY, 0.42);
  });
  it('when the matcher is prefiltered, then it finds exactly what obscenity finds, on any mix of listed words, disguises and filler', () => {
    const plain = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
    const fast = prefiltered(new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers }));
    const words = [
      'fuck',
      'f.u.c.k',
      'sh1t',
      'b!tch',
      'assassin',
      'Scunthorpe',
      'cocktail',
      'nigger',
      'k1ke',
      'cunt',
      'the',
      'council',
      'budget',
      'dick',
      'Dickens',
      'ass',
      'class',
      'whore',
      'fag',
      'faggot',
      'retard',
      'p0rn',
      'shiitake',
      '𝐟𝐮𝐜𝐤',
      'fuuuuck',
      '455',
      '\u200b',
      '!',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 12 }),
        fc.constantFrom(' ', '', '-', '. '),
        (parts, sep) => {
          const text = parts.join(sep);
          assert.deepEqual(fast.getAllMatches(text, true), plain.getAllMatches(text, true), text);
          assert.deepEqual(fast.getAllMatches(text), plain.getAllMatches(text), text);
          assert.equal(fast.hasMatch(text), plain.hasMatch(text), text);
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });
});

/** A deterministic generator (mulberry32): the same texts on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const LISTED = (
  'fuck shit bitch cunt nigger nigga kike chink fag faggot ass asshole arse dick cock whore slut retard twat prick ' +
  'bastard piss wank turd jizz dildo orgy boob tit cum rape porn spastic dyke cuck tranny abbo abeed boonga ' +
  'fellatio handjob gangbang hentai pussy blowjob bollocks africoon chingchong'
).split(' ');
const WHITELISTED = (
  'assassin,Scunthorpe,cocktail,shiitake,Dickens,class,analog,an al,tetanus,uranus,pen is,therapist,grape,bass,' +
  'passion,titan,document,scrap,cumin,analysis,pricks'
).split(',');
const FILLER = ['the', 'council', 'budget', 'you', 'are', 'a', 'I', 'is', 'not', 'what', 'route 455', '10:55', 'ok'];
const LEET: Record<string, string[]> = {
  a: ['@', '4', 'A'],
  i: ['1', '!', '|', 'I'],
  e: ['3', 'E'],
  o: ['0', 'O'],
  s: ['$', '5', 'S'],
  t: ['7', 'T'],
  g: ['6', 'G'],
  l: ['/', '|'],
  c: ['(', 'C'],
  z: ['2'],
  u: ['U', 'v'],
};
// Look-alikes and other scripts: Cyrillic, Greek, fullwidth, small capitals, accented, mathematical (astral).
const CONFUSABLE: Record<string, string[]> = {
  a: ['а', 'α', 'ａ', 'á', 'ᴀ', '𝐚', 'ä'],
  c: ['с', 'ϲ', 'ｃ', 'ç', '𝐜'],
  e: ['е', 'ε', 'ｅ', 'é', '𝐞'],
  i: ['і', 'ι', 'ｉ', 'í', 'ı', '𝐢'],
  o: ['о', 'ο', 'ｏ', 'ö', 'ø', '𝐨'],
  u: ['μ', 'υ', 'ｕ', 'ü', '𝐮'],
  k: ['к', 'κ', 'ｋ', '𝐤'],
  t: ['т', 'τ', 'ｔ', '𝐭'],
  s: ['ѕ', 'ｓ', 'ß', '𝐬'],
  n: ['η', 'ｎ', 'ñ', '𝐧'],
  f: ['ｆ', '𝐟', 'ƒ'],
  h: ['һ', 'ｈ', '𝐡'],
  g: ['ɡ', 'ｇ', '𝐠'],
  r: ['г', 'ｒ', '𝐫'],
  b: ['в', 'ｂ', '𝐛'],
};
const SEPARATORS = ['.', ' ', '-', '_', '*', '\u200b', '\u00ad', '·', '  ', '/', ','];
const ODD = [
  '\ud83d\ude00',
  '\ud835',
  '\udc1f',
  '\u0301',
  '\u200d',
  '\ufe0f',
  '日本',
  'ありがとう',
  'مرحبا',
  '\u00a0',
  '\t',
  '\n',
  '™',
  'ﬁ',
];

/** Text after text of listed and whitelisted words in disguise (leetspeak, look-alikes, repeats, spacing), with filler and odd characters. */
function adversarialTexts(count: number, seed = 1): string[] {
  const r = random(seed);
  const disguise = (word: string) => {
    let out = '';
    const sep = r.next() < 0.2 ? r.pick(SEPARATORS) : '';
    for (const ch of word) {
      let c = ch;
      const x = r.next();
      if (x < 0.15 && LEET[c]) c = r.pick(LEET[c]!);
      else if (x < 0.3 && CONFUSABLE[c]) c = r.pick(CONFUSABLE[c]!);
      else if (x < 0.38) c = c.toUpperCase();
      if (r.next() < 0.12) c = c.repeat(2 + r.int(5));
      out += out && sep ? sep + c : c;
    }
    return out;
  };
  const texts: string[] = [];
  for (let k = 0; k < count; k++) {
    const parts: string[] = [];
    const n = 1 + r.int(10);
    for (let p = 0; p < n; p++) {
      const x = r.next();
      if (x < 0.3) parts.push(disguise(r.pick(LISTED)));
      else if (x < 0.45) parts.push(disguise(r.pick(WHITELISTED)));
      else if (x < 0.55) parts.push(r.pick(ODD));
      else if (x < 0.65) parts.push(String.fromCodePoint(r.int(3) === 0 ? 0x10000 + r.int(0x2000) : r.int(0x3000)));
      else if (x < 0.75) parts.push(r.pick(LISTED) + r.pick(WHITELISTED));
      else parts.push(r.pick(FILLER));
    }
    texts.push(parts.join(r.pick([' ', '', '  ', '. ', '-', '\u00a0', ', ', '!!! '])));
  }
  return texts;
}

describe('lexicon fast path', () => {
  const texts = adversarialTexts(4000);
  it('when the matcher is prefiltered, then on thousands of disguised, non-ASCII and surrogate-laden texts it finds exactly what obscenity finds', () => {
    const plain = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
    const fast = prefiltered(new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers }));
    let matched = 0;
    for (const original of texts) {
      // The raw text, and the text as the lexicon gives it to the matcher.
      for (const text of [original, blankNumbers(normalizeText(original).text)]) {
        const want = plain.getAllMatches(text, true);
        assert.deepEqual(fast.getAllMatches(text, true), want, JSON.stringify(text));
        assert.deepEqual(fast.getAllMatches(text), plain.getAllMatches(text), JSON.stringify(text));
        assert.equal(fast.hasMatch(text), plain.hasMatch(text), JSON.stringify(text));
        if (want.length > 0) matched++;
      }
    }
    // The texts exercise both outcomes.
    assert.ok(matched > texts.length / 2 && matched < 2 * texts.length, String(matched));
  });
  it('when the lexicon classifier runs the fast matcher, then its scores and spans are those of obscenity’s own matcher', () => {
    const fast = buildLexiconClassifier();
    const reference = buildLexiconClassifier({ reference: true });
    const cases = FUNCTIONAL_SUITE.flatMap((c) =>
      c.cases.flatMap((k) => [k.text, k.parentText ?? '', k.articleTitle ?? '']),
    );
    for (const text of [...texts, ...cases])
      assert.deepStrictEqual(fast.classify(text), reference.classify(text), JSON.stringify(text));
  });
  it('when the embedded model scores comments with the fast lexicon, then every attribute is the same to the last bit and every span the same', () => {
    const fast = createModelClassifier(loadModel(), buildLexiconClassifier());
    const reference = createModelClassifier(loadModel(), buildLexiconClassifier({ reference: true }));
    const inputs = [
      ...FUNCTIONAL_SUITE.flatMap((c) => c.cases),
      ...texts.map((text, k) =>
        k % 7 === 0
          ? { text, parentText: texts[k + 1] ?? '' }
          : k % 7 === 1
            ? { text, articleTitle: 'Refugees arrive' }
            : { text },
      ),
    ];
    for (const input of inputs) {
      const a = fast.classifyComment(input);
      const b = reference.classifyComment(input);
      assert.deepStrictEqual(a.spans, b.spans, JSON.stringify(input));
      for (const [k, v] of Object.entries(b.attributes))
        assert.ok(Object.is(a.attributes[k as keyof typeof a.attributes], v), `${k} ${JSON.stringify(input)}`);
      assert.deepStrictEqual(Object.keys(a.attributes), Object.keys(b.attributes));
    }
  });
});
