/**
 * How the embedded model is trained, as data: which sources, how each example weighs, which heads
 * learn from which labels. `train.ts` (the shipped weights), `loso.ts` (leave-one-source-out) and
 * `simulate.ts` all train through `fitHeads`, so what is measured is what ships.
 */
import { DEFAULT_FEATURES, type FeatureConfig, type Featurizer } from '#shared/scoring/model/features.js';
import type { Attribute } from '#shared/scoring/types.js';
import { createLexiconClassifier } from '#shared/scoring/lexicon.js';
import { ADDED_SETS, type Example, readAddedSet, readDavidson, readOlid, rng, shuffle } from './datasets.js';
import { FUNCTIONAL_SUITE } from './functional/cases.js';
import { GROUPS, TRAIN_BENIGN_TEMPLATES, TRAIN_TOXIC_TEMPLATES, fill } from './identity.js';
import { type Matrix, buildMatrix, fitPlatt, margins, trainLogReg } from './logreg.js';
import { threatSentences } from './threats.js';
import { insultSentences } from './vocabulary.js';
import { VECTORS_SOURCE, type VectorOptions } from './word-vectors.js';
import { encodeWeights } from '#shared/scoring/model/weights.js';
import type { WordVectors } from '#shared/scoring/model/vectors.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';
import { modelText } from '#shared/scoring/model/features.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The data sources, as `Example.source` names them. */
export const DATA_SOURCES = ['davidson', 'olid', ...ADDED_SETS] as const;
/**
 * The sentences written for training (identity.ts, vocabulary.ts, threats.ts, written/implicit-derogation.jsonl):
 * never held out.
 */
export const WRITTEN_SOURCES = [
  'identity-templates',
  'insult-sentences',
  'threat-sentences',
  'implicit-sentences',
] as const;
/** The written sources of the recipes before v5. */
const FIRST_WRITTEN = ['identity-templates', 'insult-sentences', 'threat-sentences'] as const;

export interface Recipe {
  readonly name: string;
  /** Data sources trained on. */
  readonly sources: readonly string[];
  /** Written sources trained on (`WRITTEN_SOURCES`): never held out. */
  readonly written: readonly string[];
  /** Rows kept per source at most (seeded sample), e.g. the all-toxic Civil Comments set. */
  readonly cap: Readonly<Record<string, number>>;
  /**
   * Each source's share of the total weight, before normalisation. `sizeExponent` 1 means a source
   * weighs its row count (times the multiplier), 0.5 its square root, 0 the multiplier alone.
   */
  readonly multiplier: Readonly<Record<string, number>>;
  readonly sizeExponent: number;
  readonly heads: readonly Attribute[];
  readonly l2: number;
  readonly iterations: number;
  /**
   * The other heads learn from civil rows of every source as negatives: at most this many per source
   * (seeded), which keeps their training fast and their negatives from any one source few.
   */
  readonly auxCivilCap: number;
  /** How much the lexicon's TOXICITY adds to the TOXICITY margin before calibration. */
  readonly lexiconWeight: number;
  readonly features: FeatureConfig;
  /** Which pre-trained word vectors the model carries (with `features.vectors`; `word-vectors.ts`). */
  readonly vectors?: VectorOptions;
  /**
   * Each data source's rows also carry their features in a block of that source's own, scaled by this
   * (`withSourceCopies`); the model keeps the shared weights only. Unset: no copies.
   */
  readonly sourceCopies?: number;
}

/** The recipe of the weights shipped until now (toxicity-lr-v2): tweets only, each source its size. */
export const RECIPE_V2: Recipe = {
  name: 'v2 (Davidson + OLID, toxicity-lr-v2)',
  sources: ['davidson', 'olid'],
  written: FIRST_WRITTEN,
  cap: {},
  multiplier: { 'identity-templates': 3, 'insult-sentences': 3, 'threat-sentences': 2 },
  sizeExponent: 1,
  heads: ['TOXICITY'],
  l2: 1e-5,
  iterations: 250,
  auxCivilCap: 3000,
  lexiconWeight: 2,
  features: DEFAULT_FEATURES,
};

