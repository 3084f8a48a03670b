/**
 * A test reporter that lists, after the whole run, every test that failed: its file, its name and the first
 * lines of its error. `npm test` runs it beside the TAP reporter, so the failures of a long run are found at
 * its end instead of among thousands of TAP lines. Suites that failed because a test in them failed are left
 * out (a suite whose `before` hook failed is listed with the hook's error); a file that failed outside any test
 * (a crash, an error at import) is listed by its file, with the last lines it wrote to stderr.
 * Plain JavaScript: the test runner loads reporters before `--import tsx` applies.
 */
import path from 'node:path';

/** @param {string} text @param {number} n */
const firstLines = (text, n) =>
  text
    .split('\n')
    .slice(0, n)
    .map((l) => l.slice(0, 300))
    .join('\n#   ');

/** @param {{ message?: string, cause?: unknown } | undefined} error */
function messageOf(error) {
  const cause = error?.cause;
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'string') return cause;
  return error?.message ?? 'failed';
}

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* failureSummary(source) {
  const failures = [];
  // The last lines each file wrote to stderr: a file that fails outside any test says why only there.
  /** @type {Map<string, string[]>} */
  const stderr = new Map();
  for await (const event of source) {
    if (event.type === 'test:stderr' && event.data.file) {
      const lines = stderr.get(event.data.file) ?? [];
      lines.push(...String(event.data.message).trimEnd().split('\n'));
      stderr.set(event.data.file, lines.slice(-20));
      continue;
    }
    if (event.type !== 'test:fail') continue;
    const error = event.data.details?.error;
    // A suite that failed only because a test in it did: that test is listed. A suite whose hook failed is kept.
    if (error?.failureType === 'subtestsFailed') continue;
    const file = event.data.file ? path.relative(process.cwd(), event.data.file) : '?';
    let message = messageOf(error);
    if (event.data.file && event.data.name === event.data.file)
      message += `\n${(stderr.get(event.data.file) ?? []).join('\n')}`;
    failures.push(`# ${file} › ${event.data.name}\n#   ${firstLines(message, 24)}`);
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failed:\n${failures.join('\n')}\n`;
}
