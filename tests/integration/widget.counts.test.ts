import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, type BuiltSite } from '../support/builders.js';
import { storeComment } from '../support/staff.js';
import { upsertSsoUser } from '#shared/db/users.js';
import { newId } from '#shared/ids.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  site = await buildSite(env.db);
});
after(async () => {
  await api.close();
  await env.close();
});

const counts = (siteId: string, posts: string, origin?: string) => {
  const req = request(api.app).get(`/api/v1/sites/${siteId}/counts`).query({ posts });
  return origin ? req.set('Origin', origin) : req;
};

describe('comment counts for article lists', () => {
  it('when a home page asks for its posts, then each known post has its approved-comment count, unknown ones are left out, and the answer is cacheable', async () => {
    const [a, b, c] = [
      await buildPost(env.db, site.siteId),
      await buildPost(env.db, site.siteId),
      await buildPost(env.db, site.siteId),
    ];
    const author = await upsertSsoUser(env.db, {
      id: newId(),
      siteId: site.siteId,
      externalId: 'counter',
      name: 'Counter',
      email: null,
      iat: 1,
    });
    for (const [post, status] of [
      [a, 'approved'],
      [a, 'approved'],
      [a, 'pending'],
      [b, 'rejected'],
      [c, 'approved'],
    ] as const) {
      await storeComment(env.db, { siteId: site.siteId, postId: post, authorId: author.id, status });
    }
    const res = await counts(site.siteId, `${a},${b},${c},no-such-post`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { counts: { [a]: 2, [b]: 0, [c]: 1 } });
    assert.match(res.headers['cache-control']!, /^public, max-age=\d+/);
  });

  it("when the request comes from a browser, then only the site's registered origins may read it", async () => {
    const post = await buildPost(env.db, site.siteId);
    const ok = await counts(site.siteId, post, 'http://localhost:8080');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:8080');
    const refused = await counts(site.siteId, post, 'https://elsewhere.example');
    assert.equal(refused.status, 403);
  });

  it("when the list is empty, too long or names a bad id, then 400; another site sees none of this site's posts", async () => {
    const post = await buildPost(env.db, site.siteId);
    const many = Array.from({ length: 51 }, (_, i) => `p${i}`).join(',');
    for (const q of ['', ',', many, 'bad id!', 'x'.repeat(201)]) {
      const res = await counts(site.siteId, q);
      assert.equal(res.status, 400, q.slice(0, 30));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    assert.equal((await request(api.app).get(`/api/v1/sites/${site.siteId}/counts`)).status, 400);
    const other = await buildSite(env.db);
    assert.deepEqual((await counts(other.siteId, post)).body, { counts: {} });
  });
});
