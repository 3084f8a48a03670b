import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { signInAs } from '../support/staff.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { isPrivateAddress } from '#shared/webhooks/ssrf.js';

/**
 * Access tokens live an hour; what a reader or a moderator may do is decided on the database's
 * word at each request, so a ban, an erasure or a demotion applies at once.
 */

let env: TestEnv;
let api: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
});
after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
});

async function approvedComment(postId: string): Promise<string> {
  const author = await signInReader(api.app, site);
  const id = await postComment(api.app, {
    siteId: site.siteId,
    postId,
    token: author.accessToken,
    body: `A fine comment on ${postId}.`,
  });
  assert.equal((await waitForDecision(api.app, id, author.accessToken)).status, 'approved');
  return id;
}
const report = (id: string, token: string) =>
  request(api.app)
    .post(`/api/v1/comments/${id}/reports`)
    .set('Authorization', `Bearer ${token}`)
    .send({ reason: 'spam', note: 'my own words' });

describe('access decided on the database, not the token', () => {
  it('when a reader is banned, then their still-valid token can no longer report comments', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await approvedComment(postId);
    const reader = await signInReader(api.app, site);
    await env.db.query(`UPDATE users SET status = 'banned' WHERE id = $1`, [reader.user.id]);
    const res = await report(id, reader.accessToken);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'user_banned');
  });

  it('when a reader erased their account, then their old token cannot report, and their report notes are erased with them', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await approvedComment(postId);
    const reader = await signInReader(api.app, site);
    assert.equal((await report(id, reader.accessToken)).status, 201);
    const exported = await request(api.app)
      .get('/api/v1/me/export')
      .set('Authorization', `Bearer ${reader.accessToken}`);
    assert.equal(exported.body.reports[0].note, 'my own words', 'the export holds the reports they made');
    assert.equal(
      (await request(api.app).delete('/api/v1/me').set('Authorization', `Bearer ${reader.accessToken}`)).status,
      200,
    );
    const notes = (
      await env.db.query<{ note: string | null }>('SELECT note FROM reports WHERE reporter_id = $1', [reader.user.id])
    ).rows;
    assert.deepEqual(notes, [{ note: null }]);
    const other = await approvedComment(postId);
    assert.equal((await report(other, reader.accessToken)).status, 401);
  });

  it("when a moderator is demoted, then their token no longer reads other readers' held comments or decisions", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: author.accessToken,
      body: 'you are a bitch',
    });
    assert.equal((await waitForDecision(api.app, id, author.accessToken)).status, 'pending');
    const moderator = await signInAs(api.app, env.db, site, 'moderator');
    const before = await request(api.app)
      .get(`/api/v1/comments/${id}`)
      .set('Authorization', `Bearer ${moderator.accessToken}`);
    assert.equal(before.status, 200);
    assert.ok(before.body.comment.decision, 'staff see the decision');
    await env.db.query(`UPDATE users SET role = 'commenter' WHERE id = $1`, [moderator.user.id]);
    const afterwards = await request(api.app)
      .get(`/api/v1/comments/${id}`)
      .set('Authorization', `Bearer ${moderator.accessToken}`);
    assert.equal(afterwards.status, 404);
  });

  it('when an admin asks to erase another admin, then 403; a reader can still be erased by an admin', async () => {
    const admin = await signInAs(api.app, env.db, site, 'admin');
    const otherAdmin = await signInAs(api.app, env.db, site, 'admin');
    const reader = await signInReader(api.app, site);
    const erase = (userId: string) =>
      request(api.app)
        .delete(`/api/v1/sites/${site.siteId}/readers/${userId}/data`)
        .set('Authorization', `Bearer ${admin.accessToken}`);
    assert.equal((await erase(otherAdmin.user.id)).status, 403);
    assert.equal((await erase(reader.user.id)).status, 200);
  });
});

describe('per-site CORS on encoded paths', () => {
  it("when a browser on another site's origin percent-encodes the site id, then it is still refused", async () => {
    const other = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET origins = ARRAY['https://other.example'] WHERE id = $1`, [other.siteId]);
    const postId = await buildPost(env.db, site.siteId);
    const encoded = `/api/v1/sites/%${site.siteId.charCodeAt(0).toString(16)}${site.siteId.slice(1)}/posts/${postId}`;
    const plain = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/posts/${postId}`)
      .set('Origin', 'https://other.example');
    const sneaky = await request(api.app).get(encoded).set('Origin', 'https://other.example');
    assert.equal(plain.status, 403);
    assert.equal(sneaky.status, 403);
    assert.equal(sneaky.body.error.code, 'origin_not_allowed');
  });
});

describe('webhook targets', () => {
  it('when an address is IPv4-compatible IPv6, site-local or 6to4, then it counts as private', () => {
    for (const a of ['::7f00:1', '::a00:1', 'fec0::1', '2002:7f00:1::1']) assert.equal(isPrivateAddress(a), true, a);
    assert.equal(isPrivateAddress('2606:4700::1111'), false);
  });
});
