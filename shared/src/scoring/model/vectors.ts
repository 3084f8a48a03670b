/**
 * Pre-trained word vectors as the model carries them: a subset of a word-vector set (each word known by
 * its 32-bit word hash, the one the featurizer computes for word n-grams, so a comment's words are looked
 * up without making strings), int8 values with a scale per vector, and a weight per word (smooth inverse
 * frequency: frequent words count less). Read from and written to the weights file (`weights.ts`).
 */
export interface WordVectors {
  readonly dim: number;
  /** The word hash of each word (`wordHash` in features.ts), all different. */
  readonly hashes: Uint32Array;
  /** Stored value × scale = the vector's value. */
  readonly scales: Float32Array;
  /** How much each word counts in the weighted mean. */
  readonly weights: Float32Array;
  /** `dim` int8 values per word, word after word. */
  readonly values: Int8Array;
}

/** How a comment's word vectors become features (`FeatureConfig.vectors`). */
export interface VectorFeatures {
  /**
   * `mean`: the weighted mean; `mean-max`: and the per-dimension maximum; `mean-near-group`: and the weighted mean of
   * the words within `NEAR_GROUP` words of a protected group's name (what the comment says of a group); each block
   * L2-normalised.
   */
  readonly pooling: 'mean' | 'mean-max' | 'mean-near-group';
  /** The pooled block's length after normalisation, against the word and character blocks' `wordWeight`, `charWeight`. */
  readonly weight: number;
}

/** Features the pooling adds after the hashed buckets. */
export function pooledWidth(vectors: { dim: number }, cfg: VectorFeatures): number {
  return cfg.pooling === 'mean' ? vectors.dim : 2 * vectors.dim;
}

/** How many words either side of a group's name the `mean-near-group` block pools. */
const NEAR_GROUP = 3;

/** A look-up from word hash to row, and each row's factor in the weighted sum (its scale times its weight). */
interface VectorIndex {
  lookup(h: number): number;
  factor: Float32Array;
}

/**
 * Built once per set of vectors and shared by every pooler in the process that reads the same `WordVectors` object
 * (a featurizer's comment block and negated block, or two featurizers of one model): the vectors must not change
 * once a pooler has read them.
 */
const indexes = new WeakMap<WordVectors, VectorIndex>();

function vectorIndex(vectors: WordVectors): VectorIndex {
  let index = indexes.get(vectors);
  if (index) return index;
  const { hashes, scales, weights } = vectors;
  // Open addressing on the word hash, at most half full: slot s holds the hash at 2s and row + 1 at 2s + 1
  // (0 for none), so a look-up reads one place in memory.
  let size = 16;
  while (size < 2 * hashes.length) size *= 2;
  const slotMask = size - 1;
  const slots = new Int32Array(2 * size);
  hashes.forEach((h, row) => {
    let s = h & slotMask;
    while (slots[2 * s + 1] !== 0) s = (s + 1) & slotMask;
    slots[2 * s] = h | 0;
    slots[2 * s + 1] = row + 1;
  });
  const lookup = (h: number): number => {
    const key = h | 0;
    for (let s = h & slotMask; ; s = (s + 1) & slotMask) {
      const r = slots[2 * s + 1]!;
      if (r === 0) return -1;
      if (slots[2 * s] === key) return r - 1;
    }
  };
  index = { lookup, factor: Float32Array.from(scales, (x, i) => x * weights[i]!) };
  indexes.set(vectors, index);
  return index;
}

/**
 * Accumulates a comment's words and writes the pooled features. Not re-entrant (one per featurizer).
 * `add(hash)` for each word, then `write(out, from, base)`.
 */
