import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestTasksWorker, startTestWebhookWorker, startTestWorker } from '../support/worker.js';
import { buildSite, signInReader, uniq, type BuiltSite } from '../support/builders.js';
import { markerScorer } from '../support/publishers.js';
import { buildStaff, signInAs } from '../support/staff.js';
import { openApiChecker } from '../support/openapi.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { decideNotice, sendNotice } from '../support/dsa.js';
import { waitFor } from '../support/wait-for.js';
import { verifySignature } from '#shared/webhooks/signing.js';
import { createWebhookQueue } from '#shared/webhooks/queue.js';
import { createWebhookWorker } from '#worker/webhooks/create-webhook-worker.js';
import { createRedis } from '#shared/redis.js';
import { insertDeliveries } from '#shared/db/webhooks.js';
import { newId } from '#shared/ids.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { commentJobId, commentJobOptions, type CommentJob } from '#shared/queues.js';
import type { Reason } from '#shared/domain.js';

/** A second job for the same comment (as a re-enqueue by an operator would make). */
const newJobRun = (data: CommentJob) => `${commentJobId(data.commentId)}-again`;

let env: TestEnv;
let api: TestApi;
let strictApi: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let webhooks: Awaited<ReturnType<typeof startTestWebhookWorker>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let site: BuiltSite;
const doc = openApiChecker();

before(async () => {
  env = await createTestEnv({
    LOOKUP_CACHE_TTL_MS: '0',
    // The receiver is a local server: allowlisted, as a development receiver would be.
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOK_RETRY_SCHEDULE_S: '0.2,0.4,0.8,1.6,3.2',
    WEBHOOK_TIMEOUT_MS: '400',
    WEBHOOK_DISABLE_AFTER_S: '3',
    WEBHOOK_SUBSCRIPTIONS_CACHE_MS: '0',
    WEBHOOK_SWEEP_INTERVAL_MS: '300',
  });
  api = await startTestApi(env);
  strictApi = await startTestApi(env, { WEBHOOK_ALLOW_HOSTS: '' });
  worker = await startTestWorker(env, { scorers: { embedded: markerScorer() } });
  webhooks = await startTestWebhookWorker(env);
  receiver = await startReceiver();
  site = await buildSite(env.db);
});
after(async () => {
  await webhooks.close();
  await worker.close();
  await receiver.close();
  await strictApi.close();
  await api.close();
  await env.close();
});

const call = (
  method: 'get' | 'post' | 'patch' | 'delete' | 'put',
  path: string,
  body?: object,
  key = site.apiKey,
  app = api.app,
) => {
  const r = request(app)[method](path).set('Authorization', `Bearer ${key}`);
  return body ? r.send(body) : r;
};
const hooksPath = (s = site) => `/api/v1/sites/${s.siteId}/webhooks`;

async function register(events: string[], path = `/${uniq('hook')}`, s = site) {
  // The tests before share `site` and are done with their endpoints: the newest nine stay, within the site's limit.
  if (s === site)
    await env.db.query(
      `DELETE FROM webhooks WHERE site_id = $1 AND id NOT IN (SELECT id FROM webhooks WHERE site_id = $1 ORDER BY id DESC LIMIT 9)`,
      [s.siteId],
    );
  const res = doc.check(await call('post', hooksPath(s), { url: receiver.url(path), events }, s.apiKey));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.webhook.id as string, secret: res.body.secret as string, path };
}
const deliveries = async (id: string, s = site) =>
  doc.check(await call('get', `${hooksPath(s)}/${id}/deliveries`, undefined, s.apiKey)).body.deliveries;

/** A comment job whose first run stored the comment (on post p1) with `decision` and died before anything after. */
async function storedBeforeCrash(
  s: BuiltSite,
  authorId: string,
  body: string,
  decision: { status: 'approved' | 'pending'; reasons: Reason[] },
): Promise<CommentJob> {
  const data: CommentJob = {
    commentId: newId(),
    siteId: s.siteId,
    postId: 'p1',
    authorId,
    parentId: null,
    body,
    acceptedAt: new Date().toISOString(),
  };
  await insertDecidedComment(
    env.db,
    {
      id: data.commentId,
      siteId: s.siteId,
      postId: 'p1',
      authorId,
      parentId: null,
      body,
      createdAt: new Date(data.acceptedAt),
    },
    { ...decision, scores: {}, scoredBy: [], settingsVersion: 1 },
  );
  return data;
}

/** A post.created event's body, as the API would store it for `site`. */
const postCreatedBody = (id: string, data: object) =>
  JSON.stringify({ id, type: 'post.created', createdAt: new Date().toISOString(), siteId: site.siteId, data });

