import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, type BuiltSite } from '../support/builders.js';
import { generateApiKey } from '#shared/secrets.js';
import { createRedis, decodeThreadChange, threadChannel } from '#shared/redis.js';
import { waitFor } from '../support/wait-for.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let other: BuiltSite;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  other = await buildSite(env.db);
});
after(async () => {
  await api.close();
  await env.close();
});

const put = (postId: string, body: unknown, key = site.apiKey, siteId = site.siteId) =>
  request(api.app)
    .put(`/api/v1/sites/${siteId}/posts/${postId}`)
    .set('Authorization', `Bearer ${key}`)
    .send(body as object);

describe('registering posts', () => {
  it('when a publisher puts a new post, then 201; putting it again updates it with 200', async () => {
    const created = await put('article-1', { title: 'First', url: 'https://news.example/a1' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.post, {
      id: 'article-1',
      title: 'First',
      url: 'https://news.example/a1',
      closed: false,
      commentCount: 0,
      titleVerified: true,
    });
    const updated = await put('article-1', { title: 'First, revised', url: 'https://news.example/a1', closed: true });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.post.title, 'First, revised');
    assert.equal(updated.body.post.closed, true);
    // closed keeps its value when not given.
    const again = await put('article-1', { title: 'First', url: 'https://news.example/a1' });
    assert.equal(again.body.post.closed, true);
    const read = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/article-1`);
    assert.equal(read.status, 200);
    assert.equal(read.body.post.title, 'First');
  });

  it('when a publisher puts the same post again, then nothing is announced; a change is announced once', async () => {
    const sub = createRedis(env.config.REDIS_URL, () => undefined);
    const heard: string[] = [];
    await sub.subscribe(threadChannel(env.config.QUEUE_PREFIX));
    sub.on('message', (_c, m) => heard.push(decodeThreadChange(m)?.postId ?? ''));
    try {
      const body = { title: 'Quiet', url: 'https://news.example/quiet' };
      assert.equal((await put('quiet-1', body)).status, 201);
      const about = () => heard.filter((p) => p === 'quiet-1').length;
      await waitFor(() => about() === 1, { what: 'the new post announced' });
      for (let i = 0; i < 3; i++) assert.equal((await put('quiet-1', body)).status, 200);
      assert.equal((await put('quiet-1', { ...body, closed: true })).status, 200);
      await waitFor(() => about() === 2, { what: 'the closing announced' });
      // Past the time an announcement takes to come back: the three unchanged puts said nothing.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(about(), 2);
    } finally {
      await sub.quit();
    }
  });

  it('when readers read a post, then it comes from the look-up cache, and an announced change of it is read at once', async () => {
    const cached = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '60000' });
    const cachedApi = await startTestApi(cached);
    try {
      const s = await buildSite(cached.db);
      const putThere = (body: object) =>
        request(cachedApi.app)
          .put(`/api/v1/sites/${s.siteId}/posts/cached-1`)
          .set('Authorization', `Bearer ${s.apiKey}`)
          .send(body);
      const read = async () =>
        (await request(cachedApi.app).get(`/api/v1/sites/${s.siteId}/posts/cached-1`).expect(200)).body.post;
      assert.equal((await putThere({ title: 'Before', url: 'https://news.example/c1' })).status, 201);
      assert.equal((await read()).title, 'Before');
      // Written behind the API's back: readers keep the cached post (no query per reader).
      await cached.db.query(`UPDATE posts SET title = 'Behind its back' WHERE site_id = $1`, [s.siteId]);
      assert.equal((await read()).title, 'Before');
      // A change through the API drops it at once.
      assert.equal((await putThere({ title: 'After', url: 'https://news.example/c1', closed: true })).status, 200);
      const now = await read();
      assert.deepEqual([now.title, now.closed], ['After', true]);
    } finally {
      await cachedApi.close();
      await cached.close();
    }
  });

  it('when the key is missing, wrong, revoked, of another site, or lacks the scope, then 401 or 403', async () => {
    const body = { title: 'T', url: 'https://news.example/t' };
    const noAuth = await request(api.app).put(`/api/v1/sites/${site.siteId}/posts/p1`).send(body);
    assert.equal(noAuth.status, 401);
    assert.equal((await put('p1', body, generateApiKey().key)).status, 401);
    assert.equal((await put('p1', body, `${site.apiKey.slice(0, -4)}AAAA`)).status, 401);
    const cross = await put('p1', body, other.apiKey);
    assert.equal(cross.status, 401);
    assert.match(cross.body.error.message, /another site/);
    const readOnly = await buildSite(env.db, { scopes: ['comments:read'] });
    const scoped = await put('p1', body, readOnly.apiKey, readOnly.siteId);
    assert.equal(scoped.status, 403);
    assert.equal(scoped.body.error.code, 'insufficient_scope');
    const keyId = site.apiKey.split('_')[1];
    await env.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keyId]);
    assert.equal((await put('p1', body)).status, 401);
    await env.db.query('UPDATE api_keys SET revoked_at = NULL WHERE id = $1', [keyId]);
    assert.equal((await put('p1', body)).status, 201);
  });

  it('when the post id or body is invalid, then 400', async () => {
    for (const [id, body] of [
      ['ok-id', { title: '', url: 'https://x.example' }],
      ['ok-id', { title: 'T', url: 'javascript:alert(1)' }],
      ['ok-id', { title: 'T', url: 'not a url' }],
      ['ok-id', { title: 'T', url: 'https://example.com/\u202egpj.exe' }],
      ['ok-id', { title: '\u0000\u200b', url: 'https://x.example' }],
      ['ok-id', { title: 'T', url: 'https://x.example', closed: 'yes' }],
      ['x'.repeat(201), { title: 'T', url: 'https://x.example' }],
      ['has%20space', { title: 'T', url: 'https://x.example' }],
    ] as const) {
      const res = await put(id, body);
      assert.equal(res.status, 400, `${id} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.code, 'validation_failed');
    }
  });

  it('when a key is stored, then only a hash of its secret is in the database', async () => {
    const rows = await env.db.query<{ secret_hash: Buffer }>('SELECT secret_hash FROM api_keys WHERE site_id = $1', [
      site.siteId,
    ]);
    const secret = site.apiKey.split('_').slice(2).join('_');
    assert.equal(rows.rows[0]!.secret_hash.length, 32);
    assert.ok(!rows.rows[0]!.secret_hash.toString('utf8').includes(secret));
  });
});

