import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWebhookWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { openApiChecker } from '../support/openapi.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Reports on visible comments: the "for review" queue keeps them listed after a moderator kept
 * the comment, and the publisher hears once per crossing of the site's notify level.
 */

let env: TestEnv;
let api: TestApi;
let hooks: TestWorker;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let site: BuiltSite;
let admin: SignedIn;
const doc = openApiChecker();

before(async () => {
  env = await createTestEnv({
    LOOKUP_CACHE_TTL_MS: '0',
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOK_SUBSCRIPTIONS_CACHE_MS: '0',
    RATE_LIMIT_COMMENT_USER: '1000/60',
  });
  api = await startTestApi(env);
  hooks = await startTestWebhookWorker(env);
  receiver = await startReceiver();
  site = await buildSite(env.db);
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
  // Reports from new accounts never hold a comment here; the publisher hears at two open reports.
  await request(api.app)
    .patch(`/api/v1/sites/${site.siteId}/settings`)
    .set('Authorization', `Bearer ${admin.accessToken}`)
    .send({ reportNotifyThreshold: 2 })
    .expect(200);
});
after(async () => {
  await hooks?.close();
  await receiver?.close();
  await api?.close();
  await env?.close();
});

const report = async (id: string) => {
  const reader = await signInReader(api.app, site);
  const res = await request(api.app)
    .post(`/api/v1/comments/${id}/reports`)
    .set('Authorization', `Bearer ${reader.accessToken}`)
    .send({ reason: 'abuse', note: 'rude' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
};
const queue = async (name: string) => {
  const res = doc.check(
    await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/queues/${name}`)
      .set('Authorization', `Bearer ${admin.accessToken}`),
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items as { id: string; openReports: number; reports: { resolvedAt: string | null }[] }[];
};

describe('reports on approved comments', () => {
  it('when a moderator keeps a reported comment, then it leaves Reported and stays in For review with its closed reports', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    assert.equal(
      (await queue('review')).find((i) => i.id === id),
      undefined,
    );
    await report(id);
    assert.ok((await queue('reported')).some((i) => i.id === id));
    const open = (await queue('review')).find((i) => i.id === id);
    assert.equal(open?.openReports, 1);
    assert.equal(open?.reports[0]?.resolvedAt, null);

    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ action: 'approve' })
      .expect(200);
    assert.equal(
      (await queue('reported')).find((i) => i.id === id),
      undefined,
    );
    const kept = (await queue('review')).find((i) => i.id === id);
    assert.equal(kept?.openReports, 0);
    assert.equal(kept?.reports.length, 1);
    assert.ok(kept?.reports[0]?.resolvedAt);
    // Filtered by its report's reason, it is still there: its reports are why it is in For review.
    assert.ok((await queue('review?reason=abuse')).some((i) => i.id === id));
    assert.equal(
      (await queue('review?reason=spam')).find((i) => i.id === id),
      undefined,
    );

    const counts = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/counts`)
      .set('Authorization', `Bearer ${admin.accessToken}`);
    assert.ok(counts.body.counts.review >= 1);
  });

  it('when open reports reach the notify level, then the publisher gets comment.report_threshold once per crossing', async () => {
    const path = '/report-threshold';
    const hook = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/webhooks`)
      .set('Authorization', `Bearer ${site.apiKey}`)
      .send({ url: receiver.url(path), events: ['comment.report_threshold'] });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });

    await report(id);
    await report(id); // crosses 2
    await report(id); // above: no new event
    const first = await waitFor(() => receiver.on(path).length >= 1, { what: 'the first crossing' });
    assert.ok(first);
    const event = JSON.parse(receiver.on(path)[0]!.body);
    assert.equal(event.type, 'comment.report_threshold');
    assert.deepEqual(event.data, { comment: { id, postId }, openReports: 2, threshold: 2 });

    // A moderator keeps it: the reports close; two new ones cross again.
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ action: 'approve' })
      .expect(200);
    await report(id);
    await report(id);
    await waitFor(() => receiver.on(path).length >= 2, { what: 'the second crossing' });
    const stored = await env.db.query<{ n: number; events: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events FROM webhook_deliveries
        WHERE site_id = $1 AND event_type = 'comment.report_threshold'`,
      [site.siteId],
    );
    assert.deepEqual(stored.rows[0], { n: 2, events: 2 });
    const bodies = receiver.on(path).map((r) => JSON.parse(r.body));
    assert.notEqual(bodies[0].id, bodies[1].id);
    assert.ok(bodies.every((b) => b.data.comment.id === id));
  });

  it('when the notify level is 0, then no event is stored', async () => {
    const quiet = await buildSite(env.db);
    const quietAdmin = await buildStaff(env.db, api.app, quiet.siteId, 'admin');
    await request(api.app)
      .patch(`/api/v1/sites/${quiet.siteId}/settings`)
      .set('Authorization', `Bearer ${quietAdmin.accessToken}`)
      .send({ reportNotifyThreshold: 0, reportThreshold: 50 })
      .expect(200);
    await request(api.app)
      .post(`/api/v1/sites/${quiet.siteId}/webhooks`)
      .set('Authorization', `Bearer ${quiet.apiKey}`)
      .send({ url: receiver.url('/quiet'), events: ['comment.report_threshold', 'comment.reported'] })
      .expect(201);
    const postId = await buildPost(env.db, quiet.siteId);
    const author = await signInReader(api.app, quiet);
    const id = await storeComment(env.db, { siteId: quiet.siteId, postId, authorId: author.user.id });
    for (let i = 0; i < 4; i++) {
      const reader = await signInReader(api.app, quiet);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ reason: 'spam' })
        .expect(201);
    }
    // comment.reported is emitted in the same place after each report: wait for all four of them.
    await waitFor(async () => {
      const r = await env.db.query(
        `SELECT 1 FROM webhook_deliveries WHERE site_id = $1 AND event_type = 'comment.reported'`,
        [quiet.siteId],
      );
      return r.rowCount === 4;
    });
    const none = await env.db.query(
      `SELECT 1 FROM webhook_deliveries WHERE site_id = $1 AND event_type = 'comment.report_threshold'`,
      [quiet.siteId],
    );
    assert.equal(none.rowCount, 0);
  });
});
