import type { Featurizer } from '#shared/scoring/model/features.js';
import { sigmoid } from '#shared/scoring/model/index.js';

/** Examples as a sparse matrix (CSR) with targets and per-example weights. */
export interface Matrix {
  rows: number;
  dim: number;
  indptr: Int32Array;
  index: Int32Array;
  value: Float32Array;
  y: Float64Array;
  weight: Float64Array;
}

export function buildMatrix(texts: string[], targets: number[], weights: number[], featurizer: Featurizer): Matrix {
  const indptr = new Int32Array(texts.length + 1);
  const idx: Int32Array[] = [];
  const val: Float32Array[] = [];
  let nnz = 0;
  texts.forEach((t, i) => {
    const v = featurizer.featurize(t);
    idx.push(v.index.slice(0, v.length));
    val.push(v.value.slice(0, v.length));
    nnz += v.length;
    indptr[i + 1] = nnz;
  });
  const index = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  idx.forEach((a, i) => {
    index.set(a, indptr[i]!);
    value.set(val[i]!, indptr[i]!);
  });
  return {
    rows: texts.length,
    dim: featurizer.dim,
    indptr,
    index,
    value,
    y: Float64Array.from(targets),
    weight: Float64Array.from(weights),
  };
}

/** log(1 + e^z), without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** Raw scores w·x + b for each row. */
export function margins(m: Matrix, w: Float64Array | Float32Array, b: number): Float64Array {
  const z = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = b;
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) s += w[m.index[k]!]! * m.value[k]!;
    z[i] = s;
  }
  return z;
}

/**
 * Weighted, L2-regularised logistic regression by L-BFGS (deterministic: one thread, fixed order).
 * Minimises Σ cᵢ·logloss / Σ cᵢ + λ/2·‖w‖² (the bias is not regularised). Soft targets in [0, 1] are allowed.
 */
export function trainLogReg(
  m: Matrix,
  opts: { l2: number; iterations: number; memory?: number; log?: (s: string) => void },
): { w: Float64Array; b: number; loss: number } {
  const n = m.dim + 1; // last coordinate: bias
  const mem = opts.memory ?? 8;
  const totalWeight = m.weight.reduce((a, c) => a + c, 0);
  const x = new Float64Array(n);
  const g = new Float64Array(n);

  const evaluate = (point: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const b = point[m.dim]!;
    for (let i = 0; i < m.rows; i++) {
      let z = b;
      const from = m.indptr[i]!;
      const to = m.indptr[i + 1]!;
      for (let k = from; k < to; k++) z += point[m.index[k]!]! * m.value[k]!;
      const c = m.weight[i]! / totalWeight;
      const t = m.y[i]!;
      loss += c * (softplus(z) - t * z);
      const d = c * (sigmoid(z) - t);
      for (let k = from; k < to; k++) grad[m.index[k]!]! += d * m.value[k]!;
      grad[m.dim]! += d;
    }
    let reg = 0;
    for (let j = 0; j < m.dim; j++) {
      reg += point[j]! * point[j]!;
      grad[j]! += opts.l2 * point[j]!;
    }
    return loss + 0.5 * opts.l2 * reg;
  };

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let f = evaluate(x, g);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(mem);
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[j]! * b[j]!;
    return s;
  };

  for (let it = 0; it < opts.iterations; it++) {
    // Two-loop recursion: d = -H·g.
    for (let j = 0; j < n; j++) d[j] = -g[j]!;
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(S[k]!, d);
      const yk = Y[k]!;
      const a = alpha[k]!;
      for (let j = 0; j < n; j++) d[j]! -= a * yk[j]!;
    }
    let gamma = 1;
    if (S.length > 0) gamma = dot(S[S.length - 1]!, Y[Y.length - 1]!) / dot(Y[Y.length - 1]!, Y[Y.length - 1]!);
    else gamma = 1 / Math.sqrt(dot(g, g));
    for (let j = 0; j < n; j++) d[j]! *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dot(Y[k]!, d);
      const sk = S[k]!;
      const c = alpha[k]! - beta;
      for (let j = 0; j < n; j++) d[j]! += c * sk[j]!;
    }
    let slope = dot(g, d);
    if (slope >= 0) {
      // not a descent direction: restart from the gradient
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      const s = 1 / Math.sqrt(dot(g, g));
      for (let j = 0; j < n; j++) d[j] = -g[j]! * s;
      slope = dot(g, d);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let fNew = 0;
    for (let tries = 0; ; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j]! + step * d[j]!;
      fNew = evaluate(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope || tries >= 30) break;
      step *= 0.5;
    }
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j]! - x[j]!;
      yv[j] = gNew[j]! - g[j]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (S.length === mem) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const improvement = f - fNew;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (opts.log && (it % 20 === 0 || it === opts.iterations - 1)) opts.log(`  iter ${it} loss ${f.toFixed(5)}`);
    if (improvement >= 0 && improvement < 1e-9 * Math.max(1, Math.abs(f))) break;
  }
  return { w: x.subarray(0, m.dim) as Float64Array, b: x[m.dim]!, loss: f };
}

/**
 * Platt scaling: a, b with σ(a·z + b) fitting the (weighted) labels, by Newton's method with a backtracking line
 * search. The labels are smoothed as Platt's method does (a positive's target (N₊ + 1)/(N₊ + 2), a negative's
 * 1/(N₋ + 2), N the rows of each class): where the margins separate the classes, as the written threat sentences
 * from civil rows, the plain fit has no finite optimum and its slope runs off to a step of 0 or 1. `y` holds labels of
 * 0 and 1, and both must be present.
 */
export function fitPlatt(z: Float64Array, y: Float64Array, weight: Float64Array): { a: number; b: number } {
  let positives = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! >= 0.5) positives++;
  if (positives === 0 || positives === y.length)
    throw new Error(`calibration needs rows of both labels (${positives} of ${y.length} positive)`);
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (y.length - positives + 2);
  const t = Float64Array.from(y, (v) => (v >= 0.5 ? hi : lo));
  // The weighted cross-entropy, written so that large margins neither overflow nor lose the small side.
  const loss = (a: number, b: number) => {
    let f = 0;
    for (let i = 0; i < z.length; i++) {
      const m = a * z[i]! + b;
      const log1pExp = m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
      f += weight[i]! * (log1pExp - t[i]! * m);
    }
    return f;
  };
  let a = 1;
  let b = 0;
  let f = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = 0,
      gb = 0,
      haa = 0,
      hab = 0,
      hbb = 0;
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(a * z[i]! + b);
      const c = weight[i]!;
      const r = c * (p - t[i]!);
      const h = c * p * (1 - p) + 1e-12;
      ga += r * z[i]!;
      gb += r;
      haa += h * z[i]! * z[i]!;
      hab += h * z[i]!;
      hbb += h;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-18) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Halve the step until the loss does not rise (Lin, Lin and Weng 2007); none that lowers it: at the optimum.
    const rises = (x: number) => x > f + 1e-12 * Math.abs(f);
    let step = 1;
    let fNew = loss(a - da, b - db);
    while (rises(fNew) && step > 1e-10) {
      step /= 2;
      fNew = loss(a - step * da, b - step * db);
    }
    if (rises(fNew)) break;
    a -= step * da;
    b -= step * db;
    f = fNew;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}
