import { createHash } from 'node:crypto';
import { HOMOGLYPHS } from '#shared/scoring/normalize.js';

/**
 * Text as the repeat and campaign rules compare it: compatibility forms folded, diacritics and
 * invisible characters (every default-ignorable one) removed, lower case, Cyrillic and Greek look-alikes as the
 * Latin letter they imitate, punctuation and spacing folded. Digits stay ("I'd pay 5" and "I'd pay 50" are
 * different comments).
 */
export function comparableText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}]+/gu, '')
    .toLowerCase()
    .replace(LOOK_ALIKE, (c) => HOMOGLYPHS[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const LOOK_ALIKE = new RegExp(
  `[${Object.keys(HOMOGLYPHS)
    .map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .join('')}]`,
  'gu',
);

/** Identity of a text for the repeat rule. */
export function textHash(text: string): string {
  return createHash('sha256').update(comparableText(text)).digest('base64url').slice(0, 22);
}

export const MINHASH_SIZE = 32;
export const LSH_BANDS = 8;
const ROWS = MINHASH_SIZE / LSH_BANDS;
const SHINGLE = 4;
const MAX_CHARS = 2000;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

// Fixed odd multipliers and offsets: the same text gives the same signature in every process.
// Kept as int32 (the same bits): the hot loop below then stays in 32-bit integers.
const SEED_A = Int32Array.from({ length: MINHASH_SIZE }, (_, i) => mix(i + 1) | 1);
const SEED_B = Int32Array.from({ length: MINHASH_SIZE }, (_, i) => mix(0x9e3779b1 ^ (i + 101)));
// Flipping the sign bit makes a signed comparison order int32 values as their unsigned bits.
const SIGN = -0x80000000;

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * MinHash signature of the text's character 4-grams: the share of equal positions between two
 * signatures estimates the Jaccard similarity of their 4-gram sets. Null for texts too short
 * to tell a campaign from a common phrase.
 */
export function minhash(text: string, minChars: number): Uint32Array | null {
  const t = comparableText(text).slice(0, MAX_CHARS);
  if (t.length < minChars) return null;
  // One strong hash per shingle, then a cheap xor-multiply per signature position. A shingle seen
  // twice gives the same values again, which cannot lower a minimum: no need to remember them.
  const shingles = new Int32Array(t.length - SHINGLE + 1);
  for (let i = 0; i < shingles.length; i++) shingles[i] = mix(fnv1a(t, i, i + SHINGLE)) | 0;
  const sig = new Uint32Array(MINHASH_SIZE);
  for (let k = 0; k < MINHASH_SIZE; k++) {
    const a = SEED_A[k]!;
    const b = SEED_B[k]!;
    let min = 0x7fffffff; // 0xffffffff with its sign bit flipped
    for (let i = 0; i < shingles.length; i++) {
      const h = Math.imul(shingles[i]! ^ b, a) ^ SIGN;
      if (h < min) min = h;
    }
    sig[k] = (min ^ SIGN) >>> 0;
  }
  return sig;
}

export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < MINHASH_SIZE; k++) if (a[k] === b[k]) same++;
  return same / MINHASH_SIZE;
}

/** Locality-sensitive bands: near-identical texts share at least one band with high probability. */
export function bands(sig: Uint32Array): string[] {
  const out: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let band = String(b);
    for (let r = b * ROWS; r < (b + 1) * ROWS; r++) band += `.${sig[r]!.toString(36)}`;
    out.push(band);
  }
  return out;
}

export const encodeSig = (sig: Uint32Array) =>
  Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('base64');
export const decodeSig = (s: string) => {
  const buf = Buffer.from(s, 'base64');
  return new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
