import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment } from '../support/staff.js';
import { getThread, postComment, waitForDecision } from '../support/comment-flow.js';
import { waitFor } from '../support/wait-for.js';
import type { ThreadPage } from '#api/comments/thread.js';
import { commentJobId, commentJobOptions, editJobId, type CommentJob } from '#shared/queues.js';
import { UnrecoverableError, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { applyWaitingEdit, waitingEdit } from '../support/edits.js';

/**
 * Authors edit their comments within the site's window (each edit moderated again by the real
 * worker, applied exactly once) and delete them (a placeholder while replies hang on them).
 */

let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let site: BuiltSite;
let postId: string;
let ada: { accessToken: string; user: { id: string } };
let bob: { accessToken: string; user: { id: string } };

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0', WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
  // A word that always holds a comment, so re-moderation is seen without depending on the model.
  await env.db.query(`UPDATE sites SET settings = '{"suspectWords":["frobnicate"]}' WHERE id = $1`, [site.siteId]);
  postId = await buildPost(env.db, site.siteId);
  ada = await signInReader(api.app, site, { name: 'Ada' });
  bob = await signInReader(api.app, site, { name: 'Bob' });
  // Readers with a record, so the links and history rules stay out of the way.
  await env.db.query(`UPDATE users SET approved_count = 5 WHERE id = ANY($1)`, [[ada.user.id, bob.user.id]]);
});
after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
});

const edit = (id: string, token: string, body: string, headers: Record<string, string> = {}) =>
  request(api.app).patch(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${token}`).set(headers).send({ body });
const remove = (id: string, token: string) =>
  request(api.app).delete(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${token}`);
const row = async (id: string) =>
  (
    await env.db.query<{ body: string; status: string; edit_count: number; deleted: boolean }>(
      `SELECT body, status, edit_count, deleted_at IS NOT NULL AS deleted FROM comments WHERE id = $1`,
      [id],
    )
  ).rows[0]!;
const postCount = async () =>
  (
    await env.db.query<{ n: number }>(`SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2`, [
      site.siteId,
      postId,
    ])
  ).rows[0]!.n;
const approvedComment = async (body: string, token = ada.accessToken, parentId?: string) => {
  const id = await postComment(api.app, {
    siteId: site.siteId,
    postId,
    token,
    body,
    ...(parentId ? { parentId } : {}),
  });
  assert.equal((await waitForDecision(api.app, id, token)).status, 'approved');
  return id;
};

