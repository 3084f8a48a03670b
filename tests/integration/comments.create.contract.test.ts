import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { setUserStatus } from '#shared/db/users.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { UnrecoverableError, Worker } from 'bullmq';
import { COMMENTS_QUEUE, commentJobId } from '#shared/queues.js';
import { newId } from '#shared/ids.js';
import {
  adoptIdempotencyKey,
  claimIdempotencyKey,
  fingerprint,
  releaseIdempotencyKey,
} from '#api/comments/idempotency.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let postId: string;
let token: string;
let userId: string;

before(async () => {
  // No lookup cache, so state changes made by a test are seen at once.
  env = await createTestEnv({
    LOOKUP_CACHE_TTL_MS: '0',
    RATE_LIMIT_COMMENT_USER: '1000/60',
    RATE_LIMIT_COMMENT_IP: '1000/60',
  });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  postId = await buildPost(env.db, site.siteId);
  ({
    accessToken: token,
    user: { id: userId },
  } = await signInReader(api.app, site));
});
after(async () => {
  await api.close();
  await env.close();
});

const post = (body: unknown, opts: { post?: string; token?: string; headers?: Record<string, string> } = {}) => {
  let r = request(api.app)
    .post(`/api/v1/sites/${site.siteId}/posts/${opts.post ?? postId}/comments`)
    .set('Authorization', `Bearer ${opts.token ?? token}`);
  for (const [k, v] of Object.entries(opts.headers ?? {})) r = r.set(k, v);
  return r.send(body as object);
};
const assertError = (res: request.Response, status: number, code: string) => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.message, 'string');
};

