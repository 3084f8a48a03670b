/**
 * Runs the functional suite (cases.ts) through the embedded scorer and prints the pass rate per category:
 * a case passes when it is held (TOXICITY ≥ the hold threshold) exactly when its category says it should be.
 *
 *   npm run model:functional [-- --weights file] [--threshold t] [--no-context] [--show-failures] [--by-attribute]
 *   npm run model:eval -- --functional …   (the same)
 *
 * --no-context scores the text alone (how the scorer ran before it read parents and titles).
 * --by-attribute adds a table of what a site holding on each attribute alone at the threshold would hold, per
 * category (a site can hold on THREAT, INSULT or IDENTITY_ATTACK as it did with Perspective).
 * The last line is one JSON object: per category {held, pass, heldBy}, and the targets' summary.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '#shared/settings.js';
import { createLexiconClassifier } from '#shared/scoring/lexicon.js';
import { createCommentModel, HEAD_ATTRIBUTES, type HeadAttribute } from '#shared/scoring/model/comment.js';
import { defaultWeightsPath, loadModel } from '#shared/scoring/model/index.js';
import { FUNCTIONAL_SUITE, type FunctionalCategory } from './cases.js';

export interface CategoryResult {
  id: string;
  kind: string;
  hold: boolean;
  n: number;
  held: number;
  pass: number;
  /** The share of the category's cases each attribute alone scores at or above the threshold. */
  heldBy: Record<HeadAttribute, number>;
}

export function runSuite(opts: { weights?: string; threshold?: number; context?: boolean } = {}): {
  results: CategoryResult[];
  failures: Map<string, string[]>;
} {
  const threshold = opts.threshold ?? DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
  const model = createCommentModel(loadModel(opts.weights ?? defaultWeightsPath()), createLexiconClassifier());
  const failures = new Map<string, string[]>();
  const results = FUNCTIONAL_SUITE.map((c: FunctionalCategory) => {
    let held = 0;
    const heldBy = Object.fromEntries(HEAD_ATTRIBUTES.map((a) => [a, 0])) as Record<HeadAttribute, number>;
    const failed: string[] = [];
    for (const k of c.cases) {
      const input = opts.context === false ? { text: k.text } : k;
      const { attributes } = model.score(input, { features: false });
      for (const a of HEAD_ATTRIBUTES) if (attributes[a] >= threshold) heldBy[a]++;
      const p = attributes.TOXICITY;
      const h = p >= threshold;
      if (h) held++;
      if (h !== c.hold)
        failed.push(
          `${p.toFixed(2)} ${JSON.stringify(k.text)}${k.parentText ? ` ← ${JSON.stringify(k.parentText)}` : ''}${k.articleTitle ? ` [${k.articleTitle}]` : ''}`,
        );
    }
    failures.set(c.id, failed);
    const n = c.cases.length;
    for (const a of HEAD_ATTRIBUTES) heldBy[a] /= n;
    return { id: c.id, kind: c.kind, hold: c.hold, n, held: held / n, pass: (c.hold ? held : n - held) / n, heldBy };
  });
  return { results, failures };
}

export function main(argv: string[]): void {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      functional: { type: 'boolean' },
      weights: { type: 'string' },
      threshold: { type: 'string' },
      'no-context': { type: 'boolean', default: false },
      'show-failures': { type: 'boolean', default: false },
      'by-attribute': { type: 'boolean', default: false },
    },
  });
  const threshold = args.threshold ? Number(args.threshold) : DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
  const weights = args.weights ?? defaultWeightsPath();
  const { results, failures } = runSuite({ weights, threshold, context: !args['no-context'] });
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  out(
    `functional suite: ${results.length} categories, ${results.reduce((a, r) => a + r.n, 0)} cases; model ${loadModel(weights).version}; held = TOXICITY ≥ ${threshold}${args['no-context'] ? '; context ignored' : ''}`,
  );
  out();
  out('| category | kind | want | n | held | pass |');
  out('|---|---|---|---|---|---|');
  for (const r of results)
    out(`| ${r.id} | ${r.kind} | ${r.hold ? 'hold' : 'publish'} | ${r.n} | ${pct(r.held)} | ${pct(r.pass)} |`);
  const holdCats = results.filter((r) => r.hold);
  const noHold = results.filter((r) => ['identity', 'counter', 'reclaimed'].includes(r.kind));
  const summary = {
    meanPass: results.reduce((a, r) => a + r.pass, 0) / results.length,
    minPass: Math.min(...results.map((r) => r.pass)),
    holdCategoriesBelow80: holdCats.filter((r) => r.held < 0.8).map((r) => r.id),
    identityCounterReclaimedAbove10: noHold.filter((r) => r.held > 0.1).map((r) => r.id),
    categoriesBelow50: results.filter((r) => r.pass < 0.5).map((r) => r.id),
  };
  out();
  out(
    `mean pass ${pct(summary.meanPass)}, min ${pct(summary.minPass)}; hold categories below 80 % held: ${summary.holdCategoriesBelow80.join(', ') || 'none'}; ` +
      `identity/counter/reclaimed above 10 % held: ${summary.identityCounterReclaimedAbove10.join(', ') || 'none'}; below 50 % pass: ${summary.categoriesBelow50.join(', ') || 'none'}`,
  );
  if (args['by-attribute']) {
    out();
    out(`held by each attribute alone at ${threshold}:`);
    out();
    out(`| category | want | ${HEAD_ATTRIBUTES.join(' | ')} |`);
    out(`|---|---|${HEAD_ATTRIBUTES.map(() => '---|').join('')}`);
    for (const r of results)
      out(`| ${r.id} | ${r.hold ? 'hold' : 'publish'} | ${HEAD_ATTRIBUTES.map((a) => pct(r.heldBy[a])).join(' | ')} |`);
  }
  if (args['show-failures']) {
    for (const [id, f] of failures)
      if (f.length) {
        out();
        out(`${id}:`);
        for (const x of f) out(`  ${x}`);
      }
  }
  out(
    JSON.stringify({
      model: loadModel(weights).version,
      threshold,
      context: !args['no-context'],
      categories: results,
      ...summary,
    }),
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) main(process.argv.slice(2));
