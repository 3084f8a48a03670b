import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '#shared/settings.js';
import { createEmbeddedScorer } from '#shared/scoring/embedded.js';
import fc from 'fast-check';
import { createFeaturizer, DEFAULT_FEATURES, foldAny, foldAscii, modelText } from '#shared/scoring/model/features.js';
import { createModel, defaultWeightsPath, loadModel, sharedModelVersion } from '#shared/scoring/model/index.js';
import { decodeWeights, encodeWeights, readWeightsVersion } from '#shared/scoring/model/weights.js';
import {
  GROUPS,
  TRAIN_BENIGN_TEMPLATES,
  TRAIN_TOXIC_TEMPLATES,
  fill,
} from '../../services/worker/training/identity.js';
import { threatSentences } from '../../services/worker/training/threats.js';
import { insultSentences } from '../../services/worker/training/vocabulary.js';

const HOLD = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
/** A featurizer's features of a text as plain arrays (a copy: the featurizer reuses its buffers). */
const readFeatures = (f: ReturnType<typeof createFeaturizer>, t: string) => {
  const v = f.featurize(t);
  return { index: Array.from(v.index.subarray(0, v.length)), value: Array.from(v.value.subarray(0, v.length)) };
};
/**
 * What a featurizer with one more block adds after a plain one's features of the same text, which it must leave as
 * they were: the block, and where it starts.
 */
const blockAfter = (
  plain: ReturnType<typeof createFeaturizer>,
  more: ReturnType<typeof createFeaturizer>,
  text: string,
) => {
  const without = readFeatures(plain, text);
  const whole = readFeatures(more, text);
  const n = without.index.length;
  assert.deepEqual(whole.index.slice(0, n), without.index);
  assert.deepEqual(whole.value.slice(0, n), without.value);
  return { n, whole, index: whole.index.slice(n), value: whole.value.slice(n) };
};
const scorer = createEmbeddedScorer();
const score = async (t: string) => await scorer.score(t, { siteId: 's' });

// Written for this test, in none of the training data or training sentences.
const TOXIC = [
  'You are a complete idiot and everyone here knows it.',
  'Shut up, you pathetic moron.',
  'Go to hell, you lying scumbag.',
  'Whoever wrote this is the dumbest fucking hack alive.',
  'Fuck you and your bullshit opinions.',
  'You ignorant bitch, nobody cares.',
  'Only a brain-dead loser would vote for this clown.',
  'You people are disgusting animals.',
  'Shut your mouth, you stupid cow.',
  'The editor is a spineless coward and a liar.',
  'What an asshole. Get lost.',
  'go back to your country you dirty immigrant scum',
  // Threats, wishes of harm, exclusion and silencing.
  'Hope the mayor chokes to death.',
  'You deserve to be beaten to a pulp.',
  'Do us all a favour and go hang yourself.',
  'Black people should know their place and stay quiet.',
];
// Exclusion with no slur or insult, held by v3 at 0.702 and scored 0.679 by v4 (see its test below).
const EXCLUSION = 'Immigrants are not welcome here, get out.';
const BENIGN = [
  'Thanks for the thorough reporting on the school budget.',
  "I disagree with the council's decision, but the article explains both sides well.",
  'The bridge repairs should have started years ago.',
  'Could the paper publish the full survey results?',
  'The court heard evidence about the assault on Tuesday.',
  'Great photos of the harvest festival!',
  'As a gay man, I appreciate this article.',
  'Muslim and Jewish leaders met at the library to plan the food drive.',
  'The black community center reopens next week.',
  'I think the mayor is wrong about parking, and here is why.',
  'My daughter is transgender and this law scares me.',
  'The police killed a suspect during the raid, the report says.',
  // The same words as threats and exclusion, said civilly.
  'I hope you win the election next year.',
  'Police say the man was shot twice and died at the scene.',
  'The senator vowed to kill the tax increase.',
  "Let's go back to the original question.",
  'The politicians should keep their promises to voters.',
  'Two people died in the crash on the highway.',
];

