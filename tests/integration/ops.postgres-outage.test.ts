import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader } from '../support/builders.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait-for.js';
import { createPool } from '#shared/db/pool.js';
import { createRedis } from '#shared/redis.js';
import { createCommentWorker } from '#worker/comments/worker.js';
import { createWorkerMetrics } from '#worker/metrics.js';
import { createEmbeddedScorer } from '#shared/scoring/embedded.js';
import { commentJobId } from '#shared/queues.js';

let env: TestEnv;
let api: TestApi;

before(async () => {
  // Three attempts: the outage below outlasts them, as a long one outlasts the default thirty.
  env = await createTestEnv({
    RATE_LIMITS: 'off',
    JOB_BACKOFF_MS: '100',
    JOB_BACKOFF_MAX_MS: '300',
    JOB_ATTEMPTS: '3',
  });
  api = await startTestApi(env);
});
after(async () => {
  await api.close();
  await env.close();
});

describe('Postgres outage', () => {
  it('when the worker cannot reach Postgres for longer than its jobs’ attempts last, then they wait for it without spending them and all land once it is back', async () => {
    const site = await buildSite(env.db);
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);

    const pgUrl = new URL(env.config.DATABASE_URL);
    const proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    pgUrl.host = `127.0.0.1:${proxy.port}`;
    const workerDb = createPool({ url: pgUrl.toString(), max: 4, onError: () => undefined });
    const connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
    const metrics = createWorkerMetrics();
    proxy.cut();
    const worker = createCommentWorker(
      {
        config: env.config,
        db: workerDb,
        redis: env.redis,
        logger: env.logger,
        metrics,
        scorers: { embedded: createEmbeddedScorer() },
        shadowScorers: { embedded: createEmbeddedScorer() },
      },
      connection,
    );

    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ body: `during the outage ${i}` });
      assert.equal(res.status, 202);
      ids.push(res.body.id);
    }
    // Every job has been started more often than it has attempts, and none has failed.
    await waitFor(
      async () => {
        const jobs = await Promise.all(ids.map((id) => env.queue.getJob(commentJobId(id))));
        return jobs.every((j) => j !== undefined && j.attemptsStarted > 3);
      },
      { what: 'every job tried more often than its attempts while Postgres is unreachable', timeoutMs: 30_000 },
    );
    assert.equal(await env.queue.getFailedCount(), 0);
    assert.ok(((await metrics.jobs.get()).values.find((v) => v.labels.outcome === 'deferred')?.value ?? 0) >= 80);
    const stored = await env.db.query('SELECT count(*)::int AS n FROM comments WHERE id = ANY($1)', [ids]);
    assert.equal(stored.rows[0].n, 0);

    proxy.restore();
    await waitFor(
      async () => {
        const r = await env.db.query('SELECT count(*)::int AS n FROM comments WHERE id = ANY($1)', [ids]);
        return r.rows[0].n === ids.length;
      },
      { what: 'every comment stored after recovery', timeoutMs: 30_000 },
    );
    const dupes = await env.db.query(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM comments WHERE id = ANY($1)',
      [ids],
    );
    assert.deepEqual(dupes.rows[0], { n: 20, d: 20 });
    assert.equal(await env.queue.getFailedCount(), 0);

    await worker.close();
    await connection.quit();
    await workerDb.end();
    await proxy.close();
  });
});
