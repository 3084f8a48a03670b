import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FEATURES, type FeatureConfig, createFeaturizer, wordHash } from '#shared/scoring/model/features.js';
import { createModel, loadModel } from '#shared/scoring/model/index.js';
import { decodeWeights, encodeWeights, type WeightsHeader } from '#shared/scoring/model/weights.js';
import type { WordVectors } from '#shared/scoring/model/vectors.js';

// Four words with 3-wide vectors, as `word-vectors.ts` writes them (int8 values, a scale and a weight each).
const WORDS = ['idiot', 'moron', 'bridge', 'the'];
const VECTORS: WordVectors = {
  dim: 3,
  hashes: Uint32Array.from(WORDS, wordHash),
  scales: Float32Array.from([0.01, 0.01, 0.02, 0.005]),
  weights: Float32Array.from([0.9, 0.95, 0.8, 0.01]),
  values: Int8Array.from([120, -40, 10, 110, -50, 20, -30, 90, 127, 5, 5, 5]),
};
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
