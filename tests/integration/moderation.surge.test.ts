import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWebhookWorker, startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, distinctText, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, type SignedIn } from '../support/staff.js';
import { markerScorer } from '../support/publishers.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { openApiChecker } from '../support/openapi.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Surge protection, through the real API and worker: a post whose comments turn heated switches
 * itself to pre-moderation or slow mode, the publisher hears it, calm or a moderator switches it
 * back, and every switch is audited.
 */

let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let hooks: TestWorker;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let site: BuiltSite;
let admin: SignedIn;
let reader: { accessToken: string; user: { id: string } };
let n = 0;
const doc = openApiChecker();
const HOOK = '/surges';

before(async () => {
  env = await createTestEnv({
    LOOKUP_CACHE_TTL_MS: '0',
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOK_SUBSCRIPTIONS_CACHE_MS: '0',
    RATE_LIMIT_COMMENT_USER: '1000/60',
    RATE_LIMIT_COMMENT_IP: '1000/60',
  });
  api = await startTestApi(env);
  worker = await startTestWorker(env, { scorers: { embedded: markerScorer() } });
  hooks = await startTestWebhookWorker(env);
  receiver = await startReceiver();
  site = await buildSite(env.db);
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin', 'Sam Supervisor');
  reader = await signInReader(api.app, site);
  await settings({ surge: { enabled: true, share: 0.5, minComments: 4, mode: 'premod' } });
  await request(api.app)
    .post(`/api/v1/sites/${site.siteId}/webhooks`)
    .set('Authorization', `Bearer ${site.apiKey}`)
    .send({ url: receiver.url(HOOK), events: ['post.surge_started', 'post.surge_ended'] })
    .expect(201);
});
after(async () => {
  await hooks?.close();
  await worker?.close();
  await receiver?.close();
  await api?.close();
  await env?.close();
});

async function settings(patch: object) {
  await request(api.app)
    .patch(`/api/v1/sites/${site.siteId}/settings`)
    .set('Authorization', `Bearer ${admin.accessToken}`)
    .send(patch)
    .expect(200);
}
/** Posts one comment and waits for its decision; `heated` ones are held by the scorer. */
async function comment(postId: string, heated: boolean, who = reader) {
  const body = `${distinctText(n++)}${heated ? ' HOLDME' : ''}`;
  const id = await postComment(api.app, { siteId: site.siteId, postId, token: who.accessToken, body });
  return waitForDecision(api.app, id, who.accessToken);
}
const surgeOf = async (postId: string) =>
  (
    await env.db.query<{ surge_mode: string | null }>('SELECT surge_mode FROM posts WHERE site_id = $1 AND id = $2', [
      site.siteId,
      postId,
    ])
  ).rows[0]!.surge_mode;
const events = (type: string, postId: string) =>
  receiver
    .on(HOOK)
    .map((r) => JSON.parse(r.body))
    .filter((e) => e.type === type && e.data.post.id === postId);
const audits = async (postId: string) =>
  (
    await env.db.query<{ action: string; actor_id: string | null; after: { surgeMode: string | null } }>(
      `SELECT action, actor_id, after FROM audit_log WHERE site_id = $1 AND action LIKE 'post.surge_%'
          AND after->>'postId' = $2 ORDER BY id`,
      [site.siteId, postId],
    )
  ).rows;

