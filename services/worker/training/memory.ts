/**
 * Prints, as JSON, the process's resident memory before and after loading the shipped model and
 * scoring some comments with it: the worker's memory growth due to the model.
 *   node --import tsx services/worker/training/memory.ts [weights file]
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
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
process.stdout.write(
  `${JSON.stringify({ rssBeforeMB: mb(before.rss), rssAfterMB: mb(after.rss), rssGrowthMB: mb(after.rss - before.rss), heapGrowthMB: mb(after.heapUsed - before.heapUsed), externalGrowthMB: mb(after.external + after.arrayBuffers - before.external - before.arrayBuffers), check: s > 0 })}\n`,
);
