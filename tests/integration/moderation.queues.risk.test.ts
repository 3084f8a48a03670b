import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { waitFor } from '../support/wait-for.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestTasksWorker, startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { applyWaitingEdit, waitingEdit } from '../support/edits.js';

/**
 * Queues that use the scores: the pending queue by predicted rejection (most likely abusive first),
 * and the likely-fine lane with its precision measured from moderators' stored decisions.
 */

let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let tasksWorker: TestWorker;
let site: BuiltSite;
let otherSite: BuiltSite;
let admin: SignedIn;
let mod: SignedIn;
let otherMod: SignedIn;
let reader: { accessToken: string; user: { id: string } };
let otherReader: { accessToken: string; user: { id: string } };

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  otherSite = await buildSite(env.db);
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  otherMod = await buildStaff(env.db, api.app, otherSite.siteId, 'moderator');
  reader = await signInReader(api.app, site, { name: 'Ada Reader' });
  otherReader = await signInReader(api.app, otherSite, { name: 'Bo Reader' });
  worker = await startTestWorker(env);
  tasksWorker = await startTestTasksWorker(env);
});
after(async () => {
  await tasksWorker?.close();
  await worker?.close();
  await api?.close();
  await env?.close();
});

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const queue = (query: Record<string, string | number>, who: SignedIn = mod, siteId = site.siteId) =>
  request(api.app).get(`/api/v1/sites/${siteId}/moderation/queues/pending`).query(query).set(as(who));
const likelyFine = async (who: SignedIn = mod, siteId = site.siteId) =>
  (await request(api.app).get(`/api/v1/sites/${siteId}/moderation/likely-fine`).set(as(who)).expect(200)).body
    .likelyFine;
const patchSettings = (patch: Record<string, unknown>) =>
  request(api.app).patch(`/api/v1/sites/${site.siteId}/settings`).set(as(admin)).send(patch).expect(200);
const held = (postId: string, toxicity: number | null, siteId = site.siteId, authorId = reader.user.id) =>
  storeComment(env.db, {
    siteId,
    postId,
    authorId,
    status: 'pending',
    scores: toxicity === null ? {} : { TOXICITY: toxicity },
  });
const clearPending = () => env.db.query(`DELETE FROM comments WHERE status = 'pending'`);

describe('pending queue by risk', () => {
  it('when held comments are listed with sort=risk, then the one the worker scored most abusive comes first', async () => {
    await clearPending();
    await patchSettings({ premod: 'all' });
    const postId = await buildPost(env.db, site.siteId);
    const bodies = [
      'Thanks for the clear report on the ferry timetable.',
      'You are a pathetic idiot and a moron, shut up.',
      'I am not sure the council got the budget right this year.',
    ];
    const ids = [];
    for (const body of bodies) {
      const id = await postComment(api.app, { siteId: site.siteId, postId, token: reader.accessToken, body });
      await waitForDecision(api.app, id, reader.accessToken);
      ids.push(id);
    }
    await patchSettings({ premod: null });
    const byRisk = (await queue({ sort: 'risk' }).expect(200)).body.items.map((i: { id: string }) => i.id);
    assert.equal(byRisk[0], ids[1]);
    const byTime = (await queue({}).expect(200)).body.items.map((i: { id: string }) => i.id);
    assert.deepEqual(byTime, ids);
  });

  it('when the risk order is paged, then every held comment appears once, unscored first, then by falling score', async () => {
    await clearPending();
    const postId = await buildPost(env.db, site.siteId);
    const scores = [0.2, 0.9, null, 0.5, 0.9, 0.05];
    const ids = [];
    for (const s of scores) ids.push(await held(postId, s));
    await held(await buildPost(env.db, otherSite.siteId), 0.99, otherSite.siteId, otherReader.user.id);
    const seen: { id: string; score: number | undefined }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const q: Record<string, string | number> = { sort: 'risk', limit: 2 };
      if (cursor) q.cursor = cursor;
      const res = await queue(q).expect(200);
      for (const item of res.body.items) seen.push({ id: item.id, score: item.scores.TOXICITY });
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual(
      seen.map((s) => s.score),
      [undefined, 0.9, 0.9, 0.5, 0.2, 0.05],
    );
    assert.deepEqual(new Set(seen.map((s) => s.id)), new Set(ids));
    // Equal scores keep the oldest first.
    assert.deepEqual(
      seen.slice(1, 3).map((s) => s.id),
      [ids[1], ids[4]],
    );
  });

  it('when a held comment was not screened (a scorer could not read it), then it sorts with the unscored and never enters the likely-fine lane', async () => {
    await clearPending();
    const postId = await buildPost(env.db, site.siteId);
    const scored = await held(postId, 0.6);
    const german = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'Die Ausländer sind alle Schmarotzer und gehören sofort abgeschoben, raus mit denen.',
    });
    const decided = await waitForDecision(api.app, german, reader.accessToken);
    assert.equal(decided.status, 'pending');
    const row = await env.db.query<{ toxicity: number; rules: string[] }>(
      `SELECT (scores->>'TOXICITY')::float8 AS toxicity, array(SELECT r->>'rule' FROM jsonb_array_elements(reasons) r) AS rules
         FROM comments WHERE id = $1`,
      [german],
    );
    assert.deepEqual(row.rows[0]!.rules, ['scorer_unavailable']);
    // A lane level above both scores: only what the comment was scored on could keep it out.
    await patchSettings({ likelyFineBelow: 0.95 });
    try {
      assert.ok(row.rows[0]!.toxicity < 0.95, String(row.rows[0]!.toxicity));
      const byRisk = (await queue({ sort: 'risk' }).expect(200)).body.items.map((i: { id: string }) => i.id);
      assert.deepEqual(byRisk, [german, scored]);
      const lane = (await queue({ lane: 'likely-fine' }).expect(200)).body.items.map((i: { id: string }) => i.id);
      assert.deepEqual(lane, [scored]);
      assert.equal((await likelyFine()).waiting, 1);
    } finally {
      await patchSettings({ likelyFineBelow: null });
    }
  });

  it('when a cursor from one order is used with the other, or the sort is unknown, then the answer is a 400', async () => {
    await clearPending();
    const postId = await buildPost(env.db, site.siteId);
    for (const s of [0.1, 0.2, 0.3]) await held(postId, s);
    const timeCursor = (await queue({ limit: 1 }).expect(200)).body.nextCursor;
    const riskCursor = (await queue({ limit: 1, sort: 'risk' }).expect(200)).body.nextCursor;
    for (const res of [
      await queue({ sort: 'risk', cursor: timeCursor }),
      await queue({ cursor: riskCursor }),
      await queue({ sort: 'loudest' }),
    ]) {
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'validation_failed');
    }
  });
});