describe('operations', () => {
  it('when the process is up, then /healthz is 200, /readyz reports Postgres and Redis ok', async () => {
    assert.deepEqual((await request(api.app).get('/healthz')).body, { status: 'ok' });
    const ready = await request(api.app).get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { postgres: 'ok', redis: 'ok' });
  });

  it('when Postgres is unreachable, then /readyz is 503 naming it', async () => {
    const broken = await startTestApi(env);
    const { createPool } = await import('#shared/db/pool.js');
    const deadPool = createPool({ url: 'postgres://postgres@127.0.0.1:1/none', max: 1, onError: () => undefined });
    broken.deps.db = deadPool;
    broken.deps.readyDb = deadPool;
    const { createApp } = await import('#api/app.js');
    const res = await request(createApp(broken.deps)).get('/readyz');
    assert.equal(res.status, 503);
    assert.equal(res.body.checks.postgres, 'unreachable');
    assert.equal(res.body.checks.redis, 'ok');
    await deadPool.end();
    await broken.close();
  });

  it('when Redis is unreachable, then a new comment gets a 503 unavailable quickly and /readyz names Redis', async () => {
    const { createRedis } = await import('#shared/redis.js');
    const { createCommentsQueue } = await import('#shared/queues.js');
    const { createApp } = await import('#api/app.js');
    const { buildPost, signInReader } = await import('../support/builders.js');
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const deadRedis = createRedis('redis://127.0.0.1:1', () => undefined);
    const deadQueueRedis = createRedis('redis://127.0.0.1:1', () => undefined);
    const deadQueue = createCommentsQueue(deadQueueRedis, env.config.QUEUE_PREFIX);
    deadQueue.on('error', () => undefined);
    const app = createApp({
      ...api.deps,
      redis: deadRedis,
      queue: deadQueue,
      limiters: { ...api.deps.limiters, enabled: false },
    });
    const res = await request(app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${reader.accessToken}`)
      .set('Idempotency-Key', 'during-outage')
      .send({ body: 'hello' });
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'unavailable');
    assert.ok(Number(res.headers['retry-after']) > 0);
    // Without a key the first Redis call is the enqueue itself: it fails fast too, never hangs.
    const plain = await request(app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${reader.accessToken}`)
      .send({ body: 'hello' });
    assert.equal(plain.status, 503);
    assert.equal(plain.body.error.code, 'unavailable');
    const ready = await request(app).get('/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.checks.redis, 'unreachable');
    deadRedis.disconnect();
    deadQueueRedis.disconnect();
  });

  it('when Redis is unreachable, then routes whose rate limits cannot be counted answer 503 unavailable, never 500 nor uncounted', async () => {
    const { createRedis } = await import('#shared/redis.js');
    const { createApp } = await import('#api/app.js');
    const { createLimiters } = await import('#api/http/rate-limit.js');
    const deadRedis = createRedis('redis://127.0.0.1:1', () => undefined);
    try {
      const app = createApp({ ...api.deps, limiters: createLimiters(deadRedis, { ...env.config, RATE_LIMITS: true }) });
      // A sign-in counts its address's attempts first; a registration its address's mail.
      const login = await request(app)
        .post('/api/v1/auth/login')
        .send({ siteId: site.siteId, email: 'someone@example.com', password: 'a guess' });
      assert.equal(login.status, 503, JSON.stringify(login.body));
      assert.equal(login.body.error.code, 'unavailable');
      assert.ok(Number(login.headers['retry-after']) > 0);
      assert.doesNotMatch(JSON.stringify(login.body), /ECONNREFUSED|127\.0\.0\.1/);
      const sso = await request(app).post('/api/v1/auth/sso').send({ siteId: site.siteId, token: 'x.y.z' });
      assert.equal(sso.status, 503);
    } finally {
      deadRedis.disconnect();
    }
  });

  it('when /metrics is scraped after traffic, then it has HTTP latency and queue depth series', async () => {
    await request(api.app).get('/healthz');
    // Metrics are served on their own (internal) port, not on the public one.
    assert.equal((await request(api.app).get('/metrics')).status, 404);
    const { metricsApp } = await import('#api/ops/routes.js');
    const res = await request(metricsApp(api.deps)).get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.text, /http_request_duration_seconds_bucket\{[^}]*route="\/healthz"/);
    assert.match(res.text, /queue_jobs\{state="waiting"[^}]*\} \d+/);
  });

  it('when a request carries X-Request-Id, then the response echoes it; otherwise one is made', async () => {
    const given = await request(api.app).get('/healthz').set('X-Request-Id', 'abc-123');
    assert.equal(given.headers['x-request-id'], 'abc-123');
    const made = await request(api.app).get('/healthz').set('X-Request-Id', 'bad id with spaces');
    assert.match(made.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });
});