describe('editing one’s own comment', () => {
  it('when the author edits within the window, then the worker re-moderates it, the thread shows the new text marked edited, and the old text is kept for moderators', async () => {
    const id = await approvedComment('The council vote was on Tuesday.');
    const before = await postCount();
    const status = await request(api.app)
      .get(`/api/v1/comments/${id}`)
      .set('Authorization', `Bearer ${ada.accessToken}`);
    assert.equal(status.headers.etag, '"e0"');
    const res = await edit(id, ada.accessToken, 'The council vote was on Wednesday.', { 'If-Match': '"e0"' }).expect(
      202,
    );
    assert.equal(res.body.id, id);
    assert.equal(res.body.status, 'queued');
    const thread = await waitFor(
      async () => {
        const t = await getThread(api.app, site.siteId, postId);
        const c = t.comments.find((x) => x.id === id);
        return c?.body === 'The council vote was on Wednesday.' ? t : null;
      },
      { what: 'the edited text in the thread' },
    );
    const shown = thread.comments.find((c) => c.id === id)!;
    assert.ok(shown.editedAt, 'marked edited');
    assert.equal(await postCount(), before, 'still one approved comment');
    const rev = await env.db.query(
      `SELECT previous_body, previous_status, status FROM comment_revisions WHERE comment_id = $1`,
      [id],
    );
    assert.deepEqual(rev.rows, [
      { previous_body: 'The council vote was on Tuesday.', previous_status: 'approved', status: 'approved' },
    ]);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const history = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/comments/${id}/revisions`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .expect(200);
    assert.equal(history.body.revisions[0].previousBody, 'The council vote was on Tuesday.');
    // Another site's moderator is told of no such comment on their site, rather than of no revisions.
    const otherSite = await buildSite(env.db);
    const otherMod = await buildStaff(env.db, api.app, otherSite.siteId, 'moderator');
    await request(api.app)
      .get(`/api/v1/sites/${otherSite.siteId}/moderation/comments/${id}/revisions`)
      .set('Authorization', `Bearer ${otherMod.accessToken}`)
      .expect(404);
    await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/comments/${id}/revisions`)
      .set('Authorization', `Bearer ${bob.accessToken}`)
      .expect(403);

    // The same edit's job run again (a retry after a crash) changes nothing.
    const replay = await env.queue.add('moderate', {
      commentId: id,
      siteId: site.siteId,
      postId,
      authorId: ada.user.id,
      parentId: null,
      body: 'The council vote was on Wednesday.',
      acceptedAt: new Date().toISOString(),
      editId: res.body.editId,
    });
    await waitFor(async () => (await replay.getState()) === 'completed', { what: 'the replay' });
    const done = await env.queue.getJob(replay.id!);
    assert.deepEqual(done?.returnvalue, { status: 'approved', duplicate: true });
    assert.equal((await row(id)).edit_count, 1, 'applied once');
    assert.equal(await postCount(), before);
  });

  it('when the edit brings a held word, then the comment is held, leaves the thread and the counts follow', async () => {
    const id = await approvedComment('A perfectly calm remark.');
    const before = await postCount();
    await edit(id, ada.accessToken, 'Now I frobnicate the thread.').expect(202);
    await waitFor(async () => (await row(id)).status === 'pending', { what: 'the edit held' });
    assert.equal(await postCount(), before - 1);
    const thread = await getThread(api.app, site.siteId, postId);
    assert.equal(
      thread.comments.some((c) => c.id === id),
      false,
    );
    const status = await waitForDecision(api.app, id, ada.accessToken);
    assert.equal(status.status, 'pending');
    assert.equal(status.body, 'Now I frobnicate the thread.');
    // The author is given a statement of reasons for the held edit, once (keyed by the edit).
    const statements = await env.db.query(`SELECT source_key, restriction FROM dsa_statements WHERE comment_id = $1`, [
      id,
    ]);
    assert.equal(statements.rows.length, 1);
    assert.match(statements.rows[0].source_key, /^worker:edit:/);
    assert.equal(statements.rows[0].restriction, 'hold');
  });

  it('when an earlier edit still waits for the worker, then a second edit is 409 edit_pending; both never apply out of order', async () => {
    const id = await approvedComment('Waiting edits, first text.');
    await worker.close();
    try {
      const first = await edit(id, ada.accessToken, 'Waiting edits, second text.').expect(202);
      const again = await edit(id, ada.accessToken, 'Waiting edits, third text.').expect(409);
      assert.equal(again.body.error.code, 'edit_pending');
      assert.ok(await env.queue.getJob(editJobId(first.body.editId)));
    } finally {
      worker = await startTestWorker(env);
    }
    await waitFor(async () => (await row(id)).body === 'Waiting edits, second text.', { what: 'the first edit' });
    await edit(id, ada.accessToken, 'Waiting edits, third text.').expect(202);
    await waitFor(async () => (await row(id)).body === 'Waiting edits, third text.', { what: 'the second edit' });
    assert.equal((await row(id)).edit_count, 2);
  });

  /** Whether an edit was dropped (it will never be applied). */
  const discarded = async (editId: string) =>
    (
      await env.db.query<{ discarded: boolean }>(
        'SELECT discarded_at IS NOT NULL AS discarded FROM comment_revisions WHERE id = $1',
        [editId],
      )
    ).rows[0]!.discarded;

  it('when an earlier edit never reached the queue (the API stopped in between), then the next edit drops it and applies at once', async () => {
    const id = await approvedComment('A comment whose first edit was lost.');
    // What a stop between the edit's commit and its job leaves: a waiting revision no job will ever apply.
    const lost = '01900000-0000-7000-8000-000000000001';
    await waitingEdit(env.db, {
      siteId: site.siteId,
      commentId: id,
      body: 'The lost edit.',
      id: lost,
      recordedAgoS: 60,
    });
    const started = Date.now();
    await edit(id, ada.accessToken, 'A comment whose second edit went through.').expect(202);
    assert.ok(Date.now() - started < 5_000, 'answered without waiting on its own lock');
    await waitFor(async () => (await row(id)).body === 'A comment whose second edit went through.', {
      what: 'the second edit',
    });
    assert.equal(await discarded(lost), true);
  });

  it('when another tab edits while the first edit is recorded but not yet queued, then the second is 409 edit_pending and the first still applies', async () => {
    const id = await approvedComment('A comment edited from two tabs.');
    // The first tab's request between its commit and its job: recorded a moment ago, not in the queue yet.
    const first = await waitingEdit(env.db, { siteId: site.siteId, commentId: id, body: 'The first tab’s text.' });
    const second = await edit(id, ada.accessToken, 'The second tab’s text.').expect(409);
    assert.equal(second.body.error.code, 'edit_pending');
    assert.equal(await discarded(first), false);
    assert.equal(await applyWaitingEdit(env.db, first, 'approved'), true);
    assert.equal((await row(id)).body, 'The first tab’s text.');
  });

  it('when an edit is sent again with the same text (its answer was lost), then it is 202 with the same edit, queued once and applied once', async () => {
    const id = await approvedComment('A comment whose edit was sent twice.');
    await worker.close();
    let editId: string;
    try {
      editId = (await edit(id, ada.accessToken, 'Sent twice, applied once.').expect(202)).body.editId;
      const again = await edit(id, ada.accessToken, 'Sent twice, applied once.', { 'If-Match': '"e0"' }).expect(202);
      assert.equal(again.body.editId, editId);
      const revisions = await env.db.query('SELECT id FROM comment_revisions WHERE comment_id = $1', [id]);
      assert.deepEqual(
        revisions.rows.map((r) => r.id),
        [editId],
      );
    } finally {
      worker = await startTestWorker(env);
    }
    await waitFor(async () => (await row(id)).body === 'Sent twice, applied once.', { what: 'the edit' });
    assert.equal((await row(id)).edit_count, 1);
  });

  it('when the same text is sent again for an edit whose job never reached the queue, then that edit is queued and applies', async () => {
    const id = await approvedComment('A comment whose edit was retried after a stop.');
    const stranded = await waitingEdit(env.db, {
      siteId: site.siteId,
      commentId: id,
      body: 'Retried after the stop.',
      recordedAgoS: 60,
    });
    const res = await edit(id, ada.accessToken, 'Retried after the stop.').expect(202);
    assert.equal(res.body.editId, stranded);
    await waitFor(async () => (await row(id)).body === 'Retried after the stop.', { what: 'the stranded edit' });
    assert.equal(await discarded(stranded), false);
  });

  it("when an earlier edit's job failed for good, then the next edit drops it and applies", async () => {
    const id = await approvedComment('A comment whose first edit failed.');
    await worker.close();
    let failedEdit: string;
    try {
      failedEdit = (await edit(id, ada.accessToken, 'The edit whose job failed.').expect(202)).body.editId;
      // Taken by hand, as a worker would, and failed with no retry left.
      const taker = new Worker(env.queue.name, null, { connection: env.queueRedis, prefix: env.config.QUEUE_PREFIX });
      taker.on('error', () => undefined);
      try {
        const token = randomUUID();
        const job = await taker.getNextJob(token);
        assert.equal(job?.id, editJobId(failedEdit));
        await job!.moveToFailed(new UnrecoverableError('scorer exploded'), token, false);
      } finally {
        await taker.close();
      }
      assert.equal(await (await env.queue.getJob(editJobId(failedEdit)))!.getState(), 'failed');
    } finally {
      worker = await startTestWorker(env);
    }
    await edit(id, ada.accessToken, 'A comment whose next edit went through.').expect(202);
    await waitFor(async () => (await row(id)).body === 'A comment whose next edit went through.', {
      what: 'the next edit',
    });
    assert.equal(await discarded(failedEdit), true);
  });

  it("when readers' reports hold a comment, or a moderator removes it while an edit waits, then its author's edit does not publish it", async () => {
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const decide = (id: string, action: 'approve' | 'reject') =>
      request(api.app)
        .post(`/api/v1/comments/${id}/moderation`)
        .set('Authorization', `Bearer ${mod.accessToken}`)
        .send({ action });
    // Held by readers' reports: the edit is scored, and the new text waits for a moderator too.
    const held = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: ada.user.id,
      body: 'A remark readers reported.',
      status: 'pending',
      reasons: [{ rule: 'reports', detail: 'held after 3 reports' }],
    });
    await edit(held, ada.accessToken, 'A remark readers reported, reworded.').expect(202);
    await waitFor(async () => (await row(held)).edit_count === 1, { what: 'the edit applied' });
    assert.deepEqual(
      { status: (await row(held)).status, body: (await row(held)).body },
      { status: 'pending', body: 'A remark readers reported, reworded.' },
    );
    // An edit another rule holds, then a clean one: the readers' hold is still there for a moderator.
    await edit(held, ada.accessToken, 'A remark readers reported, now I frobnicate.').expect(202);
    await waitFor(async () => (await row(held)).edit_count === 2, { what: 'the second edit applied' });
    assert.equal((await row(held)).status, 'pending');
    await edit(held, ada.accessToken, 'A remark readers reported, reworded once more.').expect(202);
    await waitFor(async () => (await row(held)).edit_count === 3, { what: 'the third edit applied' });
    assert.deepEqual(
      { status: (await row(held)).status, body: (await row(held)).body },
      { status: 'pending', body: 'A remark readers reported, reworded once more.' },
    );

    // Removed while the edit waited: the edit is dropped and the comment stays removed.
    const removed = await approvedComment('A remark about to be removed.');
    await worker.close();
    try {
      await edit(removed, ada.accessToken, 'A remark about to be removed, reworded.').expect(202);
      await decide(removed, 'reject').expect(200);
    } finally {
      worker = await startTestWorker(env);
    }
    await waitFor(
      async () =>
        (
          await env.db.query<{ done: boolean }>(
            `SELECT bool_and(discarded_at IS NOT NULL OR applied_at IS NOT NULL) AS done FROM comment_revisions WHERE comment_id = $1`,
            [removed],
          )
        ).rows[0]!.done === true,
      { what: 'the edit job done' },
    );
    assert.deepEqual(
      { status: (await row(removed)).status, body: (await row(removed)).body, edits: (await row(removed)).edit_count },
      { status: 'rejected', body: 'A remark about to be removed.', edits: 0 },
    );
  });

  it('when a reported comment is edited, then the reports about the old text are closed, and their readers may report the new one', async () => {
    const id = await approvedComment('A remark two readers reported.');
    const cleo = await signInReader(api.app, site, { name: 'Cleo' });
    const report = (token: string) =>
      request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set('Authorization', `Bearer ${token}`)
        .send({ reason: 'abuse' });
    // The author's edit is sent first; the readers report the old text, still shown, before the worker applies it.
    const editId = await waitingEdit(env.db, {
      siteId: site.siteId,
      commentId: id,
      body: 'A remark, put more kindly.',
    });
    await report(bob.accessToken).expect(201);
    await report(cleo.accessToken).expect(201);
    assert.equal((await report(bob.accessToken).expect(409)).body.error.code, 'already_reported');
    const open = async () =>
      (
        await env.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM reports WHERE comment_id = $1 AND resolved_at IS NULL',
          [id],
        )
      ).rows[0]!.n;
    assert.equal(await open(), 2);
    assert.equal(await applyWaitingEdit(env.db, editId, 'approved'), true);
    assert.equal(await open(), 0, 'the reports were about the old text');
    // Bob reads the new text and reports it still: a report of its own, counted alone.
    await report(bob.accessToken).expect(201);
    assert.equal(await open(), 1);
    assert.equal((await report(bob.accessToken).expect(409)).body.error.code, 'already_reported');
  });

  it('when a featured comment is edited, then the new text is not featured until an editor picks it again', async () => {
    const id = await approvedComment('A remark the editors liked.');
    const editor = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    await request(api.app)
      .post(`/api/v1/comments/${id}/feature`)
      .set('Authorization', `Bearer ${editor.accessToken}`)
      .send({ featured: true })
      .expect(200);
    const featured = async () =>
      (await env.db.query<{ f: boolean }>(`SELECT featured_at IS NOT NULL AS f FROM comments WHERE id = $1`, [id]))
        .rows[0]!.f;
    assert.equal(await featured(), true);
    await edit(id, ada.accessToken, 'A remark the editors liked, now about something else.').expect(202);
    await waitFor(async () => (await row(id)).edit_count === 1, { what: 'the edit applied' });
    assert.equal((await row(id)).status, 'approved');
    assert.equal(await featured(), false);
  });

  it('when someone else, another site, a stale If-Match, a passed window, a rejected comment or a banned author edits, then 4xx with its code', async () => {
    const id = await approvedComment('Not yours to edit.');
    assert.equal((await edit(id, bob.accessToken, 'Mine now.').expect(403)).body.error.code, 'not_author');
    // Someone else's held comment is not shown to exist.
    const hidden = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: ada.user.id,
      status: 'pending',
    });
    await edit(hidden, bob.accessToken, 'Mine now.').expect(404);
    await request(api.app)
      .delete(`/api/v1/comments/${hidden}`)
      .set('Authorization', `Bearer ${bob.accessToken}`)
      .expect(404);
    const other = await buildSite(env.db);
    const stranger = await signInReader(api.app, other, { name: 'Stranger' });
    await edit(id, stranger.accessToken, 'Mine now.').expect(404);
    await request(api.app).patch(`/api/v1/comments/${id}`).send({ body: 'x' }).expect(401);
    assert.equal(
      (await edit(id, ada.accessToken, 'Stale.', { 'If-Match': '"e7"' }).expect(412)).body.error.code,
      'precondition_failed',
    );
    assert.equal((await edit(id, ada.accessToken, '   ').expect(400)).body.error.code, 'validation_failed');

    const old = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: ada.user.id,
      body: 'Posted long ago.',
      createdAt: new Date(Date.now() - 11 * 60_000),
    });
    assert.equal((await edit(old, ada.accessToken, 'Too late.').expect(403)).body.error.code, 'edit_window_passed');

    const rejected = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: ada.user.id,
      status: 'rejected',
    });
    assert.equal((await edit(rejected, ada.accessToken, 'Try again.').expect(409)).body.error.code, 'not_editable');

    const carol = await signInReader(api.app, site, { name: 'Carol' });
    const hers = await storeComment(env.db, { siteId: site.siteId, postId, authorId: carol.user.id });
    await env.db.query(`UPDATE users SET status = 'banned' WHERE id = $1`, [carol.user.id]);
    const banned = await edit(hers, carol.accessToken, 'Let me.');
    assert.equal(banned.status, 403);
    assert.ok(['user_banned', 'forbidden', 'token_revoked'].includes(banned.body.error.code), banned.body.error.code);
  });
});

