import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { z } from 'zod';
import { ATTRIBUTES } from '#shared/settings.js';
import type { Attribute } from '../types.js';
import { type FeatureConfig, denseWidth } from './features.js';
import { type WordVectors, decodeVectors, encodeVectors, vectorsByteLength } from './vectors.js';

/**
 * The weights file: `NRTM`, a little-endian u32 header length, the JSON header, zero padding to a
 * multiple of 8, then each head's weights in turn (`buckets` values of `dtype`, scaled by the head's
 * `scale`, then one per feature after the buckets if the features pool word vectors (`denseWidth` in features.ts:
 * the comment's pooled block, then the negated words' block), then the word vectors if any (`vectors.ts`). Written
 * by `npm run model:train`, read by the worker.
 */
export interface WeightsHeader {
  format: 'newsroom-toxicity-weights';
  formatVersion: 1;
  /** What `model` reports in decisions: changes with every retraining that ships. */
  version: string;
  features: FeatureConfig;
  dtype: 'int8' | 'int16';
  heads: HeadHeader[];
  /** The pre-trained word vectors the file carries (with `features.vectors`): how many, how wide, from where. */
  vectors?: { words: number; dim: number; source: string };
  /** The hold threshold the evaluation chose for TOXICITY (documented in the README). */
  holdThreshold: number;
  /** Free-form facts about the training run (data, seed, split sizes, figures). */
  training: Record<string, unknown>;
}

export interface HeadHeader {
  attribute: Attribute;
  bias: number;
  /** Stored value × scale = weight. */
  scale: number;
  /**
   * Platt scaling of the raw margin z, with the lexicon's TOXICITY (0 when it finds nothing) added
   * `lexicon` times: p = σ(a·(z + lexicon·t) + b).
   */
  calibration: { a: number; b: number; lexicon: number };
}

export interface Weights {
  header: WeightsHeader;
  heads: Float32Array[];
  vectors?: WordVectors;
}

const MAGIC = 'NRTM';

const finite = z.number().finite();
/** What a header must hold for the model to score (a damaged one must fail to load, never score NaN). */
const headerSchema = z.object({
  format: z.literal('newsroom-toxicity-weights'),
  formatVersion: z.literal(1),
  version: z.string().min(1),
  // Strict: a feature this code does not know must fail to load, not be read without it.
  features: z
    .strictObject({
      buckets: z
        .number()
        .int()
        .min(2)
        .refine((n) => (n & (n - 1)) === 0, 'a power of two'),
      charMin: z.number().int().min(1),
      charMax: z.number().int().min(1),
      wordWeight: finite,
      charWeight: finite,
      text: z.enum(['model', 'lexicon']),
      vectors: z
        .strictObject({ pooling: z.enum(['mean', 'mean-max', 'mean-near-group']), weight: finite.positive() })
        .optional(),
      phrases: z.strictObject({ weight: finite.positive(), pairs: z.boolean().optional() }).optional(),
      negation: z
        .strictObject({ window: z.number().int().min(1), weight: finite.positive(), vectors: z.boolean().optional() })
        .optional(),
    })
    .refine((f) => f.charMin <= f.charMax, 'charMin ≤ charMax'),
  dtype: z.enum(['int8', 'int16']),
  heads: z
    .array(
      z.object({
        attribute: z.enum(ATTRIBUTES),
        bias: finite,
        scale: finite.positive(),
        calibration: z.object({ a: finite, b: finite, lexicon: finite }),
      }),
    )
    .min(1),
  vectors: z.object({ words: z.number().int().min(1), dim: z.number().int().min(1), source: z.string() }).optional(),
  holdThreshold: z.number().min(0).max(1),
  training: z.record(z.string(), z.unknown()),
});

/** Weights per head: the hashed buckets, then the pooled word-vector features (`denseWidth`). */
function headLength(header: Pick<WeightsHeader, 'features' | 'vectors'>): number {
  return header.features.buckets + denseWidth(header.features, header.vectors);
}

