import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../bench/procs.js';
import { finish, metricSum, readyz, startReaders, withCluster, type Readiness } from '../support/faults/scenario.js';

/**
 * Scenario 3: Postgres stops (immediate shutdown: every connection cut, crash recovery at the next
 * start) for 20 s while readers post, then starts again. The workers' jobs wait for it with
 * backoff, spending no attempt (none ends in the failed set), the API's /readyz says Postgres is unreachable for as long
 * as it is, and every accepted comment is stored once Postgres is back.
 */
const OUTAGE_MS = 20_000;

describe('fault: Postgres stopped for 20 s', () => {
  it('when Postgres is down for 20 s under load, then the workers back off, /readyz reports it, and every accepted comment is stored once', {
    timeout: 180_000,
  }, async (t) => {
    await withCluster(t, { name: 'postgres-stop' }, async (cluster) => {
      const { load, siteIds } = await startReaders(cluster, [{ id: 'pg' }]);
      await sleep(3000);
      const retryMetric = async () => {
        let n = 0;
        for (const i of [0, 1])
          for (const outcome of ['retry', 'deferred'])
            n += await metricSum(`${cluster.workerMetricsUrl(i)}/metrics`, 'jobs_processed_total', { outcome });
        return n;
      };
      const retriesBefore = await retryMetric();

      const stopAt = Date.now();
      await cluster.pg.stop();
      // Postgres has exited: a comment accepted before this may have been stored before it went, and needs no retry.
      const downAt = Date.now();
      // /readyz, every half second, for the whole outage.
      const during: Readiness[] = [];
      while (Date.now() < stopAt + OUTAGE_MS) {
        during.push(await readyz(cluster.apiUrl));
        await sleep(500);
      }
      const retriesDuring = (await retryMetric()) - retriesBefore;
      const failedDuring = await cluster.queue().getFailedCount();
      const acceptedDuring = load.acceptedBetween(downAt, Date.now());

      const faultEnd = Date.now();
      await cluster.pg.start();
      const after: Readiness[] = [];
      do {
        after.push(await readyz(cluster.apiUrl));
        if (after.at(-1)!.status !== 200) await sleep(200);
      } while (after.at(-1)!.status !== 200 && Date.now() < faultEnd + 30_000);
      const readyAgainMs = after.at(-1)!.at - faultEnd;
      await sleep(5000);

      const { ledger } = await finish(t, cluster, load, siteIds, {
        scenario: `3. Postgres stopped ${OUTAGE_MS / 1000} s`,
        faultEnd,
        note: `${acceptedDuring} accepted during the outage; ${retriesDuring} job retries or waits; /readyz 200 again after ${(readyAgainMs / 1000).toFixed(1)} s`,
      });

      // /readyz told the truth: not ready with Postgres unreachable soon after the stop, and until the start.
      const notReady = during.filter((r) => r.status === 503 && r.postgres === 'unreachable' && r.redis === 'ok');
      const firstNotReady = notReady[0];
      assert.ok(
        firstNotReady && firstNotReady.at - stopAt < 5000,
        `/readyz reported Postgres unreachable within 5 s of the stop: ${JSON.stringify(during.slice(0, 6))}`,
      );
      const lyingAfter = during.filter((r) => r.at > firstNotReady.at && r.status === 200);
      assert.deepEqual(lyingAfter, [], '/readyz said ready while Postgres was down');
      assert.equal(
        after.at(-1)!.status,
        200,
        `/readyz ready again after the start: ${JSON.stringify(after.slice(-3))}`,
      );
      assert.ok(readyAgainMs < 15_000, `/readyz ready again within 15 s (${readyAgainMs} ms)`);
      // The workers backed off and retried; nothing was dropped into the failed set.
      // Comments accepted during the outage are retried by the workers until Postgres is back; when the API
      // accepted none (the bearer check reads the account's token version from Postgres, so it answers 503
      // with Retry-After at once), the readers' clients retried instead, and nothing was lost either way.
      assert.ok(
        acceptedDuring > 0 ? retriesDuring > 0 : load.stats().serverErrors > 0,
        `during the outage either the workers retried accepted jobs or the API refused with 5xx (${acceptedDuring} accepted, ${retriesDuring} job retries)`,
      );
      assert.equal(failedDuring, 0, 'no job failed for good during the outage');
      assert.equal(ledger.lost, 0);
      for (const w of cluster.workers()) assert.equal(w.proc.exitCode, null, `${w.name} is still running`);
    });
  });
});
