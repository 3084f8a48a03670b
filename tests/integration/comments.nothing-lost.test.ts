import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { QueueEvents } from 'bullmq';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';
import { postComment } from '../support/comment-flow.js';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { COMMENTS_QUEUE, commentJobId } from '#shared/queues.js';
import { createRedis, type RedisClient } from '#shared/redis.js';
import { replaceSettingsOverrides } from '#shared/db/sites.js';

/**
 * Crash safety: comments the API accepted (202) are never lost or stored twice, even when a
 * worker process is SIGKILLed with jobs in flight while readers are still posting. Real worker
 * processes, real Redis and Postgres.
 */

const N = 1500;
const POSTERS = 16;
const CONCURRENCY = 8;
const WORKER_ENV = {
  WORKER_STALLED_INTERVAL_MS: '1000',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_CONCURRENCY: String(CONCURRENCY),
  LOG_LEVEL: 'silent',
};
// Every tenth comment is held, every twenty-fifth rejected, so all three decisions are exercised.
// (No numbers in bodies: the lexicon reads some, e.g. "455", as leetspeak and holds them.)
// Numbered, so no comment is a repeat of another (the repeat rule would reject it).
const bodyOf = (i: number) =>
  `${i % 25 === 0 ? 'go home you fag' : i % 10 === 0 ? 'you are a bitch' : 'a fair point, well made'} (${i})`;
const expectedStatus = (i: number) => (i % 25 === 0 ? 'rejected' : i % 10 === 0 ? 'pending' : 'approved');
// Each worker process names its Postgres connections (PGAPPNAME), so the test can find them in pg_stat_activity.
const appName = (worker: string) => `nothing-lost-${worker}`;