export function encodeWeights(
  header: Omit<WeightsHeader, 'heads'> & { heads: Omit<HeadHeader, 'scale'>[] },
  heads: ArrayLike<number>[],
  vectors?: WordVectors,
): Buffer {
  if (Boolean(header.features.vectors) !== Boolean(vectors) || Boolean(header.vectors) !== Boolean(vectors))
    throw new Error('word vectors go with features.vectors and the vectors header');
  if (vectors && (header.vectors!.words !== vectors.hashes.length || header.vectors!.dim !== vectors.dim))
    throw new Error('the vectors header does not describe the vectors');
  if (heads.some((w) => w.length !== headLength(header))) throw new Error('a head has the wrong length');
  const max = header.dtype === 'int8' ? 127 : 32767;
  const scaled: HeadHeader[] = [];
  const bodies: Buffer[] = [];
  heads.forEach((w, h) => {
    let m = 0;
    for (let j = 0; j < w.length; j++) m = Math.max(m, Math.abs(w[j]!));
    const scale = m > 0 ? m / max : 1;
    const q = header.dtype === 'int8' ? new Int8Array(w.length) : new Int16Array(w.length);
    for (let j = 0; j < w.length; j++) q[j] = Math.round(w[j]! / scale);
    scaled.push({ ...header.heads[h]!, scale });
    bodies.push(Buffer.from(q.buffer, q.byteOffset, q.byteLength));
  });
  const json = Buffer.from(JSON.stringify({ ...header, heads: scaled }), 'utf8');
  const pre = 8 + json.length;
  const pad = (8 - (pre % 8)) % 8;
  const head = Buffer.alloc(pre + pad);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 4);
  json.copy(head, 8);
  return Buffer.concat([head, ...bodies, ...(vectors ? [encodeVectors(vectors)] : [])]);
}

export function decodeWeights(buf: Buffer): Weights {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a toxicity weights file');
  const len = buf.readUInt32LE(4);
  if (8 + len > buf.length) throw new Error('weights file is truncated');
  const parsed = headerSchema.safeParse(JSON.parse(buf.toString('utf8', 8, 8 + len)));
  if (!parsed.success) throw new Error(`weights header is not valid: ${z.prettifyError(parsed.error)}`);
  const header = parsed.data as WeightsHeader;
  if (Boolean(header.features.vectors) !== Boolean(header.vectors))
    throw new Error('weights header is not valid: features.vectors and vectors go together');
  const buckets = headLength(header);
  const bytes = header.dtype === 'int8' ? 1 : 2;
  let at = 8 + len + ((8 - ((8 + len) % 8)) % 8);
  const vectorBytes = header.vectors ? vectorsByteLength(header.vectors.words, header.vectors.dim) : 0;
  if (buf.length !== at + header.heads.length * buckets * bytes + vectorBytes)
    throw new Error('weights file is truncated or has extra bytes');
  const heads = header.heads.map((h) => {
    const raw = buf.subarray(at, at + buckets * bytes);
    at += buckets * bytes;
    // Copy into an aligned buffer before viewing it as typed values.
    const aligned = new Uint8Array(raw);
    const q = bytes === 1 ? new Int8Array(aligned.buffer) : new Int16Array(aligned.buffer);
    const w = new Float32Array(buckets);
    for (let j = 0; j < buckets; j++) w[j] = q[j]! * h.scale;
    return w;
  });
  const vectors = header.vectors
    ? decodeVectors(buf.subarray(at), header.vectors.words, header.vectors.dim)
    : undefined;
  return { header, heads, ...(vectors ? { vectors } : {}) };
}

/** The weights in a file; any failure (missing, damaged) names the file. */
export function readWeights(path: string): Weights {
  try {
    return decodeWeights(readFileSync(path));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `toxicity model weights not found at ${path} (npm run model:train writes them)`
        : `toxicity model weights at ${path} cannot be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * The version a weights file names in its header, read without its weights (the API reports which shared model
 * scores without loading it). A file that is not a weights file is refused.
 */
export function readWeightsVersion(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const pre = Buffer.alloc(8);
    if (readSync(fd, pre, 0, 8, 0) !== 8 || pre.toString('latin1', 0, 4) !== MAGIC)
      throw new Error(`not a toxicity weights file: ${path}`);
    const json = Buffer.alloc(pre.readUInt32LE(4));
    if (readSync(fd, json, 0, json.length, 8) !== json.length) throw new Error(`weights file is truncated: ${path}`);
    const parsed = headerSchema.shape.version.safeParse(JSON.parse(json.toString('utf8')).version);
    if (!parsed.success) throw new Error(`weights header has no version: ${path}`);
    return parsed.data;
  } finally {
    closeSync(fd);
  }
}
