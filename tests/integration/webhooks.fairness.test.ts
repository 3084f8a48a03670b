import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWebhookWorker, type TestWorker } from '../support/worker.js';
import { buildSite, uniq, type BuiltSite } from '../support/builders.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait-for.js';

/** One site's slow endpoint holds at most WEBHOOK_MAX_PER_SITE of the senders; other sites' deliveries go on. */

let env: TestEnv;
let api: TestApi;
let webhooks: TestWorker;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

before(async () => {
  env = await createTestEnv({
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOK_CONCURRENCY: '4',
    WEBHOOK_MAX_PER_SITE: '2',
    // Long enough that a hanging endpoint holds its sender for the whole test.
    WEBHOOK_TIMEOUT_MS: '60000',
    WEBHOOK_SUBSCRIPTIONS_CACHE_MS: '0',
    RATE_LIMITS: 'off',
  });
  api = await startTestApi(env);
  webhooks = await startTestWebhookWorker(env);
  receiver = await startReceiver();
});
after(async () => {
  // The receiver first: its hanging answers end, so the senders let go.
  await receiver?.close();
  await webhooks?.close();
  await api?.close();
  await env?.close();
});

const register = (site: BuiltSite, path: string) =>
  request(api.app)
    .post(`/api/v1/sites/${site.siteId}/webhooks`)
    .set('Authorization', `Bearer ${site.apiKey}`)
    .send({ url: receiver.url(path), events: ['post.created'] })
    .expect(201);
const createPost = (site: BuiltSite) =>
  request(api.app)
    .put(`/api/v1/sites/${site.siteId}/posts/${uniq('p')}`)
    .set('Authorization', `Bearer ${site.apiKey}`)
    .send({ title: 'A story', url: 'https://news.example/story' })
    .expect(201);

describe("one site's slow webhook endpoint", () => {
  it("when it hangs on every delivery, then it holds two of the four senders and another site's delivery still arrives", async () => {
    const [slow, other] = [await buildSite(env.db), await buildSite(env.db)];
    await register(slow, '/slow');
    await register(other, '/other');
    receiver.script(
      '/slow',
      Array.from({ length: 20 }, () => 'hang' as const),
    );
    for (let i = 0; i < 8; i++) await createPost(slow);
    await waitFor(() => receiver.on('/slow').length >= 2, { what: "two of the slow site's deliveries sent" });
    await createPost(other);
    await waitFor(() => receiver.on('/other').length === 1, { what: "the other site's delivery" });
    assert.equal(receiver.on('/slow').length, 2, 'the slow site never had more than its two senders');
  });
});
