import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exited, startService } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

/** Starts the test process, sends it SIGTERM once it is ready, and returns how it ended. */
async function shutDown(mode: string): Promise<{ code: number | string; steps: string[]; output: string }> {
  const child = startService('tests/support/shutdown-process.ts', process.env, [mode]);
  await waitFor(() => child.output().includes('ready\n'), { what: 'the process to start' });
  child.kill('SIGTERM');
  const code = await exited(child);
  const output = child.output();
  return { code, steps: [...output.matchAll(/^step (\w+)$/gm)].map((m) => m[1]!), output };
}

describe('shutdown', () => {
  it('when SIGTERM arrives, then the closers run in order and the process exits 0', async () => {
    const { code, steps, output } = await shutDown('orderly');
    assert.deepEqual(steps, ['stop', 'drain', 'close']);
    assert.equal(code, 0);
    assert.match(output, /test draining/);
    assert.match(output, /test stopped/);
  });

  it('when a closer fails, then the next ones still run and the process exits 1', async () => {
    const { code, steps, output } = await shutDown('failing');
    assert.deepEqual(steps, ['stop', 'drain', 'close']);
    assert.equal(code, 1);
    assert.match(output, /stop failed/);
  });

  it('when a closer never finishes, then the timer forces the process out with 1', { timeout: 30_000 }, async () => {
    const { code, steps, output } = await shutDown('hanging');
    assert.deepEqual(steps, ['stop', 'drain']);
    assert.equal(code, 1);
    assert.match(output, /test timed out/);
    assert.doesNotMatch(output, /test stopped/);
  });
});
