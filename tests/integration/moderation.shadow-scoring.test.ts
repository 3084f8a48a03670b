import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, distinctText, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, type SignedIn } from '../support/staff.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { waitFor } from '../support/wait-for.js';
import { PERSPECTIVE_PATH, startFakePerspective, type FakeScorerServer } from '../support/fake-scorers.js';
import { createScorers } from '#worker/scorers/index.js';
import { createWorkerMetrics } from '#worker/metrics.js';
import { findComment } from '#shared/db/comments.js';

/**
 * Shadow scoring on live traffic: the site's shadow scorer (Perspective, a real HTTP server on
 * 127.0.0.1) scores every new comment beside the site's scorers; its scores are stored and never
 * decide, and the API compares both with the site's moderators' decisions.
 */

let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let fake: FakeScorerServer;
let site: BuiltSite;
let otherSite: BuiltSite;
let admin: SignedIn;
let mod: SignedIn;
let readers: { accessToken: string; user: { id: string } }[] = [];

before(async () => {
  fake = await startFakePerspective({ apiKey: 'pk-shadow' });
  env = await createTestEnv({
    RATE_LIMITS: 'off',
    PERSPECTIVE_API_KEY: 'pk-shadow',
    PERSPECTIVE_URL: `${fake.url}${PERSPECTIVE_PATH}`,
    PERSPECTIVE_TIMEOUT_MS: '500',
    PERSPECTIVE_RATE: '1000/1',
    SCORER_RETRIES: '0',
    SCORER_BACKOFF_MS: '10',
    SCORER_BACKOFF_MAX_MS: '20',
  });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  otherSite = await buildSite(env.db);
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  // Several readers, so no reader's record (history, repeats) holds anything.
  readers = [];
  for (let i = 0; i < 8; i++) readers.push(await signInReader(api.app, site, { name: `Reader ${i}` }));
  worker = await startTestWorker(env, { scorers: createScorers(env.config, env.redis, createWorkerMetrics()) });
});
after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
  await fake?.close();
});

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const spam = (n: number) => `Claim the free crypto giveaway today, visit the promo page number ${n} for bonus coins.`;
const shadowOf = (id: string) =>
  waitFor(
    async () =>
      (
        await env.db.query<{ shadow_scores: Record<string, unknown> | null }>(
          'SELECT shadow_scores FROM comments WHERE id = $1',
          [id],
        )
      ).rows[0]?.shadow_scores ?? null,
    { what: `the shadow scores of ${id}` },
  );
const agreement = (who: SignedIn = admin, siteId = site.siteId) =>
  request(api.app).get(`/api/v1/sites/${siteId}/moderation/scorers/agreement`).set(as(who));

