import type { FeatureVector } from '#shared/scoring/model/comment.js';
import { type Matrix, trainLogReg } from './logreg.js';

/** A moderator decision as the adapter learns it. */
export interface Decision {
  features: FeatureVector;
  baseLogit: number;
  label: 0 | 1;
}

/** The shared logit's column is scaled so that L2 on its weight (≈ 0.1 where it is trusted as is) is negligible. */
const BASE_SCALE = 10;
const clip = (z: number) => Math.max(-12, Math.min(12, z));

/** Features folded into `dims` buckets as the adapter folds them (`adapter.ts`), summed per bucket. */
function fold(f: FeatureVector, mask: number): Map<number, number> {
  const acc = new Map<number, number>();
  for (let k = 0; k < f.index.length; k++) {
    const j = f.index[k]! & mask;
    acc.set(j, (acc.get(j) ?? 0) + f.value[k]!);
  }
  return acc;
}

/**
 * The per-site adapter's model — its folded features and the shared TOXICITY logit — fitted in batch by
 * L-BFGS (L2 `l2`, 100 iterations) on every decision at once: what an adapter that kept its decisions and
 * refitted could reach with the same features. A yardstick for the online adapter in `model:simulate`,
 * not used by the product. Returns the fitted margin (a logit) for any comment's features.
 */
export function refitAdapterModel(
  decisions: readonly Decision[],
  l2: number,
  dims: number,
): (features: FeatureVector, baseLogit: number) => number {
  const mask = dims - 1;
  const index: number[] = [];
  const value: number[] = [];
  const indptr = new Int32Array(decisions.length + 1);
  decisions.forEach((d, i) => {
    for (const [j, v] of [...fold(d.features, mask)].sort((a, b) => a[0] - b[0])) {
      index.push(j);
      value.push(v);
    }
    index.push(dims);
    value.push(clip(d.baseLogit) * BASE_SCALE);
    indptr[i + 1] = index.length;
  });
  const m: Matrix = {
    rows: decisions.length,
    dim: dims + 1,
    indptr,
    index: Int32Array.from(index),
    value: Float32Array.from(value),
    y: Float64Array.from(decisions, (d) => d.label),
    weight: new Float64Array(decisions.length).fill(1),
  };
  const { w, b } = trainLogReg(m, { l2, iterations: 100 });
  return (features, baseLogit) => {
    let z = b + w[dims]! * clip(baseLogit) * BASE_SCALE;
    for (const [j, v] of fold(features, mask)) z += w[j]! * v;
    return z;
  };
}
