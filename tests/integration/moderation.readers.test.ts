import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestTasksWorker, startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, uniq, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import { createModerationTasksQueue } from '#shared/moderation-tasks.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import type { ThreadPage } from '#api/comments/thread.js';

/**
 * Moderators acting on readers: ban (with the background rejection of everything they wrote,
 * run by the real tasks worker), suspend, pre-moderate, unban, and the reader's history.
 */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let mod: SignedIn;
let admin: SignedIn;

// Look-ups uncached, so a ban is seen by the very next request.
before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin', 'Ari Admin');
});
after(async () => {
  await api?.close();
  await env?.close();
});

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const users = (userId: string, what: string) => `/api/v1/sites/${site.siteId}/users/${userId}/${what}`;
const statusOf = async (id: string) =>
  (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!.status;

const startTasksWorker = () => startTestTasksWorker(env);

describe('banning a reader', () => {
  it('when banned with rejectExisting, then a background task rejects every visible or held comment with progress and one audit entry each, and replies stay readable', async () => {
    const reader = await signInReader(api.app, site, { name: 'Troll' });
    const other = await signInReader(api.app, site, { name: 'Bystander' });
    const postA = await buildPost(env.db, site.siteId);
    const postB = await buildPost(env.db, site.siteId);
    const store = (
      postId: string,
      o: { status?: 'approved' | 'pending' | 'rejected'; parentId?: string; authorId?: string } = {},
    ) =>
      storeComment(env.db, {
        siteId: site.siteId,
        postId,
        authorId: o.authorId ?? reader.user.id,
        status: o.status,
        parentId: o.parentId,
      });
    const a1 = await store(postA);
    const a2 = await store(postA);
    const b1 = await store(postB);
    const held = await store(postB, { status: 'pending' });
    const already = await store(postB, { status: 'rejected' });
    const reply = await store(postA, { parentId: a1, authorId: other.user.id });
    // One they deleted themselves: nothing to reject, and not counted in the task's total.
    const deleted = await store(postB);
    await env.db.query(`UPDATE comments SET deleted_at = now(), body = '' WHERE id = $1`, [deleted]);

    const res = await request(api.app)
      .post(users(reader.user.id, 'ban'))
      .set(as(mod))
      .send({ reason: 'persistent abuse', rejectExisting: true })
      .expect(202);
    assert.equal(res.body.user.status, 'banned');
    const taskId = res.body.task.id as string;
    const task = () =>
      request(api.app).get(`/api/v1/sites/${site.siteId}/moderation/tasks/${taskId}`).set(as(mod)).expect(200);
    assert.equal((await task()).body.task.state, 'waiting', 'nothing runs before a worker takes it');

    const tasks = await startTasksWorker();
    try {
      const done = await waitFor(
        async () => {
          const t = (await task()).body.task;
          return t.state === 'completed' ? t : null;
        },
        { what: 'the ban task to complete' },
      );
      assert.deepEqual(done.progress, { done: 4, total: 4 });
      assert.deepEqual(done.result, { done: 4, total: 4 });
      assert.equal(done.kind, 'reject-author-comments');
    } finally {
      await tasks.close();
    }
    for (const id of [a1, a2, b1, held, already]) assert.equal(await statusOf(id), 'rejected');
    assert.equal(await statusOf(reply), 'approved');

    const audit = (
      await request(api.app)
        .get(`/api/v1/sites/${site.siteId}/audit`)
        .query({ reader: reader.user.id })
        .set(as(mod))
        .expect(200)
    ).body.entries;
    const rejects = audit.filter((e: { action: string }) => e.action === 'comment.reject');
    assert.deepEqual(rejects.map((e: { commentId: string }) => e.commentId).sort(), [a1, a2, b1, held].sort());
    assert.ok(
      rejects.every(
        (e: { actor: { id: string }; reason: string }) => e.actor.id === mod.user.id && e.reason === 'persistent abuse',
      ),
    );
    const ban = audit.find((e: { action: string }) => e.action === 'reader.ban');
    assert.deepEqual([ban.before.status, ban.after.status, ban.reason], ['active', 'banned', 'persistent abuse']);

    const thread = JSON.parse(
      (await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${postA}/comments`).expect(200)).text,
    ) as ThreadPage;
    assert.equal(thread.total, 1);
    assert.deepEqual(
      thread.comments.map((c) => [c.id, 'removed' in c]),
      [[a1, true]],
    );
    assert.deepEqual(
      thread.comments[0]!.replies.map((c) => c.id),
      [reply],
    );
  });

  it('when a reader is banned, then their tokens are revoked, the API refuses their new comments with 403 and the worker rejects what was already queued', async () => {
    const sub = uniq('banned');
    const before = await signInReader(api.app, site, { sub });
    const postId = await buildPost(env.db, site.siteId);
    const queued = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: before.accessToken,
      body: 'Posted just before the ban.',
    });
    await request(api.app).post(users(before.user.id, 'ban')).set(as(mod)).send({ reason: 'spam account' }).expect(200);
    // The ban revokes every token issued before it; a new sign-in gets a token, but no right to comment.
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set(as(before))
      .send({ body: 'With the old token.' })
      .expect(401);
    const reader = await signInReader(api.app, site, { sub });

    const refused = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set(as(reader))
      .send({ body: 'And another one.' })
      .expect(403);
    assert.equal(refused.body.error.code, 'user_banned');

    const worker = await startTestWorker(env);
    try {
      const decided = await waitForDecision(api.app, queued, reader.accessToken);
      assert.equal(decided.status, 'rejected');
      const stored = (
        await env.db.query<{ reasons: { rule: string }[] }>('SELECT reasons FROM comments WHERE id = $1', [queued])
      ).rows[0]!;
      assert.equal(stored.reasons[0]?.rule, 'author_banned');
    } finally {
      await worker.close();
    }

    await request(api.app).post(users(reader.user.id, 'unban')).set(as(mod)).send({}).expect(200);
    await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'Back after the unban.',
    });
  });

  it('when a ban is requested without a reason or for an unknown reader, then 400 or 404', async () => {
    const reader = await signInReader(api.app, site);
    await request(api.app).post(users(reader.user.id, 'ban')).set(as(mod)).send({}).expect(400);
    await request(api.app).post(users(reader.user.id, 'ban')).set(as(mod)).send({ reason: 'x', extra: 1 }).expect(400);
    const res = await request(api.app)
      .post(users('0190a000-0000-7000-8000-00000000f00d', 'ban'))
      .set(as(mod))
      .send({ reason: 'x' })
      .expect(404);
    assert.equal(res.body.error.code, 'user_not_found');
  });

  it('when a moderator targets an admin, another moderator or themselves, then 403 or 400; an admin may act on a moderator', async () => {
    const mod2 = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    await request(api.app).post(users(admin.user.id, 'ban')).set(as(mod)).send({ reason: 'coup' }).expect(403);
    await request(api.app)
      .post(users(mod2.user.id, 'suspend'))
      .set(as(mod))
      .send({ reason: 'r', until: new Date(Date.now() + 3600_000).toISOString() })
      .expect(403);
    await request(api.app).post(users(mod.user.id, 'premod')).set(as(mod)).send({ enabled: true }).expect(400);
    await request(api.app).post(users(mod2.user.id, 'premod')).set(as(admin)).send({ enabled: true }).expect(200);
  });
});

describe("suspending, pre-moderating and reading a reader's history", () => {
  it('when suspended until a time, then they cannot comment, and the audit keeps before and after; a time in the past is 400', async () => {
    const reader = await signInReader(api.app, site);
    const postId = await buildPost(env.db, site.siteId);
    const until = new Date(Date.now() + 86_400_000).toISOString();
    await request(api.app)
      .post(users(reader.user.id, 'suspend'))
      .set(as(mod))
      .send({ until: '2001-01-01T00:00:00Z', reason: 'late' })
      .expect(400);
    await request(api.app)
      .post(users(reader.user.id, 'suspend'))
      .set(as(mod))
      .send({ until: 'tomorrow', reason: 'x' })
      .expect(400);
    const res = await request(api.app)
      .post(users(reader.user.id, 'suspend'))
      .set(as(mod))
      .send({ until, reason: 'cool off' })
      .expect(200);
    assert.deepEqual(res.body, {
      user: { id: reader.user.id, status: 'suspended', suspendedUntil: until, premod: false },
      task: null,
    });
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set(as(reader))
      .send({ body: 'hello' })
      .expect(403);
    const audit = (
      await request(api.app)
        .get(`/api/v1/sites/${site.siteId}/audit`)
        .query({ reader: reader.user.id })
        .set(as(mod))
        .expect(200)
    ).body.entries;
    assert.deepEqual(
      audit.map((e: { action: string; before: unknown; after: unknown; reason: string }) => [
        e.action,
        e.before,
        e.after,
        e.reason,
      ]),
      [
        [
          'reader.suspend',
          { status: 'active', suspendedUntil: null, premod: false },
          { status: 'suspended', suspendedUntil: until, premod: false },
          'cool off',
        ],
      ],
    );
  });

  it('when pre-moderation is switched on, then the flag is stored and audited', async () => {
    const reader = await signInReader(api.app, site);
    const res = await request(api.app)
      .post(users(reader.user.id, 'premod'))
      .set(as(mod))
      .send({ enabled: true })
      .expect(200);
    assert.equal(res.body.user.premod, true);
    const premod = (await env.db.query<{ premod: boolean }>('SELECT premod FROM users WHERE id = $1', [reader.user.id]))
      .rows[0]!.premod;
    assert.equal(premod, true);
    await request(api.app).post(users(reader.user.id, 'premod')).set(as(mod)).send({ enabled: 'yes' }).expect(400);
  });

  it("when a moderator opens a reader's history, then it lists their comments newest first with statuses, page by page, and recent actions", async () => {
    const reader = await signInReader(api.app, site, { name: 'Historian' });
    const postId = await buildPost(env.db, site.siteId);
    const ids = [];
    for (const status of ['approved', 'rejected', 'pending'] as const) {
      ids.push(
        await storeComment(env.db, {
          siteId: site.siteId,
          postId,
          authorId: reader.user.id,
          status,
          body: `<b>${status}</b>`,
        }),
      );
    }
    await request(api.app).post(users(reader.user.id, 'premod')).set(as(mod)).send({ enabled: true }).expect(200);
    const first = await request(api.app)
      .get(users(reader.user.id, 'history'))
      .query({ limit: 2 })
      .set(as(mod))
      .expect(200);
    assert.equal(first.body.user.name, 'Historian');
    assert.equal(first.body.user.premod, true);
    assert.deepEqual(
      first.body.comments.map((c: { id: string; status: string }) => [c.id, c.status]),
      [
        [ids[2], 'pending'],
        [ids[1], 'rejected'],
      ],
    );
    assert.equal(first.body.comments[0].bodyHtml, '<p>&lt;b&gt;pending&lt;/b&gt;</p>');
    assert.equal(first.body.comments[0].postTitle, `Post ${postId}`);
    assert.deepEqual(
      first.body.audit.map((e: { action: string }) => e.action),
      ['reader.premod_on'],
    );
    const second = await request(api.app)
      .get(users(reader.user.id, 'history'))
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set(as(mod))
      .expect(200);
    assert.deepEqual(
      second.body.comments.map((c: { id: string }) => c.id),
      [ids[0]],
    );
    assert.equal(second.body.nextCursor, null);
  });
});

describe('moderation tasks', () => {
  it('when a task of a kind this worker does not know arrives, then it fails (kept, retried) instead of being marked done', async () => {
    const queue = createModerationTasksQueue(env.redis, env.config.QUEUE_PREFIX);
    const tasks = await startTasksWorker();
    try {
      const job = await queue.add('future-task', { kind: 'from-a-newer-release' } as never, { attempts: 1 });
      const state = await waitFor(
        async () => {
          const s = await job.getState();
          return s === 'failed' || s === 'completed' ? s : null;
        },
        { what: 'the unknown task to finish' },
      );
      assert.equal(state, 'failed');
      assert.match((await queue.getJob(job.id!))!.failedReason, /unknown moderation task from-a-newer-release/);
    } finally {
      await tasks.close();
      await queue.close();
    }
  });
});
