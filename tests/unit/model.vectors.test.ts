import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FEATURES, type FeatureConfig, createFeaturizer, wordHash } from '#shared/scoring/model/features.js';
import { createModel, loadModel } from '#shared/scoring/model/index.js';
import { createCommentModel } from '#shared/scoring/model/comment.js';
import { decodeWeights, encodeWeights, type WeightsHeader } from '#shared/scoring/model/weights.js';
import type { WordVectors } from '#shared/scoring/model/vectors.js';
import { weightsFile } from '../../services/worker/training/recipe.js';

/** Word vectors as `word-vectors.ts` writes them: each word by its hash, int8 values, a scale and a weight each. */
const wordVectors = (
  words: string[],
  dim: number,
  scales: number[],
  weights: number[],
  values: number[],
): WordVectors => ({
  dim,
  hashes: Uint32Array.from(words, wordHash),
  scales: Float32Array.from(scales),
  weights: Float32Array.from(weights),
  values: Int8Array.from(values),
});

// Four words with 3-wide vectors.
const WORDS = ['idiot', 'moron', 'bridge', 'the'];
const VECTORS = wordVectors(
  WORDS,
  3,
  [0.01, 0.01, 0.02, 0.005],
  [0.9, 0.95, 0.8, 0.01],
  [120, -40, 10, 110, -50, 20, -30, 90, 127, 5, 5, 5],
);
const BUCKETS = 1 << 10;
const features = (pooling: 'mean' | 'mean-max'): FeatureConfig => ({
  ...DEFAULT_FEATURES,
  buckets: BUCKETS,
  vectors: { pooling, weight: 1 },
});

function file(pooling: 'mean' | 'mean-max' = 'mean', vectors: WordVectors = VECTORS) {
  const width = pooling === 'mean' ? 3 : 6;
  const w = Array.from({ length: BUCKETS + width }, (_, j) => Math.sin(j) / 4);
  const header: Omit<WeightsHeader, 'heads'> & { heads: Omit<WeightsHeader['heads'][number], 'scale'>[] } = {
    format: 'newsroom-toxicity-weights',
    formatVersion: 1,
    version: 'test-vectors',
    features: features(pooling),
    dtype: 'int8',
    heads: [{ attribute: 'TOXICITY', bias: -0.5, calibration: { a: 1, b: 0, lexicon: 2 } }],
    vectors: { words: vectors.hashes.length, dim: vectors.dim, source: 'test' },
    holdThreshold: 0.7,
    training: {},
  };
  return { header, w };
}

