/**
 * A per-site adapter on top of the shared model: online logistic regression that learns from a site's
 * moderator decisions (approve = 0, reject = 1) and corrects the shared model's TOXICITY for that site.
 * Pure: no I/O, no clock, no randomness. The product stores `serialize()` per site and restores it with
 * `deserialize()`.
 *
 *   z = bias + baseWeight · baseLogit + Σ w[j mod dims] · x_j        p = σ(z)
 *
 * x: the shared model's features and, after them, the words near a group's name pooled apart (a site's
 * moderators often reject what is said of a group, which the shared features mix with the rest of the comment).
 *
 * It starts as the shared model exactly (bias 0, baseWeight 1, w = 0) and learns by per-coordinate
 * AdaGrad on log loss with a small L2 pull towards that start. Every `learn` first scores the decision
 * with both the shared model and the adapter as they stand (a prequential "shadow" evaluation, never on
 * what was learned), keeps the last `window` such pairs, and `shouldUse()` says when the adapter has
 * done better than the shared model on them.
 *
 * The window holds one shared model's scores: `followModel(version)`, called before learning, clears it when the
 * shared model has changed since (a new version ships), so the adapter is checked again against the model that
 * scores now before `shouldUse()` lets it score; what it learned is kept.
 */
import type { FeatureVector } from './comment.js';

export interface AdapterOptions {
  /** Hash buckets the model's features fold into (a power of two). Default 2¹⁶. */
  dims: number;
  /** AdaGrad step size. */
  learningRate: number;
  /** L2 pull of w, bias and baseWeight towards the start (0, 0, 1), per update. */
  l2: number;
  /** Decisions the shadow evaluation keeps. */
  window: number;
  /** `shouldUse` needs at least this many decisions in the window… */
  minDecisions: number;
  /** …of which at least this many of each label… */
  minPerClass: number;
  /** …and the adapter's ROC AUC at least this much above the shared model's (and a lower log loss). */
  minAucGain: number;
  /**
   * Whether it reads the words near a group's name, which the features carry after the shared model's own
   * (`FeatureVector.modelLength`). On for new adapters; a state saved before they existed keeps it off, so its
   * weights go on meaning what they learned.
   */
  groupContext: boolean;
}

export const DEFAULT_ADAPTER_OPTIONS: AdapterOptions = {
  dims: 1 << 16,
  learningRate: 0.1,
  l2: 1e-4,
  window: 500,
  minDecisions: 200,
  minPerClass: 20,
  minAucGain: 0.01,
  groupContext: true,
};

/** How the shared model and the adapter did on the last `window` decisions, each scored before it was learned. */
export interface ShadowStats {
  /** Decisions in the window, and how many were rejections (label 1). */
  n: number;
  positives: number;
  /** Decisions learned since creation or the last reset. */
  total: number;
  base: { auc: number; logLoss: number };
  adapter: { auc: number; logLoss: number };
}

export interface Adapter {
  readonly options: AdapterOptions;
  /**
   * The shared model version (`ToxicityModel.version`) whose scores its shadow window holds; null for an adapter that
   * has not followed one yet, or was saved before adapters recorded it.
   */
  readonly model: string | null;
  /**
   * Follows the shared model `version`: when the window holds another model's scores (or an unrecorded one's), the
   * window is cleared, so `shouldUse()` waits for decisions scored by this one; weights are kept. Returns whether it
   * was cleared.
   */
  followModel(version: string): boolean;
  /** The adapter's probability that a comment would be rejected (TOXICITY as this site moderates). */
  predict(features: FeatureVector, baseLogit: number): number;
  /** Learns one moderator decision (approve = 0, reject = 1), after scoring it for the shadow evaluation. */
  learn(features: FeatureVector, baseLogit: number, label: 0 | 1): void;
  /** Shadow evaluation over the last `window` decisions (NaN AUC while one label is missing). */
  readonly shadow: ShadowStats;
  /** True once the adapter beat the shared model on the window (see `AdapterOptions`). */
  shouldUse(): boolean;
  /** Back to the shared model: weights and shadow history cleared, options kept. */
  reset(): void;
  /** A compact byte state (`NRAD`): options, weights touched so far, shadow window. */
  serialize(): Uint8Array;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const clip = (z: number) => Math.max(-12, Math.min(12, z));
const EPS = 1e-6;

export function createAdapter(options: Partial<AdapterOptions> = {}): Adapter {
  const opts: AdapterOptions = { ...DEFAULT_ADAPTER_OPTIONS, ...options };
  if ((opts.dims & (opts.dims - 1)) !== 0 || opts.dims < 2) throw new Error('adapter dims must be a power of two');
  return build(opts, null);
}

interface State {
  /** The shared model the shadow window was scored with. */
  model: string | null;
  w: Float32Array;
  g: Float32Array;
  /** [bias, baseWeight] and their AdaGrad sums. */
  params: Float64Array;
  paramsG: Float64Array;
  total: number;
  /** Ring buffer of the shadow window: base probability, adapter probability, label. */
  sBase: Float32Array;
  sAdapter: Float32Array;
  sLabel: Uint8Array;
  sCount: number;
  sNext: number;
}

function freshState(opts: AdapterOptions): State {
  return {
    model: null,
    w: new Float32Array(opts.dims),
    g: new Float32Array(opts.dims),
    params: Float64Array.of(0, 1),
    paramsG: new Float64Array(2),
    total: 0,
    sBase: new Float32Array(opts.window),
    sAdapter: new Float32Array(opts.window),
    sLabel: new Uint8Array(opts.window),
    sCount: 0,
    sNext: 0,
  };
}

/** ROC AUC by ranks (ties averaged); NaN when a label is missing. */
function auc(scores: Float32Array, labels: Uint8Array, n: number): number {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0,
    rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[order[k]!] === 1) {
        pos++;
        rankSum += avg;
      }
    i = j + 1;
  }
  const neg = n - pos;
  return pos === 0 || neg === 0 ? NaN : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function logLoss(p: Float32Array, labels: Uint8Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]!));
    s -= labels[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return n > 0 ? s / n : NaN;
}