export function createPooler(vectors: WordVectors, cfg: VectorFeatures, groupHashes?: ReadonlySet<number>) {
  const { dim, scales, values } = vectors;
  const { lookup, factor } = vectorIndex(vectors);
  const withMax = cfg.pooling === 'mean-max';
  const sum = new Float64Array(dim);
  const max = new Float64Array(dim);
  const near = new Float64Array(dim);
  const nearGroup = cfg.pooling === 'mean-near-group';
  if (nearGroup && !groupHashes) throw new Error("mean-near-group pooling needs the groups' word hashes");
  // Each word's row (-1 without a vector) and whether it names a group, in order: what `nearBlock` reads.
  let rows = new Int32Array(256);
  let isGroup = new Uint8Array(256);
  let words = 0;
  let groups = 0;
  let found = 0;
  /** `v` L2-normalised times the block weight, as features `base + j` from `from`; nothing when it is all zero. */
  const writeBlock = (v: Float64Array, index: Int32Array, value: Float32Array, from: number, base: number) => {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += v[j]! * v[j]!;
    if (norm === 0) return from;
    const scale = cfg.weight / Math.sqrt(norm);
    let n = from;
    for (let j = 0; j < dim; j++) {
      index[n] = base + j;
      value[n++] = v[j]! * scale;
    }
    return n;
  };
  const track = (h: number, row: number) => {
    if (words === rows.length) {
      const r = new Int32Array(2 * words);
      r.set(rows);
      rows = r;
      const g = new Uint8Array(2 * words);
      g.set(isGroup);
      isGroup = g;
    }
    const g = groupHashes!.has(h >>> 0) ? 1 : 0;
    rows[words] = row;
    isGroup[words++] = g;
    groups += g;
  };
  /**
   * The SIF-weighted mean of the words within NEAR_GROUP words of a group's name (not the names themselves),
   * L2-normalised times the block weight, written as features `base + j` from `from`; nothing when the comment names
   * no group or nothing near one has a vector. Returns the new length.
   */
  const nearBlock = (index: Int32Array, value: Float32Array, from: number, base: number): number => {
    if (groups === 0) return from;
    near.fill(0);
    let prevGroup = -NEAR_GROUP - 1;
    let nextGroup = 0;
    while (nextGroup < words && !isGroup[nextGroup]) nextGroup++;
    for (let i = 0; i < words; i++) {
      if (isGroup[i]) {
        prevGroup = i;
        nextGroup = i + 1;
        while (nextGroup < words && !isGroup[nextGroup]) nextGroup++;
        continue;
      }
      const row = rows[i]!;
      if (row < 0) continue;
      if (i - prevGroup > NEAR_GROUP && (nextGroup >= words || nextGroup - i > NEAR_GROUP)) continue;
      const at = row * dim;
      const c = factor[row]!;
      for (let j = 0; j < dim; j++) near[j]! += values[at + j]! * c;
    }
    return writeBlock(near, index, value, from, base);
  };
  return {
    width: pooledWidth(vectors, cfg),
    /**
     * The words near a group's name alone, for a pooler given the groups' names: what the per-site adapter reads
     * beside a model whose pooling leaves them out. `hashes` are the comment's word hashes in order.
     */
    writeNearGroup(hashes: ArrayLike<number>, index: Int32Array, value: Float32Array, from: number, base: number) {
      if (!groupHashes) throw new Error("the words near a group need the groups' word hashes");
      words = 0;
      groups = 0;
      for (let i = 0; i < hashes.length; i++) track(hashes[i]!, lookup(hashes[i]!));
      return nearBlock(index, value, from, base);
    },
    reset() {
      sum.fill(0);
      if (withMax) max.fill(Number.NEGATIVE_INFINITY);
      found = 0;
      words = 0;
      groups = 0;
    },
    /** One word of the comment, by its word hash; words without a vector are skipped. */
    add(h: number) {
      const row = lookup(h);
      if (nearGroup) track(h, row);
      if (row < 0) return;
      found++;
      const at = row * dim;
      const c = factor[row]!;
      for (let j = 0; j < dim; j++) sum[j]! += values[at + j]! * c;
      if (withMax) {
        const s = scales[row]!;
        for (let j = 0; j < dim; j++) {
          const x = values[at + j]! * s;
          if (x > max[j]!) max[j] = x;
        }
      }
    },
    /**
     * Writes the pooled blocks into `index`/`value` from position `from`, as features `base + j`; returns
     * the new length. A comment with no known word gets no pooled features (all zero).
     */
    write(index: Int32Array, value: Float32Array, from: number, base: number): number {
      if (found === 0) return from;
      let n = writeBlock(sum, index, value, from, base);
      if (withMax) n = writeBlock(max, index, value, n, base + dim);
      if (nearGroup) n = nearBlock(index, value, n, base + dim);
      return n;
    },
  };
}

/** The vectors' bytes in the weights file: hashes (u32), scales (f32), weights (f32), values (int8). */
export function vectorsByteLength(words: number, dim: number): number {
  return words * (12 + dim);
}

export function encodeVectors(v: WordVectors): Buffer {
  const n = v.hashes.length;
  const buf = Buffer.alloc(vectorsByteLength(n, v.dim));
  for (let i = 0; i < n; i++) {
    buf.writeUInt32LE(v.hashes[i]!, 4 * i);
    buf.writeFloatLE(v.scales[i]!, 4 * (n + i));
    buf.writeFloatLE(v.weights[i]!, 4 * (2 * n + i));
  }
  Buffer.from(v.values.buffer, v.values.byteOffset, v.values.byteLength).copy(buf, 12 * n);
  return buf;
}

export function decodeVectors(buf: Buffer, words: number, dim: number): WordVectors {
  if (buf.length !== vectorsByteLength(words, dim)) throw new Error('word vectors are truncated');
  const hashes = new Uint32Array(words);
  const scales = new Float32Array(words);
  const weights = new Float32Array(words);
  for (let i = 0; i < words; i++) {
    hashes[i] = buf.readUInt32LE(4 * i);
    scales[i] = buf.readFloatLE(4 * (words + i));
    weights[i] = buf.readFloatLE(4 * (2 * words + i));
  }
  if (new Set(hashes).size !== words) throw new Error('word vectors repeat a word');
  const values = new Int8Array(new Uint8Array(buf.subarray(12 * words)).buffer);
  return { dim, hashes, scales, weights, values };
}
