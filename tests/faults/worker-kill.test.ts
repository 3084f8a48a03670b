import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../bench/procs.js';
import { waitFor } from '../support/wait-for.js';
import { finish, startReaders, withCluster } from '../support/faults/scenario.js';

/**
 * Scenario 1: while readers post, a worker process is SIGKILLed every few seconds (the two in
 * turn) and started again at once. The workers keep up with the load, so at a random instant one
 * may hold no job: before each kill the post's row is locked for a moment (as a slow admin edit
 * of the post would), so both workers' inserts wait and the one killed dies with jobs in flight,
 * its inserts already sent to Postgres: half of them are cut, the rest commit after its death.
 * Its jobs come back when their locks lapse; a living worker stores the first kind and finds the
 * second already stored — each comment once.
 */
const KILLS = 4;
const EVERY_MS = 3000;

describe('fault: worker processes SIGKILLed under load', () => {
  it('when a worker is SIGKILLed every few seconds and restarted, then every accepted comment is stored once with a decision', {
    timeout: 180_000,
  }, async (t) => {
    await withCluster(t, { name: 'worker-kill' }, async (cluster) => {
      const { load, siteIds } = await startReaders(cluster, [{ id: 'wk' }]);
      const {
        rows: [post],
      } = await cluster.db.query<{ id: string }>('SELECT id FROM posts WHERE site_id = $1', [siteIds[0]]);
      const waitingInserts = async (i: number) =>
        (
          await cluster.db.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' ORDER BY pid`,
            [`worker-${i}`],
          )
        ).rows.map((r) => r.pid);
      await sleep(3000);

      let faultEnd = 0;
      const inFlight: number[] = [];
      let cutTotal = 0;
      const restarts: Promise<void>[] = [];
      for (let k = 0; k < KILLS; k++) {
        const i = k % 2;
        const killAt = Date.now() + EVERY_MS;
        const lock = await cluster.db.connect();
        try {
          await lock.query('BEGIN');
          await lock.query('SELECT 1 FROM posts WHERE site_id = $1 AND id = $2 FOR UPDATE', [siteIds[0], post!.id]);
          await waitFor(async () => (await waitingInserts(i)).length >= 2, {
            timeoutMs: 5000,
            intervalMs: 20,
            what: `worker-${i} to have inserts waiting`,
          }).catch(() => undefined);
          await cluster.killWorker(i);
          // Its inserts still wait in Postgres. Half die with their connections (never stored: the jobs'
          // recovery must store them); the others commit once the lock goes, though no worker hears of
          // it (the recovered jobs must find them stored and not store them again).
          const orphans = await waitingInserts(i);
          const cut = orphans.slice(0, Math.ceil(orphans.length / 2));
          await cluster.db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS t(pid)', [cut]);
          await waitFor(async () => (await waitingInserts(i)).every((pid) => !cut.includes(pid)), {
            what: 'the cut connections to go',
          });
          inFlight.push(orphans.length);
          cutTotal += cut.length;
        } finally {
          await lock.query('COMMIT').catch(() => undefined);
          lock.release();
        }
        faultEnd = Date.now();
        restarts.push(cluster.startWorker(i));
        await sleep(Math.max(0, killAt - Date.now()));
      }
      await Promise.all(restarts);
      await sleep(3000);
      const { ledger } = await finish(t, cluster, load, siteIds, {
        scenario: `1. worker SIGKILL ×${KILLS}, every ${EVERY_MS / 1000} s`,
        faultEnd,
        note: `killed with ${inFlight.join('/')} inserts waiting, ${cutTotal} of them cut`,
      });
      assert.ok(
        inFlight.every((n) => n > 0),
        `every kill landed with the worker's inserts in flight (${inFlight.join(', ')})`,
      );
      assert.equal(ledger.lost, 0);
      for (const w of cluster.workers()) assert.equal(w.proc.exitCode, null, `${w.name} is still running`);
    });
  });
});
