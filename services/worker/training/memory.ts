/**
 * Prints, as JSON, the process's resident memory before and after loading the shipped model and scoring some
 * comments with it (the model alone), then after scoring comments with the whole embedded scorer as a worker holds it
 * (the lexicon, the phrase readers' compiled expressions and the language check beside the model).
 *   node --no-regexp-tier-up --expose-gc --import tsx services/worker/training/memory.ts [weights file]
 * with the flag the worker runs with (docs/operations.md, "Node options"): without it the whole scorer measures 20–30
 * MB more.
 */
import { loadModel } from '#shared/scoring/model/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
const settle = () => {
  gc?.();
  gc?.();
};
settle();
const before = process.memoryUsage();
const model = process.argv[2] ? loadModel(process.argv[2]) : loadModel();
let s = 0;
for (let i = 0; i < 2000; i++)
  s += model.predict(`comment ${i}: I think the council is wrong about the budget, you idiot`).TOXICITY ?? 0;
settle();
const after = process.memoryUsage();
// Comments that reach every reader and the language identifier (the scorer compiles what it meets).
// Imported here, not above: what the scorer's modules hold is part of what is measured.
const { createEmbeddedScorer } = await import('#shared/scoring/embedded.js');
const scorer = createEmbeddedScorer(process.argv[2]);
const texts = [
  'I will kill you and burn your house down, you idiot.',
  'If you print my name again you are dead. Someone should shoot him.',
  'Immigrants are vermin and should all be deported, the (((globalists))) want it.',
  'He told her "refugees are rats", which is racist. Muslims are not terrorists.',
  'This is fucking brilliant news for the town, what a stupid policy though.',
  'Der Gemeinderat hat heute endlich den neuen Radweg an der Hauptstraße beschlossen.',
  'The council meets on Tuesday to discuss the new bus routes.',
];
for (let i = 0; i < 200; i++)
  for (const t of texts) s += (await scorer.score(`${t} ${i}`, { siteId: 'memory' })).attributes.TOXICITY ?? 0;
settle();
const whole = process.memoryUsage();
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
process.stdout.write(
  `${JSON.stringify({ rssBeforeMB: mb(before.rss), rssAfterMB: mb(after.rss), rssGrowthMB: mb(after.rss - before.rss), heapGrowthMB: mb(after.heapUsed - before.heapUsed), externalGrowthMB: mb(after.external + after.arrayBuffers - before.external - before.arrayBuffers), scorerRssGrowthMB: mb(whole.rss - before.rss), scorerHeapGrowthMB: mb(whole.heapUsed - before.heapUsed), check: s > 0 })}\n`,
);
