import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFeaturizer } from '#shared/scoring/model/features.js';
import { parseEmbeddingOptions, trainEmbedding } from '../../services/worker/training/embedding.js';
import { buildMatrix } from '../../services/worker/training/logreg.js';
import { rocAuc } from '../../services/worker/training/metrics.js';

// A toy task a bag of n-grams can learn: sentences about weather (0) against sentences of contempt (1).
const CIVIL = [
  'the rain came early today',
  'sunny skies over the harbour',
  'a mild wind this evening',
  'snow is expected at noon',
];
const HOSTILE = [
  'you are a worthless fool',
  'get lost you pathetic idiot',
  'nobody wants your stupid face',
  'shut up you moron',
];
const rows = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? CIVIL[(i / 2) % 4]! : HOSTILE[((i - 1) / 2) % 4]!));
const labels = rows.map((_, i) => i % 2);

function matrix(texts: string[], y: number[]) {
  return buildMatrix(
    texts,
    y,
    y.map(() => 1),
    createFeaturizer(),
  );
}

describe('the embedding network (model:eval --loso --embedding)', () => {
  it('when trained twice on the same rows with the same options, then it gives the same logits', () => {
    const m = matrix(rows, labels);
    const options = parseEmbeddingOptions('8:2:0.05:12', 7);
    const a = trainEmbedding(m, options);
    const b = trainEmbedding(m, options);
    for (let i = 0; i < m.rows; i++) assert.equal(a.logit(m, i), b.logit(m, i));
  });

  it('when trained on a separable task, then it ranks held-out texts of each kind apart', () => {
    const net = trainEmbedding(matrix(rows, labels), parseEmbeddingOptions('8:3:0.05:12', 7));
    const test = matrix(['cloudy with a chance of rain', 'you worthless pathetic fool'], [0, 1]);
    const scores = [net.logit(test, 0), net.logit(test, 1)];
    assert.ok(scores[1]! > scores[0]!, `hostile ${scores[1]} above civil ${scores[0]}`);
    const all = matrix(rows, labels);
    assert.equal(
      rocAuc(
        rows.map((_, i) => net.logit(all, i)),
        labels,
      ),
      1,
    );
  });

  it('when features come after the buckets (the pooled word vectors), then they get rows of their own', () => {
    // Half the rows carry bucket 0, half the first feature after the 2^12 buckets: folded onto the
    // buckets the two would share one row and could not be told apart.
    const n = 200;
    const y = Float64Array.from({ length: n }, (_, i) => i % 2);
    const m = {
      rows: n,
      dim: (1 << 12) + 1,
      indptr: Int32Array.from({ length: n + 1 }, (_, i) => i),
      index: Int32Array.from({ length: n }, (_, i) => (i % 2 === 1 ? 1 << 12 : 0)),
      value: new Float32Array(n).fill(1),
      y,
      weight: new Float64Array(n).fill(1),
    };
    const options = parseEmbeddingOptions('8:3:0.05:12', 7);
    const auc = (dense: number) => {
      const net = trainEmbedding(m, options, undefined, dense);
      return rocAuc(
        Array.from({ length: n }, (_, i) => net.logit(m, i)),
        [...y],
      );
    };
    assert.equal(auc(1), 1);
    assert.equal(auc(0), 0.5);
  });

  it('when the option string is malformed, then it is refused with the expected form', () => {
    for (const bad of ['32:4:0.02', '0:4:0.02:20', '32:4:-1:20', '32:x:0.02:20', '32:4:0.02:30'])
      assert.throws(() => parseEmbeddingOptions(bad, 1), /dim:epochs:rate:bits/);
  });
});
