import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';
import { postComment } from '../support/comment-flow.js';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { COMMENTS_QUEUE } from '../../shared/src/queues.js';
import { createRedis } from '../../shared/src/redis.js';

/**
 * Crash safety: comments the API accepted (202) are never lost or stored twice, even when a
 * worker process is SIGKILLed with jobs in flight. Real worker processes, real Redis and Postgres.
 */

const N = 1500;
const WORKER_ENV = {
  WORKER_STALLED_INTERVAL_MS: '1000',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_CONCURRENCY: '8',
  LOG_LEVEL: 'silent',
};
// Every tenth comment is held, every twenty-fifth rejected, so all three decisions are exercised.
// (No numbers in bodies: the lexicon reads some, e.g. "455", as leetspeak and holds them.)
const bodyOf = (i: number) => (i % 25 === 0 ? 'go home you fag' : i % 10 === 0 ? 'you are a bitch' : 'a fair point, well made');
const expectedStatus = (i: number) => (i % 25 === 0 ? 'rejected' : i % 10 === 0 ? 'pending' : 'approved');

describe('nothing lost when a worker process dies', () => {
  let env: TestEnv;
  let api: TestApi;
  let server: http.Server;
  let events: QueueEvents;
  let eventsRedis: Redis;
  let site: BuiltSite;
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
  });

  after(async () => {
    // Every child goes, whatever happened: SIGKILL at once, they hold nothing we need.
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await events?.close();
    await eventsRedis?.quit().catch(() => undefined);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await api?.close();
    await env?.close();
  });

  it('when one of two worker processes is SIGKILLed mid-run and a new one starts, then every accepted comment is stored exactly once with its decision', { timeout: 90_000 }, async (t) => {
    const postId = await buildPost(env.db, site.siteId);
    const { accessToken } = await signInReader(api.app, site);
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // 1. Accept N comments through the API (no worker yet, so the whole batch is backlog).
    const ids: string[] = new Array(N);
    const statusOfId = new Map<string, string>();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = next++; i < N; i = next++) {
        ids[i] = await postComment(target, { siteId: site.siteId, postId, token: accessToken, body: bodyOf(i) });
        statusOfId.set(ids[i]!, expectedStatus(i));
      }
    }));
    assert.equal(new Set(ids).size, N, 'the API gave every comment its own id');

    let stalled = 0;
    events.on('stalled', () => { stalled++; });
    const stored = async () =>
      (await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE post_id = $1', [postId])).rows[0]!.n;

    // 2. Two worker processes drain the queue; one is killed once some, not all, rows are stored.
    const a = spawnWorkerProcess(env, 'A', WORKER_ENV);
    const b = spawnWorkerProcess(env, 'B', WORKER_ENV);
    workers.push(a, b);
    await waitFor(async () => (await env.queue.getWorkersCount()) >= 2 && (await stored()) >= N * 0.15, {
      timeoutMs: 20_000, intervalMs: 10, what: 'both workers to run and 15% of the comments to be stored',
    });
    a.child.kill('SIGKILL');
    const killed = await a.exited;
    const storedAtKill = await stored();
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(storedAtKill < N, `the kill must land mid-run (${storedAtKill}/${N} stored when A died)`);

    // 3. A replacement starts; B and C recover A's in-flight jobs once their locks lapse.
    const c = spawnWorkerProcess(env, 'C', WORKER_ENV);
    workers.push(c);
    await waitFor(async () => (await stored()) >= N, { timeoutMs: 40_000, intervalMs: 100, what: `all ${N} comments to be stored` });
    const counts = await waitFor(async () => {
      const jc = await env.queue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed', 'prioritized');
      return jc.completed! + jc.failed! >= N && jc.active === 0 ? jc : null;
    }, { timeoutMs: 20_000, intervalMs: 100, what: 'every job to finish' });

    // 4. Exactly once, none missing, each decided as its body deserves.
    const totals = (await env.db.query<{ n: number; distinct_ids: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids FROM comments WHERE post_id = $1', [postId])).rows[0]!;
    assert.equal(totals.n, N, 'count(*)');
    assert.equal(totals.distinct_ids, N, 'count(DISTINCT id)');
    const missing = (await env.db.query<{ id: string }>(
      'SELECT a.id FROM unnest($1::uuid[]) AS a(id) LEFT JOIN comments c ON c.id = a.id WHERE c.id IS NULL', [ids])).rows;
    assert.deepEqual(missing.map((r) => r.id), [], 'accepted ids missing from Postgres');
    const strangers = (await env.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM comments WHERE post_id = $1 AND NOT (id = ANY($2::uuid[]))', [postId, ids])).rows[0]!.n;
    assert.equal(strangers, 0, 'rows that the API never accepted');

    const rows = (await env.db.query<{ id: string; body: string; status: string; reasons: unknown; decided_at: Date | null }>(
      'SELECT id, body, status, reasons, decided_at FROM comments WHERE post_id = $1', [postId])).rows;
    const wrong = rows.filter((r) => !['approved', 'pending', 'rejected'].includes(r.status) || !r.decided_at || r.status !== statusOfId.get(r.id));
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} rows without the decision their body deserves`);
    const approved = rows.filter((r) => r.status === 'approved').length;
    const counter = (await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [site.siteId, postId])).rows[0]!.n;
    assert.equal(counter, approved, 'post.comment_count counts each approved comment once');

    // Read from the jobs themselves: the events stream is trimmed and may drop events under load.
    const completedJobs = await env.queue.getJobs(['completed'], 0, N);
    const recovered = completedJobs.filter((j) => j.stalledCounter > 0).length;
    t.diagnostic(`${storedAtKill}/${N} stored when worker A was killed; ${recovered} jobs recovered from it (${stalled} stalled events seen)`);
    assert.equal(counts.failed, 0, 'no job ended in the failed set');
    assert.equal(counts.completed, N);
    assert.ok(recovered > 0, 'the killed worker had jobs in flight that were recovered as stalled');
    for (const w of [b, c]) assert.equal(w.child.exitCode, null, `worker ${w.name} is still running: ${w.stderr()}`);
  });
});