function build(opts: AdapterOptions, restored: State | null): Adapter {
  let st = restored ?? freshState(opts);
  const mask = opts.dims - 1;

  /** The entries of `f` this adapter reads. */
  const read = (f: FeatureVector) => (opts.groupContext ? f.index.length : (f.modelLength ?? f.index.length));
  const margin = (f: FeatureVector, baseLogit: number) => {
    let z = st.params[0]! + st.params[1]! * clip(baseLogit);
    for (let k = 0, n = read(f); k < n; k++) z += st.w[f.index[k]! & mask]! * f.value[k]!;
    return z;
  };

  const stats = (): ShadowStats => {
    const n = st.sCount;
    let positives = 0;
    for (let i = 0; i < n; i++) positives += st.sLabel[i]!;
    return {
      n,
      positives,
      total: st.total,
      base: { auc: auc(st.sBase, st.sLabel, n), logLoss: logLoss(st.sBase, st.sLabel, n) },
      adapter: { auc: auc(st.sAdapter, st.sLabel, n), logLoss: logLoss(st.sAdapter, st.sLabel, n) },
    };
  };

  return {
    options: opts,
    get model() {
      return st.model;
    },
    followModel(version) {
      if (st.model === version) return false;
      const had = st.sCount > 0;
      st.model = version;
      st.sCount = 0;
      st.sNext = 0;
      st.sBase.fill(0);
      st.sAdapter.fill(0);
      st.sLabel.fill(0);
      return had;
    },
    predict: (f, baseLogit) => sigmoid(margin(f, baseLogit)),
    learn(f, baseLogit, label) {
      const z = margin(f, baseLogit);
      const p = sigmoid(z);
      // Shadow first: both as they stand, before this decision is learned.
      st.sBase[st.sNext] = sigmoid(clip(baseLogit));
      st.sAdapter[st.sNext] = p;
      st.sLabel[st.sNext] = label;
      st.sNext = (st.sNext + 1) % opts.window;
      st.sCount = Math.min(opts.window, st.sCount + 1);
      st.total++;
      const d = p - label;
      const eta = opts.learningRate;
      for (let k = 0, n = read(f); k < n; k++) {
        const j = f.index[k]! & mask;
        const gj = d * f.value[k]! + opts.l2 * st.w[j]!;
        st.g[j]! += gj * gj;
        st.w[j]! -= (eta * gj) / Math.sqrt(st.g[j]! + EPS);
      }
      const grads = [d + opts.l2 * st.params[0]!, d * clip(baseLogit) + opts.l2 * (st.params[1]! - 1)];
      for (let i = 0; i < 2; i++) {
        st.paramsG[i]! += grads[i]! * grads[i]!;
        st.params[i]! -= (eta * grads[i]!) / Math.sqrt(st.paramsG[i]! + EPS);
      }
    },
    get shadow() {
      return stats();
    },
    shouldUse() {
      const s = stats();
      return (
        s.n >= opts.minDecisions &&
        s.positives >= opts.minPerClass &&
        s.n - s.positives >= opts.minPerClass &&
        s.adapter.auc >= s.base.auc + opts.minAucGain &&
        s.adapter.logLoss < s.base.logLoss
      );
    },
    reset() {
      const { model } = st;
      st = freshState(opts);
      st.model = model;
    },
    serialize() {
      return encode(opts, st);
    },
  };
}

const MAGIC = 0x4441524e; // 'NRAD' little-endian
const FORMAT = 1;

/**
 * Bytes: `NRAD`, u32 format, u32 JSON length, JSON {options, model?, params, paramsG, total, sCount, sNext};
 * u32 count of touched buckets, then per bucket: u32 index, f32 weight, f32 AdaGrad sum; then the shadow
 * window (f32 base × window, f32 adapter × window, u8 label × window). Little-endian.
 */