describe('pre-trained word vectors in the model', () => {
  it('when a weights file carries word vectors, then they come back as written, and the model scores the same from either copy', () => {
    for (const pooling of ['mean', 'mean-max'] as const) {
      const { header, w } = file(pooling);
      const bytes = encodeWeights(header, [w], VECTORS);
      const back = decodeWeights(bytes);
      assert.deepEqual(back.vectors, VECTORS);
      assert.equal(back.heads[0]!.length, BUCKETS + (pooling === 'mean' ? 3 : 6));
      assert.deepEqual(encodeWeights(header, [w], back.vectors), bytes, 'same weights, same bytes');
      const a = createModel(back);
      const b = createModel(decodeWeights(Buffer.from(bytes)));
      for (const t of ['you idiot', 'the bridge', 'What a moron!', 'zzqx'])
        assert.equal(a.predict(t).TOXICITY, b.predict(t).TOXICITY, t);
    }
  });

  it("when a comment's words have vectors, then the pooled block follows the buckets, L2-normalised, and the same text gives the same features", () => {
    const f = createFeaturizer(features('mean-max'), VECTORS);
    assert.equal(f.dim, BUCKETS + 6);
    const v = f.featurize('You idiot, the bridge!');
    const first = Array.from(v.value.subarray(0, v.length));
    const pooled = Array.from(v.index.subarray(0, v.length)).flatMap((j, k) =>
      j >= BUCKETS ? [[j, v.value[k]!]] : [],
    );
    assert.deepEqual(
      pooled.map(([j]) => j),
      [0, 1, 2, 3, 4, 5].map((j) => BUCKETS + j),
    );
    for (const block of [pooled.slice(0, 3), pooled.slice(3)])
      assert.ok(Math.abs(Math.hypot(...block.map(([, x]) => x!)) - 1) < 1e-6);
    f.featurize('the bridge, again');
    const again = f.featurize('You idiot, the bridge!');
    assert.deepEqual(Array.from(again.value.subarray(0, again.length)), first);
  });

  it('when no word of a comment has a vector, then it gets no pooled features and still scores', () => {
    const { header, w } = file();
    const model = createModel(decodeWeights(encodeWeights(header, [w], VECTORS)));
    const v = model.featurize('qwzx brrrp vlorf');
    assert.ok(v.length > 0);
    assert.ok(Array.from(v.index.subarray(0, v.length)).every((j) => j < BUCKETS));
    for (const t of ['qwzx brrrp vlorf', '', '!!!']) {
      const p = model.predict(t).TOXICITY!;
      assert.ok(p > 0 && p < 1, `${t}: ${p}`);
    }
  });

  it('when the vectors do not match the header, or are cut short, then the file is refused', () => {
    const { header, w } = file();
    assert.throws(() => encodeWeights(header, [w]), /word vectors/);
    assert.throws(
      () => encodeWeights({ ...header, vectors: { ...header.vectors!, words: 5 } }, [w], VECTORS),
      /vectors/,
    );
    const bytes = encodeWeights(header, [w], VECTORS);
    assert.throws(() => decodeWeights(bytes.subarray(0, bytes.length - 1)), /truncated/);
    const twice = { ...VECTORS, hashes: Uint32Array.from([VECTORS.hashes[0]!, ...VECTORS.hashes.slice(0, 3)]) };
    assert.throws(() => decodeWeights(encodeWeights(header, [w], twice)), /repeat/);
  });
});

describe('the negated words pooled apart (`negation` with word vectors)', () => {
  const negated = (): FeatureConfig => ({ ...features('mean'), negation: { window: 3, weight: 1 } });

  it("when a comment negates, then the vectors of the words in the negation's scope are pooled in a block after the comment's own, and a weights file carries its weights", () => {
    const f = createFeaturizer(negated(), VECTORS);
    assert.equal(f.dim, BUCKETS + 6);
    const dense = (t: string) => {
      const v = f.featurize(t);
      return Array.from(v.index.subarray(0, v.length)).flatMap((j, k) =>
        j >= BUCKETS ? [[j - BUCKETS, v.value[k]!] as const] : [],
      );
    };
    // "the bridge": only the comment's own block. "not the bridge": "the" and "bridge" pooled again after it.
    assert.deepEqual(
      dense('the bridge').map(([j]) => j),
      [0, 1, 2],
    );
    const p = dense('not the bridge');
    assert.deepEqual(
      p.map(([j]) => j),
      [0, 1, 2, 3, 4, 5],
    );
    assert.ok(Math.abs(Math.hypot(...p.slice(3).map(([, x]) => x)) - 1) < 1e-6);
    // The negated block pools the negated words as the comment's block pools the same words: "the bridge".
    assert.deepEqual(
      p.slice(3).map(([, x]) => x.toFixed(6)),
      dense('the bridge').map(([, x]) => x.toFixed(6)),
    );
    // Negated words only: "idiot" is the fourth word after "not" ("at" has no vector), outside the scope of three.
    const far = dense('not the bridge at idiot');
    assert.deepEqual(
      far.slice(3).map(([, x]) => x.toFixed(6)),
      p.slice(3).map(([, x]) => x.toFixed(6)),
    );
    const { header, w } = file();
    const withNegation = { ...header, features: negated() };
    const wide = Array.from({ length: BUCKETS + 6 }, (_, j) => Math.cos(j) / 4);
    assert.throws(() => encodeWeights(withNegation, [w], VECTORS), /wrong length/);
    const back = decodeWeights(encodeWeights(withNegation, [wide], VECTORS));
    assert.equal(back.heads[0]!.length, BUCKETS + 6);
    assert.deepEqual(back.header.features.negation, { window: 3, weight: 1 });
    // The negated block's weights are read: with them zeroed, "not the bridge" scores otherwise, "the bridge" the same.
    const model = createModel(back);
    const blind = createModel(
      decodeWeights(encodeWeights(withNegation, [wide.map((x, j) => (j >= BUCKETS + 3 ? 0 : x))], VECTORS)),
    );
    assert.notEqual(model.predict('not the bridge').TOXICITY, blind.predict('not the bridge').TOXICITY);
    assert.equal(model.predict('the bridge').TOXICITY, blind.predict('the bridge').TOXICITY);
  });
});

