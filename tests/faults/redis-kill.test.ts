import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { sleep } from '../bench/procs.js';
import { finish, readyz, startReaders, withCluster } from '../support/faults/scenario.js';
import type { AppendFsync } from '../support/faults/servers.js';

/**
 * Scenario 2: Redis SIGKILLed while readers post as fast as they can, then started again on the
 * same AOF. The workers keep up with the load, so the queue is nearly empty at any instant; to
 * have the AOF carry a backlog, the queue is paused from the start of the burst until Redis is
 * back (as when every worker is restarting): the jobs accepted meanwhile exist only in Redis. Run twice, once per durability mode: `appendfsync always` (the default in
 * docker-compose.yml) must lose nothing; `everysec` is measured (its accept rate, and what the kill
 * lost) so the README can state the trade-off.
 */
const BURST_MS = 4000;
const KILL_AFTER_MS = 3000;
const BURST_READERS = 32;

async function redisKill(t: TestContext, appendfsync: AppendFsync): Promise<void> {
  await withCluster(t, { name: `redis-kill-${appendfsync}`, appendfsync }, async (cluster) => {
    const { load, siteIds } = await startReaders(cluster, [{ id: `rk-${appendfsync}`, readers: BURST_READERS }]);
    await sleep(2000);
    // As fast as 32 readers go: the accept rate of this durability mode, and many writes in flight at the kill.
    await cluster.queue().pause();
    const burstStart = Date.now();
    const burst = load.burst(BURST_MS, BURST_READERS);
    await sleep(KILL_AFTER_MS);
    const backlog = await cluster.queue().getWaitingCount();
    const killAt = Date.now();
    await cluster.redis.kill();
    const acceptRate = load.acceptedBetween(burstStart, killAt) / ((killAt - burstStart) / 1000);
    // What an OS crash (not a process kill) could take under everysec: the last second of 202s.
    const lastSecond = load.acceptedBetween(killAt - 1000, killAt);
    // /readyz tells the truth about Redis (and the outage lasts at least a second).
    const [down] = await Promise.all([readyz(cluster.apiUrl), sleep(1000)]);
    const faultEnd = Date.now();
    await cluster.redis.start();
    await cluster.queue().resume();
    let up = await readyz(cluster.apiUrl);
    while (up.status !== 200 && Date.now() < faultEnd + 15_000)
      up = await sleep(200).then(() => readyz(cluster.apiUrl));
    await burst;
    await sleep(4000);
    const { ledger } = await finish(t, cluster, load, siteIds, {
      scenario: `2. Redis SIGKILL, appendfsync ${appendfsync}`,
      faultEnd,
      acceptRate,
      allowLoss: appendfsync !== 'always',
      note: `${backlog} jobs waiting in Redis at the kill; ${lastSecond} comments acknowledged in the last second before it`,
    });
    assert.deepEqual(
      { status: down.status, postgres: down.postgres, redis: down.redis },
      { status: 503, postgres: 'ok', redis: 'unreachable' },
      '/readyz while Redis was down',
    );
    assert.equal(up.status, 200, '/readyz ready again once Redis is back');
    assert.ok(backlog >= 50, `a backlog was in Redis at the kill (${backlog})`);
    assert.ok(load.stats().retries > 0, 'clients felt the outage (and retried)');
    if (appendfsync === 'always') assert.equal(ledger.lost, 0);
    for (const w of cluster.workers()) assert.equal(w.proc.exitCode, null, `${w.name} is still running`);
    assert.equal(cluster.api().proc.exitCode, null, 'the API is still running');
  });
}

describe('fault: Redis SIGKILLed and restarted on its AOF', () => {
  it('when Redis runs with appendfsync always and is SIGKILLed under load, then no accepted comment is lost or duplicated', {
    timeout: 180_000,
  }, async (t) => {
    await redisKill(t, 'always');
  });

  it('when Redis runs with appendfsync everysec and is SIGKILLed under load, then the run completes with nothing duplicated (loss measured)', {
    timeout: 180_000,
  }, async (t) => {
    await redisKill(t, 'everysec');
  });
});