describe('managing webhooks', () => {
  it('when a publisher registers an endpoint, then the secret is shown once and the endpoint can be read, changed and deleted', async () => {
    const created = await register(['post.created']);
    assert.match(created.secret, /^whsec_/);
    const one = doc.check(await call('get', `${hooksPath()}/${created.id}`));
    assert.equal(one.status, 200);
    assert.equal(one.body.webhook.url, receiver.url(created.path));
    assert.ok(!JSON.stringify(one.body).includes(created.secret));
    const list = doc.check(await call('get', hooksPath()));
    assert.ok(!JSON.stringify(list.body).includes(created.secret));
    const patched = doc.check(
      await call('patch', `${hooksPath()}/${created.id}`, { events: ['comment.held', 'post.created'], enabled: false }),
    );
    assert.deepEqual(patched.body.webhook.events, ['comment.held', 'post.created']);
    assert.equal(patched.body.webhook.enabled, false);
    assert.equal(doc.check(await call('delete', `${hooksPath()}/${created.id}`)).status, 204);
    assert.equal(doc.check(await call('get', `${hooksPath()}/${created.id}`)).status, 404);
  });

  it('when a site has ten endpoints, then an eleventh is refused with 409 webhook_limit until one is deleted', async () => {
    const s = await buildSite(env.db);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await register(['post.created'], `/${uniq('many')}`, s)).id);
    const refused = doc.check(
      await call('post', hooksPath(s), { url: receiver.url('/one-more'), events: ['post.created'] }, s.apiKey),
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'webhook_limit');
    doc.check(await call('delete', `${hooksPath(s)}/${ids[0]}`, undefined, s.apiKey));
    await register(['post.created'], `/${uniq('many')}`, s);
    // Another site's count is its own.
    await register(['post.created']);
  });

  it("when input is bad or the caller is not the site's, then 400, 401 or 403", async () => {
    const bad = [
      { url: 'ftp://example.com/x', events: ['post.created'] },
      { url: receiver.url('/x'), events: ['comment.exploded'] },
      { url: receiver.url('/x'), events: [] },
      { url: 'not a url', events: ['post.created'] },
    ];
    for (const body of bad) {
      const res = doc.check(await call('post', hooksPath(), body));
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    assert.equal(doc.check(await call('patch', `${hooksPath()}/${crypto.randomUUID()}`, {})).status, 400);
    const other = await buildSite(env.db);
    const mine = await register(['post.created']);
    assert.equal(doc.check(await call('get', `${hooksPath()}/${mine.id}`, undefined, other.apiKey)).status, 401);
    assert.equal(doc.check(await call('get', `${hooksPath(other)}/${mine.id}`, undefined, other.apiKey)).status, 404);
    const readOnly = await buildSite(env.db, { scopes: ['comments:read'] });
    assert.equal(doc.check(await call('get', hooksPath(readOnly), undefined, readOnly.apiKey)).status, 403);
    // A key that manages endpoints but may not read comments cannot point, turn on or resend what carries them.
    const manager = await buildSite(env.db, { scopes: ['webhooks:manage'] });
    const refused = doc.check(
      await call('post', hooksPath(manager), { url: receiver.url('/x'), events: ['comment.approved'] }, manager.apiKey),
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'insufficient_scope');
    assert.equal(doc.check(await call('get', hooksPath(manager), undefined, manager.apiKey)).status, 200);
    const managerAdmin = await signInAs(api.app, env.db, manager, 'admin');
    const made = doc.check(
      await call(
        'post',
        hooksPath(manager),
        { url: receiver.url('/m'), events: ['comment.approved'] },
        managerAdmin.accessToken,
      ),
    );
    assert.equal(made.status, 201);
    const hook = `${hooksPath(manager)}/${made.body.webhook.id}`;
    const moved = doc.check(await call('patch', hook, { url: receiver.url('/elsewhere') }, manager.apiKey));
    assert.equal(moved.status, 403);
    const resent = doc.check(
      await call('post', `${hook}/deliveries/${crypto.randomUUID()}/redeliver`, undefined, manager.apiKey),
    );
    assert.equal(resent.status, 403);
    assert.equal(doc.check(await call('get', hook, undefined, manager.apiKey)).body.webhook.url, receiver.url('/m'));
    const reader = await signInReader(api.app, site);
    assert.equal(doc.check(await call('get', hooksPath(), undefined, reader.accessToken)).status, 403);
    const admin = await signInAs(api.app, env.db, site, 'admin');
    assert.equal(doc.check(await call('get', hooksPath(), undefined, admin.accessToken)).status, 200);
  });

  it('when a URL resolves to loopback, private or link-local addresses and private targets are not allowed, then 422 unsafe_url', async () => {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://192.168.0.10/x',
      'http://0.0.0.0/x',
    ]) {
      const res = doc.check(
        await call('post', hooksPath(), { url, events: ['post.created'] }, site.apiKey, strictApi.app),
      );
      assert.equal(res.status, 422, url);
      assert.equal(res.body.error.code, 'unsafe_url');
    }
  });
});

