import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { postComment } from '../support/comment-flow.js';
import { freePort, runAdmin } from '../support/processes.js';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { waitFor } from '../support/wait-for.js';
import { commentJobId } from '#shared/queues.js';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { createRedis } from '#shared/redis.js';
import { createNotificationsQueue, NOTIFICATIONS_QUEUE } from '#shared/notifications/queue.js';

/**
 * Jobs that cannot succeed are kept for an operator, not dropped, and `jobs:retry-failed` brings
 * them back; the worker process reports what it did on /metrics. (Transient failures that are
 * retried on their own are covered by postgres-outage.test.ts.)
 */

describe('failed jobs', () => {
  let env: TestEnv;
  let api: TestApi;
  let site: BuiltSite;
  let reader: { accessToken: string };
  let worker: { close(): Promise<void> } | undefined;

  before(async () => {
    env = await createTestEnv({ RATE_LIMITS: 'off' });
    api = await startTestApi(env);
    site = await buildSite(env.db);
    reader = await signInReader(api.app, site);
  });
  after(async () => {
    await worker?.close();
    await api?.close();
    await env?.close();
  });

  const rowsOf = async (id: string) =>
    (await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE id = $1', [id])).rows[0]!.n;
  const stateOf = async (id: string) => (await env.queue.getJob(commentJobId(id)))?.getState() ?? 'gone';
  const commentCount = async (postId: string) =>
    (
      await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
        site.siteId,
        postId,
      ])
    ).rows[0]?.n;

  it("when a comment's post is deleted before the worker runs, then its job is kept in the failed set and nothing is stored; once the post is back, jobs:retry-failed stores it exactly once", {
    timeout: 60_000,
  }, async () => {
    // Two accepted comments whose posts disappear while they wait in the queue (no worker yet).
    const first = await buildPost(env.db, site.siteId);
    const second = await buildPost(env.db, site.siteId);
    const firstId = await postComment(api.app, {
      siteId: site.siteId,
      postId: first,
      token: reader.accessToken,
      body: 'a fair point, well made',
    });
    const secondId = await postComment(api.app, {
      siteId: site.siteId,
      postId: second,
      token: reader.accessToken,
      body: 'another fair point, also well made',
    });
    await env.db.query('DELETE FROM posts WHERE site_id = $1 AND id = ANY($2)', [site.siteId, [first, second]]);

    worker = await startTestWorker(env);
    await waitFor(async () => (await stateOf(firstId)) === 'failed' && (await stateOf(secondId)) === 'failed', {
      what: 'both jobs to fail',
      timeoutMs: 15_000,
    });
    const failed = (await env.queue.getJob(commentJobId(firstId)))!;
    assert.match(failed.failedReason, /no longer exists/);
    // A missing post will not come back by itself: no attempts are spent on retries.
    assert.equal(failed.attemptsMade, 1, 'an unrecoverable failure is not retried');
    assert.ok(env.config.JOB_ATTEMPTS > 1);
    assert.equal(failed.data.commentId, firstId);
    assert.equal(await rowsOf(firstId), 0);
    assert.equal(await rowsOf(secondId), 0);

    // Other work goes on (jobs complete, so BullMQ trims what its retention allows): the failed ones stay.
    const alive = await buildPost(env.db, site.siteId);
    const aliveId = await postComment(api.app, {
      siteId: site.siteId,
      postId: alive,
      token: reader.accessToken,
      body: 'still here',
    });
    await waitFor(async () => (await stateOf(aliveId)) === 'completed', {
      what: 'an unrelated comment to be processed',
    });
    assert.equal(await env.queue.getFailedCount(), 2);
    assert.deepEqual((await env.queue.getFailed()).map((j) => j.data.commentId).sort(), [firstId, secondId].sort());
    // Its author can still follow it: the comment is not lost, only waiting.
    const status = await request(api.app)
      .get(`/api/v1/comments/${firstId}`)
      .set('Authorization', `Bearer ${reader.accessToken}`);
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.equal(status.body.comment.id, firstId);

    // The publisher puts the first post back; the operator retries. The second post is still gone.
    await buildPost(env.db, site.siteId, { id: first });
    const retry = await runAdmin(env.childEnv, ['jobs:retry-failed']);
    assert.equal(retry.code, 0, retry.stderr);
    assert.deepEqual(JSON.parse(retry.stdout), { retried: 2, byQueue: { comments: 2 } });
    await waitFor(async () => (await stateOf(firstId)) === 'completed', {
      what: 'the retried job to complete',
      timeoutMs: 15_000,
    });
    assert.equal(await rowsOf(firstId), 1);
    const stored = (
      await env.db.query<{ status: string; post_id: string }>('SELECT status, post_id FROM comments WHERE id = $1', [
        firstId,
      ])
    ).rows[0]!;
    assert.deepEqual(stored, { status: 'approved', post_id: first });
    assert.equal(await commentCount(first), 1);
    // A retried job that still cannot succeed goes back to the failed set, again kept.
    await waitFor(async () => (await stateOf(secondId)) === 'failed', {
      what: 'the second job to fail again',
      timeoutMs: 15_000,
    });
    assert.equal(await rowsOf(secondId), 0);

    // Retrying again touches only what failed: the stored comment is not stored twice.
    await buildPost(env.db, site.siteId, { id: second });
    const again = await runAdmin(env.childEnv, ['jobs:retry-failed']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { retried: 1, byQueue: { comments: 1 } });
    await waitFor(async () => (await stateOf(secondId)) === 'completed', {
      what: 'the second job to complete',
      timeoutMs: 15_000,
    });
    assert.equal(await rowsOf(secondId), 1);
    assert.equal(await rowsOf(firstId), 1);
    assert.equal(await commentCount(first), 1);
    assert.equal(await commentCount(second), 1);
    assert.equal(await env.queue.getFailedCount(), 0);

    const nothingLeft = await runAdmin(env.childEnv, ['jobs:retry-failed']);
    assert.equal(nothingLeft.code, 0, nothingLeft.stderr);
    assert.deepEqual(JSON.parse(nothingLeft.stdout), { retried: 0, byQueue: { comments: 0 } });
  });
});

