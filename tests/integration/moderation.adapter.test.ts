import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestTasksWorker, startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, distinctText, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { waitFor } from '../support/wait-for.js';
import { findComment } from '#shared/db/comments.js';
import { learnDecisions } from '#worker/tasks/learn-decisions.js';
import { createCommentModel } from '#shared/scoring/model/comment.js';
import { savedBeforeGroupContext, savedOnModel } from '../support/adapter-states.js';

/**
 * Per-site adapters learn from moderators' decisions: API decisions (single and bulk) are recorded,
 * the real tasks worker learns them into the site's adapter in Postgres, and the real comment worker
 * scores with it once it beats the shared model — for that site only.
 */

let env: TestEnv;
let api: TestApi;
let commentWorker: TestWorker;
let tasksWorker: TestWorker;
const sites: {
  site: BuiltSite;
  admin: SignedIn;
  mod: SignedIn;
  reader: { accessToken: string; user: { id: string } };
  postId: string;
}[] = [];

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  for (let i = 0; i < 2; i++) {
    const site = await buildSite(env.db);
    sites.push({
      site,
      admin: await buildStaff(env.db, api.app, site.siteId, 'admin'),
      mod: await buildStaff(env.db, api.app, site.siteId, 'moderator'),
      reader: await signInReader(api.app, site, { name: `Reader ${i}` }),
      postId: await buildPost(env.db, site.siteId),
    });
  }
  commentWorker = await startTestWorker(env);
  tasksWorker = await startTestTasksWorker(env);
});
after(async () => {
  await tasksWorker?.close();
  await commentWorker?.close();
  await api?.close();
  await env?.close();
});

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const spam = (n: number) => `Claim the free crypto giveaway today, visit the promo page number ${n} for bonus coins.`;
const adapterOf = async (i: number) =>
  (
    await request(api.app)
      .get(`/api/v1/sites/${sites[i]!.site.siteId}/moderation/adapter`)
      .set(as(sites[i]!.admin))
      .expect(200)
  ).body.adapter;
const learnedRows = async (siteId: string) =>
  (
    await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM moderation_decisions WHERE site_id = $1', [
      siteId,
    ])
  ).rows[0]!.n;
const bulk = (i: number, ids: string[], action: 'approve' | 'reject') =>
  request(api.app)
    .post(`/api/v1/sites/${sites[i]!.site.siteId}/moderation/bulk`)
    .set(as(sites[i]!.mod))
    .send({ ids, action })
    .expect(200);

/** Held comments on site i: spam (rejected by this site's moderators) and ordinary remarks (approved). */
async function seedHeld(i: number, count: number, from: number) {
  const s = sites[i]!;
  const spamIds: string[] = [];
  const fineIds: string[] = [];
  for (let n = from; n < from + count; n++) {
    const isSpam = n % 2 === 1;
    const id = await storeComment(env.db, {
      siteId: s.site.siteId,
      postId: s.postId,
      authorId: s.reader.user.id,
      body: isSpam ? spam(n) : distinctText(n),
      status: 'pending',
    });
    (isSpam ? spamIds : fineIds).push(id);
  }
  return { spamIds, fineIds };
}

