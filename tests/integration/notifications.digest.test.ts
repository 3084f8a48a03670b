import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Job, Queue } from 'bullmq';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestNotificationsWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { storeComment } from '../support/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait-for.js';
import { notifyDecision } from '#shared/db/notifications.js';
import { createNotificationsQueue, enqueueNotifications, type NotificationJob } from '#shared/notifications/queue.js';

/**
 * The daily digest as the worker runs it: its job scheduler's job, run now instead of at NOTIFICATION_DIGEST_CRON, by
 * the real notifications worker, to a real SMTP server on 127.0.0.1 behind a TCP proxy the test can cut.
 */

let smtp: SmtpReceiver;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let site: BuiltSite;
let queue: Queue<NotificationJob>;

before(async () => {
  smtp = await startSmtpReceiver();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(smtp.url).port) });
  env = await createTestEnv({
    SMTP_URL: `smtp://127.0.0.1:${proxy.port}`,
    SMTP_TIMEOUT_MS: '2000',
    RATE_LIMITS: 'off',
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
  await proxy?.close();
  await smtp?.close();
});

interface Reader {
  id: string;
  email: string;
}

/** A reader signed in through SSO who chose the daily digest. */
async function digestReader(prefix = 'reader'): Promise<Reader> {
  const email = `${uniq(prefix)}@example.com`;
  const res = await request(api.app)
    .post('/api/v1/auth/sso')
    .send({ siteId: site.siteId, token: await signSso(site.ssoSecret, { name: 'Dora Digest', email }) })
    .expect(200);
  await request(api.app)
    .put(`/api/v1/sites/${site.siteId}/notifications/settings`)
    .set('Authorization', `Bearer ${res.body.accessToken}`)
    .send({ email: 'daily' })
    .expect(200);
  return { id: res.body.user.id, email };
}

/** A decision on a new comment of the reader's, delivered by the worker (to the list: the email waits for the digest). */
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
  await waitFor(
    async () =>
      (await env.db.query('SELECT 1 FROM notifications WHERE id = $1 AND delivered_at IS NOT NULL', [id])).rowCount ===
      1,
    { what: 'the notification delivered' },
  );
  return id;
}

/** The digest job the worker's scheduler queued for its next run, run now. */
async function runDigestNow(): Promise<Job<NotificationJob>> {
  const next = await waitFor(async () => (await queue.getDelayed()).find((j) => j.name === 'digest'), {
    what: 'the scheduled digest job',
  });
  await next.promote();
  return next;
}

const stateOf = async (job: Job) => {
  const now = await queue.getJob(job.id!);
  return now ? { state: await now.getState(), started: now.attemptsStarted, made: now.attemptsMade } : null;
};
const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));

describe('the daily digest', () => {
  it('when the mail server is away as the digest runs, then the digest is sent once it is back, not at the next day’s run, and once', async () => {
    const reader = await digestReader();
    await decided(reader, 'Decided on the day of the outage.');
    proxy.cut();
    let job: Job<NotificationJob>;
    try {
      job = await runDigestNow();
      await waitFor(
        async () => {
          const s = await stateOf(job);
          return s !== null && s.started >= 1 && ['delayed', 'completed', 'failed'].includes(s.state);
        },
        { what: 'the digest run tried while the mail server is away' },
      );
      assert.equal(mailsTo(reader.email).length, 0);
    } finally {
      proxy.restore();
    }
    await smtp.waitForMail(reader.email, /Decided on the day of the outage/);
    await waitFor(async () => (await stateOf(job))?.state === 'completed', { what: 'the digest run completed' });
    assert.equal(mailsTo(reader.email).length, 1);
  });

  it('when one reader’s mail server refuses for now (4xx), then the run is retried with its backoff: that digest goes later, and no other reader’s goes twice', async () => {
    const sent = await digestReader();
    const busy = await digestReader('busy');
    await decided(sent, 'A decision mailed on the first try.');
    await decided(busy, 'A decision for a busy mailbox.');
    smtp.setRefuse(/^busy-/, 450);
    let job: Job<NotificationJob>;
    try {
      job = await runDigestNow();
      await waitFor(
        async () => {
          const s = await stateOf(job);
          return s !== null && s.made >= 1 && ['delayed', 'completed', 'failed'].includes(s.state);
        },
        { what: 'the first digest run over' },
      );
      await smtp.waitForMail(sent.email, /mailed on the first try/);
      assert.equal(mailsTo(busy.email).length, 0);
    } finally {
      smtp.setRefuse(null);
    }
    await smtp.waitForMail(busy.email, /busy mailbox/);
    await waitFor(async () => (await stateOf(job))?.state === 'completed', { what: 'the digest run completed' });
    assert.equal(mailsTo(sent.email).length, 1, 'the retry sends no second digest to a reader already served');
    assert.equal(mailsTo(busy.email).length, 1);
  });

  it('when another run sent a reader’s digest while this run was preparing it, then this run sends nothing and does not count it as sent', async () => {
    const reader = await digestReader();
    const id = await decided(reader, 'A decision another run mailed.');
    // Another run's claim, held until this run's claim waits for it: this run read the notification as unmailed.
    const other = await env.db.connect();
    let job: Job<NotificationJob>;
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM notifications WHERE id = $1 FOR UPDATE', [id]);
      job = await runDigestNow();
      await waitFor(
        async () =>
          (
            await env.db.query(
              `SELECT 1 FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'
                  AND query LIKE 'UPDATE notifications SET emailed_at = now()%RETURNING id'`,
            )
          ).rowCount === 1,
        { what: "this run's claim waiting for the other run's" },
      );
      await other.query('UPDATE notifications SET emailed_at = now() WHERE id = $1', [id]);
      await other.query('COMMIT');
    } finally {
      other.release();
    }
    // Read once it is completed: a copy read before that has no result, whatever its state says by then.
    const done = await waitFor(
      async () => ((await queue.getJobState(job.id!)) === 'completed' ? await queue.getJob(job.id!) : null),
      { what: 'the digest run completed' },
    );
    assert.deepEqual(done.returnvalue, { sent: 0 });
    assert.equal(mailsTo(reader.email).length, 0);
  });
});
