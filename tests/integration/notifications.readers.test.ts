import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import {
  startTestNotificationsWorker,
  startTestTasksWorker,
  startTestWebhookWorker,
  startTestWorker,
  type TestWorker,
} from '../support/worker.js';
import { buildPost, buildSite, distinctText, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment } from '../support/staff.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait-for.js';
import { notifyDecision } from '#shared/db/notifications.js';
import { createMailer } from '#shared/mail.js';
import { deliverNotification, sendDigests } from '#worker/notifications/deliver.js';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { signUnsubscribeToken } from '#shared/notifications/unsubscribe-token.js';
import { failFirstWrite } from '../support/db-faults.js';
import { createNotificationsQueue } from '#shared/notifications/queue.js';

let env: TestEnv;
let api: TestApi;
let smtp: SmtpReceiver;
let hooks: Awaited<ReturnType<typeof startReceiver>>;
let workers: TestWorker[];
let site: BuiltSite;
let server: http.Server;
let base: string;

before(async () => {
  smtp = await startSmtpReceiver();
  hooks = await startReceiver();
  env = await createTestEnv({
    SMTP_URL: smtp.url,
    RATE_LIMITS: 'off',
    LOOKUP_CACHE_TTL_MS: '0',
    NOTIFICATION_SWEEP_INTERVAL_MS: '500',
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOK_SUBSCRIPTIONS_CACHE_MS: '0',
    SSE_HEARTBEAT_S: '1',
    PUBLIC_URL: 'http://comments.example.test',
  });
  api = await startTestApi(env);
  workers = [
    await startTestWorker(env),
    await startTestNotificationsWorker(env),
    await startTestWebhookWorker(env),
    await startTestTasksWorker(env),
  ];
  site = await buildSite(env.db);
  server = api.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  for (const w of workers) await w.close();
  await api.close();
  await env.close();
  await smtp.close();
  await hooks.close();
});

interface Reader {
  token: string;
  id: string;
  name: string;
  email: string;
}

