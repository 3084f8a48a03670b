import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestNotificationsWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { storeComment } from '../support/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait-for.js';
import { listUndelivered, notifyDecision } from '#shared/db/notifications.js';
import { withTransaction } from '#shared/db/pool.js';
import {
  createNotificationsQueue,
  enqueueNotifications,
  notificationJobId,
  notificationJobOptions,
} from '#shared/notifications/queue.js';

/**
 * A mail server that cannot be reached for longer than a notification's retries last: the notification waits for
 * it without spending its attempts, and is mailed once the server is back (a real SMTP server behind a TCP proxy
 * that the test cuts).
 */

let smtp: SmtpReceiver;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let site: BuiltSite;

before(async () => {
  smtp = await startSmtpReceiver();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(smtp.url).port) });
  env = await createTestEnv({
    SMTP_URL: `smtp://127.0.0.1:${proxy.port}`,
    SMTP_TIMEOUT_MS: '2000',
    RATE_LIMITS: 'off',
    NOTIFICATION_SWEEP_INTERVAL_MS: '500',
  });
  api = await startTestApi(env);
  worker = await startTestNotificationsWorker(env);
  site = await buildSite(env.db);
});
after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
  await proxy?.close();
  await smtp?.close();
});

describe('notifications through a mail outage', () => {
  it('when the mail server cannot be reached, then the notification waits for it without spending attempts, and is mailed once it is back', async () => {
    const email = `${uniq('reader')}@example.com`;
    const signedIn = await request(api.app)
      .post('/api/v1/auth/sso')
      .send({ siteId: site.siteId, token: await signSso(site.ssoSecret, { name: 'Olga Outage', email }) })
      .expect(200);
    await request(api.app)
      .put(`/api/v1/sites/${site.siteId}/notifications/settings`)
      .set('Authorization', `Bearer ${signedIn.body.accessToken}`)
      .send({ email: 'immediate' })
      .expect(200);
    const postId = await buildPost(env.db, site.siteId);
    const commentId = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: signedIn.body.user.id,
      status: 'rejected',
      body: 'Written while the mail server was away.',
    });

    proxy.cut();
    const [id] = await notifyDecision(env.db, commentId);
    assert.ok(id);
    const queue = createNotificationsQueue(env.queueRedis, env.config.QUEUE_PREFIX);
    try {
      await enqueueNotifications(queue, [id]);
      // Started again and again (more than a failure's backoff would allow in this time), and no attempt spent.
      await waitFor(
        async () => {
          const job = await queue.getJob(notificationJobId(id));
          return job !== undefined && job.attemptsStarted >= 3;
        },
        { what: 'the notification tried three times while the mail server is away', timeoutMs: 30_000 },
      );
      const waiting = (await queue.getJob(notificationJobId(id)))!;
      assert.equal(waiting.attemptsMade, 0);
      assert.ok(notificationJobOptions.attempts! > 0);
      assert.equal(await queue.getFailedCount(), 0);

      proxy.restore();
      const mail = await smtp.waitForMail(email, /Written while the mail server was away|removed|rejected/i);
      assert.ok(mail);
      await waitFor(
        async () =>
          (await env.db.query('SELECT 1 FROM notifications WHERE id = $1 AND emailed_at IS NOT NULL', [id]))
            .rowCount === 1,
        { what: 'the notification marked emailed' },
      );
    } finally {
      await queue.close();
    }
  });

  it('when more notifications wait undelivered than the sweep reads at once, then it reads them page after page', async () => {
    const other = await buildSite(env.db);
    const reader = await request(api.app)
      .post('/api/v1/auth/sso')
      .send({ siteId: other.siteId, token: await signSso(other.ssoSecret, { name: 'Paula Pages' }) })
      .expect(200);
    const postId = await buildPost(env.db, other.siteId);
    // Dated an hour ahead, so the running worker's sweep leaves them; read here as if their hour had come.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const commentId = await storeComment(env.db, {
        siteId: other.siteId,
        postId,
        authorId: reader.body.user.id,
        status: 'rejected',
        body: `page ${i}`,
      });
      // Written and dated ahead in one transaction: the sweep never sees them due.
      const id = await withTransaction(env.db, async (tx) => {
        const [written] = await notifyDecision(tx, commentId);
        await tx.query(`UPDATE notifications SET created_at = now() + interval '1 hour' WHERE id = $1`, [written]);
        return written!;
      });
      ids.push(id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await listUndelivered(env.db, -7200, 2, after);
      seen.push(...page);
      after = page.length === 2 ? page.at(-1)! : null;
    } while (after !== null);
    assert.deepEqual(
      seen.filter((id) => ids.includes(id)),
      [...ids].sort(),
    );
  });
});
