import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestNotificationsWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { storeComment } from '../support/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { waitFor } from '../support/wait-for.js';
import { notifyDecision } from '#shared/db/notifications.js';
import {
  createNotificationsQueue,
  enqueueNotifications,
  notificationJobId,
  type NotificationJob,
} from '#shared/notifications/queue.js';
import type { Queue } from 'bullmq';

/**
 * A reader's mail server refuses their address for good (550 no such user): the notification's job fails at once,
 * without the retries an outage gets, and no more notification email is tried on the address until it changes or
 * its owner confirms it again. A real SMTP server on 127.0.0.1 refuses the addresses the test names.
 */

let smtp: SmtpReceiver;
let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let site: BuiltSite;
let queue: Queue<NotificationJob>;

before(async () => {
  smtp = await startSmtpReceiver({ refuse: /^gone-/ });
  env = await createTestEnv({
    SMTP_URL: smtp.url,
    RATE_LIMITS: 'off',
    PUBLIC_URL: 'http://comments.example.test',
  });
  api = await startTestApi(env);
  worker = await startTestNotificationsWorker(env);
  site = await buildSite(env.db);
  queue = createNotificationsQueue(env.queueRedis, env.config.QUEUE_PREFIX);
});
after(async () => {
  await queue?.close();
  await worker?.close();
  await api?.close();
  await env?.close();
  await smtp?.close();
});

interface Reader {
  token: string;
  id: string;
  email: string;
  sub: string;
}

async function signIn(email: string, o: { sub?: string; iat?: number } = {}): Promise<Reader> {
  const sub = o.sub ?? uniq('reader');
  const res = await request(api.app)
    .post('/api/v1/auth/sso')
    .send({
      siteId: site.siteId,
      token: await signSso(site.ssoSecret, { sub, name: 'Bea Bounce', email, ...(o.iat ? { iat: o.iat } : {}) }),
    });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { token: res.body.accessToken, id: res.body.user.id, email, sub };
}

const as = (r: Reader) => ({ Authorization: `Bearer ${r.token}` });
const settings = async (r: Reader) =>
  (await request(api.app).get(`/api/v1/sites/${site.siteId}/notifications/settings`).set(as(r)).expect(200)).body as {
    email: string;
    emailBounced: boolean;
  };

/** A decision on a new comment of the reader's, written and queued as a moderator's decision writes it. */
async function decided(r: Reader, body: string): Promise<string> {
  const postId = await buildPost(env.db, site.siteId);
  const commentId = await storeComment(env.db, {
    siteId: site.siteId,
    postId,
    authorId: r.id,
    status: 'rejected',
    body,
  });
  const [id] = await notifyDecision(env.db, commentId);
  assert.ok(id);
  await enqueueNotifications(queue, [id]);
  return id;
}

const stored = async (id: string) =>
  (
    await env.db.query<{ delivered: boolean; emailed: boolean }>(
      'SELECT delivered_at IS NOT NULL AS delivered, emailed_at IS NOT NULL AS emailed FROM notifications WHERE id = $1',
      [id],
    )
  ).rows[0]!;

describe('an address refused for good', () => {
  it('when the mail server refuses my address with 550, then the job fails without retries, my address is marked as bouncing, and no more notification email is tried on it; my list keeps every notification', async () => {
    const reader = await signIn(`${uniq('gone-reader')}@example.com`);
    await request(api.app)
      .put(`/api/v1/sites/${site.siteId}/notifications/settings`)
      .set(as(reader))
      .send({ email: 'immediate' })
      .expect(200);
    assert.equal((await settings(reader)).emailBounced, false);

    const first = await decided(reader, 'Refused at the mailbox.');
    // Failed at its first attempt: an outage's wait or a retry's backoff would leave it delayed.
    const job = await waitFor(
      async () => {
        const j = await queue.getJob(notificationJobId(first));
        return j && (await j.getState()) === 'failed' ? j : null;
      },
      { what: 'the notification job failed' },
    );
    assert.equal(job.attemptsMade, 1);
    assert.match(job.failedReason, /550/);
    assert.doesNotMatch(job.failedReason, /@/, 'no address in the failed reason');
    assert.deepEqual(smtp.refused, [reader.email]);
    assert.deepEqual(await stored(first), { delivered: true, emailed: false });

    const mine = await settings(reader);
    assert.equal(mine.emailBounced, true);
    assert.equal(mine.email, 'immediate', 'the choice is kept');
    const exported = await request(api.app).get('/api/v1/me/export').set(as(reader)).expect(200);
    assert.notEqual(exported.body.profile.emailBouncedAt, null);

    // The next notification is delivered to the list, and no mail is tried.
    const second = await decided(reader, 'Decided after the bounce.');
    await waitFor(async () => (await queue.getJob(notificationJobId(second)))?.isCompleted(), {
      what: 'the second notification job completed',
    });
    assert.deepEqual(await stored(second), { delivered: true, emailed: false });
    assert.deepEqual(smtp.refused, [reader.email], 'no second attempt on the address');
    const list = await request(api.app).get(`/api/v1/sites/${site.siteId}/notifications`).set(as(reader)).expect(200);
    assert.deepEqual(
      (list.body.notifications as { id: string }[]).map((n) => n.id),
      [second, first],
    );
  });

  it('when I confirm the bounced address again, or my publisher gives me a new one, then notification email goes to it again', async () => {
    const sub = uniq('reader');
    const iat = Math.floor(Date.now() / 1000) - 60;
    const reader = await signIn(`${uniq('gone-again')}@example.com`, { sub, iat });
    await request(api.app)
      .put(`/api/v1/sites/${site.siteId}/notifications/settings`)
      .set(as(reader))
      .send({ email: 'immediate' })
      .expect(200);
    const first = await decided(reader, 'Refused before the mailbox was fixed.');
    await waitFor(async () => (await settings(reader)).emailBounced, { what: 'the address marked as bouncing' });
    await waitFor(async () => (await stored(first)).delivered, { what: 'the first notification delivered' });

    // The mailbox is fixed; the reader asks to confirm it again, and follows the link.
    smtp.setRefuse(/^gone-reader/);
    await request(api.app).post('/api/v1/auth/verify-email/resend').set(as(reader)).expect(202);
    const mail = await smtp.waitForMail(reader.email, /verify-email\?token=/);
    assert.match(mail.text, /refused/);
    const token = /verify-email\?token=([\w-]+)/.exec(mail.text)![1]!;
    await request(api.app).post('/api/v1/auth/verify-email').send({ token }).expect(200);
    assert.equal((await settings(reader)).emailBounced, false);
    await decided(reader, 'Mailed once confirmed again.');
    await smtp.waitForMail(reader.email, /Mailed once confirmed again/);

    // Bounced again; the publisher's newer token brings another address, which is written to.
    smtp.setRefuse(/^gone-/);
    await decided(reader, 'Refused once more.');
    await waitFor(async () => (await settings(reader)).emailBounced, { what: 'the address bouncing again' });
    const moved = await signIn(`${uniq('moved')}@example.com`, { sub, iat: iat + 30 });
    assert.equal(moved.id, reader.id);
    assert.equal((await settings(moved)).emailBounced, false);
    await decided(moved, 'Mailed to the new address.');
    await smtp.waitForMail(moved.email, /Mailed to the new address/);
  });
});