describe("a leave-one-source-out fold's model file", () => {
  it('when the fold read word vectors, then its file carries them and scores as the fold did; without vectors it carries none', () => {
    const head = {
      attribute: 'TOXICITY' as const,
      w: Float64Array.from({ length: BUCKETS + 3 }, (_, j) => Math.sin(j) / 4),
      bias: -0.2,
      calibration: { a: 1.1, b: 0.1, lexicon: 2 },
    };
    const opts = { recipe: 'test', heldOut: 'olid' };
    const back = decodeWeights(weightsFile([head], features('mean'), 'fold-without-olid', opts, VECTORS));
    assert.deepEqual(back.vectors, VECTORS);
    assert.equal(back.header.version, 'fold-without-olid');
    assert.deepEqual(back.header.training, opts);
    // The pooled weights come back with the file: a comment whose words have vectors scores with them.
    const model = createModel(back);
    const blind = createModel(
      decodeWeights(
        weightsFile(
          [{ ...head, w: head.w.map((x, j) => (j >= BUCKETS ? 0 : x)) }],
          features('mean'),
          'v',
          opts,
          VECTORS,
        ),
      ),
    );
    assert.notEqual(model.predict('you idiot').TOXICITY, blind.predict('you idiot').TOXICITY);
    const ngrams = decodeWeights(
      weightsFile([{ ...head, w: head.w.slice(0, BUCKETS) }], { ...DEFAULT_FEATURES, buckets: BUCKETS }, 'v', opts),
    );
    assert.equal(ngrams.vectors, undefined);
    assert.equal(ngrams.heads[0]!.length, BUCKETS);
  });
});

describe('the shipped model with word vectors', () => {
  it('when the shipped weights load, then they carry the GloVe subset they were trained with, and the pooled features', () => {
    const model = loadModel();
    assert.equal(model.header.vectors?.dim, 100);
    assert.equal(model.header.vectors?.words, 100_000);
    assert.deepEqual(model.header.features.vectors, { pooling: 'mean', weight: 1 });
    const v = model.featurize('The council approved the new bridge.');
    assert.equal(
      Array.from(v.index.subarray(0, v.length)).filter((j) => j >= model.header.features.buckets).length,
      100,
    );
  });

  it('when a comment has no word with a vector, then the shipped model still scores it, and the same way every time', () => {
    const model = loadModel();
    for (const t of ['xqzv brrrpt glorfnax', 'qqzx', 'zzkw vvq!']) {
      const v = model.featurize(t);
      assert.ok(Array.from(v.index.subarray(0, v.length)).every((j) => j < model.header.features.buckets));
      const p = model.predict(t).TOXICITY!;
      assert.ok(p > 0 && p < 1);
      assert.equal(model.predict(t).TOXICITY, p);
    }
  });
});