/**
 * The recipe of toxicity-lr-v3: all eight sources, each weighing the square root of its size times a
 * multiplier (so Davidson's 25k slur-collected tweets no longer outvote the news and wiki comments),
 * the all-toxic Civil Comments set capped, the civil wiki comments kept whole, and one head per
 * attribute with labels.
 */
export const RECIPE_V3: Recipe = {
  name: 'v3 (eight sources, weighted, per-attribute heads)',
  sources: DATA_SOURCES,
  written: FIRST_WRITTEN,
  cap: { toxic_spans_cc: 3000 },
  multiplier: {
    davidson: 0.6,
    olid: 1,
    wiki_context_toxicity: 1.5,
    toxic_spans_cc: 1,
    implicit_hate: 1,
    hatexplain: 1,
    surge_toxicity: 1,
    toxigen_demos: 1,
    // The written sentences keep about the share they had in v2 (6–8 % of the weight each): they are few,
    // and what teaches threats, exclusion and identity terms in civil use.
    'identity-templates': 2,
    'insult-sentences': 2,
    'threat-sentences': 2,
  },
  sizeExponent: 0.5,
  heads: ['TOXICITY', 'INSULT', 'IDENTITY_ATTACK', 'THREAT'],
  l2: 1e-5,
  iterations: 120,
  auxCivilCap: 3000,
  lexiconWeight: 2,
  features: DEFAULT_FEATURES,
};

/**
 * The recipe of toxicity-lr-v4: v3's data, weighting and heads, with the SIF-weighted mean of the comment's
 * GloVe word vectors (the 100,000 most frequent words) beside the n-grams, so words no training row used
 * still count by what they mean.
 */
export const RECIPE_V4: Recipe = {
  ...RECIPE_V3,
  name: 'v4 (v3 with pooled GloVe word vectors)',
  features: { ...DEFAULT_FEATURES, vectors: { pooling: 'mean', weight: 1 } },
  vectors: { top: 100_000, sif: 100 },
};

/**
 * v5, measured and not shipped (docs/model-log.md, "Implicit derogation"): v4 with 1,138 comments written for training
 * on implicit derogation (hate that names no trait or vermin but presumes them: sarcastic praise, "send them home",
 * likening a group to pests) and civil comments on the same topics and idioms (`written/implicit-derogation.jsonl`),
 * weighing as much as each of the other written sources. It holds more implicit derogation in written news comments
 * and ranks the data sets written by people a little worse.
 */
export const RECIPE_V5: Recipe = {
  ...RECIPE_V4,
  name: 'v5 (v4 with written implicit derogation)',
  written: WRITTEN_SOURCES,
  multiplier: { ...RECIPE_V4.multiplier, 'implicit-sentences': 2 },
};

/**
 * The recipe of toxicity-lr-v6: v4 with a second pooled block, the SIF-weighted mean of the words within three of a
 * protected group's name (`mean-near-group` in vectors.ts): what a comment says of a group, apart from the rest of
 * it. A site's adapter learns from it most where its moderators reject what is said of groups (docs/model-log.md).
 */
export const RECIPE_V6: Recipe = {
  ...RECIPE_V4,
  name: 'v6 (v4 with the words near a group pooled apart)',
  features: { ...DEFAULT_FEATURES, vectors: { pooling: 'mean-near-group', weight: 1 } },
};

/**
 * The recipe of toxicity-lr-v7: v4 with word phrases — each word trigram and each pair of words one apart, a block of
 * their own — so that "go back to", "should all be deported" or "people like that" count as phrases, not only as words
 * and pairs (docs/model-log.md, "Word phrases").
 */
export const RECIPE_V7: Recipe = {
  ...RECIPE_V4,
  name: 'v7 (v4 with word phrases)',
  features: { ...RECIPE_V4.features, phrases: { weight: 1 } },
};

