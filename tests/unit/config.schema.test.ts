import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DEV_JWT_SECRET, loadConfig } from '#shared/config.js';
import { configPage } from '../support/config-page.js';
import { loadDemoConfig, withLoopbackTwin } from '#demo/config.js';
import { hashTagOf, parseRedisTarget } from '#shared/redis-url.js';

/** The configuration a developer gets (NODE_ENV=development, as `npm start` sets it). */
const dev = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'development', ...env });
const STRONG = randomBytes(32).toString('base64url');

describe('configuration', () => {
  it('when nothing is set, then defaults work for a local Postgres and Redis', () => {
    const c = dev();
    assert.equal(c.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/comments');
    assert.equal(c.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.deepEqual(c.RATE_LIMIT_COMMENT_USER, { points: 10, duration: 60 });
    assert.equal(c.RATE_LIMITS, true);
  });
  it('when values are bad, then the error names every bad key', () => {
    assert.throws(
      () => dev({ PORT: 'eighty', RATE_LIMIT_COMMENT_IP: 'lots', SCORER_MAX_DEFER_S: '-1' }),
      (err: Error) =>
        /PORT/.test(err.message) && /RATE_LIMIT_COMMENT_IP/.test(err.message) && /SCORER_MAX_DEFER_S/.test(err.message),
    );
  });
  it('when a sweep every notification relies on is set to 0 (as a sweep that may be off is), then start-up fails rather than loop', () => {
    assert.throws(() => dev({ NOTIFICATION_SWEEP_INTERVAL_MS: '0' }), /NOTIFICATION_SWEEP_INTERVAL_MS/);
    assert.equal(dev({ NOTIFICATION_SWEEP_INTERVAL_MS: '500' }).NOTIFICATION_SWEEP_INTERVAL_MS, 500);
  });

  it("when PORT and DEMO_PORT are set and the demo's URLs are not, then the demo's URLs follow the ports; set URLs win", () => {
    const moved = loadDemoConfig({ NODE_ENV: 'development', PORT: '4100', DEMO_PORT: '9190' });
    assert.equal(moved.DEMO_API_URL, 'http://localhost:4100');
    assert.equal(moved.DEMO_PUBLIC_URL, 'http://localhost:9190');
    const set = loadDemoConfig({
      NODE_ENV: 'development',
      PORT: '4100',
      DEMO_API_URL: 'https://comments.example',
      DEMO_PUBLIC_URL: 'https://news.example',
    });
    assert.equal(set.DEMO_API_URL, 'https://comments.example');
    assert.equal(set.DEMO_PUBLIC_URL, 'https://news.example');
  });
  it('when an origin is on a loopback name, then its twin on the other name goes with it; other hosts stay alone', () => {
    assert.deepEqual(withLoopbackTwin('http://localhost:8080'), ['http://localhost:8080', 'http://127.0.0.1:8080']);
    assert.deepEqual(withLoopbackTwin('http://127.0.0.1:9000'), ['http://127.0.0.1:9000', 'http://localhost:9000']);
    assert.deepEqual(withLoopbackTwin('https://news.example'), ['https://news.example']);
  });
  it('when RATE_LIMITS=off, then limits are disabled', () => {
    assert.equal(dev({ RATE_LIMITS: 'off' }).RATE_LIMITS, false);
  });
  it('when running in production with the development JWT secret, then start-up fails', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET }), /JWT_SECRET/);
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'change-me-in-production-0123456789abcdef' }),
      /JWT_SECRET/,
    );
    assert.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }), /JWT_SECRET/);
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG }).NODE_ENV, 'production');
  });
  it('when JWT_SECRET_FILE names a file, then the secret is read from it; a missing file is a clear error', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/cfg-`);
    await writeFile(`${dir}/jwt`, `${STRONG}\n`);
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET_FILE: `${dir}/jwt` }).JWT_SECRET, STRONG);
    assert.throws(() => dev({ JWT_SECRET_FILE: `${dir}/missing` }), /JWT_SECRET_FILE/);
  });
  it('when docs/configuration.md is read, then it is the generated page', async () => {
    const page = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    assert.equal(
      page,
      configPage(),
      'docs/configuration.md is stale: run `npm run docs:config > docs/configuration.md`',
    );
  });
});

describe('Redis and Postgres targets', () => {
  it('when REDIS_URL names a cluster, then its seed nodes, credentials and TLS are read', () => {
    assert.deepEqual(parseRedisTarget('redis://127.0.0.1:6379/2'), { kind: 'single', url: 'redis://127.0.0.1:6379/2' });
    assert.deepEqual(parseRedisTarget('redis+cluster://10.0.0.1:7000,redis-b,[::1]:7002'), {
      kind: 'cluster',
      tls: false,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 6379 },
        { host: '::1', port: 7002 },
      ],
    });
    assert.deepEqual(parseRedisTarget('rediss+cluster://app:s%3Acret@r1:6380'), {
      kind: 'cluster',
      tls: true,
      nodes: [{ host: 'r1', port: 6380 }],
      username: 'app',
      password: 's:cret',
    });
    assert.deepEqual(parseRedisTarget('redis+cluster://:pw@r1:6380'), {
      kind: 'cluster',
      tls: false,
      nodes: [{ host: 'r1', port: 6380 }],
      password: 'pw',
    });
  });
  it('when a cluster URL is malformed, then start-up fails naming REDIS_URL', () => {
    for (const bad of [
      'redis+cluster://',
      'redis+cluster://r1:6379/0',
      'redis+cluster://r1:99999',
      'redis+cluster://r1:6379?x=1',
      'http+cluster://r1',
    ]) {
      assert.throws(() => dev({ REDIS_URL: bad }), /REDIS_URL/, bad);
    }
  });
  it('when a cluster is used with a prefix without a hash tag, then start-up fails; with one it starts', () => {
    assert.throws(() => dev({ REDIS_URL: 'redis+cluster://r1:7000', QUEUE_PREFIX: 'comments' }), /QUEUE_PREFIX/);
    assert.throws(() => dev({ REDIS_URL: 'redis+cluster://r1:7000', QUEUE_PREFIX: 'c{}' }), /QUEUE_PREFIX/);
    assert.equal(dev({ REDIS_URL: 'redis+cluster://r1:7000' }).QUEUE_PREFIX, '{comments}');
    assert.equal(dev({ QUEUE_PREFIX: 'comments' }).QUEUE_PREFIX, 'comments', 'a single server needs no tag');
    assert.equal(hashTagOf('{comments}:mod:sig:site{x}:1'), 'comments');
    assert.equal(hashTagOf('pre}{fix}'), 'fix');
  });
  it('when nothing is set, then prepared statements and the statement timeout are on and migrations use DATABASE_URL', () => {
    const c = dev();
    assert.equal(c.DATABASE_PREPARED_STATEMENTS, true);
    assert.equal(c.DATABASE_STATEMENT_TIMEOUT_MS, 15000);
    assert.equal(c.MIGRATION_DATABASE_URL, undefined);
    const pooled = dev({
      DATABASE_PREPARED_STATEMENTS: 'false',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      MIGRATION_DATABASE_URL: 'postgres://direct/comments',
    });
    assert.equal(pooled.DATABASE_PREPARED_STATEMENTS, false);
    assert.equal(pooled.DATABASE_STATEMENT_TIMEOUT_MS, 0);
  });
});