describe('embedded toxicity model', () => {
  it('when the shipped weights load, then they name their version, their features and one head per trained attribute, in at most 20 MB', () => {
    const path = defaultWeightsPath();
    assert.match(path, /services[/\\]worker[/\\]models[/\\]toxicity-v8\.bin$/);
    assert.ok(statSync(path).size <= 20 * 1024 * 1024);
    const model = loadModel();
    assert.equal(model.version, 'toxicity-lr-v8');
    // Word trigrams without v7's pairs one word apart, as the header says and the worker reads it.
    assert.deepEqual(model.header.features.phrases, { weight: 1, pairs: false });
    // The version alone, read from the header as the API reads it.
    assert.equal(sharedModelVersion(), 'toxicity-lr-v8');
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    try {
      writeFileSync(join(dir, 'not.bin'), 'NRTX not weights');
      assert.throws(() => readWeightsVersion(join(dir, 'not.bin')), /not a toxicity weights file/);
      writeFileSync(join(dir, 'cut.bin'), readFileSync(path).subarray(0, 40));
      assert.throws(() => readWeightsVersion(join(dir, 'cut.bin')), /truncated/);
    } finally {
      rmSync(dir, { recursive: true });
    }
    assert.deepEqual(
      model.header.heads.map((h) => h.attribute),
      ['TOXICITY', 'INSULT', 'IDENTITY_ATTACK', 'THREAT'],
    );
    assert.equal(model.header.features.text, 'model');
    assert.equal(loadModel(), model, 'loaded once per process');
  });

  it('when the same text is scored again, or by a model loaded anew from the same file, then the score is the same', () => {
    const again = createModel(decodeWeights(readFileSync(defaultWeightsPath())));
    for (const t of [...TOXIC, EXCLUSION, ...BENIGN]) {
      const a = loadModel().predict(t, 0.6).TOXICITY;
      assert.equal(loadModel().predict(t, 0.6).TOXICITY, a);
      assert.equal(again.predict(t, 0.6).TOXICITY, a);
    }
  });

  it("when the test's comments are compared with the sentences written for training, then none of them is one (as the model reads them)", () => {
    const written = new Set([...insultSentences(), ...threatSentences()].map(([t]) => modelText(t)));
    for (const g of GROUPS)
      for (const t of [...TRAIN_BENIGN_TEMPLATES, ...TRAIN_TOXIC_TEMPLATES]) written.add(modelText(fill(t, g)));
    for (const t of [...TOXIC, EXCLUSION, ...BENIGN]) assert.ok(!written.has(modelText(t)), t);
  });

  for (const t of TOXIC) {
    it(`when a clearly toxic comment is scored (${JSON.stringify(t)}), then TOXICITY is at or above the default hold threshold`, async () => {
      const r = await score(t);
      assert.ok(r.attributes.TOXICITY! >= HOLD, `${r.attributes.TOXICITY} < ${HOLD}`);
    });
  }
  // Exclusion with no slur or insult: v4's head scores it 0.679, just under the hold (model card, "Below
  // target"); the group grammar ("… are not welcome here") holds it.
  it('when an exclusion without a slur or insult is scored, then it is held and above every civil comment', async () => {
    const t = (await score(EXCLUSION)).attributes.TOXICITY!;
    assert.ok(t >= HOLD, `${t} < ${HOLD}`);
    for (const b of BENIGN) assert.ok((await score(b)).attributes.TOXICITY! < t, b);
  });
  for (const t of BENIGN) {
    it(`when a clearly civil comment is scored (${JSON.stringify(t)}), then TOXICITY is below the default hold threshold`, async () => {
      const r = await score(t);
      assert.ok(r.attributes.TOXICITY! < HOLD, `${r.attributes.TOXICITY} ≥ ${HOLD}`);
    });
  }

  // The word vectors carry their source text's associations of names (model card, "Known biases"): a civil sentence
  // is scored again with first names of different origins in it.
  it('when a civil sentence names a person, then whichever first name it is, TOXICITY stays under half the hold and moves by less than 0.15', async () => {
    const names = ['Emily', 'Connor', 'Jamal', 'Lakisha', 'Mohammed', 'Aisha', 'Wei', 'Priya', 'José', 'Dmitri'];
    for (const sentence of [
      '{n} wrote a thoughtful letter to the editor about the school budget.',
      'I agree with {n} that the council should publish its minutes online.',
      "{n} coached my daughter's soccer team last season and did a great job.",
    ]) {
      const scores: number[] = [];
      for (const n of names) scores.push((await score(sentence.replace('{n}', n))).attributes.TOXICITY!);
      assert.ok(Math.max(...scores) < HOLD / 2, `${sentence}: ${scores.map((s) => s.toFixed(3))}`);
      assert.ok(Math.max(...scores) - Math.min(...scores) < 0.15, `${sentence}: ${scores.map((s) => s.toFixed(3))}`);
    }
  });

  it("when scoring, then the model's version is reported and the lexicon's matches stay as spans", async () => {
    const text = 'you are a b1tch';
    const r = await score(text);
    assert.equal(r.provider, 'embedded');
    assert.equal(r.model, 'toxicity-lr-v8');
    assert.deepEqual(
      r.spans?.map((s) => [text.slice(s.start, s.end), s.attribute]),
      [['b1tch', 'INSULT']],
    );
    assert.ok(r.attributes.INSULT! >= 0.5);
  });

  it('when the text has a slur the data rarely shows, then it is still near certain and severe (the lexicon)', async () => {
    const r = await score('go away you k1ke');
    assert.ok(r.attributes.TOXICITY! >= 0.95);
    assert.ok(r.attributes.SEVERE_TOXICITY! >= DEFAULT_SETTINGS.thresholds.reject.SEVERE_TOXICITY!);
    assert.ok(r.attributes.IDENTITY_ATTACK! >= 0.95);
  });

  it('when the text carries tweet artefacts, then they are not features: mentions, links, masks, retweets, hashtags, entities', () => {
    assert.equal(
      modelText('RT @someone: a point &amp; another http://t.co/x #Budget2026 @USER URL'),
      'a point another',
    );
    assert.equal(modelText('@USER @USER a point &amp; another URL'), modelText('a point another'));
  });

  it('when words are disguised with leetspeak, repeats, case, spacing or look-alike letters, then the model reads the word', () => {
    assert.equal(modelText('You b1tch, sh!t and a$$'), 'you bitch shit and ass');
    assert.equal(modelText('Stuuuupid'), 'stuupid');
    assert.equal(modelText('f.u.c.k'), 'fuck');
    assert.equal(modelText('fuсk'), 'fuck'); // Cyrillic с
    assert.equal(modelText('covid19 mp3 Route 455 wow!'), 'covid19 mp3 route 455 wow');
    assert.equal(modelText("don't"), 'dont');
    assert.equal(modelText('You are g.r.0.s.s.'), 'you are gross'); // spelled out, with digits for letters
    assert.equal(modelText('route 4 5 5'), 'route 4 5 5'); // digits alone stay apart
  });

  it('when ASCII text is folded by the fast path, then it reads exactly as the regular expressions read it', () => {
    const chars = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789@$!'`.,;:-_ ?#&ABZ".split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (cs) => {
        const t = cs.join('');
        assert.equal(foldAscii(t), foldAny(t), JSON.stringify(t));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('when featurised twice, then the hashed features are identical and L2-normalised per block', () => {
    const f = createFeaturizer();
    const a = f.featurize('The mayor is wrong about the budget.');
    const first = [Array.from(a.index.subarray(0, a.length)), Array.from(a.value.subarray(0, a.length))];
    const b = f.featurize('The mayor is wrong about the budget.');
    assert.deepEqual([Array.from(b.index.subarray(0, b.length)), Array.from(b.value.subarray(0, b.length))], first);
    const norm = first[1]!.reduce((s, v) => s + v * v, 0);
    assert.ok(Math.abs(norm - 2) < 1e-4, String(norm)); // words block + characters block, each of norm 1
    assert.equal(f.featurize('').length, 0);
  });

  it('when word phrases are configured, then trigrams, and pairs one word apart unless left out, follow the other blocks as a block of their own', () => {
    const plain = createFeaturizer();
    const phrased = createFeaturizer({ ...DEFAULT_FEATURES, phrases: { weight: 0.5 } });
    const read = readFeatures;
    const text = 'they should go back to where they came from';
    // The words and characters are as before; after them, 7 trigrams and 7 pairs one apart (9 words).
    const { n, whole: withPhrases, value: block } = blockAfter(plain, phrased, text);
    const without = read(plain, text);
    assert.equal(block.length, 14);
    assert.ok(Math.abs(block.reduce((s, v) => s + v * v, 0) - 0.25) < 1e-5);
    // Order counts: the same words backwards share every word and no phrase.
    const backwards = read(phrased, text.split(' ').reverse().join(' '));
    const phrasesOf = (r: { index: number[] }) => new Set(r.index.slice(r.index.length - 14));
    assert.equal([...phrasesOf(withPhrases)].filter((b) => phrasesOf(backwards).has(b)).length, 0);
    // A pair one word apart is the same whatever stands between ("go back to", "go home to").
    const home = read(phrased, 'they should go home to where they came from');
    assert.equal([...phrasesOf(withPhrases)].filter((b) => phrasesOf(home).has(b)).length, 14 - 5);
    // Two words have no phrase.
    assert.deepEqual(read(phrased, 'go home'), read(plain, 'go home'));
    // Without the pairs (toxicity-lr-v8), the block is the 7 trigrams alone, the same buckets as above.
    const trigrams = createFeaturizer({ ...DEFAULT_FEATURES, phrases: { weight: 0.5, pairs: false } });
    const trigramsOnly = read(trigrams, text);
    assert.deepEqual(trigramsOnly.index.slice(0, n), without.index);
    assert.equal(trigramsOnly.index.length - n, 7);
    assert.ok(Math.abs(trigramsOnly.value.slice(n).reduce((s, v) => s + v * v, 0) - 0.25) < 1e-5);
    const trigramsOf = (r: { index: number[] }) => new Set(r.index.slice(r.index.length - 7));
    assert.ok([...trigramsOf(trigramsOnly)].every((b) => phrasesOf(withPhrases).has(b)));
    // "go back to" and "go home to" share the four trigrams that are not about the middle word.
    const homeTrigrams = read(trigrams, 'they should go home to where they came from');
    assert.equal([...trigramsOf(trigramsOnly)].filter((b) => trigramsOf(homeTrigrams).has(b)).length, 4);
  });

  it('when negation scopes are configured, then the words just after a negation are hashed apart, a block of their own after the others', () => {
    const plain = createFeaturizer();
    const negating = createFeaturizer({ ...DEFAULT_FEATURES, negation: { window: 3, weight: 0.5 } });
    const read = readFeatures;
    // "lazy", "they" and "work" are the three words after "not"; "harder" is past the scope.
    const negated = blockAfter(plain, negating, 'Mexicans are not lazy, they work harder than most.');
    assert.equal(negated.index.length, 3);
    assert.ok(Math.abs(negated.value.reduce((s, v) => s + v * v, 0) - 0.25) < 1e-5);
    // A negated word is not the word: "not lazy" and "lazy" share no bucket of the block.
    const block = (r: { index: number[] }, size: number) => r.index.slice(r.index.length - size);
    const lazy = read(negating, 'not lazy');
    assert.equal(lazy.index.length - read(plain, 'not lazy').index.length, 1);
    assert.ok(!read(plain, 'lazy').index.includes(block(lazy, 1)[0]!));
    // The same word after any negation is the same feature, as the model's text spells it ("don't" is "dont").
    assert.deepEqual(
      block(read(negating, "They don't respect women."), 2),
      block(read(negating, 'they never respect women'), 2),
    );
    // A negation is not in a scope, and the next one starts its own: "very", "big" after "not"; "ever", "so", "small"
    // after "never"; "here" is past it (three words in all if "never" only went on with the first scope).
    const twice = 'not very big never ever so small here';
    assert.equal(read(negating, twice).index.length - read(plain, twice).index.length, 5);
    // Without a negation nothing is added.
    assert.deepEqual(read(negating, 'the council meets on tuesday'), read(plain, 'the council meets on tuesday'));
  });

  it('when a long text with thousands of distinct n-grams is featurised, then each bucket appears once per block and later texts are unaffected', () => {
    const f = createFeaturizer();
    const read = (t: string) => {
      const v = f.featurize(t);
      return { index: Array.from(v.index.subarray(0, v.length)), value: Array.from(v.value.subarray(0, v.length)) };
    };
    const short = read('The council met again on Tuesday.');
    // Thousands of distinct words, some repeated: far beyond the counting table's first size, so it is resized.
    const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}x`);
    const long = read([...words, ...words.slice(0, 500)].join(' '));
    const wordsBlock = new Set<number>();
    let at = 0;
    let norm = 0;
    // The word block comes first: its buckets are distinct, and its values have norm 1.
    for (; at < long.index.length && norm < 1 - 1e-4; at++) {
      assert.ok(!wordsBlock.has(long.index[at]!), `bucket ${long.index[at]} twice in the word block`);
      wordsBlock.add(long.index[at]!);
      norm += long.value[at]! ** 2;
    }
    const charBlock = long.index.slice(at);
    assert.equal(new Set(charBlock).size, charBlock.length, 'a bucket twice in the character block');
    const charNorm = long.value.slice(at).reduce((s, v) => s + v * v, 0);
    assert.ok(Math.abs(charNorm - 1) < 1e-3, String(charNorm));
    // A repeated word counts more than a single one (sublinear counts survive the table's growth).
    assert.ok(long.value[0]! > long.value[wordsBlock.size - 1]!);
    assert.deepEqual(read('The council met again on Tuesday.'), short);
  });

  it('when every block after the characters is on, then a long text still fits the buffers and the next text is unaffected', () => {
    const all = createFeaturizer({ ...DEFAULT_FEATURES, phrases: { weight: 1 }, negation: { window: 3, weight: 1 } });
    const fresh = () =>
      createFeaturizer({ ...DEFAULT_FEATURES, phrases: { weight: 1 }, negation: { window: 3, weight: 1 } });
    const read = (f: ReturnType<typeof createFeaturizer>, t: string) => {
      const v = f.featurize(t);
      assert.ok(v.length <= v.index.length && v.length <= v.value.length, 'the features fit their buffers');
      return readFeatures(f, t);
    };
    // Every word negated, every word distinct: each block as full as a text can make it.
    const long = Array.from({ length: 2500 }, (_, i) => `not w${i.toString(36)}`).join(' ');
    const got = read(all, long);
    assert.ok(got.index.every((j) => j >= 0 && j < DEFAULT_FEATURES.buckets));
    assert.deepEqual(got, read(fresh(), long));
    assert.deepEqual(read(all, 'They are not lazy.'), read(fresh(), 'They are not lazy.'));
  });

  it('when weights are encoded and decoded, then they come back within the quantisation step; a damaged file is refused', () => {
    const features = { buckets: 16, charMin: 2, charMax: 5, wordWeight: 1, charWeight: 1, text: 'model' as const };
    const w = Array.from({ length: 16 }, (_, i) => (i - 8) / 10);
    const buf = encodeWeights(
      {
        format: 'newsroom-toxicity-weights',
        formatVersion: 1,
        version: 'test-1',
        features,
        dtype: 'int8',
        heads: [{ attribute: 'TOXICITY', bias: 0.5, calibration: { a: 1, b: 0, lexicon: 2 } }],
        holdThreshold: 0.7,
        training: {},
      },
      [w],
    );
    const d = decodeWeights(buf);
    assert.equal(d.header.version, 'test-1');
    w.forEach((x, i) => assert.ok(Math.abs(d.heads[0]![i]! - x) <= d.header.heads[0]!.scale / 2 + 1e-7));
    assert.throws(() => decodeWeights(buf.subarray(0, buf.length - 1)), /truncated/);
    assert.throws(() => decodeWeights(Buffer.from('nope')), /not a toxicity weights file/);
    // A header that would score NaN or drop features is refused, naming the field.
    const damaged = (head: object, feat: object = features) =>
      encodeWeights(
        {
          format: 'newsroom-toxicity-weights',
          formatVersion: 1,
          version: 'test-1',
          features: feat as typeof features,
          dtype: 'int8',
          heads: [head as never],
          holdThreshold: 0.7,
          training: {},
        },
        [w],
      );
    assert.throws(
      () =>
        decodeWeights(damaged({ attribute: 'TOXICITY', bias: 0.5, calibration: { a: Number.NaN, b: 0, lexicon: 2 } })),
      /calibration/,
    );
    assert.throws(
      () => decodeWeights(damaged({ attribute: 'TOXICITY', calibration: { a: 1, b: 0, lexicon: 2 } })),
      /bias/,
    );
    assert.throws(
      () =>
        decodeWeights(
          damaged(
            { attribute: 'TOXICITY', bias: 0.5, calibration: { a: 1, b: 0, lexicon: 2 } },
            { ...features, charMax: undefined },
          ),
        ),
      /charMax/,
    );
    // A feature this code does not know is refused, not read without it (a file from a later build).
    const ok = { attribute: 'TOXICITY', bias: 0.5, calibration: { a: 1, b: 0, lexicon: 2 } };
    assert.throws(() => decodeWeights(damaged(ok, { ...features, stems: { weight: 1 } })), /stems/);
    assert.throws(
      () => decodeWeights(damaged(ok, { ...features, negation: { window: 3, weight: 1, scope: 'clause' } })),
      /scope/,
    );
    assert.equal(
      decodeWeights(damaged(ok, { ...features, negation: { window: 3, weight: 1 } })).header.features.negation?.window,
      3,
    );
  });

  it('when the weights file is missing or damaged, then loading names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    try {
      const missing = join(dir, 'none.bin');
      assert.throws(
        () => loadModel(missing),
        (err: Error) => err.message.includes(missing) && /not found/.test(err.message),
      );
      const bad = join(dir, 'bad.bin');
      writeFileSync(bad, 'NRTM garbage');
      assert.throws(
        () => loadModel(bad),
        (err: Error) => err.message.includes(bad) && /cannot be read/.test(err.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