function encode(opts: AdapterOptions, st: State): Uint8Array {
  const touched: number[] = [];
  for (let j = 0; j < opts.dims; j++) if (st.g[j] !== 0) touched.push(j);
  const json = new TextEncoder().encode(
    JSON.stringify({
      options: opts,
      ...(st.model === null ? {} : { model: st.model }),
      params: Array.from(st.params),
      paramsG: Array.from(st.paramsG),
      total: st.total,
      sCount: st.sCount,
      sNext: st.sNext,
    }),
  );
  const size = 12 + json.length + 4 + touched.length * 12 + opts.window * 9;
  const buf = new ArrayBuffer(size);
  const dv = new DataView(buf);
  const bytes = new Uint8Array(buf);
  let at = 0;
  dv.setUint32(at, MAGIC, true);
  dv.setUint32(at + 4, FORMAT, true);
  dv.setUint32(at + 8, json.length, true);
  at += 12;
  bytes.set(json, at);
  at += json.length;
  dv.setUint32(at, touched.length, true);
  at += 4;
  for (const j of touched) {
    dv.setUint32(at, j, true);
    dv.setFloat32(at + 4, st.w[j]!, true);
    dv.setFloat32(at + 8, st.g[j]!, true);
    at += 12;
  }
  for (let i = 0; i < opts.window; i++) {
    dv.setFloat32(at, st.sBase[i]!, true);
    at += 4;
  }
  for (let i = 0; i < opts.window; i++) {
    dv.setFloat32(at, st.sAdapter[i]!, true);
    at += 4;
  }
  bytes.set(st.sLabel, at);
  return bytes;
}

interface Head {
  options: AdapterOptions;
  model?: string;
  params: number[];
  paramsG: number[];
  total: number;
  sCount: number;
  sNext: number;
}

/** The JSON head of `serialize()`'s bytes, with the options it was saved with as this version reads them. */
function readHead(data: Uint8Array): { head: Head; opts: AdapterOptions; end: number } {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < 16 || dv.getUint32(0, true) !== MAGIC) throw new Error('not an adapter state');
  if (dv.getUint32(4, true) !== FORMAT)
    throw new Error(`adapter state format ${dv.getUint32(4, true)} is not supported`);
  const len = dv.getUint32(8, true);
  if (12 + len > data.byteLength) throw new Error('adapter state is truncated or has extra bytes');
  const head = JSON.parse(new TextDecoder().decode(data.subarray(12, 12 + len))) as Head;
  // A state saved before the words near a group existed learned without them.
  const opts = { ...DEFAULT_ADAPTER_OPTIONS, ...head.options, groupContext: head.options.groupContext ?? false };
  return { head, opts, end: 12 + len };
}

/**
 * What a saved state's head says, read from the start of its bytes (`serialize()`'s head: the first
 * `ADAPTER_HEAD_BYTES` are enough) without restoring its weights: the options it learns with, as this version reads
 * them, and the shared model its shadow window was scored with (`Adapter.model`).
 */
export function adapterHeadOf(data: Uint8Array): { options: AdapterOptions; model: string | null } {
  const { head, opts } = readHead(data);
  return { options: opts, model: typeof head.model === 'string' ? head.model : null };
}

/** The options a saved state learns with (`adapterHeadOf`). */
export function adapterOptionsOf(data: Uint8Array): AdapterOptions {
  return adapterHeadOf(data).options;
}

/** How many leading bytes of a saved state hold its options (`adapterOptionsOf`). */
export const ADAPTER_HEAD_BYTES = 4096;

/** An adapter from `serialize()`'s bytes; a damaged or foreign state is refused. */
export function deserialize(data: Uint8Array): Adapter {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { head, opts, end } = readHead(data);
  const st = freshState(opts);
  let at = end;
  const count = dv.getUint32(at, true);
  at += 4;
  if (data.byteLength !== at + count * 12 + opts.window * 9)
    throw new Error('adapter state is truncated or has extra bytes');
  for (let k = 0; k < count; k++) {
    const j = dv.getUint32(at, true);
    if (j >= opts.dims) throw new Error('adapter state has a bucket out of range');
    st.w[j] = dv.getFloat32(at + 4, true);
    st.g[j] = dv.getFloat32(at + 8, true);
    at += 12;
  }
  for (let i = 0; i < opts.window; i++) {
    st.sBase[i] = dv.getFloat32(at, true);
    at += 4;
  }
  for (let i = 0; i < opts.window; i++) {
    st.sAdapter[i] = dv.getFloat32(at, true);
    at += 4;
  }
  st.sLabel.set(data.subarray(at, at + opts.window));
  st.params.set(head.params.slice(0, 2));
  st.paramsG.set(head.paramsG.slice(0, 2));
  st.model = typeof head.model === 'string' ? head.model : null;
  st.total = head.total;
  st.sCount = head.sCount;
  st.sNext = head.sNext;
  if (![...st.params, ...st.paramsG].every(Number.isFinite)) throw new Error('adapter state has non-finite parameters');
  return build(opts, st);
}
