import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';

let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0', RATE_LIMIT_COMMENT_CHECK_USER: '6/60' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
});
after(async () => {
  await worker.close();
  await api.close();
  await env.close();
});

const check = (s: BuiltSite, postId: string, token: string | null, body: unknown) => {
  const req = request(api.app).post(`/api/v1/sites/${s.siteId}/posts/${postId}/comments/check`);
  if (token) req.set('Authorization', `Bearer ${token}`);
  return req.send(body as object);
};

async function metric(name: string, label: Record<string, string>): Promise<number> {
  const found = (await api.deps.metrics.registry.getSingleMetric(name)?.get())?.values.find((v) =>
    Object.entries(label).every(([k, value]) => v.labels[k] === value),
  );
  return found?.value ?? 0;
}

describe('think before you post', () => {
  it('when a draft would be held or rejected, then mayBeHeld is true and the worker indeed does not approve it; a civil draft is clear and approved', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const cases = [
      { body: 'Thanks, the ferry timetable table was useful.', held: false },
      { body: 'what a bastard', held: true },
      { body: 'you fag', held: true },
      // The embedded scorer reads English: a comment in another language is held whatever it says.
      { body: 'Der Gemeinderat hat heute endlich den neuen Radweg an der Hauptstraße beschlossen.', held: true },
      { body: 'Die Ausländer sind alle Schmarotzer und gehören sofort abgeschoben, raus mit denen.', held: true },
    ];
    for (const c of cases) {
      const res = await check(site, postId, reader.accessToken, { body: c.body });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { mayBeHeld: c.held }, c.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      const id = await postComment(api.app, { siteId: site.siteId, postId, token: reader.accessToken, body: c.body });
      const decided = await waitForDecision(api.app, id, reader.accessToken);
      assert.equal(decided.status === 'approved', !c.held, `${c.body}: the worker decided ${decided.status}`);
    }
  });

  it("when the site lowers its hold threshold, then the check follows the site's thresholds as the worker does", async () => {
    const strict = await buildSite(env.db);
    await env.db.query(
      `UPDATE sites SET settings = '{"thresholds":{"hold":{"TOXICITY":0.0001},"reject":{}}}', settings_version = settings_version + 1 WHERE id = $1`,
      [strict.siteId],
    );
    const postId = await buildPost(env.db, strict.siteId);
    const reader = await signInReader(api.app, strict);
    const body = 'The council meeting ran late again.';
    assert.deepEqual((await check(strict, postId, reader.accessToken, { body })).body, { mayBeHeld: true });
    const id = await postComment(api.app, { siteId: strict.siteId, postId, token: reader.accessToken, body });
    assert.equal((await waitForDecision(api.app, id, reader.accessToken)).status, 'pending');
  });

  it('when the answer is given, then it carries no score and nothing is stored or queued', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const res = await check(site, postId, reader.accessToken, { body: 'what a bastard' });
    assert.deepEqual(Object.keys(res.body), ['mayBeHeld']);
    const stored = await env.db.query('SELECT count(*)::int AS n FROM comments WHERE post_id = $1', [postId]);
    assert.equal(stored.rows[0].n, 0);
    assert.equal(await env.queue.count(), 0);
  });

  it('when the caller is not a reader of the site, the post is unknown or the draft is empty or too long, then a clear 4xx', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const other = await buildSite(env.db);
    const reader = await signInReader(api.app, site);
    const stranger = await signInReader(api.app, other);
    const cases: [string | null, string, unknown, number, string][] = [
      [null, postId, { body: 'hello' }, 401, 'unauthorized'],
      [stranger.accessToken, postId, { body: 'hello' }, 401, 'unauthorized'],
      [reader.accessToken, 'no-such-post', { body: 'hello' }, 404, 'post_not_found'],
      [reader.accessToken, postId, { body: '   ' }, 400, 'validation_failed'],
      [reader.accessToken, postId, { body: 'x'.repeat(5001) }, 400, 'validation_failed'],
      [reader.accessToken, postId, { text: 'hello' }, 400, 'validation_failed'],
    ];
    for (const [token, post, body, status, code] of cases) {
      const res = await check(site, post, token, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
    }
  });

  it('when a reader checks more drafts than the limit allows, then 429 with Retry-After', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await check(site, postId, reader.accessToken, { body: `draft ${i}` });
      statuses.push(res.status);
      retryAfter ??= res.headers['retry-after'];
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
    assert.ok(Number(retryAfter) > 0);
  });

  it('when prompted readers post, then the metrics count prompts shown and what the readers chose', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const [held0, edited0, unchanged0] = [
      await metric('comment_checks_total', { result: 'held' }),
      await metric('comment_prompt_outcomes_total', { choice: 'edited' }),
      await metric('comment_prompt_outcomes_total', { choice: 'unchanged' }),
    ];
    assert.equal((await check(site, postId, reader.accessToken, { body: 'what a bastard' })).body.mayBeHeld, true);
    for (const [body, prompted] of [
      ['what a pity', 'edited'],
      ['what a bastard', 'unchanged'],
    ] as const) {
      const res = await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ body, prompted });
      assert.equal(res.status, 202);
    }
    const bad = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${reader.accessToken}`)
      .send({ body: 'hello', prompted: 'maybe' });
    assert.equal(bad.status, 400);
    assert.equal(await metric('comment_checks_total', { result: 'held' }), held0 + 1);
    assert.equal(await metric('comment_prompt_outcomes_total', { choice: 'edited' }), edited0 + 1);
    assert.equal(await metric('comment_prompt_outcomes_total', { choice: 'unchanged' }), unchanged0 + 1);
  });
});
