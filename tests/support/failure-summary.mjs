/**
 * A test reporter that lists, after the whole run, every test that failed: its file, its name and the first
 * lines of its error. `npm test` runs it beside the TAP reporter, so the failures of a long run are found at
 * its end instead of among thousands of TAP lines. Suites that failed because a test in them failed are left
 * out; a file that failed outside any test (a crash, an error at import) is listed by its file.
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
  for await (const event of source) {
    if (event.type !== 'test:fail' || event.data.details?.type === 'suite') continue;
    const file = event.data.file ? path.relative(process.cwd(), event.data.file) : '?';
    failures.push(`# ${file} › ${event.data.name}\n#   ${firstLines(messageOf(event.data.details?.error), 6)}`);
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failed:\n${failures.join('\n')}\n`;
}
