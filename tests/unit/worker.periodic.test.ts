import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { periodicRunsSettled, startPeriodic } from '#worker/periodic.js';
import { createLogger } from '#shared/logger.js';

describe('periodic tasks', () => {
  it('when a periodic task is stopped during a run, then its run finishes, and the settled promise waits for it', async () => {
    let started = 0;
    let finished = 0;
    let release: () => void = () => undefined;
    const stop = startPeriodic({
      what: 'a test sweep',
      everyMs: 5,
      logger: createLogger({ level: 'silent', service: 'test' }),
      task: async () => {
        started++;
        await new Promise<void>((r) => (release = r));
        finished++;
      },
    });
    while (started === 0) await new Promise((r) => setTimeout(r, 5));
    stop();
    let settled = false;
    const waiting = periodicRunsSettled().then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(settled, false, 'still waiting for the run');
    release();
    await waiting;
    assert.equal(finished, 1);
    // Stopped: no run after it.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(started, 1);
  });
});