/**
 * A site of its own whose publisher takes `events` by webhook, with a post and a reader: what its deliveries carry can
 * be read back (`sentWith`, the events whose body holds a text).
 */
async function hookedSite(events: string[], name: string) {
  const own = await buildSite(env.db);
  await request(api.app)
    .post(`/api/v1/sites/${own.siteId}/webhooks`)
    .set('Authorization', `Bearer ${own.apiKey}`)
    .send({ url: 'http://127.0.0.1:9/hooks', events })
    .expect(201);
  const author = await signInReader(api.app, own, { name });
  const ownPost = await buildPost(env.db, own.siteId);
  const sentWith = async (text: string) =>
    (
      await env.db.query(`SELECT event_type FROM webhook_deliveries WHERE site_id = $1 AND body LIKE $2`, [
        own.siteId,
        `%${text}%`,
      ])
    ).rows;
  return { own, author, ownPost, sentWith };
}

describe('deleting one’s own comment', () => {
  it('when its comment.deleted cannot be stored, then the deletion does not happen either, and succeeds once it can', async () => {
    const { own, author, ownPost } = await hookedSite(['comment.deleted'], 'Tove Told');
    const id = await storeComment(env.db, {
      siteId: own.siteId,
      postId: ownPost,
      authorId: author.user.id,
      body: 'Words a publisher keeps a copy of.',
    });
    const deliveries = async () =>
      (
        await env.db.query(`SELECT event_type FROM webhook_deliveries WHERE site_id = $1 AND comment_id = $2`, [
          own.siteId,
          id,
        ])
      ).rows;
    // The database refuses the event at the moment it is stored (as a failing connection would).
    await env.db.query(`CREATE FUNCTION refuse_deleted_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.event_type = 'comment.deleted' THEN RAISE EXCEPTION 'no room for it'; END IF; RETURN NEW; END $$`);
    await env.db.query(`CREATE TRIGGER refuse_deleted_event BEFORE INSERT ON webhook_deliveries
      FOR EACH ROW EXECUTE FUNCTION refuse_deleted_event()`);
    try {
      const refused = await remove(id, author.accessToken);
      assert.equal(refused.status, 500);
      assert.equal((await row(id)).deleted, false);
      assert.equal((await row(id)).body, 'Words a publisher keeps a copy of.');
    } finally {
      await env.db.query('DROP TRIGGER refuse_deleted_event ON webhook_deliveries');
      await env.db.query('DROP FUNCTION refuse_deleted_event()');
    }
    assert.deepEqual(await deliveries(), []);
    await remove(id, author.accessToken).expect(204);
    assert.equal((await row(id)).deleted, true);
    assert.deepEqual(await deliveries(), [{ event_type: 'comment.deleted' }]);
  });

  it('when a comment’s job runs again after its author deleted it (its first run stopped once it was stored), then none of its text goes to publishers', async () => {
    const { own, author, ownPost, sentWith } = await hookedSite(
      ['comment.accepted', 'comment.approved'],
      'Dora Deleter',
    );
    const body = 'Said, stored, then thought better of.';
    // As the first run left it: stored, its events never sent.
    const id = await storeComment(env.db, { siteId: own.siteId, postId: ownPost, authorId: author.user.id, body });
    await remove(id, author.accessToken).expect(204);
    const job: CommentJob = {
      commentId: id,
      siteId: own.siteId,
      postId: ownPost,
      authorId: author.user.id,
      parentId: null,
      body,
      acceptedAt: new Date().toISOString(),
    };
    await env.queue.add('moderate', job, { ...commentJobOptions({ attempts: 3 }), jobId: commentJobId(id) });
    await waitFor(async () => (await env.queue.getJob(commentJobId(id)))?.isCompleted(), { what: 'the re-run' });
    assert.deepEqual(await sentWith(body), []);
  });

  it('when an edit’s job runs again after its author deleted the comment (its first run stopped once the edit was applied), then none of the edited text goes to publishers', async () => {
    const { own, author, ownPost, sentWith } = await hookedSite(['comment.edited', 'comment.approved'], 'Edna Editor');
    const id = await storeComment(env.db, {
      siteId: own.siteId,
      postId: ownPost,
      authorId: author.user.id,
      body: 'First thoughts.',
    });
    const body = 'Second thoughts, then none at all.';
    await env.queue.pause();
    let editId: string;
    try {
      editId = (await edit(id, author.accessToken, body).expect(202)).body.editId as string;
      // As the first run left it: the edit applied, its events never sent.
      assert.equal(await applyWaitingEdit(env.db, editId, 'approved'), true);
      await remove(id, author.accessToken).expect(204);
    } finally {
      await env.queue.resume();
    }
    await waitFor(async () => (await env.queue.getJob(editJobId(editId)))?.isCompleted(), { what: 'the re-run' });
    assert.deepEqual(await sentWith(body), []);
  });

  it('when the post is closed, then its comments can no longer be edited (409 post_closed), and their authors may still delete them', async () => {
    const id = await approvedComment('Written while the post was open.');
    await env.db.query('UPDATE posts SET closed = true WHERE site_id = $1 AND id = $2', [site.siteId, postId]);
    try {
      const res = await edit(id, ada.accessToken, 'Written again after the close.').expect(409);
      assert.equal(res.body.error.code, 'post_closed');
      assert.equal((await row(id)).edit_count, 0);
      await remove(id, ada.accessToken).expect(204);
    } finally {
      await env.db.query('UPDATE posts SET closed = false WHERE site_id = $1 AND id = $2', [site.siteId, postId]);
    }
  });

  it('when a comment without replies is deleted, then it leaves the thread, the count and storage, and the deletion is audited', async () => {
    const id = await approvedComment('Delete me entirely.');
    const before = await postCount();
    assert.equal((await remove(id, bob.accessToken).expect(403)).body.error.code, 'not_author');
    await remove(id, ada.accessToken).expect(204);
    assert.equal(await postCount(), before - 1);
    const r = await row(id);
    assert.deepEqual([r.body, r.deleted], ['', true]);
    const thread = await getThread(api.app, site.siteId, postId);
    assert.equal(
      thread.comments.some((c) => c.id === id),
      false,
    );
    await request(api.app).get(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${ada.accessToken}`).expect(404);
    await remove(id, ada.accessToken).expect(404);
    await edit(id, ada.accessToken, 'Back?').expect(404);
    const audit = await env.db.query(`SELECT action, actor_id FROM audit_log WHERE comment_id = $1`, [id]);
    assert.deepEqual(audit.rows, [{ action: 'comment.delete_own', actor_id: ada.user.id }]);
  });

  it('when a comment with a reply is deleted, then a "deleted by its author" placeholder without author or text keeps the reply, and the edited text is gone too', async () => {
    const id = await approvedComment('A comment people answered.');
    await edit(id, ada.accessToken, 'A comment people answered, edited.').expect(202);
    await waitFor(async () => (await row(id)).edit_count === 1, { what: 'the edit' });
    const reply = await approvedComment('An answer to it.', bob.accessToken, id);
    const before = await postCount();
    await remove(id, ada.accessToken).expect(204);
    assert.equal(await postCount(), before - 1, 'the reply still counts, the deleted comment not');
    const res = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments?limit=100`);
    const page = JSON.parse(res.text) as ThreadPage;
    const placeholder = page.comments.find((c) => c.id === id)!;
    assert.deepEqual(
      { removed: 'removed' in placeholder, deletedByAuthor: 'deletedByAuthor' in placeholder },
      { removed: true, deletedByAuthor: true },
    );
    assert.ok(!('body' in placeholder) && !('author' in placeholder));
    assert.equal(placeholder.replies[0]?.id, reply);
    assert.ok(!res.text.includes('A comment people answered'), 'no trace of the text in the API');
    const revs = await env.db.query(`SELECT body, previous_body FROM comment_revisions WHERE comment_id = $1`, [id]);
    assert.deepEqual(revs.rows, [{ body: '', previous_body: null }], 'nor in storage');
  });
});
