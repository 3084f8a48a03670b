/**
 * Replays a labelled set as a stream of moderator decisions through a per-site adapter (adapter.ts) and
 * prints ROC AUC on the rows the stream never reached, for the shared model and the adapter, after
 * 0, 100, 250, 500 and 1,000 decisions; the shadow evaluation and `shouldUse()` at each checkpoint.
 *
 *   npm run model:simulate -- --data file.jsonl [--weights file] [--runs 3] [--stream 1000] [--seed n] [--refit λ] [--dims n] [--knn K:β]
 *     [--no-group-context]
 *   npm run model:simulate -- --data ../shared/datasets --source olid …   (one source, read as training reads it)
 *
 * Each run shuffles the rows (seeded), takes the first `--stream` as decisions and the rest as the
 * evaluation rows, fixed for the whole run. Use weights trained without the set's source
 * (`model:train -- --exclude <source>`) to measure what a site the shared model never saw gains.
 * --refit λ adds a yardstick for the online learner: the same model (the adapter's folded features and the
 * shared logit) fitted in batch by L-BFGS on all the decisions seen so far, L2 λ; what an adapter that kept
 * every decision and refitted could reach with these features.
 * --dims n folds the adapter's features into n buckets (a power of two) instead of 2¹⁶.
 * --no-group-context: the adapter without the words near a group's name (as adapters saved before them learn).
 * --knn K:β adds a variant that was measured and not shipped: the adapter's logit plus β times a vote of the
 * K decisions most alike (cosine of the pooled word vectors, weighted by similarity, minus the share of
 * rejections), i.e. a memory of the site's decisions beside the linear correction.
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
    dims: { type: 'string' },
    'no-group-context': { type: 'boolean', default: false },
    knn: { type: 'string' },
    'max-eval': { type: 'string', default: '5000' },
    refit: { type: 'string' },
    source: { type: 'string' },
  },
});
if (!args.data) {
  process.stderr.write(
    'usage: npm run model:simulate -- --data <file.jsonl | datasets dir --source name> [--weights file] [--runs n] [--stream n] [--refit λ] [--dims n] [--knn K:β] [--no-group-context]\n',
  );
  process.exit(2);
}
const refitL2 = args.refit === undefined ? undefined : Number(args.refit);
if (refitL2 !== undefined && !(Number.isFinite(refitL2) && refitL2 >= 0)) {
  process.stderr.write(`--refit: an L2 weight ≥ 0, not ${JSON.stringify(args.refit)}\n`);
  process.exit(2);
}
const knn = args.knn?.split(':').map(Number);
if (knn && !(knn.length === 2 && knn[0]! >= 1 && Number.isFinite(knn[1]))) {
  process.stderr.write(`--knn: K:β, e.g. 25:2, not ${JSON.stringify(args.knn)}\n`);
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
const buckets = loadModel(weights).header.features.buckets;
/** The comment's pooled word vectors (the features past the hashed buckets), unit length. */
const pooled = (f: CommentScores['features']): Float32Array => {
  const v = new Float32Array(f.index.length);
  let n = 0;
  let norm = 0;
  for (let k = 0; k < f.index.length; k++)
    if (f.index[k]! >= buckets) {
      v[n++] = f.value[k]!;
      norm += f.value[k]! ** 2;
    }
  const out = v.slice(0, n);
  for (let k = 0; k < n; k++) out[k]! /= Math.sqrt(norm) || 1;
  return out;
};
const scored = rows.map((e) => {
  const s = model.score({ text: e.text });
  return { e, s, v: knn ? pooled(s.features) : new Float32Array(0) };
});
const out = (s = '') => process.stdout.write(`${s}\n`);
out(
  `data: ${args.data}${args.source ? ` (${args.source})` : ''} — ${rows.length} rows, ${rows.filter((e) => e.label === 1).length} toxic; shared model ${loadModel(weights).version}; ${runs} runs, stream of ${streamN} decisions`,
);

type Row = { e: { label: 0 | 1 }; s: CommentScores; v: Float32Array };
const results: Record<number, { base: number[]; adapter: number[]; use: number[]; refit: number[]; knn: number[] }> =
  {};
for (const c of CHECKPOINTS) results[c] = { base: [], adapter: [], use: [], refit: [], knn: [] };
const logit = (p: number) => Math.log(p / (1 - p));
/** The similarity-weighted share of rejections among the K decisions most alike, minus the share among all. */
const vote = (x: Row, decided: Row[], k: number): number => {
  if (decided.length === 0) return 0;
  const sims = decided.map((y) => {
    let d = 0;
    for (let j = 0; j < Math.min(x.v.length, y.v.length); j++) d += x.v[j]! * y.v[j]!;
    return { d, l: y.e.label };
  });
  sims.sort((a, b) => b.d - a.d);
  const near = sims.slice(0, k);
  const weight = near.reduce((a, z) => a + z.d, 0) || 1;
  const prior = decided.reduce((a, y) => a + y.e.label, 0) / decided.length;
  return near.reduce((a, z) => a + z.d * z.l, 0) / weight - prior;
};
for (let r = 0; r < runs; r++) {
  const order = shuffle(scored, rng(Number(args.seed) + r)) as Row[];
  const stream = order.slice(0, streamN);
  const evalRows = order.slice(streamN, streamN + Number(args['max-eval']));
  const labels = evalRows.map((x) => x.e.label);
  const baseAuc = rocAuc(
    evalRows.map((x) => x.s.baseLogit),
    labels,
  );
  const adapter = createAdapter({
    ...(args['learning-rate'] ? { learningRate: Number(args['learning-rate']) } : {}),
    ...(args.dims ? { dims: Number(args.dims) } : {}),
    groupContext: !args['no-group-context'],
  });
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
    if (knn) {
      const decided = stream.slice(0, c);
      results[c]!.knn.push(
        rocAuc(
          evalRows.map(
            (x) => logit(adapter.predict(x.s.features, x.s.baseLogit)) + knn[1]! * vote(x, decided, knn[0]!),
          ),
          labels,
        ),
      );
    }
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
const knnHead = knn ? ` adapter + ${knn[1]} × vote of ${knn[0]} (gain) |` : '';
out(`| decisions | shared model AUC | adapter AUC | gain | shouldUse() (runs) |${refitHead}${knnHead}`);
out(`|---|---|---|---|---|${args.refit ? '---|' : ''}${knn ? '---|' : ''}`);
for (const c of CHECKPOINTS) {
  const r = results[c]!;
  const refitCell = args.refit ? ` ${mean(r.refit).toFixed(4)} (${signed(mean(r.refit) - mean(r.base))}) |` : '';
  const knnCell = knn ? ` ${mean(r.knn).toFixed(4)} (${signed(mean(r.knn) - mean(r.base))}) |` : '';
  out(
    `| ${c} | ${mean(r.base).toFixed(4)} | ${mean(r.adapter).toFixed(4)} | ${signed(mean(r.adapter) - mean(r.base))} | ${r.use.reduce((s, x) => s + x, 0)}/${runs} |${refitCell}${knnCell}`,
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
      ...(knn ? { knn: mean(results[c]!.knn) } : {}),
    })),
  }),
);
