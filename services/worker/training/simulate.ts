/**
 * Replays a labelled set as a stream of moderator decisions through a per-site adapter (adapter.ts) and
 * prints ROC AUC on the rows the stream never reached, for the shared model and the adapter, after
 * 0, 100, 250, 500 and 1,000 decisions; the shadow evaluation and `shouldUse()` at each checkpoint.
 *
 *   npm run model:simulate -- --data file.jsonl [--weights file] [--runs 3] [--stream 1000] [--seed n] [--refit λ]
 *   npm run model:simulate -- --data ../shared/datasets --source olid …   (one source, read as training reads it)
 *
 * Each run shuffles the rows (seeded), takes the first `--stream` as decisions and the rest as the
 * evaluation rows, fixed for the whole run. Use weights trained without the set's source
 * (`model:train -- --exclude <source>`) to measure what a site the shared model never saw gains.
 * --refit λ adds a yardstick for the online learner: the same model (the adapter's folded features and the
 * shared logit) fitted in batch by L-BFGS on all the decisions seen so far, L2 λ; what an adapter that kept
 * every decision and refitted could reach with these features.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAdapter } from '#shared/scoring/model/adapter.js';
import { createCommentModel, type CommentScores } from '#shared/scoring/model/comment.js';
import { defaultWeightsPath, loadModel } from '#shared/scoring/model/index.js';
import { createLexiconClassifier } from '#shared/scoring/lexicon.js';
import { readJsonl, rng, shuffle } from './datasets.js';
import { rocAuc } from './metrics.js';
import { readSources } from './recipe.js';
import { refitAdapterModel } from './refit.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    weights: { type: 'string' },
    runs: { type: 'string', default: '3' },
    stream: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '7' },
    'learning-rate': { type: 'string' },
    'max-eval': { type: 'string', default: '5000' },
    refit: { type: 'string' },
    source: { type: 'string' },
  },
});
if (!args.data) {
  process.stderr.write(
    'usage: npm run model:simulate -- --data <file.jsonl | datasets dir --source name> [--weights file] [--runs n] [--stream n] [--refit λ]\n',
  );
  process.exit(2);
}
const refitL2 = args.refit === undefined ? undefined : Number(args.refit);
if (refitL2 !== undefined && !(Number.isFinite(refitL2) && refitL2 >= 0)) {
  process.stderr.write(`--refit: an L2 weight ≥ 0, not ${JSON.stringify(args.refit)}\n`);
  process.exit(2);
}
const CHECKPOINTS = [0, 100, 250, 500, 1000];
const weights = args.weights ?? defaultWeightsPath();
const model = createCommentModel(loadModel(weights), createLexiconClassifier());
const rows = args.source
  ? readSources(resolve(args.data)).filter((e) => e.source === args.source)
  : readJsonl(args.data);
if (rows.length === 0) {
  process.stderr.write(`no rows in ${args.data}${args.source ? ` for source ${args.source}` : ''}\n`);
  process.exit(2);
}
const streamN = Number(args.stream);
const runs = Number(args.runs);
const scored = rows.map((e) => ({ e, s: model.score({ text: e.text }) }));
const out = (s = '') => process.stdout.write(`${s}\n`);
out(
  `data: ${args.data}${args.source ? ` (${args.source})` : ''} — ${rows.length} rows, ${rows.filter((e) => e.label === 1).length} toxic; shared model ${loadModel(weights).version}; ${runs} runs, stream of ${streamN} decisions`,
);

type Row = { e: { label: 0 | 1 }; s: CommentScores };
const results: Record<number, { base: number[]; adapter: number[]; use: number[]; refit: number[] }> = {};
for (const c of CHECKPOINTS) results[c] = { base: [], adapter: [], use: [], refit: [] };
for (let r = 0; r < runs; r++) {
  const order = shuffle(scored, rng(Number(args.seed) + r)) as Row[];
  const stream = order.slice(0, streamN);
  const evalRows = order.slice(streamN, streamN + Number(args['max-eval']));
  const labels = evalRows.map((x) => x.e.label);
  const baseAuc = rocAuc(
    evalRows.map((x) => x.s.baseLogit),
    labels,
  );
  const adapter = createAdapter(args['learning-rate'] ? { learningRate: Number(args['learning-rate']) } : {});
  let learned = 0;
  for (const c of CHECKPOINTS) {
    while (learned < c && learned < stream.length) {
      const x = stream[learned++]!;
      adapter.learn(x.s.features, x.s.baseLogit, x.e.label);
    }
    const a = rocAuc(
      evalRows.map((x) => adapter.predict(x.s.features, x.s.baseLogit)),
      labels,
    );
    results[c]!.base.push(baseAuc);
    results[c]!.adapter.push(a);
    results[c]!.use.push(adapter.shouldUse() ? 1 : 0);
    if (refitL2 !== undefined) {
      const decisions = stream
        .slice(0, c)
        .map((x) => ({ features: x.s.features, baseLogit: x.s.baseLogit, label: x.e.label }));
      const margin = c === 0 ? null : refitAdapterModel(decisions, refitL2, adapter.options.dims);
      results[c]!.refit.push(
        rocAuc(
          evalRows.map((x) => (margin ? margin(x.s.features, x.s.baseLogit) : x.s.baseLogit)),
          labels,
        ),
      );
    }
  }
  out(
    `run ${r + 1}: ${evalRows.length} evaluation rows; adapter state after ${learned} decisions: ${(adapter.serialize().length / 1024).toFixed(0)} KiB; shadow ${JSON.stringify(adapter.shadow)}`,
  );
}
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
out();
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
const refitHead = args.refit ? ` batch refit, λ ${args.refit} (gain) |` : '';
out(`| decisions | shared model AUC | adapter AUC | gain | shouldUse() (runs) |${refitHead}`);
out(`|---|---|---|---|---|${args.refit ? '---|' : ''}`);
for (const c of CHECKPOINTS) {
  const r = results[c]!;
  const refitCell = args.refit ? ` ${mean(r.refit).toFixed(4)} (${signed(mean(r.refit) - mean(r.base))}) |` : '';
  out(
    `| ${c} | ${mean(r.base).toFixed(4)} | ${mean(r.adapter).toFixed(4)} | ${signed(mean(r.adapter) - mean(r.base))} | ${r.use.reduce((s, x) => s + x, 0)}/${runs} |${refitCell}`,
  );
}
out(
  JSON.stringify({
    data: args.data,
    ...(args.source ? { source: args.source } : {}),
    model: loadModel(weights).version,
    runs,
    checkpoints: CHECKPOINTS.map((c) => ({
      decisions: c,
      base: mean(results[c]!.base),
      adapter: mean(results[c]!.adapter),
      shouldUse: results[c]!.use,
      ...(args.refit ? { refit: mean(results[c]!.refit) } : {}),
    })),
  }),
);
