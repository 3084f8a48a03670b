import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { signInAs } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The API caches the reader it validates a comment against (LOOKUP_CACHE_TTL_MS); a ban or a
 * suspension is announced to every API process, so it applies at the next request, not after the TTL.
 * The TTL here is a minute, far longer than any test waits.
 */

let env: TestEnv;
let a: TestApi;
let b: TestApi;
let site: BuiltSite;
let postId: string;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '60000' });
  a = await startTestApi(env);
  b = await startTestApi(env);
  site = await buildSite(env.db);
  postId = await buildPost(env.db, site.siteId);
});
after(async () => {
  await a?.close();
  await b?.close();
  await env?.close();
});

const comment = (api: TestApi, token: string) =>
  request(api.app)
    .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
    .set('Authorization', `Bearer ${token}`)
    .send({ body: 'A comment that fills the reader cache.' });

// A ban also revokes the reader's tokens (auth.account-takeover.test.ts); a suspension leaves them, so
// it is the reader cache that must learn of it.
describe('a ban or suspension applies at once', () => {
  it('when a reader is suspended, then the same API process refuses their next comment', async () => {
    const reader = await signInReader(a.app, site);
    const mod = await signInAs(a.app, env.db, site, 'moderator');
    assert.equal((await comment(a, reader.accessToken)).status, 202);
    const suspend = await request(a.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/suspend`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ reason: 'cooling off', until: new Date(Date.now() + 86_400_000).toISOString() });
    assert.equal(suspend.status, 200);
    const res = await comment(a, reader.accessToken);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'user_banned');
  });

  it('when a reader is suspended on one API process, then another process refuses their next comment', async () => {
    const reader = await signInReader(a.app, site);
    const mod = await signInAs(a.app, env.db, site, 'moderator');
    assert.equal((await comment(b, reader.accessToken)).status, 202);
    const suspend = await request(a.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/suspend`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ reason: 'cooling off', until: new Date(Date.now() + 86_400_000).toISOString() });
    assert.equal(suspend.status, 200);
    // The announcement travels through Redis pub/sub: wait until process b has dropped its copy.
    await waitFor(async () => (await b.deps.lookups.user(site.siteId, reader.user.id))?.status === 'suspended', {
      timeoutMs: 10_000,
      what: 'the suspension to reach the other process',
    });
    const res = await comment(b, reader.accessToken);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'user_banned');
  });
});
