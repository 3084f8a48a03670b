import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, uniq, type BuiltSite } from '../support/builders.js';

const A = 'https://a.example';
const B = 'https://b.example';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0', RATE_LIMIT_POST_CREATE_SITE: '3/3600' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  await env.db.query(
    `UPDATE sites SET origins = $2, settings = jsonb_set(settings, '{autoCreatePosts}', 'true') WHERE id = $1`,
    [site.siteId, [A, B]],
  );
});
after(async () => {
  await api.close();
  await env.close();
});

/** A non-browser client: any Origin header, any address. */
const discover = (postId: string, origin: string, url: string, ip: string) =>
  request(api.app)
    .post(`/api/v1/sites/${site.siteId}/posts/${postId}/discover`)
    .set('Origin', origin)
    .set('X-Forwarded-For', ip)
    .send({ title: 'A title', url });

describe('posts created on first load', () => {
  it("when the page URL is on another of the site's origins than the request's, then 422 and no post", async () => {
    const postId = uniq('p');
    const res = await discover(postId, A, `${B}/news/${postId}`, '10.9.0.1');
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'url_not_allowed');
    const rows = await env.db.query('SELECT 1 FROM posts WHERE site_id = $1 AND id = $2', [site.siteId, postId]);
    assert.equal(rows.rowCount, 0);
  });

  it("when a browser's first load creates a post, then its title is marked unverified until the publisher writes the post", async () => {
    // A site of its own: the per-site creation limit of the next test is not spent here.
    const own = await buildSite(env.db);
    await env.db.query(
      `UPDATE sites SET origins = $2, settings = jsonb_set(settings, '{autoCreatePosts}', 'true') WHERE id = $1`,
      [own.siteId, [A]],
    );
    const postId = uniq('titled');
    const created = await request(api.app)
      .post(`/api/v1/sites/${own.siteId}/posts/${postId}/discover`)
      .set('Origin', A)
      .send({ title: 'A title a browser sent', url: `${A}/news/${postId}` });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.post.titleVerified, false);
    const read = await request(api.app).get(`/api/v1/sites/${own.siteId}/posts/${postId}`).expect(200);
    assert.equal(read.body.post.titleVerified, false);
    const put = await request(api.app)
      .put(`/api/v1/sites/${own.siteId}/posts/${postId}`)
      .set('Authorization', `Bearer ${own.apiKey}`)
      .send({ title: "The publisher's own title", url: `${A}/news/${postId}` });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual([put.body.post.title, put.body.post.titleVerified], ["The publisher's own title", true]);
  });

  it('when posts are created from many addresses, then the per-site limit stops them all the same', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const postId = uniq('p');
      statuses.push((await discover(postId, A, `${A}/news/${postId}`, `10.9.1.${i + 1}`)).status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  });
});
