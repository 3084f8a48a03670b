/**
 * Evaluates the embedded scorer on labelled comments.
 *
 *   npm run model:eval -- --data <file.jsonl> [--weights file] [--baseline file] [--threshold t] [--no-speed]
 *
 * --data: JSONL, one {"text": string, "label": 0 | 1} a line (1 = toxic). Prints, for the shipped
 * embedded classifier (model + lexicon), the model alone, the lexicon alone and, with --baseline, a
 * baseline weights file: ROC AUC, precision and recall at the hold threshold (the default settings'
 * TOXICITY hold unless --threshold), recall at precision ≥ 0.8 and ≥ 0.9; then the false-positive rate
 * on non-toxic sentences naming identity groups, per group; scoring speed on one core; weights size and
 * the worker's memory growth; and the embedded scorer on real comments that stand for some of the functional suite's
 * categories (`slices.ts`: questions and quotations that name a protected group), and per source when the rows name
 * more than one (`{"source": string}`, as `model:train --export` writes them). With --baseline, the speed also
 * compares the two embedded scorers in alternating rounds in this process (`speed.ts`), which is how two builds are
 * compared on a shared machine. The last line is one JSON object (auc, precision, recall, threshold, n, slices, sources, …).
 *
 *   npm run model:eval -- --loso --data ../shared/datasets [--recipe v9a|v9|v8|…|v2]   leave-one-source-out (loso.ts)
 *   npm run model:eval -- --functional [--weights file] [--no-context]        the functional suite (functional/run.ts)
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '#shared/settings.js';
import { createLexiconClassifier } from '#shared/scoring/lexicon.js';
import { createModelClassifier } from '#shared/scoring/model/classifier.js';
import { defaultWeightsPath, loadModel } from '#shared/scoring/model/index.js';
import { readJsonl } from './datasets.js';
import { EVAL_TEMPLATES, GROUPS, fill } from './identity.js';
import { atThreshold, balancedAccuracy, recallAtPrecision, rocAuc } from './metrics.js';
import { type SourceFigures, figuresRow, sliceFigures, sourceFigures } from './slices.js';
import { alternatingRounds } from './speed.js';

// Other modes: leave-one-source-out training and evaluation, and the functional suite.
if (process.argv.includes('--loso')) {
  (await import('./loso.js')).main(process.argv.slice(2));
  process.exit(0);
}
if (process.argv.includes('--functional')) {
  (await import('./functional/run.js')).main(process.argv.slice(2));
  process.exit(0);
}

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    weights: { type: 'string' },
    baseline: { type: 'string' },
    threshold: { type: 'string' },
    'no-speed': { type: 'boolean', default: false },
    sweep: { type: 'boolean', default: false },
  },
});
if (!args.data) {
  process.stderr.write(
    'usage: npm run model:eval -- --data <file.jsonl> [--weights file] [--baseline file] [--threshold t]\n',
  );
  process.exit(2);
}

const threshold = args.threshold ? Number(args.threshold) : DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
const weightsPath = args.weights ?? defaultWeightsPath();
const examples = readJsonl(args.data);
const labels = examples.map((e) => e.label);
const model = loadModel(weightsPath);
const lexicon = createLexiconClassifier();
const embedded = createModelClassifier(model, lexicon);

type Score = (text: string) => number;
const baseline = args.baseline ? loadModel(args.baseline) : undefined;
const scorers: [string, Score][] = [
  [`embedded (${model.version} + lexicon)`, (t) => embedded.classify(t).attributes.TOXICITY ?? 0],
  [`model alone (${model.version}, no lexicon)`, (t) => model.predict(t).TOXICITY ?? 0],
  ['lexicon alone (obscenity)', (t) => lexicon.classify(t).attributes.TOXICITY ?? 0],
];
if (baseline) scorers.push([`baseline (${baseline.version})`, (t) => baseline.predict(t).TOXICITY ?? 0]);

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const out = (s = '') => process.stdout.write(`${s}\n`);
const positives = labels.filter((l) => l === 1).length;
out(`data: ${args.data} — ${examples.length} comments, ${positives} toxic (${pct(positives / examples.length)})`);
out(`hold threshold: TOXICITY ≥ ${threshold}`);
out();
out('| scorer | ROC AUC | precision @t | recall @t | balanced acc. @t | recall @P≥0.8 | recall @P≥0.9 |');
out('|---|---|---|---|---|---|---|');
const results: Record<string, unknown>[] = [];
// The first scorer is the embedded one: its scores are kept for the slices below.
let embeddedScores: number[] | undefined;
for (const [name, score] of scorers) {
  const s = examples.map((e) => score(e.text));
  embeddedScores ??= s;
  const c = atThreshold(s, labels, threshold);
  const r = {
    scorer: name,
    auc: rocAuc(s, labels),
    precision: c.precision,
    recall: c.recall,
    balancedAccuracy: balancedAccuracy(s, labels, threshold),
    recallAtP80: recallAtPrecision(s, labels, 0.8).recall,
    recallAtP90: recallAtPrecision(s, labels, 0.9).recall,
  };
  results.push(r);
  out(
    `| ${name} | ${r.auc.toFixed(4)} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.balancedAccuracy.toFixed(3)} | ${r.recallAtP80.toFixed(3)} | ${r.recallAtP90.toFixed(3)} |`,
  );
}

// The embedded scorer on slices that stand for some of the functional suite's categories (slices.ts).
const slices = sliceFigures(
  examples.map((e) => e.text),
  embeddedScores!,
  labels,
  threshold,
);
out();
out('| slice (embedded scorer) | n (toxic) | ROC AUC | toxic held @t | others held @t |');
out('|---|---|---|---|---|');
for (const f of slices) out(figuresRow(`${f.id}: ${f.description}`, f));

// Per source, when the rows name more than one (the development split does): in-domain figures to set beside the
// leave-one-source-out run's.
const bySource = sourceFigures(
  examples.map((e) => e.source),
  embeddedScores!,
  labels,
  threshold,
);
if (bySource.length > 1) {
  out();
  out('| source (embedded scorer) | n (toxic) | ROC AUC | toxic held @t | others held @t |');
  out('|---|---|---|---|---|');
  for (const f of bySource) out(figuresRow(f.id, f));
}

// How the embedded scorer trades precision for recall: what the hold threshold was chosen from.
if (args.sweep) {
  const s = examples.map((e) => embedded.classify(e.text).attributes.TOXICITY ?? 0);
  out();
  out('| threshold | precision | recall | false-positive rate | F1 |');
  out('|---|---|---|---|---|');
  for (let t = 0.3; t < 0.96; t += 0.05) {
    const c = atThreshold(s, labels, Math.round(t * 100) / 100);
    out(
      `| ${c.threshold.toFixed(2)} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.fpr.toFixed(3)} | ${c.f1.toFixed(3)} |`,
    );
  }
}

// Bias check: sentences that name a group and attack nobody.
out();
const perGroup = GROUPS.map((g) => {
  const flagged = EVAL_TEMPLATES.filter((t) => (embedded.classify(fill(t, g)).attributes.TOXICITY ?? 0) >= threshold);
  return { group: g[0], fpr: flagged.length / EVAL_TEMPLATES.length, flagged: flagged.map((t) => fill(t, g)) };
});
const fprs = perGroup.map((g) => g.fpr);
const maxFpr = Math.max(...fprs);
const meanFpr = fprs.reduce((a, b) => a + b, 0) / fprs.length;
out(
  `identity templates: ${GROUPS.length} groups × ${EVAL_TEMPLATES.length} non-toxic sentences; false-positive rate at ${threshold}: ` +
    `mean ${pct(meanFpr)}, min ${pct(Math.min(...fprs))}, max ${pct(maxFpr)}; groups above 5%: ${
      perGroup
        .filter((g) => g.fpr > 0.05)
        .map((g) => `${g.group} ${pct(g.fpr)}`)
        .join(', ') || 'none'
    }`,
);
for (const g of perGroup.filter((x) => x.flagged.length > 0))
  out(`  ${g.group}: ${g.flagged.map((t) => JSON.stringify(t)).join('; ')}`);

// Speed on one core (this process is single-threaded), over the data's own texts.
let speed: Record<string, number> = {};
if (!args['no-speed']) {
  const texts = examples.map((e) => e.text);
  const rate = (f: (t: string) => unknown) => {
    for (let i = 0; i < Math.min(2000, texts.length); i++) f(texts[i]!); // warm up
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < 2000)
      for (let i = 0; i < texts.length && i < 5000; i++, n++) f(texts[(n + i) % texts.length]!);
    return Math.round(n / ((performance.now() - started) / 1000));
  };
  // Best of five rounds of one second of this process's CPU time: on a shared machine the least-disturbed
  // round is the closest to an idle core.
  const rate150Cpu = (f: (t: string) => unknown) => {
    const cut = texts.filter((t) => t.length >= 150).map((t) => t.slice(0, 150));
    for (let i = 0; i < Math.min(2000, cut.length); i++) f(cut[i]!);
    let best = 0;
    for (let round = 0; round < 5; round++) {
      const before = process.cpuUsage();
      let n = 0;
      let used = { user: 0, system: 0 };
      while (used.user + used.system < 1e6) {
        for (let i = 0; i < 500; i++, n++) f(cut[n % cut.length]!);
        used = process.cpuUsage(before);
      }
      best = Math.max(best, Math.round(n / ((used.user + used.system) / 1e6)));
    }
    return best;
  };
  const avgChars = Math.round(texts.reduce((a, t) => a + t.length, 0) / texts.length);
  // The target's yardstick: comments of exactly 150 characters (the data's longer texts, cut).
  const t150 = texts.filter((t) => t.length >= 150).map((t) => t.slice(0, 150));
  const rate150 = (f: (t: string) => unknown) => {
    const saved = texts.splice(0, texts.length, ...t150);
    try {
      return rate(f);
    } finally {
      texts.splice(0, texts.length, ...saved);
    }
  };
  speed = {
    embeddedPerSecond: rate((t) => embedded.classify(t)),
    modelPerSecond: rate((t) => model.predict(t)),
    lexiconPerSecond: rate((t) => lexicon.classify(t)),
    avgChars,
    ...(t150.length > 0
      ? { embedded150PerSecond: rate150((t) => embedded.classify(t)), comments150: t150.length }
      : {}),
  };
  out();
  out(
    `speed (one core, comments of ${avgChars} characters on average): embedded ${speed.embeddedPerSecond}/s, model alone ${speed.modelPerSecond}/s, lexicon alone ${speed.lexiconPerSecond}/s`,
  );
  if (t150.length > 0) {
    out(
      `speed (one core, ${t150.length} comments cut to 150 characters): embedded (model + lexicon) ${speed.embedded150PerSecond}/s`,
    );
    // On a shared machine wall time undercounts: comments per second of this process's own CPU time.
    speed.embedded150PerCpuSecond = rate150Cpu((t) => embedded.classify(t));
    out(
      `speed per CPU second (best of 5 one-second rounds of this process's CPU time, 150 characters): embedded ${speed.embedded150PerCpuSecond}/s`,
    );
    if (baseline) {
      const other = createModelClassifier(baseline, lexicon);
      const [mine, theirs] = alternatingRounds([(t) => embedded.classify(t), (t) => other.classify(t)], t150, 12);
      speed.againstBaselineMinMicros = mine!.minMicros;
      speed.baselineMinMicros = theirs!.minMicros;
      const fig = (r: { minMicros: number; medianMicros: number }) =>
        `best ${r.minMicros.toFixed(1)} µs, median ${r.medianMicros.toFixed(1)} µs (${Math.round(1e6 / r.minMicros)} per CPU second)`;
      out(
        `speed against the baseline (12 alternating rounds in this process over the ${t150.length} comments of 150 characters, CPU time per comment): ${model.version} ${fig(mine!)}; ${baseline.version} ${fig(theirs!)}`,
      );
    }
  }
}

const sizeBytes = statSync(weightsPath).size;
let memory: Record<string, unknown> = {};
try {
  const script = fileURLToPath(new URL('./memory.ts', import.meta.url));
  memory = JSON.parse(
    execFileSync(process.execPath, ['--no-regexp-tier-up', '--expose-gc', '--import', 'tsx', script, weightsPath], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!,
  );
} catch (err) {
  memory = { error: (err as Error).message };
}
out(
  `weights: ${weightsPath} — ${(sizeBytes / 1024).toFixed(0)} KiB; worker memory with the model loaded: +${String(memory.rssGrowthMB)} MB RSS, with the whole embedded scorer: +${String(memory.scorerRssGrowthMB)} MB RSS`,
);

const main = results[0] as {
  auc: number;
  precision: number;
  recall: number;
  recallAtP80: number;
  recallAtP90: number;
  balancedAccuracy: number;
};
out(
  JSON.stringify({
    auc: round(main.auc),
    precision: round(main.precision),
    recall: round(main.recall),
    threshold,
    n: examples.length,
    recallAtP80: round(main.recallAtP80),
    recallAtP90: round(main.recallAtP90),
    balancedAccuracy: round(main.balancedAccuracy),
    model: model.version,
    scorers: Object.fromEntries(
      results.map((r) => [
        r.scorer as string,
        {
          auc: round(r.auc as number),
          precision: round(r.precision as number),
          recall: round(r.recall as number),
          recallAtP80: round(r.recallAtP80 as number),
          recallAtP90: round(r.recallAtP90 as number),
        },
      ]),
    ),
    slices: slices.map(rounded),
    ...(bySource.length > 1 ? { sources: bySource.map(rounded) } : {}),
    identity: {
      groups: GROUPS.length,
      sentences: EVAL_TEMPLATES.length,
      maxFpr: round(maxFpr),
      meanFpr: round(meanFpr),
      over5pct: perGroup.filter((g) => g.fpr > 0.05).map((g) => g.group),
    },
    speed,
    sizeBytes,
    memory,
  }),
);

function round(x: number) {
  return Math.round(x * 10000) / 10000;
}

/** A slice's or a source's figures for the JSON line. */
function rounded(f: SourceFigures) {
  return {
    id: f.id,
    n: f.n,
    positives: f.positives,
    auc: round(f.auc),
    heldToxic: round(f.heldToxic),
    heldCivil: round(f.heldCivil),
  };
}
