/**
 * Trains the embedded toxicity model and writes its weights file.
 *
 *   npm run model:train -- --data /path/to/datasets [--out services/worker/models/toxicity-v1.bin]
 *     [--train-on both|davidson|olid] [--baseline] [--export /tmp/tox] [--l2 2e-5] [--iterations 250]
 *     [--no-identity] [--no-insults] [--no-threats] [--synthetic-weight 3] [--threat-weight 2]
 *
 * Reads Davidson 2017 and OLID 2019 from --data (never from the network), makes a seeded, stratified
 * split per dataset (75% train, 10% calibration, 15% development), trains a weighted logistic
 * regression over hashed n-grams (features.ts, the same code the worker runs), calibrates it (Platt) on
 * the calibration split and writes a quantised weights file. Same data and options → same bytes.
 * --export writes JSONL files for `npm run model:eval -- --data`: the development split, and each
 * whole dataset (for cross-dataset evaluation of a model trained on the other one).
 * --baseline trains the simple reference: the same n-grams over the lexicon's normalisation only,
 * unweighted, no identity sentences, no calibration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FEATURES, createFeaturizer, type FeatureConfig } from '../src/scorers/model/features.js';
import { defaultWeightsPath, sigmoid } from '../src/scorers/model/index.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';
import { encodeWeights, type HeadHeader } from '../src/scorers/model/weights.js';
import type { Attribute } from '../src/scorers/types.js';
import { type Example, readDavidson, readOlid, stratifiedSplit } from './datasets.js';
import { createLexiconClassifier } from '../src/scorers/lexicon.js';
import { insultSentences } from './vocabulary.js';
import { threatSentences } from './threats.js';
import { GROUPS, TRAIN_BENIGN_TEMPLATES, TRAIN_TOXIC_TEMPLATES, fill } from './identity.js';
import { buildMatrix, fitPlatt, margins, trainLogReg } from './logreg.js';
import { atThreshold, recallAtPrecision, rocAuc } from './metrics.js';

const SEED = 20260101;
const VERSION = 'toxicity-lr-v2';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    'train-on': { type: 'string', default: 'both' },
    baseline: { type: 'boolean', default: false },
    export: { type: 'string' },
    l2: { type: 'string' },
    iterations: { type: 'string' },
    buckets: { type: 'string' },
    dtype: { type: 'string', default: 'int8' },
    version: { type: 'string' },
    'no-identity': { type: 'boolean', default: false },
    'no-insults': { type: 'boolean', default: false },
    'no-threats': { type: 'boolean', default: false },
    'threat-weight': { type: 'string' },
    'synthetic-weight': { type: 'string' },
    'lexicon-weight': { type: 'string' },
    'char-weight': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const log = (s: string) => {
  if (!args.quiet) process.stderr.write(`${s}\n`);
};
if (!args.data) {
  process.stderr.write(
    'usage: npm run model:train -- --data <datasets dir> [--out file] [--train-on both|davidson|olid] [--baseline] [--export dir]\n',
  );
  process.exit(2);
}
const trainOn = args['train-on']!;
if (!['both', 'davidson', 'olid'].includes(trainOn)) throw new Error('--train-on: both, davidson or olid');
const baseline = args.baseline!;
const dtype = args.dtype === 'int16' ? 'int16' : 'int8';

/** Exact duplicates (after trimming) counted once: retweets repeat texts, and a split must not hold a text on both sides. */
function dedupe(examples: Example[]): Example[] {
  const seen = new Set<string>();
  return examples.filter((e) => {
    const k = e.text.trim().toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const dataDir = resolve(args.data);
const davidson = dedupe(readDavidson(dataDir));
const olid = dedupe(readOlid(dataDir));
log(`read ${davidson.length} Davidson and ${olid.length} OLID examples`);

const [davTrain, davCal, davDev] = ((s) => [s[2]!, s[1]!, s[0]!])(stratifiedSplit(davidson, [0.15, 0.1], SEED));
const [olTrain, olCal, olDev] = ((s) => [s[2]!, s[1]!, s[0]!])(stratifiedSplit(olid, [0.15, 0.1], SEED + 1));

if (args.export) {
  const dir = resolve(args.export);
  mkdirSync(dir, { recursive: true });
  const write = (name: string, rows: Example[]) => {
    writeFileSync(
      join(dir, name),
      `${rows.map((e) => JSON.stringify({ text: e.text, label: e.label, source: e.source })).join('\n')}\n`,
    );
    log(`wrote ${join(dir, name)} (${rows.length} rows)`);
  };
  write('dev.jsonl', [...davDev!, ...olDev!]);
  write('dev-davidson.jsonl', davDev!);
  write('dev-olid.jsonl', olDev!);
  write('davidson-all.jsonl', davidson);
  write('olid-all.jsonl', olid);
}

const pick = (d: Example[], o: Example[]) => (trainOn === 'both' ? [...d, ...o] : trainOn === 'davidson' ? d : o);
let train = pick(davTrain!, olTrain!);
const cal = pick(davCal!, olCal!);
const dev = pick(davDev!, olDev!);

if (!baseline && !args['no-identity']) {
  const templates: Example[] = [];
  for (const g of GROUPS) {
    for (const t of TRAIN_BENIGN_TEMPLATES)
      templates.push({ text: fill(t, g), label: 0, source: 'identity-templates' });
    for (const t of TRAIN_TOXIC_TEMPLATES) templates.push({ text: fill(t, g), label: 1, source: 'identity-templates' });
  }
  train = [...train, ...templates];
}
if (!baseline && !args['no-insults']) {
  train = [
    ...train,
    ...insultSentences().map(([text, label]): Example => ({ text, label, source: 'insult-sentences' })),
  ];
}
if (!baseline && !args['no-threats']) {
  train = [
    ...train,
    ...threatSentences().map(([text, label]): Example => ({ text, label, source: 'threat-sentences' })),
  ];
}

/**
 * Per-example weights. The model: within each source the two classes weigh the same, and each source
 * weighs its size, so neither dataset's base rate (Davidson is 83% toxic, OLID 33%) nor its style becomes
 * a feature. The baseline: every example weighs 1.
 */
/** The sentences written for training count this many times their number (they are few, and what generalises).
 * Threats and exclusion count twice: at three times they cost 0.005 AUC on OLID's development split. */
const SOURCE_WEIGHT: Record<string, number> = {
  'identity-templates': Number(args['synthetic-weight'] ?? 3),
  'insult-sentences': Number(args['synthetic-weight'] ?? 3),
  'threat-sentences': Number(args['threat-weight'] ?? 2),
};

function weightsOf(examples: Example[]): number[] {
  if (baseline) return examples.map(() => 1);
  const n = new Map<string, number>();
  const bySource = new Map<string, number>();
  for (const e of examples) {
    n.set(`${e.source}:${e.label}`, (n.get(`${e.source}:${e.label}`) ?? 0) + 1);
    bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
  }
  return examples.map(
    (e) => ((SOURCE_WEIGHT[e.source] ?? 1) * bySource.get(e.source)!) / (2 * n.get(`${e.source}:${e.label}`)!),
  );
}

const features: FeatureConfig = {
  ...DEFAULT_FEATURES,
  buckets: args.buckets ? Number(args.buckets) : DEFAULT_FEATURES.buckets,
  charWeight: args['char-weight'] ? Number(args['char-weight']) : DEFAULT_FEATURES.charWeight,
  text: baseline ? 'lexicon' : 'model',
};
const featurizer = createFeaturizer(features);
const l2 = args.l2 ? Number(args.l2) : 1e-5;
/** How much a lexicon hit adds to the model's margin before calibration (0 for the baseline). */
const lexiconWeight = baseline ? 0 : args['lexicon-weight'] ? Number(args['lexicon-weight']) : 2;
const lexicon = createLexiconClassifier();
const lexiconScore = (text: string) => lexicon.classify(text).attributes.TOXICITY ?? 0;
const iterations = args.iterations ? Number(args.iterations) : 250;

const started = performance.now();
const matrixOf = (rows: Example[], target: (e: Example) => number) =>
  buildMatrix(
    rows.map((e) => e.text),
    rows.map(target),
    weightsOf(rows),
    featurizer,
  );

interface HeadSpec {
  attribute: Attribute;
  target: (e: Example) => number | undefined;
}
const heads: HeadSpec[] = [{ attribute: 'TOXICITY', target: (e) => e.label }];

const trained: { header: Omit<HeadHeader, 'scale'>; w: Float64Array }[] = [];
for (const head of heads) {
  const rows = train.filter((e) => head.target(e) !== undefined);
  const m = matrixOf(rows, (e) => head.target(e)!);
  log(`${head.attribute}: ${m.rows} rows, ${m.index.length} non-zeros, λ=${l2}`);
  const { w, b } = trainLogReg(m, { l2, iterations, log });
  let calibration = { a: 1, b: 0 };
  if (!baseline) {
    const calRows = cal.filter((e) => head.target(e) !== undefined);
    const cm = matrixOf(calRows, (e) => head.target(e)!);
    const z = margins(cm, w, b);
    calRows.forEach((e, i) => {
      z[i]! += lexiconWeight * lexiconScore(e.text);
    });
    calibration = fitPlatt(z, cm.y, cm.weight);
    log(`  calibration a=${calibration.a.toFixed(4)} b=${calibration.b.toFixed(4)}`);
  }
  trained.push({
    header: { attribute: head.attribute, bias: b, calibration: { ...calibration, lexicon: lexiconWeight } },
    w: Float64Array.from(w),
  });
}
const trainSeconds = (performance.now() - started) / 1000;

// Figures on the development split of what was trained on (unweighted, as the data comes).
const devM = matrixOf(dev, (e) => e.label);
const t0 = trained[0]!;
const devScores = Array.from(margins(devM, t0.w, t0.header.bias), (z, i) =>
  sigmoid(t0.header.calibration.a * (z + lexiconWeight * lexiconScore(dev[i]!.text)) + t0.header.calibration.b),
);
const devLabels = dev.map((e) => e.label);
const auc = rocAuc(devScores, devLabels);
log(`dev: n=${dev.length} AUC ${auc.toFixed(4)} (trained in ${trainSeconds.toFixed(1)} s)`);
for (const t of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
  const c = atThreshold(devScores, devLabels, t);
  log(`  ≥${t}: precision ${c.precision.toFixed(3)} recall ${c.recall.toFixed(3)} fpr ${c.fpr.toFixed(3)}`);
}
const r80 = recallAtPrecision(devScores, devLabels, 0.8);
const r90 = recallAtPrecision(devScores, devLabels, 0.9);
log(
  `  recall at precision ≥0.8: ${r80.recall.toFixed(3)} (t=${r80.threshold.toFixed(3)}), ≥0.9: ${r90.recall.toFixed(3)} (t=${r90.threshold.toFixed(3)})`,
);

/** The hold threshold the evaluation chose: the product's default (README, the model's section). */
const HOLD_THRESHOLD = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;

const out = resolve(args.out ?? defaultWeightsPath());
const version =
  args.version ?? (baseline ? 'toxicity-baseline-lr' : trainOn === 'both' ? VERSION : `${VERSION}-${trainOn}-only`);
const file = encodeWeights(
  {
    format: 'newsroom-toxicity-weights',
    formatVersion: 1,
    version,
    features,
    dtype,
    heads: trained.map((t) => t.header),
    holdThreshold: HOLD_THRESHOLD,
    training: {
      data: ['Davidson et al. 2017 (MIT)', 'OLID 2019 training set (Zampieri et al., NAACL 2019)'].filter(
        (_, i) => trainOn === 'both' || (i === 0) === (trainOn === 'davidson'),
      ),
      seed: SEED,
      split: { train: 0.75, calibration: 0.1, development: 0.15 },
      trainOn,
      baseline,
      l2,
      iterations,
      identityTemplates: !baseline && !args['no-identity'],
      insultSentences: !baseline && !args['no-insults'],
      threatSentences: !baseline && !args['no-threats'],
      lexiconWeight,
      rows: { train: train.length, calibration: cal.length, development: dev.length },
      devAuc: Math.round(auc * 10000) / 10000,
    },
  },
  trained.map((t) => t.w),
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, file);
log(`wrote ${out} (${(file.length / 1024).toFixed(0)} KiB, ${version})`);
