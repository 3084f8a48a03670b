/**
 * `npm run test:faults [-- files…]`: the fault-injection suite. Runs tests/faults/*.test.ts (or the
 * files given) with Node's test runner, one file at a time (each starts its own Postgres, Redis, API
 * and two workers), then prints the table of every scenario's outcome and writes it to
 * test-artifacts/faults/table.md. Exits with the test runner's status.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, readRows, TABLE_LEGEND } from '../support/faults/table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const here = path.join(ROOT, 'tests', 'faults');
const files =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : readdirSync(here)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => path.join('tests', 'faults', f));

const outDir = path.join(ROOT, 'test-artifacts', 'faults');
mkdirSync(outDir, { recursive: true });
const results = path.join(outDir, 'results.jsonl');
rmSync(results, { force: true });

const reporters = [
  '--test-reporter=tap',
  '--test-reporter-destination=stdout',
  '--test-reporter=./tests/support/failure-summary.mjs',
  '--test-reporter-destination=stdout',
];
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporters, ...files], {
  cwd: ROOT,
  env: { ...process.env, FAULTS_RESULTS: results },
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));

const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
const rows = readRows(results).sort((a, b) => a.scenario.localeCompare(b.scenario));
const table = `${formatTable(rows)}\n\n${TABLE_LEGEND.join('\n')}\n`;
writeFileSync(path.join(outDir, 'table.md'), table);
process.stdout.write(
  `\nFault-injection suite (${rows.length} scenario runs; also in test-artifacts/faults/table.md):\n\n${table}\n`,
);
process.exit(code);
