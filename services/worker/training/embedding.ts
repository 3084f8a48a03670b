import { rng } from './datasets.js';
import type { Matrix } from './logreg.js';

/**
 * A small network over the same hashed n-grams as the linear heads (fastText-style): each bucket has a
 * `dim`-wide embedding, a comment is the weighted sum of its n-grams' embeddings, one ReLU layer, one
 * logit. Trained by SGD, examples drawn in proportion to their weight from a seeded generator, the step
 * falling linearly to zero; one thread, so the same rows and options give the same network.
 *
 * Not shipped: `model:eval -- --loso --embedding …` measures it beside the linear head and their sum,
 * which is how it was compared (docs/model-log.md, "Recipe variants").
 */
export interface EmbeddingOptions {
  /** Embedding rows: 2^bits (bucket indices are folded onto them). */
  bits: number;
  dim: number;
  epochs: number;
  /** Initial SGD step. */
  rate: number;
  seed: number;
}

export interface EmbeddingNet {
  readonly options: EmbeddingOptions;
  /** Raw logit of row `i` of `m`. */
  logit(m: Matrix, i: number): number;
}

export function parseEmbeddingOptions(spec: string, seed: number): EmbeddingOptions {
  const parts = spec.split(':').map(Number);
  const [dim, epochs, rate, bits] = parts;
  if (
    parts.length !== 4 ||
    !Number.isInteger(dim) ||
    !Number.isInteger(epochs) ||
    !Number.isInteger(bits) ||
    !(rate! > 0) ||
    dim! < 1 ||
    epochs! < 1 ||
    bits! < 8 ||
    bits! > 22
  )
    throw new Error(`--embedding: dim:epochs:rate:bits (e.g. 32:4:0.02:20), not ${JSON.stringify(spec)}`);
  return { dim: dim!, epochs: epochs!, rate: rate!, bits: bits!, seed };
}

/**
 * `dense`: features after the 2^bits buckets (the pooled word vectors, `buckets + j` with buckets =
 * 2^bits) get rows of their own rather than being folded onto the buckets'.
 */
export function trainEmbedding(
  m: Matrix,
  options: EmbeddingOptions,
  log?: (s: string) => void,
  dense = 0,
): EmbeddingNet {
  const { dim, bits, epochs, rate } = options;
  const random = rng(options.seed);
  const mask = (1 << bits) - 1;
  const rowOf = (index: number) => (index > mask && index - mask - 1 < dense ? index : index & mask) * dim;
  const E = new Float32Array((mask + 1 + dense) * dim);
  for (let i = 0; i < E.length; i++) E[i] = (random() - 0.5) * 0.2;
  const u = new Float32Array(dim);
  for (let j = 0; j < dim; j++) u[j] = (random() - 0.5) * 0.2;
  const b1 = new Float32Array(dim);
  let c = 0;
  const h = new Float32Array(dim);
  const hidden = (x: Matrix, i: number) => {
    h.set(b1);
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
      const v = x.value[k]!;
      const base = rowOf(x.index[k]!);
      for (let j = 0; j < dim; j++) h[j]! += v * E[base + j]!;
    }
    let z = c;
    for (let j = 0; j < dim; j++) if (h[j]! > 0) z += u[j]! * h[j]!;
    return z;
  };
  // Examples drawn in proportion to their weight (the recipe's source weights), so a rare, heavy source
  // is seen often rather than taking huge steps.
  const cumulative = new Float64Array(m.rows);
  let total = 0;
  for (let i = 0; i < m.rows; i++) cumulative[i] = total += m.weight[i]!;
  const draw = () => {
    const x = random() * total;
    let lo = 0;
    let hi = m.rows - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const dh = new Float32Array(dim);
  const steps = epochs * m.rows;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    let loss = 0;
    for (let n = 0; n < m.rows; n++) {
      const i = draw();
      const lr = rate * (1 - step++ / steps);
      const z = hidden(m, i);
      const p = 1 / (1 + Math.exp(-z));
      const y = m.y[i]!;
      loss -= y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12);
      const g = p - y;
      for (let j = 0; j < dim; j++) {
        const on = h[j]! > 0;
        dh[j] = on ? g * u[j]! : 0;
        if (on) u[j]! -= lr * g * h[j]!;
        b1[j]! -= lr * dh[j]!;
      }
      c -= lr * g;
      for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
        const v = lr * m.value[k]!;
        const base = rowOf(m.index[k]!);
        for (let j = 0; j < dim; j++) E[base + j]! -= v * dh[j]!;
      }
    }
    log?.(`  embedding epoch ${epoch + 1}/${epochs}: log loss ${(loss / m.rows).toFixed(4)}`);
  }
  return { options, logit: hidden };
}
