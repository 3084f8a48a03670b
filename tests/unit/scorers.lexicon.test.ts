import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { createLexiconScorer, prefiltered, type TextClassifier } from '#shared/scoring/lexicon.js';

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