/**
 * The recipe of toxicity-lr-v8: v7 without the pairs of words one apart. Measured apart, the trigrams carried all
 * of v7's gain out of domain and the pairs none, at half the phrase features (docs/model-log.md, "Word trigrams
 * alone").
 */
export const RECIPE_V8: Recipe = {
  ...RECIPE_V4,
  name: 'v8 (v4 with word trigrams)',
  features: { ...RECIPE_V4.features, phrases: { weight: 1, pairs: false } },
};

/**
 * v9, measured and not shipped (docs/model-log.md, "Negation scopes (v9)"): v8 with the words in a negation's scope read
 * apart (`FeatureConfig.negation`): the three words after "not", "never", "dont" … hashed apart from the same words
 * unnegated, and their word vectors pooled in a block of their own. It lowered six leave-one-source-out folds of eight.
 */
export const RECIPE_V9: Recipe = {
  ...RECIPE_V8,
  name: 'v9 (v8 with negation scopes)',
  features: { ...RECIPE_V8.features, negation: { window: 3, weight: 1 } },
};

/** v9a, measured on two folds and not shipped: v9 without the negated words' pooled block. */
export const RECIPE_V9A: Recipe = {
  ...RECIPE_V8,
  name: 'v9a (v8 with negation scopes, no pooled block)',
  features: { ...RECIPE_V8.features, negation: { window: 3, weight: 1, vectors: false } },
};

export const RECIPES: Record<string, Recipe> = {
  v2: RECIPE_V2,
  v3: RECIPE_V3,
  v4: RECIPE_V4,
  v5: RECIPE_V5,
  v6: RECIPE_V6,
  v7: RECIPE_V7,
  v8: RECIPE_V8,
  v9: RECIPE_V9,
  v9a: RECIPE_V9A,
};

/**
 * What each model head learns from (`undefined`: the row says nothing about it and is left out).
 * A row labelled not toxic is not an insult, threat or identity attack either.
 * - TOXICITY: every source's binary label.
 * - INSULT: OLID targeted insults at an individual (subtask_b TIN, subtask_c IND) against everything else
 *   in OLID; the insult sentences; civil rows of every source.
 * - IDENTITY_ATTACK: Davidson hate speech (class 0) against offensive and neither; OLID targeted at a group
 *   (TIN + GRP); implicit_hate and toxigen_demos (both about identity groups); the identity templates;
 *   civil rows of every source.
 * - THREAT: the threat sentences only (no dataset here labels threats); civil rows of every source.
 */
export function target(attribute: Attribute, e: Example): number | undefined {
  switch (attribute) {
    case 'TOXICITY':
      return e.label;
    case 'INSULT':
      return e.insult ?? (e.label === 0 ? 0 : undefined);
    case 'IDENTITY_ATTACK':
      return e.identity ?? (e.label === 0 ? 0 : undefined);
    case 'THREAT':
      return e.threat ?? (e.label === 0 ? 0 : undefined);
    default:
      return undefined;
  }
}