describe('shadow scoring', () => {
  it('when a site runs Perspective in shadow, then its scores are stored beside each comment and never change the decision', async () => {
    fake.scoreText = (t) => (/crypto/i.test(t) ? 0.97 : 0.02);
    await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ shadowScorer: 'perspective', links: { holdBelowApproved: 0 } })
      .expect(200);
    const postId = await buildPost(env.db, site.siteId);
    const r = readers[0]!;
    const id = await postComment(api.app, { siteId: site.siteId, postId, token: r.accessToken, body: spam(1) });
    const decided = await waitForDecision(api.app, id, r.accessToken);
    assert.equal(decided.status, 'approved');
    const shadow = await shadowOf(id);
    assert.equal(shadow.scorer, 'perspective');
    assert.equal(shadow.error, null);
    assert.equal((shadow.attributes as Record<string, number>).TOXICITY, 0.97);
    const stored = (await findComment(env.db, id))!;
    assert.deepEqual(
      stored.scoredBy.map((b) => b.provider),
      ['embedded'],
    );
    assert.equal(
      Object.keys(stored.scores).some((k) => k.startsWith('perspective')),
      false,
    );
    assert.ok(stored.scores.TOXICITY! < 0.7);
  });

  it('when the shadow scorer fails, then the comment is decided as usual and the failure is stored instead of scores', async () => {
    fake.setDefault({ kind: '500' });
    try {
      const postId = await buildPost(env.db, site.siteId);
      const r = readers[1]!;
      const id = await postComment(api.app, {
        siteId: site.siteId,
        postId,
        token: r.accessToken,
        body: distinctText(41),
      });
      assert.equal((await waitForDecision(api.app, id, r.accessToken)).status, 'approved');
      const shadow = await shadowOf(id);
      assert.equal(typeof shadow.error, 'string');
      assert.deepEqual(shadow.attributes, {});
    } finally {
      fake.setDefault({ kind: 'ok' });
    }
  });

  it("when moderators decide comments, then the agreement endpoint shows how the site's scorer and the shadow each agree with them", async () => {
    fake.scoreText = (t) => (/crypto/i.test(t) ? 0.97 : 0.02);
    await env.db.query('DELETE FROM comments WHERE site_id = $1', [site.siteId]);
    const postId = await buildPost(env.db, site.siteId);
    const decided: { id: string; action: 'approve' | 'reject' }[] = [];
    for (let n = 0; n < 8; n++) {
      const r = readers[n]!;
      const isSpam = n % 2 === 0;
      const id = await postComment(api.app, {
        siteId: site.siteId,
        postId,
        token: r.accessToken,
        body: isSpam ? spam(100 + n) : distinctText(100 + n),
      });
      await waitForDecision(api.app, id, r.accessToken);
      await shadowOf(id);
      decided.push({ id, action: isSpam ? 'reject' : 'approve' });
    }
    for (const d of decided) {
      await request(api.app)
        .post(`/api/v1/comments/${d.id}/moderation`)
        .set(as(mod))
        .send({ action: d.action })
        .expect(200);
    }
    const res = await agreement().expect(200);
    const a = res.body.agreement;
    assert.equal(a.decided, 8);
    assert.equal(a.threshold, 0.7);
    assert.deepEqual(a.primary.scorers, ['embedded']);
    assert.equal(a.shadow.scorer, 'perspective');
    assert.deepEqual(
      {
        n: a.shadow.n,
        rejected: a.shadow.rejected,
        auc: a.shadow.auc,
        precision: a.shadow.precision,
        recall: a.shadow.recall,
      },
      { n: 8, rejected: 4, auc: 1, precision: 1, recall: 1 },
    );
    assert.equal(a.primary.n, 8);
    assert.equal(a.primary.recall, 0, 'the embedded model held none of the spam');
    assert.ok(a.primary.auc < a.shadow.auc);

    // Per site: another site's figures are its own, and moderators cannot read them.
    await agreement(mod).expect(403);
    const otherAdmin = await buildStaff(env.db, api.app, otherSite.siteId, 'admin');
    const other = (await agreement(otherAdmin, otherSite.siteId).expect(200)).body.agreement;
    assert.equal(other.decided, 0);
    assert.equal(other.shadow, null);
    assert.equal(other.primary.auc, null);
  });

  it('when a comment is decided both ways, edited, or the shadow scorer changes, then the agreement counts standing decisions on the text and scorer they were made for', async () => {
    fake.scoreText = (t) => (/crypto/i.test(t) ? 0.97 : 0.02);
    await env.db.query('DELETE FROM comments WHERE site_id = $1', [site.siteId]);
    const postId = await buildPost(env.db, site.siteId);
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) {
      const r = readers[n]!;
      const id = await postComment(api.app, {
        siteId: site.siteId,
        postId,
        token: r.accessToken,
        body: n % 2 === 0 ? spam(200 + n) : distinctText(200 + n),
      });
      await waitForDecision(api.app, id, r.accessToken);
      await shadowOf(id);
      ids.push(id);
    }
    const decide = (id: string, action: 'approve' | 'reject') =>
      request(api.app).post(`/api/v1/comments/${id}/moderation`).set(as(mod)).send({ action }).expect(200);
    for (const [i, id] of ids.entries()) await decide(id, i % 2 === 0 ? 'reject' : 'approve');
    const shadowFigures = async () => {
      const a = (await agreement().expect(200)).body.agreement;
      return { decided: a.decided, n: a.shadow.n, rejected: a.shadow.rejected, auc: a.shadow.auc };
    };
    assert.deepEqual(await shadowFigures(), { decided: 4, n: 4, rejected: 2, auc: 1 });

    // Approved, rejected by mistake, approved again: it stands approved, as its status says.
    await decide(ids[1]!, 'reject');
    await decide(ids[1]!, 'approve');
    assert.deepEqual(await shadowFigures(), { decided: 4, n: 4, rejected: 2, auc: 1 });

    // The author edits an approved comment into spam: the approval was of the old text, and the shadow scores the new.
    await request(api.app)
      .patch(`/api/v1/comments/${ids[3]}`)
      .set(as(readers[3]!))
      .send({ body: spam(299) })
      .expect(202);
    await waitFor(
      async () =>
        (
          await env.db.query<{ t: number | null }>(
            `SELECT (shadow_scores #>> '{attributes,TOXICITY}')::float8 AS t FROM comments WHERE id = $1`,
            [ids[3]],
          )
        ).rows[0]?.t === 0.97,
      { what: 'the shadow score of the edited text' },
    );
    assert.deepEqual(await shadowFigures(), { decided: 3, n: 3, rejected: 2, auc: 1 });
    await decide(ids[3]!, 'reject');
    assert.deepEqual(await shadowFigures(), { decided: 4, n: 4, rejected: 3, auc: 1 });

    // Another shadow scorer: Perspective's answers are not the new scorer's.
    await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ shadowScorer: 'openai' })
      .expect(200);
    const switched = (await agreement().expect(200)).body.agreement;
    assert.equal(switched.shadow.scorer, 'openai');
    assert.equal(switched.shadow.n, 0);
    assert.equal(switched.decided, 4);
    await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ shadowScorer: 'perspective' })
      .expect(200);
  });

  it('when the shadow scorer cannot read a comment, then it stores why instead of scores that would count against it', async () => {
    await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ shadowScorer: 'embedded' })
      .expect(200);
    try {
      const postId = await buildPost(env.db, site.siteId);
      const r = readers[5]!;
      const id = await postComment(api.app, {
        siteId: site.siteId,
        postId,
        token: r.accessToken,
        body: 'Der Gemeinderat hat gestern Abend über den neuen Haushalt abgestimmt, und die Mehrheit war knapp.',
      });
      await waitForDecision(api.app, id, r.accessToken);
      const shadow = await shadowOf(id);
      assert.equal(shadow.scorer, 'embedded');
      assert.deepEqual(shadow.attributes, {});
      assert.match(String(shadow.error), /^unreadable: /);
    } finally {
      await request(api.app)
        .patch(`/api/v1/sites/${site.siteId}/settings`)
        .set(as(admin))
        .send({ shadowScorer: 'perspective' })
        .expect(200);
    }
  });

  it('when the shadow scorer is not one the settings know, then the PATCH is a 400 naming the field', async () => {
    const res = await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ shadowScorer: 'gpt-judge' });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /shadowScorer/);
  });
});
