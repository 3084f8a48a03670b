import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { Worker } from 'bullmq';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { freePort } from '../support/processes.js';
import { createPool } from '#shared/db/pool.js';
import { createRedis, type RedisClient } from '#shared/redis.js';
import { COMMENTS_QUEUE } from '#shared/queues.js';
import { createReadiness } from '#worker/readiness.js';
import { createWorkerMetrics, serveMetrics } from '#worker/metrics.js';

/** The worker's /readyz, which its Kubernetes readiness probe calls: real Postgres, Redis and BullMQ. */
describe('worker readiness', () => {
  let env: TestEnv;
  let worker: Worker;
  let connection: RedisClient;
  let deadPort: number;

  before(async () => {
    env = await createTestEnv();
    connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
    worker = new Worker(COMMENTS_QUEUE, async () => undefined, { connection, prefix: env.config.QUEUE_PREFIX });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    // Nothing listens on a port we just freed: connections to it are refused at once.
    deadPort = await freePort();
  });
  after(async () => {
    await worker?.close();
    // BullMQ leaves a connection it was given open.
    await connection?.quit();
    await env?.close();
  });

  it('when Postgres and Redis answer and the worker runs, then /readyz is 200 with every check ok', async () => {
    const port = await freePort();
    const server = serveMetrics({
      metrics: createWorkerMetrics(),
      readiness: createReadiness({
        db: env.db,
        redis: env.redis,
        workers: [worker],
        stopping: () => false,
        mail: 'not_configured',
      }),
      port,
      host: '127.0.0.1',
    });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        status: 'ready',
        checks: { postgres: 'ok', redis: 'ok', worker: 'running' },
        details: { mail: 'not_configured' },
      });
    } finally {
      await close(server);
    }
  });

  it('when Postgres is unreachable, then /readyz is 503 naming it, and /healthz stays 200', async () => {
    const db = createPool({
      url: `postgres://postgres@127.0.0.1:${deadPort}/comments`,
      max: 1,
      onError: () => undefined,
    });
    const port = await freePort();
    const server = serveMetrics({
      metrics: createWorkerMetrics(),
      readiness: createReadiness({
        db,
        redis: env.redis,
        workers: [worker],
        stopping: () => false,
        mail: 'not_configured',
      }),
      port,
      host: '127.0.0.1',
    });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), {
        status: 'not_ready',
        checks: { postgres: 'unreachable', redis: 'ok', worker: 'running' },
        details: { mail: 'not_configured' },
      });
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    } finally {
      await close(server);
      await db.end();
    }
  });

  it('when Redis is unreachable, then readiness says so within its timeout', async () => {
    const redis = createRedis(`redis://127.0.0.1:${deadPort}`, () => undefined);
    try {
      const started = Date.now();
      const result = await createReadiness({
        db: env.db,
        redis,
        workers: [worker],
        stopping: () => false,
        mail: 'not_configured',
        timeoutMs: 500,
      })();
      assert.deepEqual(result, {
        ready: false,
        checks: { postgres: 'ok', redis: 'unreachable', worker: 'running' },
        details: { mail: 'not_configured' },
      });
      assert.ok(Date.now() - started < 2000, 'answered within the timeout');
    } finally {
      redis.disconnect();
    }
  });

  it('when the process is shutting down or a worker has stopped, then it is not ready', async () => {
    const stopping = await createReadiness({
      db: env.db,
      redis: env.redis,
      workers: [worker],
      stopping: () => true,
      mail: 'configured',
    })();
    assert.deepEqual(stopping, {
      ready: false,
      checks: { postgres: 'ok', redis: 'ok', worker: 'stopped' },
      details: { mail: 'configured' },
    });

    const own = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
    const closed = new Worker(COMMENTS_QUEUE, async () => undefined, {
      connection: own,
      prefix: env.config.QUEUE_PREFIX,
    });
    closed.on('error', () => undefined);
    await closed.waitUntilReady();
    await closed.close();
    await own.quit();
    const stopped = await createReadiness({
      db: env.db,
      redis: env.redis,
      workers: [worker, closed],
      stopping: () => false,
      mail: 'not_configured',
    })();
    assert.deepEqual(stopped, {
      ready: false,
      checks: { postgres: 'ok', redis: 'ok', worker: 'stopped' },
      details: { mail: 'not_configured' },
    });
  });
});

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
