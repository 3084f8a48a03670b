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

  it('when the shadow scorer is not one the settings know, then the PATCH is a 400 naming the field', async () => {
    const res = await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ shadowScorer: 'gpt-judge' });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /shadowScorer/);
  });
});
