import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi } from '../support/app.js';
import { buildSite } from '../support/builders.js';
import { createWebhookQueue, webhookJobId } from '#shared/webhooks/queue.js';

/**
 * Events the API emits after it has answered (a new post's `post.created`, a moderator's decision) are stored and
 * queued before a stopping API process closes its pools and queues.
 */

let env: TestEnv;

before(async () => {
  env = await createTestEnv({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
});
after(async () => {
  await env?.close();
});

describe('an API process that stops', () => {
  it('when it stops while an event of an answered request is still being stored, then the event is stored and queued before it closes', async () => {
    const api = await startTestApi(env);
    const site = await buildSite(env.db);
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/webhooks`)
      .set('Authorization', `Bearer ${site.apiKey}`)
      .send({ url: 'http://127.0.0.1:9/hooks', events: ['post.created'] })
      .expect(201);
    // The event's store waits on this lock, as on a slow database.
    const blocker = await env.db.connect();
    let closing: Promise<void> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE webhook_deliveries IN EXCLUSIVE MODE');
      await request(api.app)
        .put(`/api/v1/sites/${site.siteId}/posts/late-event`)
        .set('Authorization', `Bearer ${site.apiKey}`)
        .send({ title: 'A post announced as the process stops', url: 'https://news.example/late-event' })
        .expect(201);
      closing = api.close();
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }
    await closing;
    const stored = await env.db.query<{ id: string }>(
      `SELECT id FROM webhook_deliveries WHERE site_id = $1 AND event_type = 'post.created'`,
      [site.siteId],
    );
    assert.equal(stored.rows.length, 1, 'the event is stored');
    const queue = createWebhookQueue(env.queueRedis, env.config.QUEUE_PREFIX);
    try {
      assert.ok(await queue.getJob(webhookJobId(stored.rows[0]!.id)), 'and queued');
    } finally {
      await queue.close();
    }
  });
});