/** A reader signed in through SSO with an address (the publisher vouches for it). */
async function reader(s: BuiltSite = site, email: 'off' | 'immediate' | 'daily' = 'immediate'): Promise<Reader> {
  const name = `Reader ${uniq('r')}`;
  const address = `${uniq('reader')}@example.com`;
  const res = await request(api.app)
    .post('/api/v1/auth/sso')
    .send({ siteId: s.siteId, token: await signSso(s.ssoSecret, { name, email: address }) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const r = { token: res.body.accessToken as string, id: res.body.user.id as string, name, email: address };
  if (email !== 'off') {
    const put = await request(api.app)
      .put(`/api/v1/sites/${s.siteId}/notifications/settings`)
      .set('Authorization', `Bearer ${r.token}`)
      .send({ email });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.email, email);
  }
  return r;
}

const list = async (r: Reader, s: BuiltSite = site) => {
  const res = await request(api.app)
    .get(`/api/v1/sites/${s.siteId}/notifications`)
    .set('Authorization', `Bearer ${r.token}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as {
    unread: number;
    notifications: {
      id: string;
      kind: string;
      status: string | null;
      read: boolean;
      from: { name: string } | null;
      comment: { id: string; excerpt: string };
    }[];
  };
};

const delivered = (id: string) =>
  waitFor(
    async () =>
      (await env.db.query('SELECT 1 FROM notifications WHERE comment_id = $1 AND delivered_at IS NOT NULL', [id]))
        .rowCount === 1,
    { what: `the notification about ${id} delivered` },
  );

let texts = 0;

/** An approved comment by `author` on a new post. */
async function approvedParent(author: Reader, s: BuiltSite = site) {
  const postId = await buildPost(env.db, s.siteId);
  const parent = await postComment(api.app, {
    siteId: s.siteId,
    postId,
    token: author.token,
    body: distinctText(++texts),
  });
  assert.equal((await waitForDecision(api.app, parent, author.token)).status, 'approved');
  return { postId, parent };
}

/** A comment by `author` and an approved reply to it by `replier`; returns the reply's id. */
async function replyTo(author: Reader, replier: Reader, body: string, s: BuiltSite = site) {
  const { postId, parent } = await approvedParent(author, s);
  const reply = await postComment(api.app, { siteId: s.siteId, postId, token: replier.token, body, parentId: parent });
  assert.equal((await waitForDecision(api.app, reply, replier.token)).status, 'approved');
  return { postId, parent, reply };
}

describe('a reply to my comment', () => {
  it('when a reply to my comment is approved, then I get an email with an unsubscribe link and the notification in my list, unread until I mark it read', async () => {
    const author = await reader();
    const replier = await reader(site, 'off');
    const { reply } = await replyTo(author, replier, 'I think it is about right, given the grant.');
    const mail = await smtp.waitForMail(author.email, /I think it is about right/);
    assert.equal(mail.subject, `${replier.name} replied to your comment`);
    assert.match(mail.text, /http:\/\/comments\.example\.test\/notifications\/unsubscribe\?token=[\w-]+\.[\w-]+/);
    assert.match(
      mail.header('List-Unsubscribe'),
      /^<http:\/\/comments\.example\.test\/notifications\/unsubscribe\?token=/,
    );
    assert.equal(mail.header('List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.doesNotMatch(mail.text, new RegExp(author.token.slice(0, 20)), 'no access token in the mail');

    const mine = await list(author);
    assert.equal(mine.unread, 1);
    assert.equal(mine.notifications[0]!.kind, 'reply');
    assert.equal(mine.notifications[0]!.comment.id, reply);
    assert.equal(mine.notifications[0]!.from!.name, replier.name);
    const read = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/notifications/read`)
      .set('Authorization', `Bearer ${author.token}`)
      .send({});
    assert.deepEqual(read.body, { unread: 0 });
    assert.equal((await list(author)).notifications[0]!.read, true);
    // The replier, who opted out of email, hears nothing of their own reply.
    assert.equal((await list(replier)).notifications.length, 0);
  });

  it('when the run that sent my email stops before it records the delivery, then the retry sends no second email', async () => {
    const author = await reader();
    const replier = await reader(site, 'off');
    // The delivery's record fails once, after the email went: the job fails and is retried.
    const fault = await failFirstWrite(env.db, {
      name: 'fail_notification_delivered',
      table: 'notifications',
      on: 'UPDATE OF delivered_at',
      condition: `NEW.user_id = '${author.id}' AND NEW.delivered_at IS NOT NULL`,
    });
    try {
      const { reply } = await replyTo(author, replier, 'Said once, and mailed once.');
      await delivered(reply);
      assert.equal(await fault.matched(), 2, 'the first record failed, the retry wrote it');
    } finally {
      await fault.remove();
    }
    await smtp.waitForMail(author.email, /Said once, and mailed once/);
    assert.equal(smtp.mails.filter((m) => m.to.includes(author.email)).length, 1);
  });

  it('when I reply to myself, then nobody is notified; when my email is off, then the notification is in my list but no email is sent', async () => {
    const author = await reader(site, 'off');
    const other = await reader(site, 'off');
    const self = await replyTo(author, author, 'Adding a detail to my own comment.');
    const { reply } = await replyTo(author, other, 'A reply that should not be emailed.');
    await delivered(reply);
    assert.equal((await list(author)).notifications.length, 1);
    assert.equal((await env.db.query('SELECT 1 FROM notifications WHERE comment_id = $1', [self.reply])).rowCount, 0);
    assert.equal(smtp.mails.filter((m) => m.to.includes(author.email)).length, 0);
  });
});

