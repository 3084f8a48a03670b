import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, type BuiltSite } from '../support/builders.js';

// Registered for `other`, not for `site`: a browser on it may call other's paths only.
const FOREIGN = 'https://other.example';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let other: BuiltSite;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  other = await buildSite(env.db);
  await env.db.query(`UPDATE sites SET origins = $2 WHERE id = $1`, [other.siteId, [FOREIGN]]);
});
after(async () => {
  await api.close();
  await env.close();
});

describe('CORS whatever the case of the path', () => {
  it("when another site's origin calls a site path written in capitals, then 403, as for the lower-case path", async () => {
    const postId = await buildPost(env.db, site.siteId);
    for (const prefix of ['sites', 'SITES', 'Sites', '%53ITES']) {
      const res = await request(api.app)
        .options(`/api/v1/${prefix}/${site.siteId}/posts/${postId}/comments`)
        .set('Origin', FOREIGN)
        .set('Access-Control-Request-Method', 'POST');
      assert.equal(res.status, 403, prefix);
      assert.equal(res.body.error.code, 'origin_not_allowed');
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    }
    const read = await request(api.app)
      .get(`/api/v1/SITES/${site.siteId}/posts/${postId}/comments`)
      .set('Origin', FOREIGN);
    assert.equal(read.status, 403);
  });

  it("when another site's origin signs in through an /AUTH/ path naming this site, then 403", async () => {
    for (const path of ['/api/v1/auth/login', '/api/v1/AUTH/login', '/api/v1/Auth/register']) {
      const res = await request(api.app)
        .post(path)
        .set('Origin', FOREIGN)
        .send({ siteId: site.siteId, email: 'x@example.com', password: 'a-long-enough-password', displayName: 'X' });
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.code, 'origin_not_allowed');
    }
  });

  it("when a site's own origin calls its path in capitals, then CORS allows it", async () => {
    const postId = await buildPost(env.db, other.siteId);
    const res = await request(api.app)
      .options(`/api/v1/SITES/${other.siteId}/posts/${postId}/comments`)
      .set('Origin', FOREIGN)
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], FOREIGN);
  });
});
