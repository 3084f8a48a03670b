import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attribute } from '../types.js';
import { createFeaturizer, type FeatureVector, type SparseVector } from './features.js';
import { readWeights, readWeightsVersion, type Weights, type WeightsHeader } from './weights.js';

/** The weights that ship: `services/worker/models/`, beside `src/` (TypeScript under tsx, compiled JS in the image). */
const DEFAULT_WEIGHTS_FILE = 'toxicity-v8.bin';

export function defaultWeightsPath(): string {
  return fileURLToPath(new URL(`../../../../services/worker/models/${DEFAULT_WEIGHTS_FILE}`, import.meta.url));
}

export interface ToxicityModel {
  readonly version: string;
  readonly header: WeightsHeader;
  /**
   * Calibrated probability per head (TOXICITY first). `lexicon` is the lexicon's TOXICITY for the same
   * text, which the calibration was fitted with; leave it out to score with the model alone.
   */
  predict(text: string, lexicon?: number): Partial<Record<Attribute, number>>;
  /** The hashed features of `text` (the model's own buffer, overwritten by the next call: copy to keep). */
  featurize(text: string): SparseVector;
  /**
   * The last `featurize`d text's features as the per-site adapter reads them: a copy, with the words near a group's
   * name pooled apart after them where the model's own features leave them out.
   */
  adapterFeatures(): FeatureVector;
  /** The last `featurize`d text's words as the model reads them, by word hash (`wordHash`), in order; overwritten by the next call. */
  words(): Uint32Array;
  /** `predict` from features already computed by `featurize`. */
  predictFeatures(v: SparseVector, lexicon?: number): Partial<Record<Attribute, number>>;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function createModel(weights: Weights): ToxicityModel {
  const { header, heads } = weights;
  const featurizer = createFeaturizer(header.features, weights.vectors);
  // The heads interleaved (bucket-major) and kept quantised, as stored: one small memory access per feature
  // serves every head (4 heads of int8 take the cache footprint of one float head); each head's scale is
  // applied once per comment.
  const H = heads.length;
  const Q = header.dtype === 'int8' ? Int8Array : Int16Array;
  const w = new Q(featurizer.dim * H);
  const scale = header.heads.map((h) => h.scale);
  heads.forEach((hw, h) => {
    for (let j = 0; j < hw.length; j++) w[j * H + h] = Math.round(hw[j]! / scale[h]!);
  });
  const z = new Float64Array(H);
  const predictFeatures = (v: SparseVector, lexicon = 0) => {
    z.fill(0);
    if (H === 1) {
      let s = 0;
      for (let k = 0; k < v.length; k++) s += w[v.index[k]!]! * v.value[k]!;
      z[0] = s;
    } else if (H === 4) {
      // The shipped model's four heads, unrolled: the sums stay in registers.
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let k = 0; k < v.length; k++) {
        const at = v.index[k]! << 2;
        const x = v.value[k]!;
        z0 += w[at]! * x;
        z1 += w[at + 1]! * x;
        z2 += w[at + 2]! * x;
        z3 += w[at + 3]! * x;
      }
      z[0] = z0;
      z[1] = z1;
      z[2] = z2;
      z[3] = z3;
    } else {
      for (let k = 0; k < v.length; k++) {
        const at = v.index[k]! * H;
        const x = v.value[k]!;
        for (let h = 0; h < H; h++) z[h]! += w[at + h]! * x;
      }
    }
    for (let h = 0; h < H; h++) z[h] = z[h]! * scale[h]! + header.heads[h]!.bias;
    const out: Partial<Record<Attribute, number>> = {};
    header.heads.forEach((hh, i) => {
      out[hh.attribute] = sigmoid(
        hh.calibration.a * (z[i]! + (hh.calibration.lexicon ?? 0) * lexicon) + hh.calibration.b,
      );
    });
    return out;
  };
  return {
    version: header.version,
    header,
    featurize: (text) => featurizer.featurize(text),
    adapterFeatures: () => featurizer.withNearGroup(),
    words: () => featurizer.words(),
    predictFeatures,
    predict: (text, lexicon = 0) => predictFeatures(featurizer.featurize(text), lexicon),
  };
}

let sharedVersion: string | undefined;

/** The shipped model's version, read from its weights file's header once (without loading the weights). */
export function sharedModelVersion(): string {
  sharedVersion ??= readWeightsVersion(defaultWeightsPath());
  return sharedVersion;
}

const loaded = new Map<string, ToxicityModel>();

/** A model from its weights file (the shipped one by default), loaded once per process and path. */
export function loadModel(path = defaultWeightsPath()): ToxicityModel {
  const key = resolve(path);
  let model = loaded.get(key);
  if (!model) {
    model = createModel(readWeights(key));
    loaded.set(key, model);
  }
  return model;
}