/** Exact duplicates (after trimming, case-folded) counted once. */
export function dedupe(examples: Example[]): Example[] {
  const seen = new Set<string>();
  return examples.filter((e) => {
    const k = e.text.trim().toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The functional suite's cases as the model reads them: never trained on. */
export function functionalKeys(): Set<string> {
  const keys = new Set<string>();
  for (const c of FUNCTIONAL_SUITE) for (const k of c.cases) keys.add(modelText(k.text));
  return keys;
}

/** The examples without any that is a functional-suite case as the model reads it (case, spacing, punctuation aside). */
export function withoutFunctionalCases(examples: Example[]): { kept: Example[]; removed: Example[] } {
  const suite = functionalKeys();
  const kept: Example[] = [];
  const removed: Example[] = [];
  for (const e of examples) (suite.has(modelText(e.text)) ? removed : kept).push(e);
  return { kept, removed };
}

/**
 * Every data source under `dir`, deduplicated across sources, with any functional-suite case removed;
 * training says how many it removed (the suite's cases are written not to be rows of any set).
 */
export function readSources(dir: string, onRemoved?: (removed: Example[]) => void): Example[] {
  const all = [...readDavidson(dir), ...readOlid(dir), ...ADDED_SETS.flatMap((s) => readAddedSet(dir, s))];
  const { kept, removed } = withoutFunctionalCases(dedupe(all));
  onRemoved?.(removed);
  return kept;
}

/** The comments written for training on implicit derogation: 1 to hold (an identity attack), 0 to publish. */
function implicitSentences(): [text: string, label: 0 | 1][] {
  const file = fileURLToPath(new URL('./written/implicit-derogation.jsonl', import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const row = JSON.parse(l) as { text: string; label: 0 | 1 };
      return [row.text, row.label];
    });
}

/** The sentences written for training (of the given written sources), with what each says about the finer attributes. */
export function writtenSentences(sources: readonly string[] = WRITTEN_SOURCES): Example[] {
  const out: Example[] = [];
  for (const g of GROUPS) {
    for (const t of TRAIN_BENIGN_TEMPLATES) out.push({ text: fill(t, g), label: 0, source: 'identity-templates' });
    for (const t of TRAIN_TOXIC_TEMPLATES)
      out.push({ text: fill(t, g), label: 1, source: 'identity-templates', identity: 1 });
  }
  for (const [text, label] of insultSentences()) out.push({ text, label, source: 'insult-sentences', insult: label });
  for (const [text, label, kind] of threatSentences()) {
    out.push({
      text,
      label,
      source: 'threat-sentences',
      threat: kind === 'threat' ? 1 : 0,
      ...(kind === 'civil' ? { identity: 0, insult: 0 } : {}),
    });
  }
  for (const [text, label] of implicitSentences())
    out.push({ text, label, source: 'implicit-sentences', identity: label });
  return out.filter((e) => sources.includes(e.source));
}

/** A seeded sample of at most `cap` rows per capped source. */
export function applyCaps(examples: Example[], cap: Readonly<Record<string, number>>, seed: number): Example[] {
  const out: Example[] = [];
  const bySource = new Map<string, Example[]>();
  for (const e of examples) (bySource.get(e.source) ?? bySource.set(e.source, []).get(e.source)!).push(e);
  for (const [s, rows] of [...bySource.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const c = cap[s];
    out.push(...(c !== undefined && rows.length > c ? shuffle(rows, rng(seed)).slice(0, c) : rows));
  }
  return out;
}

/**
 * Per-example weights for one head: each source gets `multiplier × n^sizeExponent` of the total, split
 * evenly between its two classes when it has both (so no source's base rate becomes a feature); a
 * one-class source (Civil Comments' toxic spans) puts its half on that class. Then the two classes are
 * scaled to weigh the same overall.
 */
export function weightsFor(recipe: Recipe, rows: Example[], y: number[]): number[] {
  const n = new Map<string, number>();
  const bySource = new Map<string, number>();
  rows.forEach((e, i) => {
    n.set(`${e.source}:${y[i]}`, (n.get(`${e.source}:${y[i]}`) ?? 0) + 1);
    bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
  });
  const w = rows.map((e, i) => {
    const mass = (recipe.multiplier[e.source] ?? 1) * bySource.get(e.source)! ** recipe.sizeExponent;
    return mass / (2 * n.get(`${e.source}:${y[i]}`)!);
  });
  let pos = 0,
    neg = 0;
  w.forEach((x, i) => {
    if (y[i]! >= 0.5) pos += x;
    else neg += x;
  });
  const total = pos + neg;
  return w.map((x, i) => (y[i]! >= 0.5 ? (x * total) / (2 * pos || 1) : (x * total) / (2 * neg || 1)));
}

/** A head as trained: raw weights, bias, calibration. */
export interface FittedHead {
  attribute: Attribute;
  w: Float64Array;
  bias: number;
  calibration: { a: number; b: number; lexicon: number };
}

/**
 * Fitted heads as a weights file the worker and `model:simulate` read: the features they were trained on, the word
 * vectors when those features pool them, the default hold, and what `training` says of the run. `model:train` writes
 * the shipped model with it, and `model:eval -- --loso --save-dir` each fold's.
 */
export function weightsFile(
  heads: readonly FittedHead[],
  features: FeatureConfig,
  version: string,
  training: Record<string, unknown>,
  vectors?: WordVectors,
): Buffer {
  return encodeWeights(
    {
      format: 'newsroom-toxicity-weights',
      formatVersion: 1,
      version,
      features,
      dtype: 'int8',
      heads: heads.map((h) => ({ attribute: h.attribute, bias: h.bias, calibration: h.calibration })),
      ...(vectors ? { vectors: { words: vectors.hashes.length, dim: vectors.dim, source: VECTORS_SOURCE } } : {}),
      holdThreshold: DEFAULT_SETTINGS.thresholds.hold.TOXICITY!,
      training,
    },
    heads.map((h) => h.w),
    vectors,
  );
}

/** Rows of a featurised corpus (`all`, in the order of `corpus`) as a matrix with targets and weights. */
export function subMatrix(all: Matrix, rows: number[], y: number[], weight: number[]): Matrix {
  let nnz = 0;
  for (const r of rows) nnz += all.indptr[r + 1]! - all.indptr[r]!;
  const indptr = new Int32Array(rows.length + 1);
  const index = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  let at = 0;
  rows.forEach((r, i) => {
    const from = all.indptr[r]!,
      to = all.indptr[r + 1]!;
    index.set(all.index.subarray(from, to), at);
    value.set(all.value.subarray(from, to), at);
    at += to - from;
    indptr[i + 1] = at;
  });
  return {
    rows: rows.length,
    dim: all.dim,
    indptr,
    index,
    value,
    y: Float64Array.from(y),
    weight: Float64Array.from(weight),
  };
}

/** A corpus featurised once: the matrix of every row and the lexicon's TOXICITY of each. */
export interface Featurised {
  examples: Example[];
  matrix: Matrix;
  lexicon: Float64Array;
}

export function featurise(examples: Example[], featurizer: Featurizer): Featurised {
  const lexicon = createLexiconClassifier();
  const matrix = buildMatrix(
    examples.map((e) => e.text),
    examples.map((e) => e.label),
    examples.map(() => 1),
    featurizer,
  );
  return {
    examples,
    matrix,
    lexicon: Float64Array.from(examples, (e) => lexicon.classify(e.text).attributes.TOXICITY ?? 0),
  };
}

/**
 * Trains the recipe's heads on the rows `train` of `f`, calibrates each (Platt) on the rows `cal`.
 * Deterministic: same rows, same recipe → same weights.
 */
export function fitHeads(
  recipe: Recipe,
  f: Featurised,
  train: number[],
  cal: number[],
  log?: (s: string) => void,
): FittedHead[] {
  const heads: FittedHead[] = [];
  for (const attribute of recipe.heads) {
    const pick = (rows: number[]) => {
      const withTarget = rows.filter((r) => target(attribute, f.examples[r]!) !== undefined);
      if (attribute === 'TOXICITY') return withTarget;
      // Civil rows that say nothing of this attribute but their label: a seeded sample per source.
      const implied = new Map<string, number[]>();
      const kept: number[] = [];
      for (const r of withTarget) {
        const e = f.examples[r]!;
        const explicit = attribute === 'INSULT' ? e.insult : attribute === 'IDENTITY_ATTACK' ? e.identity : e.threat;
        if (explicit !== undefined) kept.push(r);
        else (implied.get(e.source) ?? implied.set(e.source, []).get(e.source)!).push(r);
      }
      for (const s of [...implied.keys()].sort())
        kept.push(...shuffle(implied.get(s)!, rng(rows.length)).slice(0, recipe.auxCivilCap));
      return kept.sort((a, b) => a - b);
    };
    const tr = pick(train);
    const y = tr.map((r) => target(attribute, f.examples[r]!)!);
    const m = subMatrix(
      f.matrix,
      tr,
      y,
      weightsFor(
        recipe,
        tr.map((r) => f.examples[r]!),
        y,
      ),
    );
    log?.(
      `${attribute}: ${m.rows} rows (${y.filter((v) => v === 1).length} positive), ${m.index.length} non-zeros, λ=${recipe.l2}`,
    );
    const fitted = trainLogReg(
      recipe.sourceCopies === undefined
        ? m
        : withSourceCopies(
            m,
            tr.map((r) => f.examples[r]!.source),
            recipe.sourceCopies,
          ),
      { l2: recipe.l2, iterations: recipe.iterations, log },
    );
    const w = fitted.w.subarray(0, m.dim);
    const b = fitted.b;
    const lexiconWeight = attribute === 'TOXICITY' ? recipe.lexiconWeight : 0;
    const cr = pick(cal);
    const cy = cr.map((r) => target(attribute, f.examples[r]!)!);
    const cm = subMatrix(
      f.matrix,
      cr,
      cy,
      weightsFor(
        recipe,
        cr.map((r) => f.examples[r]!),
        cy,
      ),
    );
    const z = margins(cm, w, b);
    cr.forEach((r, i) => {
      z[i]! += lexiconWeight * f.lexicon[r]!;
    });
    const calibration = { ...fitPlatt(z, cm.y, cm.weight), lexicon: lexiconWeight };
    log?.(`  calibration a=${calibration.a.toFixed(4)} b=${calibration.b.toFixed(4)}`);
    heads.push({ attribute, w: Float64Array.from(w), bias: b, calibration });
  }
  return heads;
}

/**
 * Daumé's feature augmentation ("Frustratingly easy domain adaptation", 2007): each row of a data source carries its
 * features twice, once in the shared block and once, times `weight`, in a block of its source's own. What only one
 * source's labels reward (a set's own topics, its annotators' line) can then be learned in that source's block at no
 * cost to the others, and the shared weights keep what the sources agree on, which is all a comment from a source the
 * model never saw can use. Rows of the written sentences have no block of their own. The first `m.dim` weights of a
 * model fitted on the result are the shared ones.
 */
export function withSourceCopies(m: Matrix, sources: readonly string[], weight: number): Matrix {
  const block = (s: string) => (DATA_SOURCES as readonly string[]).indexOf(s) + 1; // 0: none
  let nnz = 0;
  for (let i = 0; i < m.rows; i++) nnz += (block(sources[i]!) > 0 ? 2 : 1) * (m.indptr[i + 1]! - m.indptr[i]!);
  const indptr = new Int32Array(m.rows + 1);
  const index = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  let at = 0;
  for (let i = 0; i < m.rows; i++) {
    const from = m.indptr[i]!,
      to = m.indptr[i + 1]!;
    index.set(m.index.subarray(from, to), at);
    value.set(m.value.subarray(from, to), at);
    at += to - from;
    const k = block(sources[i]!);
    if (k > 0) {
      for (let j = from; j < to; j++, at++) {
        index[at] = k * m.dim + m.index[j]!;
        value[at] = weight * m.value[j]!;
      }
    }
    indptr[i + 1] = at;
  }
  return { ...m, dim: m.dim * (1 + DATA_SOURCES.length), indptr, index, value };
}

/** Calibrated probabilities of one fitted head on rows of `f`. */
export function scoreRows(head: FittedHead, f: Featurised, rows: number[]): number[] {
  const m = subMatrix(
    f.matrix,
    rows,
    rows.map(() => 0),
    rows.map(() => 1),
  );
  const z = margins(m, head.w, head.bias);
  return rows.map((r, i) => {
    const t = head.calibration.a * (z[i]! + head.calibration.lexicon * f.lexicon[r]!) + head.calibration.b;
    return 1 / (1 + Math.exp(-t));
  });
}
