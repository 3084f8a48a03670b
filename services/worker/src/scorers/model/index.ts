import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attribute } from '../types.js';
import { createFeaturizer, type SparseVector } from './features.js';
import { readWeights, type Weights, type WeightsHeader } from './weights.js';

/** The weights that ship: `services/worker/models/`, beside `src/` (TypeScript under tsx, compiled JS in the image). */
const DEFAULT_WEIGHTS_FILE = 'toxicity-v1.bin';

export function defaultWeightsPath(): string {
  return fileURLToPath(new URL(`../../../models/${DEFAULT_WEIGHTS_FILE}`, import.meta.url));
}

export interface ToxicityModel {
  readonly version: string;
  readonly header: WeightsHeader;
  /**
   * Calibrated probability per head (TOXICITY first). `lexicon` is the lexicon's TOXICITY for the same
   * text, which the calibration was fitted with; leave it out to score with the model alone.
   */
  predict(text: string, lexicon?: number): Partial<Record<Attribute, number>>;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function createModel(weights: Weights): ToxicityModel {
  const { header, heads } = weights;
  const featurizer = createFeaturizer(header.features);
  const dot = (v: SparseVector, w: Float32Array, bias: number) => {
    let s = bias;
    for (let k = 0; k < v.length; k++) s += w[v.index[k]!]! * v.value[k]!;
    return s;
  };
  return {
    version: header.version,
    header,
    predict(text, lexicon = 0) {
      const v = featurizer.featurize(text);
      const out: Partial<Record<Attribute, number>> = {};
      header.heads.forEach((h, i) => {
        const z = dot(v, heads[i]!, h.bias) + (h.calibration.lexicon ?? 0) * lexicon;
        out[h.attribute] = sigmoid(h.calibration.a * z + h.calibration.b);
      });
      return out;
    },
  };
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
