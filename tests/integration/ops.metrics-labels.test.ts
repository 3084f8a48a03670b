import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite } from '../support/builders.js';

let env: TestEnv;
let api: TestApi;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
});
after(async () => {
  await api?.close();
  await env?.close();
});

/** The `route` label of every http_request_duration_seconds series. */
async function routeLabels(): Promise<Set<string>> {
  const text = await api.deps.metrics.registry.getSingleMetricAsString('http_request_duration_seconds');
  return new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!));
}

describe('HTTP request metrics', () => {
  it("when a route is asked in another case (Express matches paths whatever their case), or answers an error, then the route label is still the route's own pattern", async () => {
    const site = await buildSite(env.db);
    const postId = await buildPost(env.db, site.siteId);
    const asked: [string, number][] = [
      ['/api/v1/openapi.json', 200],
      ['/API/V1/openapi.json', 200],
      ['/Api/v1/OpenAPI.json', 200],
      [`/api/v1/sites/${site.siteId}/posts/${postId}/comments`, 200],
      [`/API/V1/SITES/${site.siteId}/POSTS/${postId}/COMMENTS`, 200],
      // Errors answered by the route itself: a post that does not exist, a missing token.
      ['/aPi/V1/sites/no-such-site/posts/no-such-post/comments', 404],
      ['/api/v1/me/export', 401],
      ['/API/V1/ME/EXPORT', 401],
    ];
    for (const [path, status] of asked) assert.equal((await request(api.app).get(path)).status, status, path);
    assert.deepEqual([...(await routeLabels())].sort(), [
      '/api/v1/me/export',
      '/api/v1/openapi.json',
      '/api/v1/sites/:siteId/posts/:postId/comments',
    ]);
  });
});
