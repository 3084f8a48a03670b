import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { Cluster } from 'ioredis';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { runAdmin } from '../support/processes.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestTasksWorker, startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, distinctText, signInReader, type BuiltSite } from '../support/builders.js';
import { getThread, postComment, waitForDecision, waitForVisible } from '../support/comment-flow.js';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { waitFor } from '../support/wait-for.js';
import type { Reason } from '#shared/domain.js';
import { createRedis } from '#shared/redis.js';
import { buildStaff } from '../support/staff.js';

/**
 * The API and the worker on a real three-master Redis Cluster (started here, on free ports):
 * BullMQ queues (comments, moderation tasks), rate limits, idempotency keys, the moderation memory's scripts and the
 * thread-change pub/sub, with real Postgres. The URL names one node; the rest is discovered.
 */

let cluster: TestRedisCluster;
let env: TestEnv;
let api: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let site: BuiltSite;

before(async () => {
  cluster = await startRedisCluster(3);
  env = await createTestEnv({
    REDIS_URL: cluster.url,
    RATE_LIMIT_COMMENT_USER: '3/60',
    RATE_LIMIT_COMMENT_IP: '1000/60',
  });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
});

after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
  await cluster?.stop();
});

const storedRows = async (ids: string[]) =>
  (
    await env.db.query<{ id: string; status: string; reasons: Reason[] }>(
      'SELECT id, status, reasons FROM comments WHERE id = ANY($1) ORDER BY id',
      [ids],
    )
  ).rows;