describe('POST a comment', () => {
  it('when the comment is valid, then 202 with a UUIDv7 id, and a job keyed by that id carries the normalised body', async () => {
    const res = await post({ body: '  Cafe\u0301 \u0007news\r\n ' });
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'queued');
    assert.match(res.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const job = await env.queue.getJob(commentJobId(res.body.id));
    assert.ok(job);
    assert.equal(job.data.body, 'Caf\u00e9 news');
    assert.equal(job.data.authorId, userId);
    // Nothing is written to Postgres on this path.
    const rows = await env.db.query('SELECT 1 FROM comments WHERE id = $1', [res.body.id]);
    assert.equal(rows.rowCount, 0);
    // No secrets travel in the payload.
    assert.ok(!JSON.stringify(job.data).includes(token));
  });

  it('when the body is empty, whitespace, only control characters, or too long, then 400', async () => {
    assertError(await post({ body: '' }), 400, 'validation_failed');
    assertError(await post({ body: '   \n\t  ' }), 400, 'validation_failed');
    assertError(await post({ body: '\u0000\u0001\u200e' }), 400, 'validation_failed');
    assertError(await post({ body: 'x'.repeat(5001) }), 400, 'validation_failed');
    assert.equal((await post({ body: 'é'.repeat(5000) })).status, 202);
    assertError(await post({}), 400, 'validation_failed');
    assertError(await post({ body: 42 }), 400, 'validation_failed');
    assertError(await post([1, 2]), 400, 'validation_failed');
  });

  it('when the post is unknown or closed, then 404 or 409', async () => {
    assertError(await post({ body: 'hi' }, { post: 'no-such-post' }), 404, 'post_not_found');
    const closed = await buildPost(env.db, site.siteId, { closed: true });
    assertError(await post({ body: 'hi' }, { post: closed }), 409, 'post_closed');
    assertError(await post({ body: 'hi' }, { post: 'bad id with spaces' }), 400, 'validation_failed');
  });

  it('when the parent is from another post, not approved, or not a UUID, then 4xx', async () => {
    const otherPost = await buildPost(env.db, site.siteId);
    const parentElsewhere = newId();
    await insertDecidedComment(
      env.db,
      {
        id: parentElsewhere,
        siteId: site.siteId,
        postId: otherPost,
        authorId: userId,
        parentId: null,
        body: 'p',
        createdAt: new Date(),
      },
      { status: 'approved', reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
    );
    assertError(await post({ body: 'reply', parentId: parentElsewhere }), 422, 'invalid_parent');
    const held = newId();
    await insertDecidedComment(
      env.db,
      {
        id: held,
        siteId: site.siteId,
        postId,
        authorId: userId,
        parentId: null,
        body: 'p',
        createdAt: new Date(),
      },
      { status: 'pending', reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
    );
    assertError(await post({ body: 'reply', parentId: held }), 422, 'invalid_parent');
    assertError(await post({ body: 'reply', parentId: newId() }), 422, 'invalid_parent');
    assertError(await post({ body: 'reply', parentId: 'not-a-uuid' }), 400, 'validation_failed');
    const ok = newId();
    await insertDecidedComment(
      env.db,
      {
        id: ok,
        siteId: site.siteId,
        postId,
        authorId: userId,
        parentId: null,
        body: 'p',
        createdAt: new Date(),
      },
      { status: 'approved', reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
    );
    assert.equal((await post({ body: 'reply', parentId: ok })).status, 202);
  });

  it('when the reader is banned or suspended, then 403; when the suspension is over, then 202', async () => {
    const banned = await signInReader(api.app, site);
    await setUserStatus(env.db, { siteId: site.siteId, id: banned.user.id, status: 'banned' });
    assertError(await post({ body: 'hi' }, { token: banned.accessToken }), 403, 'user_banned');
    await setUserStatus(env.db, {
      siteId: site.siteId,
      id: banned.user.id,
      status: 'suspended',
      suspendedUntil: new Date(Date.now() + 3600_000),
    });
    assertError(await post({ body: 'hi' }, { token: banned.accessToken }), 403, 'user_banned');
    await setUserStatus(env.db, {
      siteId: site.siteId,
      id: banned.user.id,
      status: 'suspended',
      suspendedUntil: new Date(Date.now() - 1000),
    });
    assert.equal((await post({ body: 'hi' }, { token: banned.accessToken })).status, 202);
  });

  it('when the JSON is malformed, the content type is wrong, or the body too large, then 400, 415, 413', async () => {
    const malformed = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"body": "x"');
    assertError(malformed, 400, 'invalid_json');
    const form = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send('body=hello');
    assertError(form, 415, 'unsupported_media_type');
    const text = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/plain')
      .send('hello');
    assertError(text, 415, 'unsupported_media_type');
    assertError(await post({ body: 'x'.repeat(70 * 1024) }), 413, 'payload_too_large');
  });

  it('when the same Idempotency-Key is sent again, then the same id is returned and nothing new is enqueued', async () => {
    const headers = { 'Idempotency-Key': 'retry-1' };
    const first = await post({ body: 'only once' }, { headers });
    const before = await env.queue.count();
    const second = await post({ body: 'only once' }, { headers });
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.body.id, first.body.id);
    assert.equal(await env.queue.count(), before);
    // The same key with another body is a client error, not a silent replay.
    assertError(await post({ body: 'something else' }, { headers }), 422, 'idempotency_key_reused');
    // Another reader's identical key is independent.
    const other = await signInReader(api.app, site);
    const theirs = await post({ body: 'only once' }, { headers, token: other.accessToken });
    assert.notEqual(theirs.body.id, first.body.id);
    assertError(await post({ body: 'x' }, { headers: { 'Idempotency-Key': 'ü'.repeat(3) } }), 400, 'validation_failed');
  });

  it("when a retry took over a key whose first request was then refused, then the key still stands for the retry's comment", async () => {
    // The order a slow first request and a fast retry can take: the first claims the key, the retry finds it
    // not yet enqueued and goes on with its id, then the first is refused (slow mode, a rate limit) and lets go.
    const owner = { prefix: env.config.QUEUE_PREFIX, siteId: site.siteId, userId: newId(), key: 'taken-over' };
    const first = newId();
    const fp = fingerprint([postId, null, 'once']);
    assert.equal(await claimIdempotencyKey(env.redis, { ...owner, id: first, fp }), null);
    const previous = await claimIdempotencyKey(env.redis, { ...owner, id: newId(), fp });
    assert.equal(previous, first);
    assert.equal(await adoptIdempotencyKey(env.redis, { ...owner, id: previous!, fp }), first);
    await releaseIdempotencyKey(env.redis, { ...owner, id: first });
    assert.equal(await claimIdempotencyKey(env.redis, { ...owner, id: newId(), fp }), first, 'not a second comment');
    // Freed before the retry took it over: the retry makes it again, for the same id.
    const other = { ...owner, key: 'freed-first' };
    const id = newId();
    await claimIdempotencyKey(env.redis, { ...other, id, fp });
    await releaseIdempotencyKey(env.redis, { ...other, id });
    assert.equal(await adoptIdempotencyKey(env.redis, { ...other, id, fp }), id);
    await releaseIdempotencyKey(env.redis, { ...other, id });
    assert.equal(await claimIdempotencyKey(env.redis, { ...other, id: newId(), fp }), id);
    // Freed and claimed meanwhile by a request with another body: the retry is told, and takes nothing over.
    const third = { ...owner, key: 'claimed-by-another-body' };
    await claimIdempotencyKey(env.redis, { ...third, id: newId(), fp: fingerprint([postId, null, 'another']) });
    await assert.rejects(adoptIdempotencyKey(env.redis, { ...third, id: newId(), fp }), /different request/);
  });

  it('when a comment’s job ran out of attempts and its reader retries with the same key, then the job is given new attempts', async () => {
    // A queue of its own, with no other jobs: the stand-in worker below takes the one job there is.
    const own = await createTestEnv({ RATE_LIMITS: 'off' });
    const ownApi = await startTestApi(own);
    const worker = new Worker(COMMENTS_QUEUE, null, { connection: own.queueRedis, prefix: own.config.QUEUE_PREFIX });
    try {
      const ownSite = await buildSite(own.db);
      const ownPost = await buildPost(own.db, ownSite.siteId);
      const reader = await signInReader(ownApi.app, ownSite);
      const send = () =>
        request(ownApi.app)
          .post(`/api/v1/sites/${ownSite.siteId}/posts/${ownPost}/comments`)
          .set('Authorization', `Bearer ${reader.accessToken}`)
          .set('Idempotency-Key', 'after-an-outage')
          .send({ body: 'Sent while the database was down.' });
      const first = await send().expect(202);
      const lock = newId();
      const job = await worker.getNextJob(lock);
      assert.equal(job?.id, commentJobId(first.body.id));
      // Into the failed set, as after its last attempt.
      await job!.moveToFailed(new UnrecoverableError('connect ECONNREFUSED'), lock);
      assert.equal(await job!.isFailed(), true);

      const retry = await send().expect(202);
      assert.equal(retry.body.id, first.body.id);
      assert.equal(await own.queue.getJobState(commentJobId(first.body.id)), 'waiting');
      assert.equal((await own.queue.getJob(commentJobId(first.body.id)))!.attemptsMade, 0, 'all its attempts again');
    } finally {
      await worker.close();
      await ownApi.close();
      await own.close();
    }
  });

  it('when a request with a key was rejected, then the key can be used again', async () => {
    const headers = { 'Idempotency-Key': 'after-failure' };
    assertError(await post({ body: 'hi' }, { headers, post: 'missing-post' }), 404, 'post_not_found');
    assert.equal((await post({ body: 'hi' }, { headers })).status, 202);
  });
});

describe('rate limits', () => {
  it('when a reader exceeds the per-user limit, then 429 with Retry-After; RATE_LIMITS=off lifts it', async () => {
    const limited = await startTestApi(env, { RATE_LIMIT_COMMENT_USER: '2/60', LOOKUP_CACHE_TTL_MS: '0' });
    const reader = await signInReader(limited.app, site);
    const send = (a: TestApi) =>
      request(a.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ body: 'hello' });
    assert.equal((await send(limited)).status, 202);
    assert.equal((await send(limited)).status, 202);
    const third = await send(limited);
    assertError(third, 429, 'rate_limited');
    assert.ok(Number(third.headers['retry-after']) >= 1);
    const off = await startTestApi(env, { RATE_LIMIT_COMMENT_USER: '2/60', RATE_LIMITS: 'off' });
    assert.equal((await send(off)).status, 202);
    await limited.close();
    await off.close();
  });

  it('when one IP exceeds the per-IP limit, then 429 for every reader from it', async () => {
    const limited = await startTestApi(env, { RATE_LIMIT_COMMENT_IP: '3/60', LOOKUP_CACHE_TTL_MS: '0' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const reader = await signInReader(limited.app, site);
      const res = await request(limited.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .set('X-Forwarded-For', '203.0.113.9')
        .send({ body: 'hello' });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [202, 202, 202, 429]);
    await limited.close();
  });
});

describe('comment status', () => {
  it('when the author asks while the comment is queued, then queued; another reader gets 404', async () => {
    const res = await post({ body: 'status please' });
    const mine = await request(api.app).get(`/api/v1/comments/${res.body.id}`).set('Authorization', `Bearer ${token}`);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.comment.status, 'queued');
    assert.equal(mine.body.comment.body, 'status please');
    const stranger = await signInReader(api.app, site);
    const theirs = await request(api.app)
      .get(`/api/v1/comments/${res.body.id}`)
      .set('Authorization', `Bearer ${stranger.accessToken}`);
    assertError(theirs, 404, 'comment_not_found');
    assertError(await request(api.app).get(`/api/v1/comments/${res.body.id}`), 401, 'unauthorized');
    assertError(
      await request(api.app).get('/api/v1/comments/nope').set('Authorization', `Bearer ${token}`),
      400,
      'validation_failed',
    );
  });
});

describe('moderators', () => {
  it("when a moderator of the site asks for a reader's comment from the moderation page, then they see it; from the widget, or from another site, they do not", async () => {
    const { hashPassword } = await import('#shared/passwords.js');
    const { insertPasswordUser } = await import('#shared/db/users.js');
    const other = await buildSite(env.db);
    const login = async (siteId: string, email: string, use?: 'moderation') => {
      const res = await request(api.app)
        .post('/api/v1/auth/login')
        .send({ siteId, email, password: 'moderator password', ...(use ? { use } : {}) });
      assert.equal(res.body.user.role, 'moderator');
      return res.body.accessToken as string;
    };
    const moderator = async (siteId: string) => {
      const email = `mod-${siteId}@example.com`;
      await insertPasswordUser(env.db, {
        id: newId(),
        siteId,
        email,
        passwordHash: await hashPassword('moderator password'),
        displayName: 'Mod',
        role: 'moderator',
      });
      return email;
    };
    const ours = await moderator(site.siteId);
    const mine = await login(site.siteId, ours, 'moderation');
    const widget = await login(site.siteId, ours);
    const theirs = await login(other.siteId, await moderator(other.siteId), 'moderation');
    const res = await post({ body: 'for the moderators' });
    const seen = await request(api.app).get(`/api/v1/comments/${res.body.id}`).set('Authorization', `Bearer ${mine}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.comment.status, 'queued');
    for (const token of [widget, theirs]) {
      const hidden = await request(api.app)
        .get(`/api/v1/comments/${res.body.id}`)
        .set('Authorization', `Bearer ${token}`);
      assertError(hidden, 404, 'comment_not_found');
    }
  });
});

describe('errors', () => {
  it('when a route does not exist, then a JSON 404', async () => {
    assertError(await request(api.app).get('/api/v1/nothing-here'), 404, 'not_found');
  });
  it('when a path segment is badly percent-encoded, then 400, not 500', async () => {
    const res = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/%E0%A4%A/comments`);
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
  });
});