describe('delivering events', () => {
  it('when a post is created, then post.created arrives signed, with the event id in the headers and the documented body', async () => {
    const hook = await register(['post.created']);
    const postId = uniq('post');
    doc.check(
      await call('put', `/api/v1/sites/${site.siteId}/posts/${postId}`, {
        title: 'Budget',
        url: 'https://n.example/b',
      }),
    );
    const [got] = await waitFor(() => (receiver.on(hook.path).length > 0 ? receiver.on(hook.path) : null));
    const body = JSON.parse(got!.body);
    assert.deepEqual(Object.keys(body).sort(), ['createdAt', 'data', 'id', 'siteId', 'type']);
    assert.equal(body.type, 'post.created');
    assert.equal(body.siteId, site.siteId);
    assert.equal(body.data.post.id, postId);
    assert.equal(got!.headers['x-comments-event-id'], body.id);
    assert.equal(got!.headers['x-comments-event'], 'post.created');
    const sig = got!.headers['x-comments-signature'] as string;
    assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.ok(verifySignature(sig, got!.body, hook.secret));
    assert.equal(verifySignature(sig, `${got!.body} `, hook.secret), false, 'a changed body does not verify');
    assert.equal(verifySignature(sig, got!.body, 'whsec_wrong'), false);
    assert.equal(
      verifySignature(sig, got!.body, hook.secret, { now: Math.floor(Date.now() / 1000) + 3600 }),
      false,
      'an old signature is a replay',
    );
    // Updating the post again is not a new post.
    await call('put', `/api/v1/sites/${site.siteId}/posts/${postId}`, {
      title: 'Budget 2',
      url: 'https://n.example/b',
    });
    const list = await waitFor(async () => {
      const d = await deliveries(hook.id);
      return d.length === 1 && d[0].status === 'succeeded' ? d : null;
    });
    assert.equal(list[0].attemptLog[0].statusCode, 200);
  });

  it('when a comment is decided, then comment.accepted and comment.approved / comment.held arrive, once each, and jobs carry no secret', async () => {
    const s = await buildSite(env.db);
    const hook = await register(
      ['comment.accepted', 'comment.approved', 'comment.held', 'comment.rejected'],
      `/${uniq('c')}`,
      s,
    );
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const reader = await signInReader(api.app, s, { name: 'Ada' });
    const ok = (
      await call('post', `/api/v1/sites/${s.siteId}/posts/p1/comments`, { body: 'Well said.' }, reader.accessToken)
    ).body.id;
    const held = (
      await call('post', `/api/v1/sites/${s.siteId}/posts/p1/comments`, { body: 'HOLDME' }, reader.accessToken)
    ).body.id;
    const got = await waitFor(() => (receiver.on(hook.path).length >= 4 ? receiver.on(hook.path) : null));
    const events = got.map(
      (r) =>
        JSON.parse(r.body) as {
          type: string;
          data: { comment: { id: string; status?: string }; decision?: { reasons: unknown[] } };
        },
    );
    const of = (id: string) =>
      events
        .filter((e) => e.data.comment.id === id)
        .map((e) => e.type)
        .sort();
    assert.deepEqual(of(ok), ['comment.accepted', 'comment.approved']);
    assert.deepEqual(of(held), ['comment.accepted', 'comment.held']);
    const heldEvent = events.find((e) => e.type === 'comment.held')!;
    assert.equal(heldEvent.data.comment.status, 'pending');
    assert.ok(heldEvent.data.decision!.reasons.length > 0);
    for (const r of got) assert.ok(verifySignature(r.headers['x-comments-signature'] as string, r.body, hook.secret));

    const queue = createWebhookQueue(env.queueRedis, env.config.QUEUE_PREFIX);
    try {
      const jobs = await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed']);
      assert.ok(jobs.length >= 4);
      for (const job of jobs) {
        assert.deepEqual(Object.keys(job.data).sort(), ['deliveryId', 'siteId']);
        assert.ok(!JSON.stringify(job.data).includes(hook.secret));
      }
    } finally {
      await queue.close();
    }
    // Nothing more arrives: each event once.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.on(hook.path).length, 4);
  });

  it("when a worker stored a comment but died before emitting its events, then the job's next run emits them, once each", async () => {
    const s = await buildSite(env.db);
    const hook = await register(['comment.accepted', 'comment.approved'], `/${uniq('crash')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const reader = await signInReader(api.app, s, { name: 'Ada' });
    const data = await storedBeforeCrash(s, reader.user.id, 'Stored just before the crash.', {
      status: 'approved',
      reasons: [],
    });
    await env.queue.add('moderate', data, {
      ...commentJobOptions({ attempts: 3 }),
      jobId: commentJobId(data.commentId),
    });
    const got = await waitFor(() => (receiver.on(hook.path).length >= 2 ? receiver.on(hook.path) : null));
    assert.deepEqual(got.map((r) => (JSON.parse(r.body) as { type: string }).type).sort(), [
      'comment.accepted',
      'comment.approved',
    ]);
    // A third run (another recovery) delivers nothing new.
    const again = newJobRun(data);
    await env.queue.add('moderate', data, { ...commentJobOptions({ attempts: 3 }), jobId: again });
    await waitFor(async () => (await env.queue.getJob(again))?.isCompleted());
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.on(hook.path).length, 2);
  });

  it("when a moderator decided a comment before its job ran again, then the re-run does not send the moderator's decision as the worker's", async () => {
    const s = await buildSite(env.db);
    const hook = await register(['comment.accepted', 'comment.held', 'comment.approved'], `/${uniq('rerun')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const reader = await signInReader(api.app, s, { name: 'Ada' });
    // The worker's first run stored it held and died before its events; a moderator approved it since.
    const data = await storedBeforeCrash(s, reader.user.id, 'Stored held, then approved by a moderator.', {
      status: 'pending',
      reasons: [{ rule: 'toxicity', detail: 'held' }],
    });
    const mod = await buildStaff(env.db, api.app, s.siteId, 'moderator');
    await request(api.app)
      .post(`/api/v1/comments/${data.commentId}/moderation`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ action: 'approve' })
      .expect(200);
    await waitFor(() => (receiver.on(hook.path).length >= 1 ? true : null));
    await env.queue.add('moderate', data, {
      ...commentJobOptions({ attempts: 3 }),
      jobId: commentJobId(data.commentId),
    });
    await waitFor(async () => (await env.queue.getJob(commentJobId(data.commentId)))?.isCompleted());
    await new Promise((r) => setTimeout(r, 300));
    const types = receiver.on(hook.path).map((r) => (JSON.parse(r.body) as { type: string }).type);
    assert.deepEqual(types.sort(), ['comment.accepted', 'comment.approved'], "one approval: the moderator's");
  });

  it('when the endpoint fails and times out, then the delivery is retried with backoff until it succeeds, each attempt logged', async () => {
    const hook = await register(['post.created']);
    receiver.script(hook.path, [500, 'hang', 503, 200]);
    await call('put', `/api/v1/sites/${site.siteId}/posts/${uniq('p')}`, { title: 'T', url: 'https://n.example/t' });
    const [d] = await waitFor(
      async () => {
        const list = await deliveries(hook.id);
        return list[0]?.status === 'succeeded' ? list : null;
      },
      { timeoutMs: 20_000 },
    );
    assert.equal(d.attempts, 4);
    assert.deepEqual(
      d.attemptLog.map((a: { statusCode: number | null }) => a.statusCode),
      [500, null, 503, 200],
    );
    assert.match(d.attemptLog[1].error, /timed out/);
    const times = receiver.on(hook.path).map((r) => r.at);
    assert.equal(times.length, 4);
    // Each retry waits at least its step of the schedule (less 20% jitter): 0.2 s, 0.4 s (after a 0.4 s timeout), 0.8 s.
    assert.ok(times[1]! - times[0]! >= 150, `first retry after ${times[1]! - times[0]!} ms`);
    assert.ok(times[3]! - times[2]! >= 600, `third retry after ${times[3]! - times[2]!} ms`);
    const one = await call('get', `${hooksPath()}/${hook.id}`);
    assert.equal(one.body.webhook.failingSince, null, 'a success clears the run of failures');
  });

  it('when an endpoint keeps failing past the disable window, then it is disabled with a reason and its delivery fails', async () => {
    const hook = await register(['post.created']);
    receiver.script(hook.path, Array(20).fill(500));
    await call('put', `/api/v1/sites/${site.siteId}/posts/${uniq('p')}`, { title: 'T', url: 'https://n.example/t' });
    const webhook = await waitFor(
      async () => {
        const res = await call('get', `${hooksPath()}/${hook.id}`);
        return res.body.webhook.enabled === false ? res.body.webhook : null;
      },
      { timeoutMs: 20_000 },
    );
    assert.match(webhook.disabledReason, /failed for \d+ s/);
    const [d] = await deliveries(hook.id);
    assert.equal(d.status, 'failed');
    assert.ok(d.attempts >= 3);
    // Disabled endpoints receive nothing new; redelivery asks to enable first.
    const redeliver = doc.check(await call('post', `${hooksPath()}/${hook.id}/deliveries/${d.id}/redeliver`));
    assert.equal(redeliver.status, 409);
    const enabled = doc.check(await call('patch', `${hooksPath()}/${hook.id}`, { enabled: true }));
    assert.equal(enabled.body.webhook.disabledReason, null);
    assert.equal(enabled.body.webhook.failingSince, null);
  });

  it('when an endpoint failed long ago and was quiet since, then one new failure starts a new run instead of disabling it', async () => {
    const hook = await register(['post.created']);
    // A run of failures that ended without a success a day ago (the retries ran out before the disable window).
    await env.db.query(
      `UPDATE webhooks SET failing_since = now() - interval '2 days', last_failed_at = now() - interval '1 day' WHERE id = $1`,
      [hook.id],
    );
    receiver.script(hook.path, [503]);
    await call('put', `/api/v1/sites/${site.siteId}/posts/${uniq('p')}`, { title: 'T', url: 'https://n.example/t' });
    const [d] = await waitFor(async () => {
      const list = await deliveries(hook.id);
      return list[0]?.status === 'succeeded' ? list : null;
    });
    assert.equal(d.attempts, 2);
    const webhook = (await call('get', `${hooksPath()}/${hook.id}`)).body.webhook;
    assert.deepEqual([webhook.enabled, webhook.failingSince], [true, null]);
  });

  it('when a site asks for redeliveries faster than RATE_LIMIT_REDELIVER_SITE, then 429 and no copy is stored', async () => {
    const limited = await startTestApi(env, { RATE_LIMIT_REDELIVER_SITE: '1/3600' });
    try {
      const s = await buildSite(env.db);
      const hook = await register(['post.created'], `/${uniq('limited')}`, s);
      await call(
        'put',
        `/api/v1/sites/${s.siteId}/posts/${uniq('p')}`,
        { title: 'T', url: 'https://n.example/t' },
        s.apiKey,
      );
      const [first] = await waitFor(async () => {
        const list = await deliveries(hook.id, s);
        return list[0] ? list : null;
      });
      const again = async () =>
        doc.check(
          await call(
            'post',
            `${hooksPath(s)}/${hook.id}/deliveries/${first.id}/redeliver`,
            undefined,
            s.apiKey,
            limited.app,
          ),
        );
      assert.equal((await again()).status, 202);
      const refused = await again();
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.code, 'rate_limited');
      const stored = await env.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE site_id = $1', [
        s.siteId,
      ]);
      assert.equal(stored.rows[0].n, 2, 'the delivery and one copy');
    } finally {
      await limited.close();
    }
  });

  it('when a delivery is redelivered by hand, then the same event arrives again with a fresh signature', async () => {
    const hook = await register(['post.created']);
    await call('put', `/api/v1/sites/${site.siteId}/posts/${uniq('p')}`, { title: 'T', url: 'https://n.example/t' });
    const [first] = await waitFor(async () => {
      const list = await deliveries(hook.id);
      return list[0]?.status === 'succeeded' ? list : null;
    });
    const res = doc.check(await call('post', `${hooksPath()}/${hook.id}/deliveries/${first.id}/redeliver`));
    assert.equal(res.status, 202);
    const got = await waitFor(() => (receiver.on(hook.path).length === 2 ? receiver.on(hook.path) : null));
    assert.equal(got[0]!.headers['x-comments-event-id'], got[1]!.headers['x-comments-event-id']);
    assert.equal(got[0]!.body, got[1]!.body);
    const list = await waitFor(async () => {
      const l = await deliveries(hook.id);
      return l.length === 2 && l.every((x: { status: string }) => x.status === 'succeeded') ? l : null;
    });
    assert.equal(list[0].redeliveryOf, first.id);
    assert.equal(
      doc.check(await call('post', `${hooksPath()}/${hook.id}/deliveries/${crypto.randomUUID()}/redeliver`)).status,
      404,
    );
  });

  it("when a comment's author deletes it, then its text leaves the delivery log, and a redelivery sends the event without it", async () => {
    const s = await buildSite(env.db);
    const hook = await register(['comment.accepted', 'comment.approved'], `/${uniq('erase')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const reader = await signInReader(api.app, s, { name: 'Ada' });
    const text = 'Words I will take back later.';
    const id = (await call('post', `/api/v1/sites/${s.siteId}/posts/p1/comments`, { body: text }, reader.accessToken))
      .body.id;
    await waitFor(() => (receiver.on(hook.path).length >= 2 ? true : null));
    await call('delete', `/api/v1/comments/${id}`, undefined, reader.accessToken).expect(204);
    const stored = await env.db.query<{ body: string; comment_id: string }>(
      'SELECT body, comment_id FROM webhook_deliveries WHERE site_id = $1',
      [s.siteId],
    );
    assert.equal(stored.rows.length, 2);
    for (const row of stored.rows) {
      assert.equal(row.comment_id, id);
      assert.ok(!row.body.includes(text), 'the text is not in the log');
      assert.equal(JSON.parse(row.body).data.comment.id, id, 'the event is kept');
    }
    const [first] = await deliveries(hook.id, s);
    doc.check(await call('post', `${hooksPath(s)}/${hook.id}/deliveries/${first.id}/redeliver`, undefined, s.apiKey));
    const again = await waitFor(() => (receiver.on(hook.path).length === 3 ? receiver.on(hook.path)[2] : null));
    assert.equal(JSON.parse(again!.body).data.comment.body, '');
    assert.ok(verifySignature(again!.headers['x-comments-signature'] as string, again!.body, hook.secret));
  });

  it('when an author deletes a comment, or a reader erases their account with their comments, then comment.deleted arrives for each, without text, and the listing marks them', async () => {
    const s = await buildSite(env.db);
    const hook = await register(['comment.deleted'], `/${uniq('deleted')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const [ada, ben] = [
      await signInReader(api.app, s, { name: 'Ada' }),
      await signInReader(api.app, s, { name: 'Ben' }),
    ];
    const post = async (who: { accessToken: string }, body: string) =>
      (await call('post', `/api/v1/sites/${s.siteId}/posts/p1/comments`, { body }, who.accessToken)).body.id as string;
    const adas = await post(ada, 'A remark I will delete.');
    const bens = [await post(ben, 'First remark of a leaver.'), await post(ben, 'Second remark of a leaver.')];
    await waitFor(
      async () =>
        (await env.db.query('SELECT 1 FROM comments WHERE site_id = $1', [s.siteId])).rowCount === 3 ? true : null,
      { what: 'the comments stored' },
    );
    await call('delete', `/api/v1/comments/${adas}`, undefined, ada.accessToken).expect(204);
    await env.db.query(`UPDATE sites SET settings = settings || '{"onAccountDeleted":"remove"}' WHERE id = $1`, [
      s.siteId,
    ]);
    await call('delete', '/api/v1/me', undefined, ben.accessToken).expect(200);
    const got = await waitFor(() => (receiver.on(hook.path).length === 3 ? receiver.on(hook.path) : null), {
      what: 'three comment.deleted',
    });
    const events = got!.map(
      (r) => JSON.parse(r.body) as { type: string; data: { comment: { id: string }; by: string } },
    );
    assert.deepEqual(
      events.map((e) => [e.type, e.data.comment.id, e.data.by]).sort(),
      [
        ['comment.deleted', adas, 'author'],
        ['comment.deleted', bens[0], 'account_erased'],
        ['comment.deleted', bens[1], 'account_erased'],
      ].sort(),
    );
    for (const r of got!) assert.ok(!/remark/.test(r.body), 'no text in the event');
    const listed = doc.check(await call('get', `/api/v1/sites/${s.siteId}/comments`, undefined, s.apiKey));
    const byId = new Map(
      listed.body.comments.map((c: { id: string; deletedAt: string | null }) => [c.id, c.deletedAt]),
    );
    assert.match(String(byId.get(adas)), /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(byId.get(bens[0]), null, "an erased account's comments are rejected, not deleted by their author");
  });

  it('when an erasure’s comment.deleted cannot be stored, then nothing is erased, and the erasure goes through once it can', async () => {
    const s = await buildSite(env.db);
    await register(['comment.deleted'], `/${uniq('erased')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    await env.db.query(`UPDATE sites SET settings = settings || '{"onAccountDeleted":"remove"}' WHERE id = $1`, [
      s.siteId,
    ]);
    const cara = await signInReader(api.app, s, { name: 'Cara Leaving' });
    const id = (
      await call(
        'post',
        `/api/v1/sites/${s.siteId}/posts/p1/comments`,
        { body: 'A remark of a leaver.' },
        cara.accessToken,
      )
    ).body.id as string;
    await waitFor(
      async () => ((await env.db.query('SELECT 1 FROM comments WHERE id = $1', [id])).rowCount === 1 ? true : null),
      {
        what: 'the comment stored',
      },
    );
    const state = async () =>
      (
        await env.db.query<{ name: string; body: string; events: number }>(
          `SELECT u.display_name AS name, c.body,
                  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.comment_id = c.id AND d.event_type = 'comment.deleted') AS events
             FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = $1`,
          [id],
        )
      ).rows[0]!;
    await env.db.query(`CREATE FUNCTION refuse_erased_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.event_type = 'comment.deleted' THEN RAISE EXCEPTION 'no room for it'; END IF; RETURN NEW; END $$`);
    await env.db.query(`CREATE TRIGGER refuse_erased_event BEFORE INSERT ON webhook_deliveries
      FOR EACH ROW EXECUTE FUNCTION refuse_erased_event()`);
    try {
      assert.equal((await call('delete', '/api/v1/me', undefined, cara.accessToken)).status, 500);
      assert.deepEqual(await state(), { name: 'Cara Leaving', body: 'A remark of a leaver.', events: 0 });
    } finally {
      await env.db.query('DROP TRIGGER refuse_erased_event ON webhook_deliveries');
      await env.db.query('DROP FUNCTION refuse_erased_event()');
    }
    await call('delete', '/api/v1/me', undefined, cara.accessToken).expect(200);
    assert.deepEqual(await state(), { name: 'Deleted user', body: '', events: 1 });
  });

  it("when an endpoint was deleted after the site's subscriptions were read, then the event still reaches the site's other endpoints", async () => {
    const kept = await register(['post.created']);
    const gone = await register(['post.created']);
    doc.check(await call('delete', `${hooksPath()}/${gone.id}`));
    const eventId = newId();
    const body = postCreatedBody(eventId, {});
    const row = (webhookId: string) => ({
      id: newId(),
      siteId: site.siteId,
      webhookId,
      eventId,
      eventType: 'post.created',
      body,
      commentId: null,
    });
    // What a process with the deleted endpoint still in its subscription cache stores.
    const stored = await insertDeliveries(env.db, [row(kept.id), row(gone.id)]);
    assert.equal(stored.length, 1);
    const rows = await env.db.query('SELECT webhook_id FROM webhook_deliveries WHERE id = ANY($1::uuid[])', [stored]);
    assert.deepEqual(rows.rows, [{ webhook_id: kept.id }]);
  });

  it('when the secret is rotated, then both old and new signatures are sent during the grace period, and only the new one after', async () => {
    const hook = await register(['post.created']);
    const rotated = doc.check(await call('post', `${hooksPath()}/${hook.id}/rotate-secret`, { graceSeconds: 3600 }));
    assert.equal(rotated.status, 200);
    const fresh = rotated.body.secret as string;
    assert.notEqual(fresh, hook.secret);
    assert.ok(rotated.body.webhook.previousSecretExpiresAt);
    await call('put', `/api/v1/sites/${site.siteId}/posts/${uniq('p')}`, { title: 'T', url: 'https://n.example/t' });
    const [during] = await waitFor(() => (receiver.on(hook.path).length === 1 ? receiver.on(hook.path) : null));
    const sig = during!.headers['x-comments-signature'] as string;
    assert.equal(sig.split(',').filter((p) => p.startsWith('v1=')).length, 2);
    assert.ok(verifySignature(sig, during!.body, fresh));
    assert.ok(verifySignature(sig, during!.body, hook.secret));

    const again = doc.check(await call('post', `${hooksPath()}/${hook.id}/rotate-secret`, { graceSeconds: 0 }));
    await call('put', `/api/v1/sites/${site.siteId}/posts/${uniq('p')}`, { title: 'T', url: 'https://n.example/t' });
    const [, after] = await waitFor(() => (receiver.on(hook.path).length === 2 ? receiver.on(hook.path) : null));
    const sig2 = after!.headers['x-comments-signature'] as string;
    assert.ok(verifySignature(sig2, after!.body, again.body.secret));
    assert.equal(verifySignature(sig2, after!.body, fresh), false);
    assert.equal(
      doc.check(await call('post', `${hooksPath()}/${hook.id}/rotate-secret`, { graceSeconds: -1 })).status,
      400,
    );
  });

  it('when private targets are refused at delivery time, then an endpoint registered earlier is not called and the attempt says why', async () => {
    const hook = await register(['post.created']);
    await webhooks.close();
    const connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
    const strict = createWebhookWorker(
      { config: { ...env.config, WEBHOOK_ALLOW_HOSTS: [] }, db: env.db, redis: env.redis, logger: env.logger },
      connection,
    );
    try {
      await call('put', `/api/v1/sites/${site.siteId}/posts/${uniq('p')}`, { title: 'T', url: 'https://n.example/t' });
      const [d] = await waitFor(async () => {
        const list = await deliveries(hook.id);
        return list[0]?.attempts >= 1 ? list : null;
      });
      assert.match(d.attemptLog[0].error, /must point to a public http\(s\) address/);
      assert.doesNotMatch(d.attemptLog[0].error, /127\.0\.0\.1/);
      assert.equal(receiver.on(hook.path).length, 0);
    } finally {
      await strict.close();
      await connection.quit();
      webhooks = await startTestWebhookWorker(env);
    }
  });

  it('when a delivery was stored but its job never reached the queue, then the sweeper sends it', async () => {
    const hook = await register(['post.created']);
    const eventId = newId();
    const body = postCreatedBody(eventId, { post: { id: 'stranded' } });
    const [deliveryId] = await insertDeliveries(env.db, [
      {
        id: newId(),
        siteId: site.siteId,
        webhookId: hook.id,
        eventId,
        eventType: 'post.created',
        body,
        commentId: null,
      },
    ]);
    await env.db.query(`UPDATE webhook_deliveries SET created_at = now() - interval '10 seconds' WHERE id = $1`, [
      deliveryId,
    ]);
    const [got] = await waitFor(() => (receiver.on(hook.path).length > 0 ? receiver.on(hook.path) : null));
    assert.equal(got!.body, body);
    assert.equal(got!.headers['x-comments-delivery'], deliveryId);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(receiver.on(hook.path).length, 1, 'sent once, however often the sweeper ran');
  });

  it('when finished deliveries are older than the retention, then a starting worker deletes them and keeps the recent ones and those still being tried', async () => {
    const hook = await register(['post.created']);
    const stored = async (status: 'succeeded' | 'failed' | 'pending', ageDays: number) => {
      const eventId = newId();
      const [id] = await insertDeliveries(env.db, [
        {
          id: newId(),
          siteId: site.siteId,
          webhookId: hook.id,
          eventId,
          eventType: 'post.created',
          body: postCreatedBody(eventId, { post: { id: uniq('old') } }),
          commentId: null,
        },
      ]);
      await env.db.query(
        `UPDATE webhook_deliveries SET status = $2, attempts = 1, created_at = now() - make_interval(days => $3) WHERE id = $1`,
        [id, status, ageDays],
      );
      return id!;
    };
    const oldSent = await stored('succeeded', 31);
    const oldFailed = await stored('failed', 45);
    const oldTrying = await stored('pending', 31);
    const recent = await stored('succeeded', 29);
    // An old original redelivered twice lately: kept while its redeliveries are (they share its event id).
    const redelivered = await stored('succeeded', 40);
    for (let i = 0; i < 2; i++)
      await env.db.query(
        `INSERT INTO webhook_deliveries (id, site_id, webhook_id, event_id, event_type, body, status, redelivery_of)
         SELECT $2, site_id, webhook_id, event_id, event_type, body, 'succeeded', id FROM webhook_deliveries WHERE id = $1`,
        [redelivered, newId()],
      );
    const second = await startTestWebhookWorker(env);
    try {
      await waitFor(
        async () =>
          (await env.db.query('SELECT 1 FROM webhook_deliveries WHERE id = ANY($1)', [[oldSent, oldFailed]]))
            .rowCount === 0,
        { what: 'the deliveries past the 30 days deleted' },
      );
      const kept = await env.db.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE id = ANY($1)', [
        [oldTrying, recent, redelivered],
      ]);
      assert.deepEqual(kept.rows.map((r) => r.id).sort(), [oldTrying, recent, redelivered].sort());
    } finally {
      await second.close();
    }
  });
  it('when a comment is removed on a notice and restored on appeal, then comment.rejected and comment.approved arrive, by the moderators who decided', async () => {
    const s = await buildSite(env.db);
    const hook = await register(['comment.rejected', 'comment.approved'], `/${uniq('dsa')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const author = await signInReader(api.app, s, { name: 'Author' });
    const first = await signInAs(api.app, env.db, s, 'moderator');
    const second = await signInAs(api.app, env.db, s, 'moderator');
    const id = (
      await call(
        'post',
        `/api/v1/sites/${s.siteId}/posts/p1/comments`,
        { body: 'A disputed remark.' },
        author.accessToken,
      )
    ).body.id;
    await waitFor(
      async () =>
        (await env.db.query(`SELECT 1 FROM comments WHERE id = $1 AND status = 'approved'`, [id])).rowCount === 1,
    );
    const approvals = () => receiver.on(hook.path).length;
    const before = approvals();
    const sent = await sendNotice(api.app, s.siteId, { comments: [id], name: 'N', email: 'n@example.org' });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    await decideNotice(api.app, s.siteId, sent.body.notice.id, first.accessToken, {
      action: 'remove',
      reason: 'defamation',
    }).expect(200);
    const rejected = await waitFor(() =>
      receiver.on(hook.path).length > before ? JSON.parse(receiver.on(hook.path).at(-1)!.body) : null,
    );
    assert.equal(rejected.type, 'comment.rejected');
    assert.equal(rejected.data.comment.id, id);
    assert.equal(rejected.data.by.id, first.user.id);

    const statement = await env.db.query<{ id: string }>('SELECT id FROM dsa_statements WHERE comment_id = $1', [id]);
    const appealed = await request(api.app)
      .post(`/api/v1/sites/${s.siteId}/appeals`)
      .set('Authorization', `Bearer ${author.accessToken}`)
      .send({ statementId: statement.rows[0]!.id, explanation: 'It is true and documented.' });
    assert.equal(appealed.status, 201, JSON.stringify(appealed.body));
    await request(api.app)
      .post(`/api/v1/sites/${s.siteId}/moderation/appeals/${appealed.body.appeal.id}/decision`)
      .set('Authorization', `Bearer ${second.accessToken}`)
      .send({ outcome: 'reversed', reason: 'documented' })
      .expect(200);
    const approved = await waitFor(() =>
      receiver.on(hook.path).length > before + 1 ? JSON.parse(receiver.on(hook.path).at(-1)!.body) : null,
    );
    assert.equal(approved.type, 'comment.approved');
    assert.equal(approved.data.by.id, second.user.id);
  });

  it("when moderators act, then comment.reported, reader.banned and a moderator's comment.rejected arrive", async () => {
    const s = await buildSite(env.db);
    const hook = await register(['comment.reported', 'reader.banned', 'comment.rejected'], `/${uniq('mod')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const author = await signInReader(api.app, s, { name: 'Author' });
    const reporter = await signInReader(api.app, s, { name: 'Reporter' });
    const moderator = await signInAs(api.app, env.db, s, 'moderator');
    const id = (
      await call('post', `/api/v1/sites/${s.siteId}/posts/p1/comments`, { body: 'A fine remark.' }, author.accessToken)
    ).body.id;
    await waitFor(
      async () =>
        (await env.db.query(`SELECT 1 FROM comments WHERE id = $1 AND status = 'approved'`, [id])).rowCount === 1,
    );
    assert.equal(
      (await call('post', `/api/v1/comments/${id}/reports`, { reason: 'spam' }, reporter.accessToken)).status,
      201,
    );
    assert.equal(
      (await call('post', `/api/v1/comments/${id}/moderation`, { action: 'reject' }, moderator.accessToken)).status,
      200,
    );
    assert.equal(
      (
        await call(
          'post',
          `/api/v1/sites/${s.siteId}/users/${author.user.id}/ban`,
          { reason: 'spam' },
          moderator.accessToken,
        )
      ).status,
      200,
    );
    const got = await waitFor(() => (receiver.on(hook.path).length >= 3 ? receiver.on(hook.path) : null));
    const events = got.map(
      (r) =>
        JSON.parse(r.body) as {
          type: string; // biome-ignore lint/suspicious/noExplicitAny: a received event, read loosely by the assertions
          data: Record<string, any>;
        },
    );
    const byType = new Map(events.map((e) => [e.type, e.data]));
    assert.deepEqual([...byType.keys()].sort(), ['comment.rejected', 'comment.reported', 'reader.banned']);
    assert.equal(byType.get('comment.reported')!.comment.id, id);
    assert.equal(byType.get('comment.reported')!.reason, 'spam');
    assert.equal(byType.get('comment.rejected')!.comment.previousStatus, 'approved');
    assert.equal(byType.get('comment.rejected')!.by.id, moderator.user.id);
    assert.equal(byType.get('reader.banned')!.reader.id, author.user.id);
    for (const r of got) assert.ok(verifySignature(r.headers['x-comments-signature'] as string, r.body, hook.secret));
  });
  it("when a reader is banned with rejectExisting, then the background task's rejections arrive as comment.rejected by the moderator", async () => {
    const s = await buildSite(env.db);
    const hook = await register(['comment.rejected'], `/${uniq('ban')}`, s);
    await call('put', `/api/v1/sites/${s.siteId}/posts/p1`, { title: 'T', url: 'https://n.example/p1' }, s.apiKey);
    const author = await signInReader(api.app, s, { name: 'Author' });
    const moderator = await signInAs(api.app, env.db, s, 'moderator');
    const ids: string[] = [];
    for (const body of ['First remark on the harbour plan.', 'Second remark, on the ferry timetable.']) {
      ids.push(
        (await call('post', `/api/v1/sites/${s.siteId}/posts/p1/comments`, { body }, author.accessToken)).body.id,
      );
    }
    await waitFor(
      async () =>
        (await env.db.query(`SELECT 1 FROM comments WHERE id = ANY($1) AND status = 'approved'`, [ids])).rowCount === 2,
    );
    const tasks = await startTestTasksWorker(env);
    try {
      const res = await call(
        'post',
        `/api/v1/sites/${s.siteId}/users/${author.user.id}/ban`,
        { reason: 'spam', rejectExisting: true },
        moderator.accessToken,
      );
      assert.equal(res.status, 202);
      const got = await waitFor(() => (receiver.on(hook.path).length >= 2 ? receiver.on(hook.path) : null), {
        what: 'two comment.rejected deliveries',
      });
      const events = got.map(
        (r) =>
          JSON.parse(r.body) as {
            type: string; // biome-ignore lint/suspicious/noExplicitAny: a received event, read loosely by the assertions
            data: Record<string, any>;
          },
      );
      assert.deepEqual(
        events.map((e) => e.type),
        ['comment.rejected', 'comment.rejected'],
      );
      assert.deepEqual(events.map((e) => e.data.comment.id).sort(), [...ids].sort());
      for (const e of events) {
        assert.equal(e.data.comment.previousStatus, 'approved');
        assert.deepEqual(e.data.by, { kind: 'moderator', id: moderator.user.id });
      }
      for (const r of got) assert.ok(verifySignature(r.headers['x-comments-signature'] as string, r.body, hook.secret));
    } finally {
      await tasks.close();
    }
  });
});