describe('on a Redis Cluster', () => {
  it('when the services connect, then they talk to a cluster of three masters, not one server', async () => {
    assert.ok(env.redis instanceof Cluster);
    assert.ok(env.queueRedis instanceof Cluster);
    await waitFor(() => (env.redis as Cluster).nodes('master').length === 3, {
      what: 'three masters discovered from one seed',
    });
  });

  it('when readers comment, then each comment goes accepted → decided → stored, and the cached thread shows it at once', async () => {
    const postId = await buildPost(env.db, site.siteId);
    // Cached empty first: the approvals must reach this API process over the cluster's pub/sub.
    assert.equal((await getThread(api.app, site.siteId, postId)).total, 0);
    const readers = await Promise.all([1, 2, 3].map((n) => signInReader(api.app, site, { name: `Reader ${n}` })));
    const ids: string[] = [];
    for (const [i, r] of readers.entries()) {
      ids.push(
        await postComment(api.app, { siteId: site.siteId, postId, token: r.accessToken, body: distinctText(i) }),
      );
    }
    for (const [i, id] of ids.entries())
      assert.equal((await waitForDecision(api.app, id, readers[i]!.accessToken)).status, 'approved');
    await waitForVisible(api.app, site.siteId, postId, ids);
    assert.deepEqual(
      (await storedRows(ids)).map((r) => r.status),
      ['approved', 'approved', 'approved'],
    );
    const count = (
      await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
        site.siteId,
        postId,
      ])
    ).rows[0]!.n;
    assert.equal(count, 3);
  });

  it('when a reader goes over the per-reader limit, then the limiter shared in the cluster answers 429', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ body: `Rate-limited remark number ${i}.` });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [202, 202, 202, 429]);
  });

  it('when an Idempotency-Key is reused, then the same id comes back, and another body is a 422', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const send = (body: string) =>
      request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .set('Idempotency-Key', 'cluster-retry-1')
        .send({ body });
    const first = await send('Sent twice over a flaky connection.');
    const second = await send('Sent twice over a flaky connection.');
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.body.id, first.body.id);
    const reused = await send('A different comment under the same key.');
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
  });

  it('when a reader repeats a text, then the repeat rule rejects the second (SET NX GET in the cluster)', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const first = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'Posting this on the cluster exactly once.',
    });
    assert.equal((await waitForDecision(api.app, first, reader.accessToken)).status, 'approved');
    const second = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'posting this on the cluster exactly once',
    });
    const decided = await waitForDecision(api.app, second, reader.accessToken);
    assert.equal(decided.status, 'rejected');
    assert.equal(decided.reason?.category, 'repeat');
  });

  it('when three accounts post near-identical text, then the campaign script holds all three as coordinated', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const readers = await Promise.all([1, 2, 3].map((n) => signInReader(api.app, site, { name: `Account ${n}` })));
    const texts = [
      'Everyone should know the councillor is a fraud and the harbour vote was rigged against us.',
      'everyone should know the councillor is a FRAUD and the harbour vote was rigged against us!',
      'Everyone should know: the councillor is a fraud, and the harbour vote was rigged against us.',
    ];
    const ids: string[] = [];
    for (let i = 0; i < 2; i++)
      ids.push(
        await postComment(api.app, { siteId: site.siteId, postId, token: readers[i]!.accessToken, body: texts[i]! }),
      );
    await waitForVisible(api.app, site.siteId, postId, ids);
    ids.push(
      await postComment(api.app, { siteId: site.siteId, postId, token: readers[2]!.accessToken, body: texts[2]! }),
    );
    assert.equal((await waitForDecision(api.app, ids[2]!, readers[2]!.accessToken)).status, 'pending');
    await waitFor(async () => (await storedRows(ids)).every((r) => r.status === 'pending'), {
      what: 'the earlier members to be held',
    });
    assert.ok((await storedRows(ids)).every((r) => r.reasons.at(-1)?.rule === 'coordinated'));
  });

  it('when a reader is banned with rejectExisting, then the moderation-tasks queue on the cluster runs the rejections', async () => {
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const postId = await buildPost(env.db, site.siteId);
    const troll = await signInReader(api.app, site, { name: 'Troll' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        await postComment(api.app, {
          siteId: site.siteId,
          postId,
          token: troll.accessToken,
          body: `Troll remark ${i}.`,
        }),
      );
    for (const id of ids) await waitForDecision(api.app, id, troll.accessToken);
    const res = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${troll.user.id}/ban`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ reason: 'persistent abuse', rejectExisting: true })
      .expect(202);
    const tasks = await startTestTasksWorker(env);
    try {
      const done = await waitFor(
        async () => {
          const t = (
            await request(api.app)
              .get(`/api/v1/sites/${site.siteId}/moderation/tasks/${res.body.task.id}`)
              .set('Authorization', `Bearer ${mod.accessToken}`)
              .expect(200)
          ).body.task;
          return t.state === 'completed' ? t : null;
        },
        { what: 'the ban task to complete' },
      );
      assert.deepEqual(done.result, { done: 3, total: 3 });
    } finally {
      await tasks.close();
    }
    assert.deepEqual(
      (await storedRows(ids)).map((r) => r.status),
      ['rejected', 'rejected', 'rejected'],
    );
  });

  it('when an operator retries failed jobs from the CLI, then it reaches the queue on the cluster', async () => {
    const cmd = await runAdmin(env.childEnv, ['jobs:retry-failed']);
    assert.equal(cmd.code, 0, cmd.stderr);
    assert.equal(typeof JSON.parse(cmd.stdout).retried, 'number');
  });

  it('when the cluster is unreachable, then a new comment gets a 503 quickly and /readyz names Redis', async () => {
    const { createApp } = await import('#api/app.js');
    const { createCommentsQueue } = await import('#shared/queues.js');
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const deadRedis = createRedis('redis+cluster://127.0.0.1:1', () => undefined);
    const deadQueueRedis = createRedis('redis+cluster://127.0.0.1:1', () => undefined);
    const deadQueue = createCommentsQueue(deadQueueRedis, env.config.QUEUE_PREFIX);
    deadQueue.on('error', () => undefined);
    try {
      const app = createApp({
        ...api.deps,
        redis: deadRedis,
        queue: deadQueue,
        limiters: { ...api.deps.limiters, enabled: false },
      });
      const started = Date.now();
      for (const headers of [{ 'Idempotency-Key': 'during-outage' }, {}]) {
        const res = await request(app)
          .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
          .set('Authorization', `Bearer ${reader.accessToken}`)
          .set(headers)
          .send({ body: 'hello' });
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'unavailable');
      }
      assert.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
      const ready = await request(app).get('/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.checks.redis, 'unreachable');
    } finally {
      await deadQueue.close().catch(() => undefined);
      deadRedis.disconnect();
      deadQueueRedis.disconnect();
    }
  });

  it("when the work is done, then every key the product wrote sits in the one slot of the prefix's hash tag", async () => {
    const slotOf = async (key: string) => Number(await cluster.nodes[0]!.call('CLUSTER', 'KEYSLOT', key));
    const slot = await slotOf(env.config.QUEUE_PREFIX);
    const keys = (await Promise.all(cluster.nodes.map((n) => n.keys(`${env.config.QUEUE_PREFIX}*`)))).flat();
    // Every kind of key the audit found: queues, rate limits, idempotency, moderation memory.
    for (const part of [
      ':comments:',
      ':moderation-tasks:',
      ':rl:',
      ':idem:',
      ':mod:repeat:',
      ':mod:band:',
      ':mod:sig:',
      ':mod:camp:',
    ]) {
      assert.ok(
        keys.some((k) => k.includes(part)),
        `a key with ${part} among ${keys.length}`,
      );
    }
    const slots = new Set(await Promise.all(keys.map(slotOf)));
    assert.deepEqual([...slots], [slot]);
    // And nothing of ours anywhere else in the cluster.
    const all = (await Promise.all(cluster.nodes.map((n) => n.keys('*')))).flat();
    assert.deepEqual(
      all.filter((k) => !k.startsWith(env.config.QUEUE_PREFIX)),
      [],
    );
  });
});
