import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, signInReader } from '../support/builders.js';
import { buildStaff, type SignedIn } from '../support/staff.js';

/** Bull Board at /admin/queues: only for admins of the operator's site, through a short-lived HttpOnly cookie. */

const OPS = `ops-${Date.now().toString(36)}`;
let env: TestEnv;
let api: TestApi;
let admin: SignedIn;

before(async () => {
  env = await createTestEnv({ QUEUE_DASHBOARD_SITE: OPS, QUEUE_DASHBOARD_SESSION_S: '60' });
  api = await startTestApi(env);
  await buildSite(env.db, { id: OPS });
  admin = await buildStaff(env.db, api.app, OPS, 'admin');
});
after(async () => {
  await api?.close();
  await env?.close();
});

const session = (who?: { accessToken: string }) => {
  const r = request(api.app).post('/api/v1/admin/queue-dashboard/session');
  return who ? r.set('Authorization', `Bearer ${who.accessToken}`) : r;
};
const cookieOf = (res: request.Response) => {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  assert.ok(raw && raw.length === 1, 'one cookie is set');
  return raw[0]!;
};

describe('the queue dashboard', () => {
  it('when an admin of the operator site opens a session, then the cookie is HttpOnly, SameSite=Strict, scoped to /admin/queues and short-lived, and it opens the board', async () => {
    const res = await session(admin).expect(200);
    const cookie = cookieOf(res);
    assert.match(cookie, /^queues_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    assert.match(cookie, /; Path=\/admin\/queues/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Max-Age=60/);
    const pair = cookie.split(';')[0]!;

    const page = await request(api.app).get('/admin/queues/').set('Cookie', pair).expect(200);
    assert.match(page.headers['content-type'] ?? '', /text\/html/);
    const queues = await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(200);
    const names = (queues.body.queues as { name: string }[]).map((q) => q.name).sort();
    assert.deepEqual(names, ['comments', 'moderation-tasks', 'notifications']);
  });

  it('when there is no cookie, a forged or a bearer token as cookie, then 401', async () => {
    await request(api.app).get('/admin/queues/').expect(401);
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', 'queues_session=abc.def.ghi').expect(401);
    await request(api.app)
      .get('/admin/queues/api/queues')
      .set('Cookie', `queues_session=${admin.accessToken}`)
      .expect(401);
  });

  it('when a moderator, a reader, an admin of another site or an API key asks for a session, then 403; anonymous 401', async () => {
    const site = await buildSite(env.db);
    const otherAdmin = await buildStaff(env.db, api.app, site.siteId, 'admin');
    const mod = await buildStaff(env.db, api.app, OPS, 'moderator');
    const reader = await signInReader(api.app, { siteId: OPS, ...(await opsSecrets()) });
    for (const who of [mod, reader, otherAdmin, { accessToken: site.apiKey }]) {
      const res = await session(who).expect(403);
      assert.equal(res.headers['set-cookie'], undefined);
    }
    await session().expect(401);
  });

  it('when the admin is demoted after opening a session, then the board refuses the cookie at once', async () => {
    const other = await buildStaff(env.db, api.app, OPS, 'admin');
    const pair = cookieOf(await session(other).expect(200)).split(';')[0]!;
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(200);
    await env.db.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [other.user.id]);
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(403);
  });

  it('when the admin signs out after opening a session, then the board refuses the cookie at once', async () => {
    const other = await buildStaff(env.db, api.app, OPS, 'admin');
    const pair = cookieOf(await session(other).expect(200)).split(';')[0]!;
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(200);
    await request(api.app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${other.accessToken}`).expect(204);
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(401);
    await request(api.app).put('/admin/queues/api/queues/comments/retry/failed').set('Cookie', pair).expect(401);
  });
});

describe('whether the moderation page offers the queue dashboard', () => {
  const ask = (who: { accessToken: string }) =>
    request(api.app).get('/api/v1/admin/queue-dashboard').set('Authorization', `Bearer ${who.accessToken}`);

  it("when the operator site's admin asks, then available; a moderator of it, or another site's admin, not", async () => {
    assert.deepEqual((await ask(admin).expect(200)).body, { available: true });
    const moderator = await buildStaff(env.db, api.app, OPS, 'moderator');
    assert.deepEqual((await ask(moderator).expect(200)).body, { available: false });
    const elsewhere = await buildSite(env.db);
    const otherAdmin = await buildStaff(env.db, api.app, elsewhere.siteId, 'admin');
    assert.deepEqual((await ask(otherAdmin).expect(200)).body, { available: false });
    // What it says matches what the session route does for that admin.
    await session(otherAdmin).expect(403);
  });

  it('when a reader or nobody asks, then 403 and 401', async () => {
    const reader = await signInReader(api.app, await buildSite(env.db));
    await ask({ accessToken: reader.accessToken }).expect(403);
    await request(api.app).get('/api/v1/admin/queue-dashboard').expect(401);
  });
});

describe("the queue dashboard's cookie", () => {
  it('when the public URL is https, then the cookie is Secure even though the proxy did not say https', async () => {
    for (const [publicUrl, secure] of [
      ['https://comments.example', true],
      ['http://localhost:3000', false],
    ] as const) {
      const behindProxy = await startTestApi(env, { PUBLIC_URL: publicUrl });
      try {
        const res = await request(behindProxy.app)
          .post('/api/v1/admin/queue-dashboard/session')
          .set('Authorization', `Bearer ${admin.accessToken}`)
          .expect(200);
        assert.equal(/; Secure/.test(cookieOf(res)), secure, publicUrl);
      } finally {
        await behindProxy.close();
      }
    }
  });
});

describe('the queue dashboard is read-only', () => {
  const boardCookie = async () => cookieOf(await session(admin).expect(200)).split(';')[0]!;

  /** A comment job taken by hand (as a worker would) and failed or completed, so its state is known. */
  async function settledJob(outcome: 'failed' | 'completed'): Promise<string> {
    const id = `board-${randomUUID()}`;
    await env.queue.add('comment', { commentId: randomUUID() } as never, { jobId: id, attempts: 1 });
    const worker = new Worker(env.queue.name, null, { connection: env.queueRedis, prefix: env.config.QUEUE_PREFIX });
    worker.on('error', () => undefined);
    try {
      const token = randomUUID();
      const job = await worker.getNextJob(token);
      assert.equal(job?.id, id);
      if (outcome === 'failed') await job!.moveToFailed(new Error('scorer down'), token, false);
      else await job!.moveToCompleted('done', token, false);
    } finally {
      await worker.close();
    }
    assert.equal(await (await env.queue.getJob(id))!.getState(), outcome);
    return id;
  }

  it('when an admin tries to add or edit a job, or clean, empty, pause or obliterate a queue, then 403 read_only and nothing changes', async () => {
    const pair = await boardCookie();
    const failed = await settledJob('failed');
    const before = await env.queue.getJobCounts();
    const writes: [string, string, object?][] = [
      ['post', '/admin/queues/api/queues/comments/add', { name: 'comment', data: { commentId: randomUUID() } }],
      ['post', '/ADMIN/QUEUES/API/QUEUES/comments/ADD', { name: 'comment', data: {} }],
      ['patch', `/admin/queues/api/queues/comments/${failed}/update-data`, { jobData: { commentId: 'x' } }],
      ['put', '/admin/queues/api/queues/comments/clean/failed'],
      ['put', `/admin/queues/api/queues/comments/${failed}/clean`],
      ['put', '/admin/queues/api/queues/comments/empty'],
      ['put', '/admin/queues/api/queues/comments/pause'],
      ['put', '/admin/queues/api/queues/pause'],
      ['put', '/admin/queues/api/queues/comments/obliterate'],
      ['put', '/admin/queues/api/queues/comments/retry/completed'],
      ['post', '/admin/queues/api/metrics/history/purge'],
    ];
    for (const [method, path, body] of writes) {
      const res = await request(api.app)
        [method as 'post'](path)
        .set('Cookie', pair)
        .send(body ?? {});
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.error.code, 'read_only');
    }
    assert.deepEqual(await env.queue.getJobCounts(), before);
    assert.equal(await env.queue.isPaused(), false);
    assert.equal(await (await env.queue.getJob(failed))!.getState(), 'failed');
  });

  it('when an admin retries a failed job, then it goes back to the queue and the audit log says who did it; a completed job cannot be retried', async () => {
    const pair = await boardCookie();
    const failed = await settledJob('failed');
    await request(api.app).put(`/admin/queues/api/queues/comments/${failed}/retry`).set('Cookie', pair).expect(204);
    assert.equal(await (await env.queue.getJob(failed))!.getState(), 'waiting');
    const audit = await env.db.query<{ actor_id: string; action: string; after: { queue: string; jobId: string } }>(
      `SELECT actor_id, action, after FROM audit_log WHERE site_id = $1 AND action LIKE 'queue.%' ORDER BY created_at`,
      [OPS],
    );
    assert.deepEqual(audit.rows.at(-1), {
      actor_id: admin.user.id,
      action: 'queue.retry_job',
      after: { queue: 'comments', jobId: failed },
    });

    // Out of the way of the next job taken by hand.
    await (await env.queue.getJob(failed))!.remove();
    const completed = await settledJob('completed');
    const res = await request(api.app)
      .put(`/admin/queues/api/queues/comments/${completed}/retry`)
      .set('Cookie', pair)
      .expect(403);
    assert.equal(res.body.error.code, 'read_only');
    assert.equal(await (await env.queue.getJob(completed))!.getState(), 'completed');

    const again = await settledJob('failed');
    await request(api.app).put('/admin/queues/api/queues/comments/retry/failed').set('Cookie', pair).expect(200);
    assert.equal(await (await env.queue.getJob(again))!.getState(), 'waiting');
    const all = await env.db.query(`SELECT 1 FROM audit_log WHERE site_id = $1 AND action = 'queue.retry_failed'`, [
      OPS,
    ]);
    assert.equal(all.rowCount, 1);
  });

  it('when a retry names its queue or job with a malformed escape, then 400, not a failure of the server', async () => {
    const pair = await boardCookie();
    for (const path of [
      '/admin/queues/api/queues/%E0%A4%A/retry/failed',
      '/admin/queues/api/queues/comments/%ZZ/retry',
    ]) {
      const res = await request(api.app).put(path).set('Cookie', pair);
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'validation_failed');
    }
  });
});

async function opsSecrets(): Promise<{ apiKey: string; ssoSecret: string }> {
  const r = await env.db.query<{ sso_secret: string }>('SELECT sso_secret FROM sites WHERE id = $1', [OPS]);
  return { apiKey: '', ssoSecret: r.rows[0]!.sso_secret };
}