describe('the words near a group pooled apart (`mean-near-group`)', () => {
  // "muslims" names a group; the others are what a comment may say near it or far from it.
  const NEAR_WORDS = ['muslims', 'vermin', 'bridge', 'lovely'];
  const NEAR_VECTORS = wordVectors(
    NEAR_WORDS,
    2,
    [0.01, 0.01, 0.01, 0.01],
    [1, 0.5, 1, 1],
    [100, 0, 0, 100, 60, 80, -100, 0],
  );
  const featurizer = () =>
    createFeaturizer(
      { ...DEFAULT_FEATURES, buckets: BUCKETS, vectors: { pooling: 'mean-near-group', weight: 1 } },
      NEAR_VECTORS,
    );
  const pooled = (f: ReturnType<typeof featurizer>, text: string) => {
    const v = f.featurize(text);
    return Array.from(v.index.subarray(0, v.length)).flatMap((j, k) =>
      j >= BUCKETS ? [[j - BUCKETS, v.value[k]!] as const] : [],
    );
  };

  it('when a comment names a group, then a second block pools the words within three of it (not the name, not farther words), L2-normalised', () => {
    const f = featurizer();
    assert.equal(f.dim, BUCKETS + 4);
    // "vermin" is 2 words from "muslims"; "bridge" is 5 words away: only vermin is near.
    const p = pooled(f, 'Muslims are vermin, said nobody on the bridge');
    assert.deepEqual(
      p.map(([j]) => j),
      [0, 1, 2, 3],
    );
    // vermin's vector is (0, 1): the near block, normalised, is (0, 1).
    assert.ok(Math.abs(p[2]![1]) < 1e-6 && Math.abs(p[3]![1] - 1) < 1e-6, JSON.stringify(p));
    // the mean block pools every word with a vector: muslims, vermin and bridge, each times its weight
    const mean = [100 * 1 + 0 * 0.5 + 60 * 1, 0 * 1 + 100 * 0.5 + 80 * 1].map((x) => x * 0.01);
    const norm = Math.hypot(...mean);
    assert.ok(Math.abs(p[0]![1] - mean[0]! / norm) < 1e-6 && Math.abs(p[1]![1] - mean[1]! / norm) < 1e-6);
  });

  it('when a word is near two groups, or after the last one, then it counts once; when no group is named, or nothing near it has a vector, then there is no second block', () => {
    const f = featurizer();
    assert.deepEqual(
      pooled(f, 'the bridge is lovely').map(([j]) => j),
      [0, 1],
    );
    assert.deepEqual(
      pooled(f, 'muslims and nothing else here at all').map(([j]) => j),
      [0, 1],
    );
    // lovely (−1, 0) once, between two names, and vermin (0, 1) at its weight ½ after the second: (−1, ½)/‖·‖.
    const p = pooled(f, 'muslims lovely muslims vermin');
    assert.equal(p.length, 4);
    const n = Math.hypot(1, 0.5);
    assert.ok(Math.abs(p[2]![1] + 1 / n) < 1e-6 && Math.abs(p[3]![1] - 0.5 / n) < 1e-6, JSON.stringify(p));
    // the same text again, after others, gives the same features (the pooler's state is reset per comment)
    pooled(f, 'vermin bridge lovely muslims muslims muslims muslims');
    assert.deepEqual(pooled(f, 'muslims lovely muslims vermin'), p);
  });

  it('when a comment has more words than the pooler has room for, then the words near a group far into it still count', () => {
    const f = featurizer();
    const long = `${'zzq '.repeat(600)}muslims vermin`;
    const p = pooled(f, long);
    assert.ok(Math.abs(p[2]![1]) < 1e-6 && Math.abs(p[3]![1] - 1) < 1e-6, JSON.stringify(p));
  });
});

describe('what the per-site adapter reads beside the shipped model', () => {
  it("when a comment names a group, then its features for the adapter carry the words near it pooled apart, after the model's own; when none is named, then only the model's", () => {
    const model = loadModel();
    const comments = createCommentModel(model);
    const dim = model.header.features.buckets + 100;
    const named = comments.score({ text: 'Muslims are a plague on this country.' }).features;
    assert.ok(
      named.modelLength! > 0 && named.index.length === named.modelLength! + 100,
      `${named.modelLength} of ${named.index.length}`,
    );
    const extra = Array.from(named.index.subarray(named.modelLength));
    assert.deepEqual(
      extra,
      Array.from({ length: 100 }, (_, j) => dim + j),
    );
    assert.ok(Array.from(named.index.subarray(0, named.modelLength)).every((j) => j < dim));
    // the model's own features are what it scores: the same as `featurize` gives
    const own = model.featurize('Muslims are a plague on this country.');
    assert.deepEqual(
      Array.from(named.index.subarray(0, named.modelLength)),
      Array.from(own.index.subarray(0, own.length)),
    );
    const plain = comments.score({ text: 'The council approved the new bridge.' }).features;
    assert.equal(plain.modelLength, plain.index.length);
    // the hot path without an adapter makes none
    assert.equal(
      comments.score({ text: 'Muslims are a plague on this country.' }, { features: false }).features.index.length,
      0,
    );
  });
});
