import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../bench/procs.js';
import { finish, startReaders, withCluster } from '../support/faults/scenario.js';

/**
 * Scenario 4: the API process SIGKILLed while 32 readers post back to back (so requests are in
 * flight at every stage: before the idempotency claim, between claim and enqueue, enqueued but not
 * yet answered), then started again. Clients retry with the same Idempotency-Key until the new
 * process answers; a comment whose 202 died with the old process is answered again with its id.
 */
const BURST_MS = 5000;
const KILL_AFTER_MS = 1500;
const READERS = 32;

describe('fault: API process SIGKILLed mid-load', () => {
  it('when the API is SIGKILLed with requests in flight and restarted, then every accepted comment is stored once with a decision', {
    timeout: 180_000,
  }, async (t) => {
    await withCluster(t, { name: 'api-kill' }, async (cluster) => {
      const { load, siteIds } = await startReaders(cluster, [{ id: 'ak', readers: READERS }], 800);
      await sleep(3000);
      const burst = load.burst(BURST_MS, READERS);
      await sleep(KILL_AFTER_MS);
      const before = load.stats();
      await cluster.killApi();
      const faultEnd = Date.now();
      await cluster.startApi();
      await burst;
      await sleep(3000);
      const { ledger } = await finish(t, cluster, load, siteIds, {
        scenario: '4. API SIGKILL',
        faultEnd,
      });
      const after = load.stats();
      assert.ok(
        after.networkErrors > before.networkErrors,
        'requests in flight died with the API (clients saw network errors)',
      );
      assert.equal(ledger.lost, 0);
      assert.equal(cluster.api().proc.exitCode, null, 'the new API process is running');
    });
  });
});