/** The value of a Prometheus sample: `name{labels…} value`, with every given label among its labels (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map(
      [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
    );
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) {
      total += Number(m[3]);
      found = true;
    }
  }
  return found ? total : 0;
}

describe('worker process /metrics, /healthz and /readyz', () => {
  let env: TestEnv;
  let api: TestApi;
  let proc: WorkerProcess | undefined;

  before(async () => {
    env = await createTestEnv({ RATE_LIMITS: 'off' });
    api = await startTestApi(env);
  });
  after(async () => {
    if (proc) {
      await proc.stop();
    }
    await api?.close();
    await env?.close();
  });

  it("when a reader's notification failed for good, then jobs:retry-failed --queue notifications puts it back; an unknown queue is refused", async () => {
    const queue = createNotificationsQueue(env.redis, env.config.QUEUE_PREFIX);
    // Taken and failed by hand, as a worker whose mail server refused it twelve times would leave it.
    const takerRedis = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
    const taker = new Worker(NOTIFICATIONS_QUEUE, null, { connection: takerRedis, prefix: env.config.QUEUE_PREFIX });
    try {
      const notificationId = randomUUID();
      await queue.add('deliver', { kind: 'deliver', notificationId }, { jobId: `n-${notificationId}` });
      const job = (await taker.getNextJob('by-hand'))!;
      assert.equal(job.id, `n-${notificationId}`);
      await job.moveToFailed(new Error('550 mailbox unavailable'), 'by-hand');
      assert.equal(await job.getState(), 'failed');
      const retry = await runAdmin(env.childEnv, ['jobs:retry-failed', '--queue', 'notifications']);
      assert.equal(retry.code, 0, retry.stderr);
      assert.deepEqual(JSON.parse(retry.stdout), { retried: 1, byQueue: { notifications: 1 } });
      assert.equal(await (await queue.getJob(`n-${notificationId}`))!.getState(), 'waiting');
      const bogus = await runAdmin(env.childEnv, ['jobs:retry-failed', '--queue', 'everything']);
      assert.notEqual(bogus.code, 0);
      assert.match(bogus.stderr, /--queue: everything is not one of/);
    } finally {
      await queue.obliterate({ force: true });
      await taker.close();
      takerRedis.disconnect();
      await queue.close();
    }
  });

  it('when the worker process handles comments, then /healthz and /readyz answer 200 and /metrics counts them by outcome and times their moderation', {
    timeout: 60_000,
  }, async () => {
    const port = await freePort();
    proc = spawnWorkerProcess(env, 'metrics', { WORKER_METRICS_PORT: String(port), HOST: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    const health = await waitFor(async () => fetch(`${base}/healthz`).catch(() => null), {
      what: "the worker's /healthz",
      timeoutMs: 20_000,
    });
    assert.equal(health.status, 200, proc.stderr());
    assert.deepEqual(await health.json(), { status: 'ok' });
    await waitFor(async () => (await env.queue.getWorkersCount()) >= 1, { what: 'the worker to connect to the queue' });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', worker: 'running' },
      // The process runs without SMTP_URL: its readiness says so and stays ready.
      details: { mail: 'not_configured' },
    });

    const scrape = async () => {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      return res.text();
    };
    const before = await scrape();
    assert.match(before, /^# TYPE jobs_processed_total counter$/m);
    assert.match(before, /^# TYPE moderation_duration_seconds histogram$/m);
    const approvedBefore = sample(before, 'jobs_processed_total', { outcome: 'approved' });
    const pendingBefore = sample(before, 'jobs_processed_total', { outcome: 'pending' });
    const moderatedBefore = sample(before, 'moderation_duration_seconds_count');
    const secondsBefore = sample(before, 'moderation_duration_seconds_sum');

    const site = await buildSite(env.db);
    const postId = await buildPost(env.db, site.siteId);
    const { accessToken } = await signInReader(api.app, site);
    const ids = [
      await postComment(api.app, { siteId: site.siteId, postId, token: accessToken, body: 'a fair point, well made' }),
      await postComment(api.app, { siteId: site.siteId, postId, token: accessToken, body: 'another fair point' }),
      await postComment(api.app, { siteId: site.siteId, postId, token: accessToken, body: 'you are a bitch' }),
    ];
    await waitFor(
      async () => (await env.db.query('SELECT 1 FROM comments WHERE id = ANY($1)', [ids])).rowCount === ids.length,
      { what: 'the worker process to store the comments', timeoutMs: 15_000 },
    );
    const statuses = (
      await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = ANY($1) ORDER BY status', [ids])
    ).rows.map((r) => r.status);
    assert.deepEqual(statuses, ['approved', 'approved', 'pending']);

    // The counters move once the job is done, a moment after the row is committed.
    const after = await waitFor(
      async () => {
        const text = await scrape();
        return sample(text, 'jobs_processed_total', { outcome: 'approved' }) >= approvedBefore + 2 &&
          sample(text, 'jobs_processed_total', { outcome: 'pending' }) >= pendingBefore + 1
          ? text
          : null;
      },
      { what: 'jobs_processed_total to count the comments' },
    );
    assert.equal(sample(after, 'jobs_processed_total', { outcome: 'approved', service: 'worker' }), approvedBefore + 2);
    assert.equal(sample(after, 'jobs_processed_total', { outcome: 'pending' }), pendingBefore + 1);
    assert.equal(sample(after, 'jobs_processed_total', { outcome: 'failed' }), 0);
    assert.equal(sample(after, 'moderation_duration_seconds_count'), moderatedBefore + 3);
    assert.ok(sample(after, 'moderation_duration_seconds_sum') > secondsBefore, 'moderation time was recorded');
    assert.equal(sample(after, 'moderation_duration_seconds_bucket', { le: '+Inf' }), moderatedBefore + 3);

    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    assert.equal(proc.child.exitCode, null, proc.stderr());
  });
});