describe('surge protection', () => {
  it('when half of a post’s comments are held, then it pre-moderates itself, and after a calm batch it switches back', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await comment(postId, false);
    await comment(postId, true);
    await comment(postId, true);
    assert.equal(await surgeOf(postId), null, 'three comments are below minComments');
    await comment(postId, false);
    await waitFor(async () => (await surgeOf(postId)) === 'premod', { what: 'the surge' });
    await waitFor(() => events('post.surge_started', postId).length === 1, { what: 'post.surge_started' });
    assert.equal(events('post.surge_started', postId)[0].data.mode, 'premod');
    const listed = doc.check(
      await request(api.app)
        .get(`/api/v1/sites/${site.siteId}/moderation/surges`)
        .set('Authorization', `Bearer ${admin.accessToken}`),
    );
    assert.deepEqual(
      listed.body.surges.map((s: { postId: string; mode: string }) => [s.postId, s.mode]),
      [[postId, 'premod']],
    );

    // In the surge every comment is held, with the reason `surge`; civil ones count as calm.
    for (let i = 0; i < 3; i++) {
      const held = await comment(postId, false);
      assert.equal(held.status, 'pending');
    }
    assert.equal(await surgeOf(postId), 'premod');
    await comment(postId, false);
    await waitFor(async () => (await surgeOf(postId)) === null, { what: 'calm' });
    await waitFor(() => events('post.surge_ended', postId).length === 1, { what: 'post.surge_ended' });
    assert.deepEqual(events('post.surge_ended', postId)[0].data.by, { kind: 'service' });
    assert.equal((await comment(postId, false)).status, 'approved');
    const held = await env.db.query<{ reasons: { rule: string }[] }>(
      `SELECT reasons FROM comments WHERE post_id = $1 AND status = 'pending' AND NOT reasons @> '[{"rule":"toxicity"}]'`,
      [postId],
    );
    assert.equal(held.rowCount, 4);
    assert.ok(held.rows.every((r) => r.reasons.some((x) => x.rule === 'surge')));
    assert.deepEqual(
      (await audits(postId)).map((a) => [a.action, a.actor_id, a.after.surgeMode]),
      [
        ['post.surge_start', null, 'premod'],
        ['post.surge_end', null, null],
      ],
    );
  });

  it('when the author of a comment held in a surge edits it, then the edit is held by the surge too', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await env.db.query(`UPDATE posts SET surge_mode = 'premod' WHERE site_id = $1 AND id = $2`, [site.siteId, postId]);
    const held = await comment(postId, false);
    assert.equal(held.status, 'pending');
    const edited = await request(api.app)
      .patch(`/api/v1/comments/${held.id}`)
      .set('Authorization', `Bearer ${reader.accessToken}`)
      .send({ body: `${distinctText(n++)} (reworded)` })
      .expect(202);
    await waitFor(
      async () =>
        (
          await env.db.query('SELECT 1 FROM comment_revisions WHERE id = $1 AND applied_at IS NOT NULL', [
            edited.body.editId,
          ])
        ).rowCount === 1,
      { what: 'the edit applied' },
    );
    const row = await env.db.query<{ status: string; reasons: { rule: string }[] }>(
      'SELECT status, reasons FROM comments WHERE id = $1',
      [held.id],
    );
    assert.equal(row.rows[0]!.status, 'pending');
    assert.ok(row.rows[0]!.reasons.some((r) => r.rule === 'surge'));
  });

  it('when the site chose slow mode, then a reader gets 429 slow_mode for a second comment, until a moderator ends the surge', async () => {
    await settings({ surge: { mode: 'slow', slowSeconds: 600 } });
    const postId = await buildPost(env.db, site.siteId);
    await comment(postId, true);
    await comment(postId, true);
    await comment(postId, false);
    await comment(postId, false);
    await waitFor(async () => (await surgeOf(postId)) === 'slow', { what: 'slow mode' });

    const first = await signInReader(api.app, site);
    const other = await signInReader(api.app, site);
    const send = (who: { accessToken: string }) =>
      request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${who.accessToken}`)
        .send({ body: distinctText(n++) });
    assert.equal((await send(first)).status, 202);
    const refused = await send(first);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'slow_mode');
    assert.ok(Number(refused.headers['retry-after']) > 500);
    assert.equal((await send(other)).status, 202);

    const end = (p = postId, who: { accessToken: string } = admin) =>
      request(api.app)
        .post(`/api/v1/sites/${site.siteId}/moderation/surges/${p}/end`)
        .set('Authorization', `Bearer ${who.accessToken}`);
    assert.equal(doc.check(await end()).status, 200);
    assert.equal(await surgeOf(postId), null);
    assert.equal((await send(first)).status, 202);
    await waitFor(() => events('post.surge_ended', postId).length === 1, { what: 'post.surge_ended' });
    assert.deepEqual(events('post.surge_ended', postId)[0].data.by, { kind: 'moderator', id: admin.user.id });
    assert.equal(events('post.surge_started', postId)[0].data.slowSeconds, 600);
    assert.deepEqual(
      (await audits(postId)).map((a) => [a.action, a.actor_id]),
      [
        ['post.surge_start', null],
        ['post.surge_end', admin.user.id],
      ],
    );

    const again = doc.check(await end());
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'not_in_surge');
    assert.equal(doc.check(await end('no-such-post')).status, 404);
    assert.equal((await end(postId, first)).status, 403);
  });

  it("when readers report a post's visible comments, then the reports count towards its surge", async () => {
    await settings({ surge: { mode: 'premod', minComments: 3 } });
    const postId = await buildPost(env.db, site.siteId);
    const a = await comment(postId, false);
    const b = await comment(postId, false);
    assert.deepEqual([a.status, b.status], ['approved', 'approved']);
    for (const id of [a.id, b.id]) {
      const r = await signInReader(api.app, site);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set('Authorization', `Bearer ${r.accessToken}`)
        .send({ reason: 'abuse' })
        .expect(201);
    }
    assert.equal(await surgeOf(postId), null);
    // Three decided, two reported: 67% ≥ 50%.
    await comment(postId, false);
    await waitFor(async () => (await surgeOf(postId)) === 'premod', { what: 'the surge from reports' });
  });
});