describe('per-site adapter', () => {
  it("when a site's moderators decide enough comments, then its adapter learns them, switches on, and scores that site's new comments only", async () => {
    const { spamIds, fineIds } = await seedHeld(0, 240, 0);
    // Alternating batches, as moderators work through a queue.
    for (let k = 0; k < spamIds.length; k += 20) {
      await bulk(0, fineIds.slice(k, k + 20), 'approve');
      await bulk(0, spamIds.slice(k, k + 20), 'reject');
    }
    const learned = await waitFor(
      async () => {
        const a = await adapterOf(0);
        return a.decisionsLearned === 240 && a.waiting === 0 ? a : null;
      },
      { timeoutMs: 60_000, what: 'site 0 adapter to learn 240 decisions' },
    );
    assert.equal(learned.ready, true);
    assert.equal(learned.inUse, true);
    assert.equal(learned.scoresEveryComment, true);
    assert.equal(learned.window.n, 240);
    assert.equal(learned.window.rejected, 120);
    assert.ok(learned.adapter.auc > learned.base.auc, JSON.stringify(learned));
    assert.ok(learned.adapter.logLoss < learned.base.logLoss);

    const other = await adapterOf(1);
    assert.equal(other.decisionsLearned, 0);
    assert.equal(other.inUse, false);

    // The same spam on both sites: site 0 scores it with its adapter, site 1 with the shared model.
    const ids = [];
    for (const i of [0, 1]) {
      const s = sites[i]!;
      const id = await postComment(api.app, {
        siteId: s.site.siteId,
        postId: s.postId,
        token: s.reader.accessToken,
        body: spam(1001),
      });
      await waitForDecision(api.app, id, s.reader.accessToken);
      ids.push(id);
    }
    const adapted = (await findComment(env.db, ids[0]!))!;
    const shared = (await findComment(env.db, ids[1]!))!;
    assert.deepEqual(
      adapted.scoredBy.map((b) => b.adapter),
      [true],
    );
    assert.deepEqual(
      shared.scoredBy.map((b) => b.adapter),
      [undefined],
    );
    assert.ok(adapted.scores.TOXICITY! > 0.7, `adapted TOXICITY ${adapted.scores.TOXICITY}`);
    assert.ok(shared.scores.TOXICITY! < 0.5, `shared TOXICITY ${shared.scores.TOXICITY}`);
    assert.equal(adapted.status, 'pending');
    assert.equal(shared.status, 'approved');
  });

  it('when a decision is repeated or its learning job runs again, then it is learned once', async () => {
    const s = sites[0]!;
    const before = await adapterOf(0);
    const rows = await learnedRows(s.site.siteId);
    const { spamIds } = await seedHeld(0, 2, 5001);
    await bulk(0, spamIds, 'reject');
    // The same action again: the comment is rejected already and the decision recorded.
    await bulk(0, spamIds, 'reject');
    const after = await waitFor(
      async () => {
        const a = await adapterOf(0);
        return a.decisionsLearned === before.decisionsLearned + 1 && a.waiting === 0 ? a : null;
      },
      { timeoutMs: 30_000, what: 'the new decision to be learned' },
    );
    assert.equal(await learnedRows(s.site.siteId), rows + 1);
    // A retried job (the same learning, again, twice at once) finds nothing left to learn.
    const model = createCommentModel();
    const again = await Promise.all([
      learnDecisions(env.db, model, s.site.siteId),
      learnDecisions(env.db, model, s.site.siteId),
    ]);
    assert.deepEqual(again, [0, 0]);
    assert.equal((await adapterOf(0)).decisionsLearned, after.decisionsLearned);
  });

  it("when two workers learn one site at once, then neither loses the other's decisions", async () => {
    const s = sites[1]!;
    const { spamIds, fineIds } = await seedHeld(1, 40, 7000);
    // Recorded straight away, learned below by two learners racing (the tasks worker may join them).
    await tasksWorker.worker.pause();
    try {
      await bulk(1, spamIds, 'reject');
      await bulk(1, fineIds, 'approve');
      const model = createCommentModel();
      const counts = await Promise.all([
        learnDecisions(env.db, model, s.site.siteId),
        learnDecisions(env.db, model, s.site.siteId),
      ]);
      assert.equal(counts[0]! + counts[1]!, 40);
    } finally {
      tasksWorker.worker.resume();
    }
    const a = await adapterOf(1);
    assert.equal(a.decisionsLearned, 40);
    assert.equal(a.waiting, 0);
  });

  it("when a ban rejects a reader's comments, then each rejection is learned by that site's adapter", async () => {
    const s = sites[1]!;
    const before = (await adapterOf(1)).decisionsLearned;
    const banned = await signInReader(api.app, s.site, { name: 'Spammer' });
    for (let n = 0; n < 3; n++) {
      await storeComment(env.db, {
        siteId: s.site.siteId,
        postId: s.postId,
        authorId: banned.user.id,
        body: spam(9000 + n),
        status: n === 0 ? 'approved' : 'pending',
      });
    }
    await request(api.app)
      .post(`/api/v1/sites/${s.site.siteId}/users/${banned.user.id}/ban`)
      .set(as(s.mod))
      .send({ reason: 'spam', rejectExisting: true })
      .expect(202);
    const a = await waitFor(
      async () => {
        const x = await adapterOf(1);
        return x.decisionsLearned === before + 3 && x.waiting === 0 ? x : null;
      },
      { timeoutMs: 30_000, what: "the ban's rejections to be learned" },
    );
    assert.equal(a.window.rejected, 20 + 3);
    assert.equal((await adapterOf(0)).decisionsLearned, 241, 'the other site learned nothing of it');
  });

  it('when a site switches its adapter off, then its comments are scored by the shared model though the adapter is ready', async () => {
    const s = sites[0]!;
    const patch = (body: Record<string, unknown>) =>
      request(api.app).patch(`/api/v1/sites/${s.site.siteId}/settings`).set(as(s.admin)).send(body).expect(200);
    await patch({ adapter: { enabled: false } });
    try {
      const a = await adapterOf(0);
      assert.deepEqual([a.enabled, a.ready, a.inUse], [false, true, false]);
      const id = await postComment(api.app, {
        siteId: s.site.siteId,
        postId: s.postId,
        token: s.reader.accessToken,
        body: spam(3003),
      });
      await waitForDecision(api.app, id, s.reader.accessToken);
      const c = (await findComment(env.db, id))!;
      assert.equal(c.scoredBy[0]!.adapter, undefined);
    } finally {
      await patch({ adapter: null });
    }
  });

  it("when a site's scorers leave out the embedded one, then its ready adapter is in use for the fallback only, and the page's figures say so", async () => {
    const s = sites[0]!;
    const patch = (body: Record<string, unknown>) =>
      request(api.app).patch(`/api/v1/sites/${s.site.siteId}/settings`).set(as(s.admin)).send(body).expect(200);
    await patch({ scorers: ['perspective'] });
    try {
      const a = await adapterOf(0);
      assert.deepEqual([a.enabled, a.ready, a.inUse, a.scoresEveryComment], [true, true, true, false]);
    } finally {
      await patch({ scorers: ['embedded'] });
    }
    assert.equal((await adapterOf(0)).scoresEveryComment, true);
  });

  it("when a new shared model ships, then a site's adapter checked on the one before is not used until it is checked again, and keeps what it learned", async () => {
    const s = sites[0]!;
    const ready = await adapterOf(0);
    assert.deepEqual([ready.ready, ready.learnedOn], [true, ready.sharedModel]);
    assert.match(ready.sharedModel, /^toxicity-lr-/);
    const { rows } = await env.db.query<{ state: Buffer; stats: unknown }>(
      'SELECT state, stats FROM site_adapters WHERE site_id = $1',
      [s.site.siteId],
    );
    const saved = rows[0]!;
    try {
      // As the adapter was saved when the model before this one scored: once with its version, once with none.
      for (const learnedOn of ['toxicity-lr-v4', null]) {
        await env.db.query('UPDATE site_adapters SET state = $2, version = version + 1 WHERE site_id = $1', [
          s.site.siteId,
          Buffer.from(savedOnModel(saved.state, learnedOn)),
        ]);
        const older = await adapterOf(0);
        assert.deepEqual([older.ready, older.inUse, older.learnedOn], [false, false, learnedOn]);
        assert.equal(older.decisionsLearned, ready.decisionsLearned);
        const id = await postComment(api.app, {
          siteId: s.site.siteId,
          postId: s.postId,
          token: s.reader.accessToken,
          body: spam(learnedOn ? 4004 : 4005),
        });
        await waitForDecision(api.app, id, s.reader.accessToken);
        assert.equal((await findComment(env.db, id))!.scoredBy[0]!.adapter, undefined, 'the shared model scored it');
      }
      // The next decisions are learned on top of what it knew; its window starts again with this model's scores.
      const { spamIds, fineIds } = await seedHeld(0, 4, 9200);
      await bulk(0, fineIds, 'approve');
      await bulk(0, spamIds, 'reject');
      await learnDecisions(env.db, createCommentModel(), s.site.siteId);
      const rechecking = await adapterOf(0);
      assert.equal(rechecking.learnedOn, rechecking.sharedModel);
      assert.deepEqual(rechecking.window, { n: 4, rejected: 2 });
      assert.equal(rechecking.decisionsLearned, ready.decisionsLearned + 4);
      assert.deepEqual([rechecking.ready, rechecking.inUse], [false, false]);
    } finally {
      await env.db.query(
        'UPDATE site_adapters SET state = $2, stats = $3, in_use = true, version = version + 1 WHERE site_id = $1',
        [s.site.siteId, saved.state, JSON.stringify(saved.stats)],
      );
    }
  });

  it('when a site admin resets the adapter, then it forgets what it learned and the site is scored by the shared model again', async () => {
    const s = sites[0]!;
    const otherBefore = (await adapterOf(1)).decisionsLearned;
    await request(api.app).post(`/api/v1/sites/${s.site.siteId}/moderation/adapter/reset`).set(as(s.mod)).expect(403);
    const res = await request(api.app)
      .post(`/api/v1/sites/${s.site.siteId}/moderation/adapter/reset`)
      .set(as(s.admin))
      .expect(200);
    assert.equal(res.body.adapter.decisionsLearned, 0);
    assert.equal(res.body.adapter.inUse, false);
    assert.equal(typeof res.body.adapter.resetAt, 'string');
    assert.equal((await adapterOf(1)).decisionsLearned, otherBefore, 'the other site keeps its adapter');

    const id = await postComment(api.app, {
      siteId: s.site.siteId,
      postId: s.postId,
      token: s.reader.accessToken,
      body: spam(2002),
    });
    await waitForDecision(api.app, id, s.reader.accessToken);
    const c = (await findComment(env.db, id))!;
    assert.equal(c.scoredBy[0]!.adapter, undefined);
    assert.ok(c.scores.TOXICITY! < 0.5);
  });

  it("when a site's adapter was started before adapters read the words near a group, then its figures say so until a reset", async () => {
    const s = sites[1]!;
    const before = await adapterOf(1);
    assert.equal(before.groupContext, true, 'an adapter started now reads them');
    const { rows } = await env.db.query<{ state: Buffer }>('SELECT state FROM site_adapters WHERE site_id = $1', [
      s.site.siteId,
    ]);
    assert.ok(rows[0]?.state, 'site 1 has learned decisions');
    await env.db.query('UPDATE site_adapters SET state = $2 WHERE site_id = $1', [
      s.site.siteId,
      Buffer.from(savedBeforeGroupContext(rows[0].state)),
    ]);
    const older = await adapterOf(1);
    assert.equal(older.groupContext, false);
    assert.equal(older.decisionsLearned, before.decisionsLearned, 'the rest of its figures are as they were');
    // A state that cannot be read (the worker scores with the shared model until a reset) reads nothing either.
    await env.db.query('UPDATE site_adapters SET state = $2 WHERE site_id = $1', [
      s.site.siteId,
      Buffer.from('damaged'),
    ]);
    assert.equal((await adapterOf(1)).groupContext, false);

    const res = await request(api.app)
      .post(`/api/v1/sites/${s.site.siteId}/moderation/adapter/reset`)
      .set(as(s.admin))
      .expect(200);
    assert.equal(res.body.adapter.groupContext, true);
    assert.equal(res.body.adapter.decisionsLearned, 0);

    // The adapter started after the reset, once saved, says so from its own state's head.
    const { fineIds } = await seedHeld(1, 2, 9100);
    await bulk(1, fineIds, 'approve');
    await learnDecisions(env.db, createCommentModel(), s.site.siteId);
    const next = await adapterOf(1);
    assert.ok(next.decisionsLearned >= 1, JSON.stringify(next));
    assert.equal(next.groupContext, true);
    const { rows: saved } = await env.db.query('SELECT 1 FROM site_adapters WHERE site_id = $1 AND state IS NOT NULL', [
      s.site.siteId,
    ]);
    assert.equal(saved.length, 1);
  });

  it('when moderators decide a comment in a language the scorer does not read, then the decision is taken but not learned', async () => {
    const s = sites[1]!;
    const id = await storeComment(env.db, {
      siteId: s.site.siteId,
      postId: s.postId,
      authorId: s.reader.user.id,
      body: 'Die Ausländer sind alle Schmarotzer und gehören sofort abgeschoben, raus mit denen.',
      status: 'pending',
    });
    await learnDecisions(env.db, createCommentModel(), s.site.siteId);
    const before = (await adapterOf(1)).decisionsLearned;
    await bulk(1, [id], 'reject');
    await learnDecisions(env.db, createCommentModel(), s.site.siteId);
    const taken = await env.db.query(
      'SELECT 1 FROM moderation_decisions WHERE comment_id = $1 AND learned_at IS NOT NULL',
      [id],
    );
    assert.equal(taken.rowCount, 1, 'taken: it does not wait to be learned');
    assert.equal((await adapterOf(1)).decisionsLearned, before);
  });

  it('when a site declared its comments are in a language the scorer does not read, then even an English-looking decision is taken but not learned', async () => {
    const site = await buildSite(env.db);
    const [admin, mod] = [
      await buildStaff(env.db, api.app, site.siteId, 'admin'),
      await buildStaff(env.db, api.app, site.siteId, 'moderator'),
    ];
    await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ languages: ['de'] })
      .expect(200);
    const reader = await signInReader(api.app, site, { name: 'Leser' });
    const postId = await buildPost(env.db, site.siteId);
    const id = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: reader.user.id,
      body: 'Great article, thanks for writing it.',
      status: 'pending',
    });
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [id], action: 'approve' })
      .expect(200);
    await learnDecisions(env.db, createCommentModel(), site.siteId);
    const figures = (
      await request(api.app).get(`/api/v1/sites/${site.siteId}/moderation/adapter`).set(as(admin)).expect(200)
    ).body.adapter;
    assert.equal(figures.waiting, 0, 'taken');
    assert.equal(figures.decisionsLearned, 0, 'not learned');
  });

  it("when a moderator asks for the adapter's figures, then only a site admin may read them", async () => {
    const s = sites[0]!;
    await request(api.app).get(`/api/v1/sites/${s.site.siteId}/moderation/adapter`).set(as(s.mod)).expect(403);
    await request(api.app)
      .get(`/api/v1/sites/${s.site.siteId}/moderation/adapter`)
      .set(as(sites[1]!.admin))
      .expect(403);
  });
});