describe('a banned reader', () => {
  it('when a reader is banned, then replies to their comments and featuring them no longer notify them', async () => {
    const author = await reader();
    const replier = await reader(site, 'off');
    const { postId, parent } = await approvedParent(author);
    const moderator = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${author.id}/ban`)
      .set('Authorization', `Bearer ${moderator.accessToken}`)
      .send({ reason: 'abuse' })
      .expect(200);
    const reply = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: replier.token,
      body: 'A reply the banned author is not invited to answer.',
      parentId: parent,
    });
    assert.equal((await waitForDecision(api.app, reply, replier.token)).status, 'approved');
    await request(api.app)
      .post(`/api/v1/comments/${parent}/feature`)
      .set('Authorization', `Bearer ${moderator.accessToken}`)
      .send({ featured: true })
      .expect(200);
    const theirs = await env.db.query('SELECT kind FROM notifications WHERE user_id = $1', [author.id]);
    assert.deepEqual(theirs.rows, []);
  });

  it('when a reader is banned with their comments rejected, then no "not published" email goes to them per comment', async () => {
    const author = await reader();
    const postId = await buildPost(env.db, site.siteId);
    const held: string[] = [];
    for (let i = 0; i < 3; i++)
      held.push(
        await storeComment(env.db, {
          siteId: site.siteId,
          postId,
          authorId: author.id,
          body: `Held comment number ${i + 1} of a reader about to be banned.`,
          status: 'pending',
          reasons: [{ rule: 'toxicity', detail: 'held' }],
        }),
      );
    const moderator = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${author.id}/ban`)
      .set('Authorization', `Bearer ${moderator.accessToken}`)
      .send({ reason: 'abuse', rejectExisting: true })
      .expect(202);
    // Every decision is in their notifications, and each has been delivered: with no email to a banned reader.
    await waitFor(
      async () =>
        (
          await env.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM notifications
              WHERE user_id = $1 AND kind = 'decision' AND status = 'rejected' AND delivered_at IS NOT NULL`,
            [author.id],
          )
        ).rows[0]!.n === 3,
      { what: 'the three decisions delivered' },
    );
    const emailed = await env.db.query('SELECT 1 FROM notifications WHERE user_id = $1 AND emailed_at IS NOT NULL', [
      author.id,
    ]);
    assert.equal(emailed.rowCount, 0);
    // What they are sent is the ban's statements of reasons (one mail a batch, on this DSA site), nothing per comment.
    assert.deepEqual(
      smtp.mails
        .filter((m) => m.to.includes(author.email) && !/statement of reasons/.test(m.subject))
        .map((m) => m.subject),
      [],
    );
  });
});

describe('my held comment was decided', () => {
  it("when a moderator approves or rejects my held comment, then I am told which; a held reply that is approved notifies its parent's author", async () => {
    const strict = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"premod":"all"}' WHERE id = $1`, [strict.siteId]);
    const moderator = await buildStaff(env.db, api.app, strict.siteId, 'moderator');
    const author = await reader(strict);
    const replier = await reader(strict, 'off');
    const postId = await buildPost(env.db, strict.siteId);
    const decide = async (id: string, action: 'approve' | 'reject') => {
      const res = await request(api.app)
        .post(`/api/v1/comments/${id}/moderation`)
        .set('Authorization', `Bearer ${moderator.accessToken}`)
        .send(action === 'approve' ? { action } : { action, reason: 'off topic' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    const kept = await postComment(api.app, {
      siteId: strict.siteId,
      postId,
      token: author.token,
      body: 'Held, then published.',
    });
    const dropped = await postComment(api.app, {
      siteId: strict.siteId,
      postId,
      token: author.token,
      body: 'Held, then refused.',
    });
    for (const id of [kept, dropped])
      assert.equal((await waitForDecision(api.app, id, author.token)).status, 'pending');
    await decide(kept, 'approve');
    await decide(dropped, 'reject');
    assert.equal((await smtp.waitForMail(author.email, /Held, then published/)).subject, 'Your comment was published');
    assert.equal(
      (await smtp.waitForMail(author.email, /Held, then refused/)).subject,
      'Your comment was not published',
    );
    const decisions = (await list(author, strict)).notifications.filter((n) => n.kind === 'decision');
    assert.deepEqual(decisions.map((n) => n.status).sort(), ['approved', 'rejected']);

    const reply = await postComment(api.app, {
      siteId: strict.siteId,
      postId,
      token: replier.token,
      body: 'A held reply.',
      parentId: kept,
    });
    assert.equal((await waitForDecision(api.app, reply, replier.token)).status, 'pending');
    await decide(reply, 'approve');
    await smtp.waitForMail(author.email, /A held reply\./);
    const replyNote = (await list(author, strict)).notifications.find((n) => n.kind === 'reply');
    assert.equal(replyNote?.comment.id, reply);
    // The replier's own held reply was decided too.
    assert.equal((await list(replier, strict)).notifications[0]!.kind, 'decision');
  });

  it('when a moderator undoes a decision on my held comment and decides it the other way, then I am told again, with the new decision', async () => {
    const strict = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"premod":"all"}' WHERE id = $1`, [strict.siteId]);
    const moderator = await buildStaff(env.db, api.app, strict.siteId, 'moderator');
    const author = await reader(strict);
    const postId = await buildPost(env.db, strict.siteId);
    const id = await postComment(api.app, {
      siteId: strict.siteId,
      postId,
      token: author.token,
      body: 'Held twice over.',
    });
    assert.equal((await waitForDecision(api.app, id, author.token)).status, 'pending');
    const as = { Authorization: `Bearer ${moderator.accessToken}` };
    await request(api.app).post(`/api/v1/comments/${id}/moderation`).set(as).send({ action: 'approve' }).expect(200);
    assert.equal((await smtp.waitForMail(author.email, /Held twice over/)).subject, 'Your comment was published');
    await request(api.app)
      .post(`/api/v1/sites/${strict.siteId}/moderation/undo`)
      .set(as)
      .send({ commentId: id })
      .expect(200);
    await request(api.app).post(`/api/v1/comments/${id}/moderation`).set(as).send({ action: 'reject' }).expect(200);
    await waitFor(
      () => smtp.mails.some((m) => m.to.includes(author.email) && m.subject === 'Your comment was not published'),
      { what: 'the second decision mailed' },
    );
    const decisions = (await list(author, strict)).notifications.filter((n) => n.kind === 'decision');
    assert.deepEqual(
      decisions.map((n) => [n.comment.id, n.status, n.read]),
      [[id, 'rejected', false]],
    );
  });

  it('when my held reply is published by an edit, then the comment it answers is told, as for a new reply; a deleted comment takes no replies', async () => {
    const author = await reader();
    const replier = await reader(site, 'off');
    const { postId, parent } = await approvedParent(author);
    // A new reader's link is held (links.holdBelowApproved); the edit takes it out.
    const reply = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: replier.token,
      body: 'Held for its link: https://example.org/read-this',
      parentId: parent,
    });
    assert.equal((await waitForDecision(api.app, reply, replier.token)).status, 'pending');
    await request(api.app)
      .patch(`/api/v1/comments/${reply}`)
      .set('Authorization', `Bearer ${replier.token}`)
      .send({ body: 'Published once the link was gone.' })
      .expect(202);
    await smtp.waitForMail(author.email, /Published once the link was gone/);
    assert.equal((await list(author)).notifications[0]?.comment.id, reply);

    // The author deletes the comment: a reply to it is refused, and nobody is told of one.
    await request(api.app)
      .delete(`/api/v1/comments/${parent}`)
      .set('Authorization', `Bearer ${author.token}`)
      .expect(204);
    const late = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${replier.token}`)
      .send({ body: 'A reply to a deleted comment.', parentId: parent });
    assert.equal(late.status, 422, JSON.stringify(late.body));
    assert.equal(late.body.error.code, 'invalid_parent');
  });

  it('when a notification is written but its job never reaches the queue, then the sweep delivers it: none is lost', async () => {
    const author = await reader();
    const postId = await buildPost(env.db, site.siteId);
    const id = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: author.token,
      body: 'Decided while Redis was away.',
    });
    await waitForDecision(api.app, id, author.token);
    // As moderateComment writes it in the decision's transaction, without the enqueue that follows.
    assert.equal((await notifyDecision(env.db, id)).length, 1);
    await smtp.waitForMail(author.email, /Decided while Redis was away/);
    await delivered(id);
  });
});

describe('my comment was featured', () => {
  it('when a moderator features my comment, then I am notified in the list and by email, once however often it is featured', async () => {
    const moderator = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const author = await reader();
    const postId = await buildPost(env.db, site.siteId);
    const id = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: author.token,
      body: distinctText(950),
    });
    assert.equal((await waitForDecision(api.app, id, author.token)).status, 'approved');
    const feature = (featured: boolean) =>
      request(api.app)
        .post(`/api/v1/comments/${id}/feature`)
        .set('Authorization', `Bearer ${moderator.accessToken}`)
        .send({ featured });
    assert.equal((await feature(true)).status, 200);
    const mail = await smtp.waitForMail(author.email, /editors' pick/);
    assert.equal(mail.subject, 'Your comment was featured');
    await feature(false);
    await feature(true);
    await delivered(id);
    const featured = (await list(author)).notifications.filter((n) => n.kind === 'featured');
    assert.equal(featured.length, 1);
    assert.equal(featured[0]!.comment.id, id);
    // Featured again: no second email (a later mail to the author would arrive within the sweep's interval).
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(smtp.mails.filter((m) => m.to.includes(author.email) && /editors' pick/.test(m.text)).length, 1);
  });
});

describe('without a mail transport', () => {
  it('when no SMTP transport is configured, then the notification is still delivered to the bell, no email is attempted, and the log says why', async () => {
    const author = await reader();
    const postId = await buildPost(env.db, site.siteId);
    const id = await postComment(api.app, { siteId: site.siteId, postId, token: author.token, body: 'No mail here.' });
    await waitForDecision(api.app, id, author.token);
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    // Written without queueing (dated ahead, so the running worker's sweep leaves it), delivered here by a worker
    // that has no transport.
    await env.db.query(
      "INSERT INTO notifications (id, site_id, user_id, kind, comment_id, status, created_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now() + interval '1 hour')",
      [site.siteId, author.id, 'decision', id, 'approved'],
    );
    const row = await env.db.query<{ id: string }>('SELECT id FROM notifications WHERE comment_id = $1', [id]);
    const mailer = createMailer({ smtpUrl: undefined, from: env.config.MAIL_FROM, logger });
    await deliverNotification({ config: env.config, db: env.db, redis: env.redis, logger, mailer }, row.rows[0]!.id);
    const stored = await env.db.query('SELECT delivered_at, emailed_at FROM notifications WHERE comment_id = $1', [id]);
    assert.notEqual(stored.rows[0].delivered_at, null);
    assert.equal(stored.rows[0].emailed_at, null);
    assert.ok(
      lines.some((l) => l.includes('no mail transport is configured (SMTP_URL)')),
      lines.join(''),
    );
    assert.equal((await list(author)).unread, 1);
  });

  it("when the mail server refuses a reader's address, then the failure the job keeps names the reply code, not the address, and the address is marked as bouncing", async () => {
    const author = await reader();
    const postId = await buildPost(env.db, site.siteId);
    const id = await postComment(api.app, { siteId: site.siteId, postId, token: author.token, body: 'Refused mail.' });
    await waitForDecision(api.app, id, author.token);
    await env.db.query(
      "INSERT INTO notifications (id, site_id, user_id, kind, comment_id, status, created_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now() + interval '1 hour')",
      [site.siteId, author.id, 'decision', id, 'approved'],
    );
    const row = await env.db.query<{ id: string }>('SELECT id FROM notifications WHERE comment_id = $1', [id]);
    const refusing = await startSmtpReceiver({ refuse: /./ });
    const mailer = createMailer({ smtpUrl: refusing.url, from: env.config.MAIL_FROM, logger: env.logger });
    try {
      const err = await deliverNotification(
        { config: env.config, db: env.db, redis: env.redis, logger: env.logger, mailer },
        row.rows[0]!.id,
      ).then(
        () => null,
        (e: unknown) => e as Error & { responseCode?: number },
      );
      assert.ok(err, 'the delivery fails, and its job with it');
      assert.doesNotMatch(`${err.message} ${err.stack}`, /@/);
      assert.equal(err.responseCode, 550);
      const stored = await env.db.query('SELECT emailed_at FROM notifications WHERE id = $1', [row.rows[0]!.id]);
      assert.equal(stored.rows[0].emailed_at, null, 'not marked emailed: nothing was sent');
      const bounced = await env.db.query('SELECT 1 FROM users WHERE id = $1 AND email_bounced_at IS NOT NULL', [
        author.id,
      ]);
      assert.equal(bounced.rowCount, 1);
    } finally {
      mailer.close();
      await refusing.close();
    }
  });
});

/** What the digest job runs with, its own mail transport to the test's SMTP server. */
const digestDeps = () => ({
  config: env.config,
  db: env.db,
  redis: env.redis,
  logger: env.logger,
  mailer: createMailer({ smtpUrl: smtp.url, from: env.config.MAIL_FROM, logger: env.logger }),
});

describe('email choices', () => {
  it("when I chose the daily digest, then nothing is sent at once and the digest sends one email with the day's notifications, once", async () => {
    const author = await reader(site, 'daily');
    const replier = await reader(site, 'off');
    const one = await replyTo(author, replier, 'First reply for the digest.');
    const two = await replyTo(author, replier, 'Second reply for the digest.');
    await delivered(one.reply);
    await delivered(two.reply);
    assert.equal(smtp.mails.filter((m) => m.to.includes(author.email)).length, 0);
    const deps = digestDeps();
    assert.ok((await sendDigests(deps)) >= 1);
    const digest = await smtp.waitForMail(author.email, /First reply for the digest/);
    assert.match(digest.text, /Second reply for the digest/);
    assert.equal(digest.subject, 'Your comments: 2 new notifications');
    await sendDigests(deps);
    assert.equal(smtp.mails.filter((m) => m.to.includes(author.email)).length, 1);
    deps.mailer.close();
  });

  it('when more readers wait for their digest than one batch holds, then one run sends every one of them', async () => {
    const replier = await reader(site, 'off');
    const authors = [];
    for (let i = 0; i < 5; i++) {
      const author = await reader(site, 'daily');
      await delivered((await replyTo(author, replier, `A reply for digest reader ${i}.`)).reply);
      authors.push(author);
    }
    const deps = digestDeps();
    try {
      // Batches of two: the run goes on past the first.
      await sendDigests(deps, { batch: 2 });
      for (const [i, a] of authors.entries()) await smtp.waitForMail(a.email, new RegExp(`digest reader ${i}`));
    } finally {
      deps.mailer.close();
    }
  });

  it('when a reply is removed before the digest goes, then the digest leaves it out and it is never mailed later', async () => {
    const author = await reader(site, 'daily');
    const replier = await reader(site, 'off');
    const kept = await replyTo(author, replier, 'A reply that stays for the digest.');
    const gone = await replyTo(author, replier, 'A reply a moderator removes before the digest.');
    await delivered(kept.reply);
    await delivered(gone.reply);
    const moderator = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    await request(api.app)
      .post(`/api/v1/comments/${gone.reply}/moderation`)
      .set('Authorization', `Bearer ${moderator.accessToken}`)
      .send({ action: 'reject' })
      .expect(200);
    const deps = digestDeps();
    try {
      await sendDigests(deps);
      const digest = await smtp.waitForMail(author.email, /A reply that stays for the digest/);
      assert.equal(digest.subject, 'Your comments: 1 new notification');
      assert.doesNotMatch(digest.text, /removes before the digest/);
      const left = await env.db.query('SELECT 1 FROM notifications WHERE comment_id = $1 AND emailed_at IS NULL', [
        gone.reply,
      ]);
      assert.equal(left.rowCount, 0, 'not waiting for the next digest either');
      await sendDigests(deps);
      assert.equal(smtp.mails.filter((m) => m.to.includes(author.email)).length, 1);
    } finally {
      deps.mailer.close();
    }
  });

  it('when I follow the unsubscribe link, then the page asks first, and its button turns the email off without signing in; a forged or foreign link does nothing', async () => {
    const author = await reader();
    const token = signUnsubscribeToken(env.config.JWT_SECRET, { siteId: site.siteId, userId: author.id });
    const page = await request(api.app).get(`/notifications/unsubscribe?token=${token}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<button type="submit">Stop notification emails<\/button>/);
    const settings = () =>
      request(api.app)
        .get(`/api/v1/sites/${site.siteId}/notifications/settings`)
        .set('Authorization', `Bearer ${author.token}`);
    assert.equal((await settings()).body.email, 'immediate', 'opening the link changes nothing');

    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    const other = signUnsubscribeToken('another secret of at least thirty-two chars!!', {
      siteId: site.siteId,
      userId: author.id,
    });
    for (const bad of [forged, other, 'nonsense', '']) {
      const res = await request(api.app).post('/notifications/unsubscribe').type('form').send({ token: bad });
      assert.equal(res.status, 400, bad);
    }
    const expired = signUnsubscribeToken(
      env.config.JWT_SECRET,
      { siteId: site.siteId, userId: author.id },
      Date.now() - 100 * 86400_000,
    );
    assert.equal((await request(api.app).get(`/notifications/unsubscribe?token=${expired}`)).status, 400);
    assert.equal((await settings()).body.email, 'immediate');

    // A mail client's one-click POST (RFC 8058): the token in the link, the fixed body.
    const done = await request(api.app)
      .post(`/notifications/unsubscribe?token=${token}`)
      .type('form')
      .send('List-Unsubscribe=One-Click');
    assert.equal(done.status, 200);
    assert.match(done.text, /Notification emails stopped/);
    assert.equal((await settings()).body.email, 'off');
  });

  it("when an account has no address, then opting in is refused with no_email; another site's token is refused", async () => {
    const res = await request(api.app)
      .post('/api/v1/auth/sso')
      .send({ siteId: site.siteId, token: await signSso(site.ssoSecret, { name: 'No Address' }) });
    const put = await request(api.app)
      .put(`/api/v1/sites/${site.siteId}/notifications/settings`)
      .set('Authorization', `Bearer ${res.body.accessToken}`)
      .send({ email: 'daily' });
    assert.equal(put.status, 409);
    assert.equal(put.body.error.code, 'no_email');
    const bad = await request(api.app)
      .put(`/api/v1/sites/${site.siteId}/notifications/settings`)
      .set('Authorization', `Bearer ${res.body.accessToken}`)
      .send({ email: 'hourly' });
    assert.equal(bad.status, 400);
    const other = await buildSite(env.db);
    const stranger = await reader(other, 'off');
    const cross = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/notifications`)
      .set('Authorization', `Bearer ${stranger.token}`);
    assert.equal(cross.status, 401);
    assert.equal((await request(api.app).get(`/api/v1/sites/${site.siteId}/notifications`)).status, 401);
  });
});

describe('publishers and the live stream', () => {
  it('when the site takes notifications by webhook, then a reader.notification event is delivered and no email is sent', async () => {
    const hooked = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"readerNotifications":"webhook"}' WHERE id = $1`, [
      hooked.siteId,
    ]);
    const path = `/${uniq('hook')}`;
    const created = await request(api.app)
      .post(`/api/v1/sites/${hooked.siteId}/webhooks`)
      .set('Authorization', `Bearer ${hooked.apiKey}`)
      .send({ url: hooks.url(path), events: ['reader.notification'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const author = await reader(hooked);
    const replier = await reader(hooked, 'off');
    const { reply } = await replyTo(author, replier, 'A reply the publisher tells of itself.', hooked);
    const got = await waitFor(() => hooks.received.find((r) => r.path === path), {
      what: 'the reader.notification webhook',
    });
    const event = JSON.parse(got.body) as { type: string; data: Record<string, { id?: string; kind?: string }> };
    assert.equal(event.type, 'reader.notification');
    assert.equal(event.data.notification!.kind, 'reply');
    assert.equal(event.data.reader!.id, author.id);
    assert.equal(event.data.comment!.id, reply);
    assert.doesNotMatch(got.body, new RegExp(author.email.replace('.', '\\.')), 'no address in the event');
    await delivered(reply);
    assert.equal(smtp.mails.filter((m) => m.to.includes(author.email)).length, 0);
  });

  it('when a reply is removed before its notification goes out, then the publisher is not told of it', async () => {
    const hooked = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"readerNotifications":"webhook"}' WHERE id = $1`, [
      hooked.siteId,
    ]);
    const path = `/${uniq('hook')}`;
    await request(api.app)
      .post(`/api/v1/sites/${hooked.siteId}/webhooks`)
      .set('Authorization', `Bearer ${hooked.apiKey}`)
      .send({ url: hooks.url(path), events: ['reader.notification'] })
      .expect(201);
    const moderator = await buildStaff(env.db, api.app, hooked.siteId, 'moderator', 'Mo Derator');
    const author = await reader(hooked);
    const replier = await reader(hooked, 'off');
    const queue = createNotificationsQueue(env.redis, env.config.QUEUE_PREFIX);
    let reply: string;
    // The notification waits in its queue (a backlog, a deploy) while a moderator takes the reply down.
    await queue.pause();
    try {
      ({ reply } = await replyTo(author, replier, 'A reply taken down before anyone heard of it.', hooked));
      await waitFor(
        async () => (await env.db.query('SELECT 1 FROM notifications WHERE comment_id = $1', [reply])).rowCount === 1,
        { what: 'the notification written' },
      );
      await request(api.app)
        .post(`/api/v1/comments/${reply}/moderation`)
        .set('Authorization', `Bearer ${moderator.accessToken}`)
        .send({ action: 'reject', reason: 'off topic' })
        .expect(200);
    } finally {
      await queue.resume();
      await queue.close();
    }
    await delivered(reply);
    assert.equal(hooks.received.filter((r) => r.path === path).length, 0);
    const stored = await env.db.query(
      `SELECT 1 FROM webhook_deliveries WHERE site_id = $1 AND event_type = 'reader.notification'`,
      [hooked.siteId],
    );
    assert.equal(stored.rowCount, 0);
  });

  it('when my widget holds my notification stream open, then a new notification arrives on it as an event', async () => {
    const author = await reader(site, 'off');
    const replier = await reader(site, 'off');
    const ctrl = new AbortController();
    const res = await fetch(`${base}/api/v1/sites/${site.siteId}/notifications/events`, {
      headers: { Authorization: `Bearer ${author.token}` },
      signal: ctrl.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/event-stream/);
    const reader$ = res.body!.getReader();
    let text = '';
    const seen = (async () => {
      while (!text.includes('event: notifications')) {
        const { value, done } = await reader$.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    })();
    await replyTo(author, replier, 'A reply that rings the bell.');
    await waitFor(() => text.includes('event: notifications'), { what: 'the notifications event' });
    ctrl.abort();
    await seen.catch(() => undefined);
    assert.equal((await list(author)).unread, 1);
    const anonymous = await fetch(`${base}/api/v1/sites/${site.siteId}/notifications/events`);
    assert.equal(anonymous.status, 401);
  });
});