describe('likely-fine lane', () => {
  it('when held comments score below the site level, then the lane lists only them and its precision is measured from decisions made on them', async () => {
    await clearPending();
    await patchSettings({ likelyFineBelow: 0.3 });
    const postId = await buildPost(env.db, site.siteId);
    const low1 = await held(postId, 0.1);
    const low2 = await held(postId, 0.25);
    const low3 = await held(postId, 0.05);
    const high = await held(postId, 0.6);
    const unscored = await held(postId, null);
    await held(await buildPost(env.db, otherSite.siteId), 0.01, otherSite.siteId, otherReader.user.id);

    const lane = (await queue({ lane: 'likely-fine' }).expect(200)).body.items.map((i: { id: string }) => i.id);
    assert.deepEqual(lane, [low1, low2, low3]);
    const before = await likelyFine();
    assert.deepEqual(before, { below: 0.3, waiting: 3, decided: 0, approved: 0, precision: null, bulkDecided: 0 });

    // Two read one at a time (one fine, one abuse), one approved in bulk after a glance; outside the lane, decisions do
    // not count; the bulk approval says what the moderator did with the lane, not what is in it.
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [low2], action: 'approve' })
      .expect(200);
    for (const [id, action] of [
      [low1, 'approve'],
      [low3, 'reject'],
      [high, 'approve'],
      [unscored, 'approve'],
    ] as const) {
      await request(api.app).post(`/api/v1/comments/${id}/moderation`).set(as(mod)).send({ action }).expect(200);
    }
    const measured = await likelyFine();
    assert.equal(measured.waiting, 0);
    assert.equal(measured.decided, 2);
    assert.equal(measured.approved, 1);
    assert.equal(measured.precision, 1 / 2);
    assert.equal(measured.bulkDecided, 1);

    // Another site's lane has its own record.
    const other = await likelyFine(otherMod, otherSite.siteId);
    assert.equal(other.decided, 0);
    assert.equal(other.waiting, 1);
  });

  it("when a held comment's author deletes it, then the lane's waiting count leaves it out, as the lane's list does", async () => {
    await clearPending();
    await patchSettings({ likelyFineBelow: 0.3 });
    const postId = await buildPost(env.db, site.siteId);
    const kept = await held(postId, 0.1);
    const deleted = await held(postId, 0.1);
    await request(api.app).delete(`/api/v1/comments/${deleted}`).set(as(reader)).expect(204);
    const lane = (await queue({ lane: 'likely-fine' }).expect(200)).body.items.map((i: { id: string }) => i.id);
    assert.deepEqual(lane, [kept]);
    assert.equal((await likelyFine()).waiting, 1);
  });

  it('when a decision from the lane is undone after the adapter learned it, then it stops counting, and the comment decided again counts once', async () => {
    await clearPending();
    await patchSettings({ likelyFineBelow: 0.3 });
    const id = await held(await buildPost(env.db, site.siteId), 0.1);
    const start = await likelyFine();
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(as(mod))
      .send({ action: 'reject' })
      .expect(200);
    // The worker learns it (the site's adapter), as it does every decision.
    await waitFor(
      async () =>
        (
          await env.db.query(`SELECT 1 FROM moderation_decisions WHERE comment_id = $1 AND learned_at IS NOT NULL`, [
            id,
          ])
        ).rowCount === 1,
    );
    assert.equal((await likelyFine()).decided, start.decided + 1);
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/undo`)
      .set(as(mod))
      .send({ commentId: id })
      .expect(200);
    const undone = await likelyFine();
    assert.equal(undone.decided, start.decided);
    assert.equal(undone.approved, start.approved);
    assert.equal(undone.waiting, start.waiting);

    // Read again and rejected again: a standing decision of its own, learned like any other.
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(as(mod))
      .send({ action: 'reject' })
      .expect(200);
    const again = await likelyFine();
    assert.equal(again.decided, start.decided + 1);
    assert.equal(again.approved, start.approved);
    const rows = await env.db.query<{ voided: boolean }>(
      `SELECT voided_at IS NOT NULL AS voided FROM moderation_decisions WHERE comment_id = $1 ORDER BY id`,
      [id],
    );
    assert.deepEqual(
      rows.rows.map((r) => r.voided),
      [true, false],
    );
  });

  it('when the author edits a held comment after the moderator was shown it, then their decision on the old text is refused (`comment_edited`), one or in bulk, and the new text can be decided', async () => {
    await clearPending();
    const postId = await buildPost(env.db, site.siteId);
    const [a, b] = [await held(postId, 0.1), await held(postId, 0.1)];
    const listed = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/queues/pending`)
      .set(as(mod))
      .expect(200);
    const shown = new Map(
      listed.body.items.map((i: { id: string; editCount: number }) => [i.id, i.editCount] as const),
    );
    assert.deepEqual([shown.get(a), shown.get(b)], [0, 0]);
    // The author rewrites `a` while it waits; the worker applies the edit and it stays held.
    const editId = await waitingEdit(env.db, {
      siteId: site.siteId,
      commentId: a,
      body: 'Something the moderator never read.',
    });
    assert.equal(await applyWaitingEdit(env.db, editId, 'pending'), true);
    const stale = await request(api.app)
      .post(`/api/v1/comments/${a}/moderation`)
      .set(as(mod))
      .send({ action: 'approve', editCount: shown.get(a) })
      .expect(409);
    assert.equal(stale.body.error.code, 'comment_edited');
    const status = async (id: string) =>
      (await env.db.query<{ status: string }>(`SELECT status FROM comments WHERE id = $1`, [id])).rows[0]!.status;
    assert.equal(await status(a), 'pending');
    const bulk = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [a, b], action: 'approve', from: 'pending', editCounts: { [a]: 0, [b]: 0 } })
      .expect(200);
    assert.deepEqual(
      bulk.body.results.map((r: { id: string; ok: boolean; error?: { code: string } }) => [r.id, r.ok, r.error?.code]),
      [
        [a, false, 'comment_edited'],
        [b, true, undefined],
      ],
    );
    assert.equal(await status(a), 'pending');
    // Read again, the new text is what is decided.
    const again = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/queues/pending`)
      .set(as(mod))
      .expect(200);
    const item = again.body.items.find((i: { id: string }) => i.id === a);
    assert.equal(item.editCount, 1);
    assert.equal(item.body, 'Something the moderator never read.');
    await request(api.app)
      .post(`/api/v1/comments/${a}/moderation`)
      .set(as(mod))
      .send({ action: 'reject', editCount: 1 })
      .expect(200);
    assert.equal(await status(a), 'rejected');
  });

  it('when a bulk action names the queue it listed and another moderator decided one comment meanwhile, then that one is left as it is with `changed`', async () => {
    await clearPending();
    const postId = await buildPost(env.db, site.siteId);
    const [a, b, c] = [await held(postId, 0.1), await held(postId, 0.1), await held(postId, 0.1)];
    const colleague = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    await request(api.app)
      .post(`/api/v1/comments/${b}/moderation`)
      .set(as(colleague))
      .send({ action: 'reject' })
      .expect(200);
    const res = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [a, b, c], action: 'approve', from: 'pending' })
      .expect(200);
    assert.deepEqual(
      res.body.results.map((r: { id: string; ok: boolean; error?: { code: string } }) => [r.id, r.ok, r.error?.code]),
      [
        [a, true, undefined],
        [b, false, 'changed'],
        [c, true, undefined],
      ],
    );
    const status = async (id: string) =>
      (await env.db.query<{ status: string }>(`SELECT status FROM comments WHERE id = $1`, [id])).rows[0]!.status;
    assert.deepEqual([await status(a), await status(b), await status(c)], ['approved', 'rejected', 'approved']);
    // Without `from` the action applies whatever the status (an explicit override), as before.
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [b], action: 'approve' })
      .expect(200);
    assert.equal(await status(b), 'approved');
    // A comment of another site is not found, not `changed`.
    const foreign = await held(await buildPost(env.db, otherSite.siteId), 0.1, otherSite.siteId, otherReader.user.id);
    const other = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [foreign], action: 'approve', from: 'pending' })
      .expect(200);
    assert.equal(other.body.results[0].error.code, 'comment_not_found');
  });

  it('when the lane is asked of a queue other than pending, then the answer is a 400', async () => {
    const res = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/queues/approved`)
      .query({ lane: 'likely-fine' })
      .set(as(mod));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
  });
});