describe('nothing lost when a worker process dies', () => {
  let env: TestEnv;
  let api: TestApi;
  let server: http.Server;
  let events: QueueEvents;
  let eventsRedis: RedisClient;
  let site: BuiltSite;
  let stopPosting = false;
  let postLock: pg.PoolClient | undefined;
  const workers: WorkerProcess[] = [];

  before(async () => {
    // One reader posts 1,500 comments: rate limits would refuse most of them.
    env = await createTestEnv({ RATE_LIMITS: 'off' });
    api = await startTestApi(env);
    server = http.createServer(api.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    eventsRedis = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
    events = new QueueEvents(COMMENTS_QUEUE, {
      connection: eventsRedis,
      prefix: env.config.QUEUE_PREFIX,
    });
    events.on('error', () => undefined);
    await events.waitUntilReady();
    site = await buildSite(env.db);
    // The reader-history rule would hold some clean comments depending on which rejected ones were
    // stored first (jobs run concurrently); this test is about crash safety, so it is off here.
    await replaceSettingsOverrides(env.db, site.siteId, { history: { rejectRate: 1 } }, 1);
  });

  after(async () => {
    stopPosting = true;
    if (postLock) {
      await postLock.query('ROLLBACK').catch(() => undefined);
      postLock.release();
    }
    // Every child goes, whatever happened: SIGKILL at once, they hold nothing we need.
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await events?.close();
    await eventsRedis?.quit().catch(() => undefined);
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await api?.close();
    await env?.close();
  });

  it('when one of two worker processes is SIGKILLed while comments are being posted and a new one starts, then every accepted comment is stored exactly once with its decision', {
    timeout: 90_000,
  }, async (t) => {
    const postId = await buildPost(env.db, site.siteId);
    const { accessToken } = await signInReader(api.app, site);
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stored = async () =>
      (await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE post_id = $1', [postId]))
        .rows[0]!.n;
    let stalled = 0;
    events.on('stalled', () => {
      stalled++;
    });

    // 1. Two worker processes are up before the first comment arrives.
    const a = spawnWorkerProcess(env, 'A', { ...WORKER_ENV, PGAPPNAME: appName('A') });
    const b = spawnWorkerProcess(env, 'B', { ...WORKER_ENV, PGAPPNAME: appName('B') });
    workers.push(a, b);
    await waitFor(async () => (await env.queue.getWorkersCount()) >= 2, {
      timeoutMs: 60_000,
      what: 'workers A and B to connect',
    });

    // 2. Readers post N comments through the API, 16 at a time, while the workers drain the queue.
    const ids: string[] = new Array(N);
    const statusOfId = new Map<string, string>();
    let accepted = 0;
    let next = 0;
    const posting = Promise.all(
      Array.from({ length: POSTERS }, async () => {
        for (let i = next++; i < N && !stopPosting; i = next++) {
          ids[i] = await postComment(target, { siteId: site.siteId, postId, token: accessToken, body: bodyOf(i) });
          statusOfId.set(ids[i]!, expectedStatus(i));
          accepted++;
        }
      }),
    );
    // Settled here so a failing POST is reported by `await postingSettled`, not as an unhandled rejection.
    let postingDone = false;
    const postingSettled = posting
      .then(
        () => null,
        (err: unknown) => err,
      )
      .finally(() => {
        postingDone = true;
      });

    // 3. Mid-run, A must die with jobs in flight. The workers keep up with the posters, so at a random
    //    instant A may hold nothing; a transaction that locks the post row (as a long admin edit of the
    //    post would) makes every insert wait for a moment, so both workers fill all their slots.
    await waitFor(() => accepted >= N * 0.2 || postingDone, {
      timeoutMs: 20_000,
      intervalMs: 10,
      what: '20% of the comments to be accepted',
    });
    if (postingDone) assert.equal(await postingSettled, null, 'posting failed before the kill');
    const storedBeforeLock = await stored();
    postLock = await env.db.connect();
    await postLock.query('BEGIN');
    await postLock.query('SELECT 1 FROM posts WHERE site_id = $1 AND id = $2 FOR UPDATE', [site.siteId, postId]);
    const waitingInsertsOf = async (w: WorkerProcess) =>
      (
        await env.db.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' ORDER BY pid`,
          [appName(w.name)],
        )
      ).rows.map((r) => r.pid);
    // Each worker runs at most CONCURRENCY jobs, so 2 × CONCURRENCY active means A holds CONCURRENCY of them.
    await waitFor(
      async () => (await env.queue.getActiveCount()) >= 2 * CONCURRENCY && (await waitingInsertsOf(a)).length >= 1,
      {
        timeoutMs: 10_000,
        intervalMs: 10,
        what: `both workers to hold ${CONCURRENCY} jobs each, A's waiting to insert`,
      },
    );
    // A second batch of A's waits too when its first took fewer than all its jobs (then one is cut and one is not);
    // when the first took them all, there is one, and it is cut.
    await waitFor(async () => (await waitingInsertsOf(a)).length >= 2, { timeoutMs: 2_000, intervalMs: 10 }).catch(
      () => undefined,
    );
    a.child.kill('SIGKILL');
    const killed = await a.exited;
    const acceptedAtKill = accepted;
    const storedAtKill = await stored();
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(storedBeforeLock > 0, 'the workers were storing comments before the kill');
    assert.ok(
      acceptedAtKill < N,
      `the kill must land while readers are still posting (${acceptedAtKill}/${N} accepted when A died)`,
    );
    assert.ok(
      storedAtKill < acceptedAtKill,
      `the kill must land with accepted comments not yet stored (${storedAtKill}/${acceptedAtKill})`,
    );
    // A's inserts are still queued in Postgres behind the lock. Half of them die with A's connections
    // (never stored); the others commit once the lock goes, though A never hears of it. Its jobs are
    // recovered either way: the first kind must be stored now, the second must not be stored twice.
    const orphans = await waitingInsertsOf(a);
    const cut = orphans.slice(0, Math.ceil(orphans.length / 2));
    await env.db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS t(pid)', [cut]);
    await waitFor(async () => (await waitingInsertsOf(a)).every((pid) => !cut.includes(pid)), {
      what: "A's cut connections to close",
    });
    await postLock.query('COMMIT');
    postLock.release();
    postLock = undefined;

    // 4. A replacement starts; B and C recover A's in-flight jobs once their locks lapse.
    const c = spawnWorkerProcess(env, 'C', { ...WORKER_ENV, PGAPPNAME: appName('C') });
    workers.push(c);
    const postingError = await postingSettled;
    assert.equal(postingError, null, `posting failed: ${String(postingError)}`);
    assert.equal(accepted, N);
    assert.equal(new Set(ids).size, N, 'the API gave every comment its own id');
    await waitFor(async () => (await stored()) >= N, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `all ${N} comments to be stored`,
    });
    const counts = await waitFor(
      async () => {
        const jc = await env.queue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed', 'prioritized');
        return jc.completed! + jc.failed! >= N && jc.active === 0 ? jc : null;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'every job to finish' },
    );

    // 5. Exactly once, none missing, each decided as its body deserves.
    const total = (
      await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE post_id = $1', [postId])
    ).rows[0]!.n;
    assert.equal(total, N, 'count(*)');
    const missing = (
      await env.db.query<{ id: string }>(
        'SELECT a.id FROM unnest($1::uuid[]) AS a(id) LEFT JOIN comments c ON c.id = a.id WHERE c.id IS NULL',
        [ids],
      )
    ).rows;
    assert.deepEqual(
      missing.map((r) => r.id),
      [],
      'accepted ids missing from Postgres',
    );
    const strangers = (
      await env.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM comments WHERE post_id = $1 AND NOT (id = ANY($2::uuid[]))',
        [postId, ids],
      )
    ).rows[0]!.n;
    assert.equal(strangers, 0, 'rows that the API never accepted');

    const rows = (
      await env.db.query<{ id: string; status: string; decided_at: Date | null }>(
        'SELECT id, status, decided_at FROM comments WHERE post_id = $1',
        [postId],
      )
    ).rows;
    const wrong = rows.filter(
      (r) =>
        !['approved', 'pending', 'rejected'].includes(r.status) || !r.decided_at || r.status !== statusOfId.get(r.id),
    );
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} rows without the decision their body deserves`);
    const approved = rows.filter((r) => r.status === 'approved').length;
    const counter = (
      await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
        site.siteId,
        postId,
      ])
    ).rows[0]!.n;
    assert.equal(counter, approved, 'post.comment_count counts each approved comment once');

    // Read from the jobs themselves: the events stream is trimmed and may drop events under load.
    assert.equal(counts.failed, 0, 'no job ended in the failed set');
    assert.equal(counts.completed, N);
    const completedJobs = await env.queue.getJobs(['completed'], 0, N);
    assert.deepEqual(
      completedJobs.map((j) => j.id).sort(),
      ids.map(commentJobId).sort(),
      'one completed job per accepted comment, under its own job id',
    );
    const storedStatus = new Map(rows.map((r) => [r.id, r.status]));
    const recovered = completedJobs.filter((j) => j.stalledCounter > 0);
    // A run that finds the row already stored is only possible for a job that ran twice (recovered from A).
    const foundStored = completedJobs.filter((j) => j.returnvalue?.duplicate === true);
    const unexplained = foundStored.filter((j) => j.stalledCounter === 0).map((j) => j.id);
    assert.deepEqual(unexplained, [], 'jobs that ran once yet found their comment already stored');
    const disagreeing = completedJobs
      .filter((j) => j.returnvalue?.status !== storedStatus.get(j.data.commentId))
      .map((j) => j.id);
    assert.deepEqual(disagreeing.slice(0, 5), [], `${disagreeing.length} jobs whose result is not the stored decision`);
    const storedAfresh = recovered.filter((j) => j.returnvalue?.duplicate === false);
    t.diagnostic(
      `${acceptedAtKill}/${N} accepted and ${storedAtKill} stored when worker A was killed with ${orphans.length} inserts waiting ` +
        `(${cut.length} cut); ${recovered.length} jobs recovered from it: ${storedAfresh.length} stored by B or C, ${foundStored.length} already ` +
        `stored by A's last inserts (${stalled} stalled events seen)`,
    );
    assert.ok(recovered.length > 0, 'the killed worker had jobs in flight that were recovered as stalled');
    assert.ok(
      recovered.length <= CONCURRENCY,
      `at most A's ${CONCURRENCY} in-flight jobs were recovered, got ${recovered.length}`,
    );
    assert.ok(
      storedAfresh.length >= cut.length,
      `the ${cut.length} jobs whose inserts died with A were stored after recovery (${storedAfresh.length})`,
    );
    // Postgres finishes an orphaned statement unless it polls for dead clients (client_connection_check_interval).
    const pollsClients =
      (await env.db.query<{ v: string }>("SELECT current_setting('client_connection_check_interval') AS v")).rows[0]!
        .v !== '0';
    if (!pollsClients)
      assert.ok(
        foundStored.length >= orphans.length - cut.length,
        `A's ${orphans.length - cut.length} surviving inserts were found stored by the recovered jobs (${foundStored.length})`,
      );
    for (const w of [b, c]) assert.equal(w.child.exitCode, null, `worker ${w.name} is still running: ${w.stderr()}`);
  });
});
