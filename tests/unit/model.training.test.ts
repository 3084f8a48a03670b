import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Matrix, trainLogReg } from '../../services/worker/training/logreg.js';
import { DATA_SOURCES, withSourceCopies } from '../../services/worker/training/recipe.js';

/** A matrix of rows given as {feature: value}, with labels and weights of 1. */
function matrix(dim: number, rows: Record<number, number>[], y: number[]): Matrix {
  const indptr = new Int32Array(rows.length + 1);
  const index: number[] = [];
  const value: number[] = [];
  rows.forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) {
      index.push(Number(k));
      value.push(v);
    }
    indptr[i + 1] = index.length;
  });
  return {
    rows: rows.length,
    dim,
    indptr,
    index: Int32Array.from(index),
    value: Float32Array.from(value),
    y: Float64Array.from(y),
    weight: Float64Array.from(y, () => 1),
  };
}

/** Row `i`'s features as {feature: value}. */
function row(m: Matrix, i: number): Record<number, number> {
  const out: Record<number, number> = {};
  for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) out[m.index[k]!] = m.value[k]!;
  return out;
}

describe('source copies (recipe.sourceCopies)', () => {
  it("when rows come from data sources, then each carries its features again, scaled, in its source's own block; a written sentence does not", () => {
    const m = matrix(10, [{ 1: 0.5, 7: 1 }, { 2: 1 }, { 0: 0.25, 9: 2 }], [1, 0, 1]);
    const olid = DATA_SOURCES.indexOf('olid') + 1;
    const davidson = DATA_SOURCES.indexOf('davidson') + 1;
    const a = withSourceCopies(m, ['olid', 'threat-sentences', 'davidson'], 2);
    assert.equal(a.dim, 10 * (1 + DATA_SOURCES.length));
    assert.equal(a.rows, 3);
    assert.deepEqual(row(a, 0), { 1: 0.5, 7: 1, [olid * 10 + 1]: 1, [olid * 10 + 7]: 2 });
    assert.deepEqual(row(a, 1), { 2: 1 });
    assert.deepEqual(row(a, 2), { 0: 0.25, 9: 2, [davidson * 10]: 0.5, [davidson * 10 + 9]: 4 });
    assert.deepEqual([...a.y], [...m.y]);
    assert.deepEqual([...a.weight], [...m.weight]);
  });

  it("when one word signals toxicity in one source only, then with source copies that source's block learns it and the shared weights lean on it less", () => {
    // Feature 0: toxic in both sources. Feature 1: toxic in olid, noise in davidson. Feature 2: every row.
    const rows: Record<number, number>[] = [];
    const y: number[] = [];
    const sources: string[] = [];
    for (let i = 0; i < 200; i++) {
      const source = i % 2 === 0 ? 'olid' : 'davidson';
      const toxic = i % 4 < 2 ? 1 : 0;
      const agreed = toxic === 1 ? i % 5 !== 0 : i % 5 === 0;
      const local = source === 'olid' ? (toxic === 1 ? i % 7 !== 0 : i % 7 === 0) : i % 3 === 0;
      const r: Record<number, number> = { 2: 1 };
      if (agreed) r[0] = 1;
      if (local) r[1] = 1;
      rows.push(r);
      y.push(toxic);
      sources.push(source);
    }
    const m = matrix(3, rows, y);
    const options = { l2: 1e-2, iterations: 200 };
    const plain = trainLogReg(m, options).w;
    const w = trainLogReg(withSourceCopies(m, sources, 1), options).w;
    const block = (s: (typeof DATA_SOURCES)[number]) =>
      w.subarray(3 * (DATA_SOURCES.indexOf(s) + 1), 3 * (DATA_SOURCES.indexOf(s) + 2));
    assert.ok(w[1]! < 0.9 * plain[1]!, `local word, shared: ${w[1]} against ${plain[1]} without copies`);
    assert.ok(block('olid')[1]! > 0.25 * w[1]!, `local word in olid's block: ${block('olid')[1]}`);
    assert.ok(block('davidson')[1]! < 0, `local word in davidson's block: ${block('davidson')[1]}`);
    assert.ok(w[0]! > 0 && block('olid')[0]! > 0 && block('davidson')[0]! > 0, 'the agreed word counts everywhere');
    for (const s of DATA_SOURCES.filter((s) => s !== 'olid' && s !== 'davidson'))
      assert.deepEqual([...block(s)], [0, 0, 0], `${s} had no rows`);
  });
});
