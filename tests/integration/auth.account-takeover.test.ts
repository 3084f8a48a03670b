import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, uniq, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment } from '../support/staff.js';
import { runAdmin } from '../support/processes.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { waitFor } from '../support/wait-for.js';
import { issueAccessToken, tokenKeys } from '#api/auth/tokens.js';

/**
 * A stranger registering a future staff member's address must not end up holding a staff token:
 * users:create refuses to take a reader's account over (unless --force, which resets the password
 * and revokes its tokens), tokens carry a version the bearer check compares, and a native account
 * does nothing until its address is confirmed through the link mailed to it.
 */

let env: TestEnv;
let api: TestApi;
let smtp: SmtpReceiver;
let site: BuiltSite;
let postId: string;
const PASSWORD = 'a reader password of some length';

before(async () => {
  smtp = await startSmtpReceiver();
  env = await createTestEnv({ RATE_LIMITS: 'off', SMTP_URL: smtp.url, PUBLIC_URL: 'http://comments.test' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  postId = await buildPost(env.db, site.siteId);
});
after(async () => {
  await api?.close();
  await env?.close();
  await smtp?.close();
});

const register = (email: string, displayName = 'Mallory') =>
  request(api.app).post('/api/v1/auth/register').send({ siteId: site.siteId, email, password: PASSWORD, displayName });
const login = (email: string, password = PASSWORD) =>
  request(api.app).post('/api/v1/auth/login').send({ siteId: site.siteId, email, password, use: 'moderation' });
const comment = (token: string) =>
  request(api.app)
    .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
    .set('Authorization', `Bearer ${token}`)
    .send({ body: 'A comment from a native account.' });
const moderationCounts = (token: string) =>
  request(api.app).get(`/api/v1/sites/${site.siteId}/moderation/counts`).set('Authorization', `Bearer ${token}`);

/** The link mailed to `email` (the newest), opened: the page it leads to, which confirms nothing by itself. */
async function openVerificationLink(email: string, mail?: { text: string }) {
  const text = (mail ?? (await smtp.waitForMail(email, /verify-email\?token=/))).text;
  const link = new URL(/http:\/\/comments\.test\S+/.exec(text)![0]);
  assert.equal(link.pathname, '/verify-email');
  const page = await request(api.app).get(`${link.pathname}${link.search}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Confirm my address/);
  return link.searchParams.get('token')!;
}

/** Follows the verification link mailed to `email`, as the owner of the mailbox would: opens it, then confirms. */
async function followVerificationLink(email: string, mail?: { text: string }) {
  const token = await openVerificationLink(email, mail);
  return request(api.app).post('/api/v1/auth/verify-email').send({ token });
}

describe('users:create and a self-registered account', () => {
  it('when a reader registered the address first, then users:create refuses to promote it and it stays a reader', async () => {
    const email = `${uniq('future-admin')}@example.com`;
    assert.equal((await register(email)).status, 202);
    const attacker = (await login(email)).body.accessToken as string;
    const cli = await runAdmin(env.childEnv, [
      'users:create',
      '--site',
      site.siteId,
      '--email',
      email,
      '--password',
      'the operator chose this',
      '--role',
      'admin',
    ]);
    assert.equal(cli.code, 1, cli.stderr);
    assert.match(cli.stderr, /--force/);
    assert.equal((await moderationCounts(attacker)).status, 403);
    assert.equal((await login(email, 'the operator chose this')).status, 401);
  });

  it('when users:create --force takes it over, then the old password and every earlier token stop working', async () => {
    const email = `${uniq('future-admin')}@example.com`;
    assert.equal((await register(email)).status, 202);
    const attacker = (await login(email)).body.accessToken as string;
    const cli = await runAdmin(env.childEnv, [
      'users:create',
      '--site',
      site.siteId,
      '--email',
      email,
      '--password',
      'the operator chose this',
      '--role',
      'admin',
      '--force',
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).role, 'admin');
    const res = await moderationCounts(attacker);
    assert.equal(res.status, 401);
    assert.equal((await login(email)).status, 401);
    const staff = await login(email, 'the operator chose this');
    assert.equal(staff.status, 200);
    assert.equal((await moderationCounts(staff.body.accessToken)).status, 200);
  });
});

describe('revocable access tokens', () => {
  it('when a user signs out, then that token and every other one issued before is refused', async () => {
    const staff = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const second = (await login(staff.email, 'correct horse battery staple')).body.accessToken as string;
    const out = await request(api.app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${staff.accessToken}`);
    assert.equal(out.status, 204);
    for (const token of [staff.accessToken, second]) {
      const res = await moderationCounts(token);
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'unauthorized');
    }
    const fresh = await login(staff.email, 'correct horse battery staple');
    assert.equal((await moderationCounts(fresh.body.accessToken)).status, 200);
  });

  it('when a reader is banned, then their access token is refused at once', async () => {
    const reader = await signInReader(api.app, site);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const ban = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/ban`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ reason: 'spam' });
    assert.equal(ban.status, 200);
    assert.equal((await comment(reader.accessToken)).status, 401);
  });

  it('when many requests of several accounts arrive at once, then each is judged by its own account', async () => {
    // The bearer checks of concurrent requests share statements: a mix-up between accounts would show here.
    const readers = await Promise.all([0, 1, 2].map((i) => signInReader(api.app, site, { name: `Reader ${i}` })));
    const erased = await signInReader(api.app, site, { name: 'Erased' });
    await env.db.query('UPDATE users SET deleted_at = now() WHERE id = $1', [erased.user.id]);
    const signedOut = await signInReader(api.app, site, { name: 'Signed out' });
    const out = await request(api.app)
      .post('/api/v1/auth/logout')
      .set('Authorization', `Bearer ${signedOut.accessToken}`);
    assert.equal(out.status, 204);
    // Signed with the service's own key, for an id that is no account: refused alone, without failing the others.
    const forged = await issueAccessToken(tokenKeys(env.config.JWT_SECRET, 60), {
      id: 'not-a-uuid',
      siteId: site.siteId,
      role: 'commenter',
      tokenVersion: 0,
    });
    const tokens = [...readers.map((r) => r.accessToken), erased.accessToken, signedOut.accessToken, forged];
    const asks = Array.from({ length: 60 }, (_, i) => i % tokens.length);
    const answers = await Promise.all(
      asks.map((t) =>
        request(api.app)
          .get(`/api/v1/sites/${site.siteId}/notifications/settings`)
          .set('Authorization', `Bearer ${tokens[t]}`),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      asks.map((t) => (t < readers.length ? 200 : 401)),
    );
  });

  it('when logout has no token, then 401', async () => {
    const res = await request(api.app).post('/api/v1/auth/logout');
    assert.equal(res.status, 401);
  });
});

describe('native accounts confirm their address', () => {
  it('when a reader registers, then the answer is the same for a new and a known address and gives no token', async () => {
    const email = `${uniq('reader')}@example.com`;
    const first = await register(email);
    const again = await register(email.toUpperCase(), 'Someone Else');
    assert.equal(first.status, 202);
    assert.deepEqual(again.status, first.status);
    assert.deepEqual(again.body, first.body);
    assert.equal(first.body.accessToken, undefined);
    await smtp.waitForMail(email, /already has one/);
  });

  it('when the address is not confirmed, then the account may sign in but not comment or report', async () => {
    const email = `${uniq('reader')}@example.com`;
    await register(email);
    const token = (await login(email)).body.accessToken as string;
    const res = await comment(token);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'email_unverified');
    const author = await signInReader(api.app, site);
    const target = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const report = await request(api.app)
      .post(`/api/v1/comments/${target}/reports`)
      .set('Authorization', `Bearer ${token}`)
      .send({ reason: 'spam' });
    assert.equal(report.status, 403);
    assert.equal(report.body.error.code, 'email_unverified');
  });

  it('when the reader follows the mailed link, then the account can comment, and the link works only once', async () => {
    const email = `${uniq('reader')}@example.com`;
    await register(email);
    const token = (await login(email)).body.accessToken as string;
    assert.equal((await comment(token)).status, 403);
    const verified = await followVerificationLink(email);
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.verified, true);
    assert.equal((await comment(token)).status, 202);
    const replay = await followVerificationLink(email);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error.code, 'invalid_link');
  });

  it('when a verification token is made up, then 400 and nothing is verified', async () => {
    const res = await request(api.app)
      .post('/api/v1/auth/verify-email')
      .send({ token: 'A'.repeat(43) });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_link');
    const malformed = await request(api.app).post('/api/v1/auth/verify-email').send({ token: 'short' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'validation_failed');
  });

  it('when the link is only opened (as a mail scanner does), or an older link to the API is opened, then nothing is confirmed until the reader asks', async () => {
    const email = `${uniq('scanned')}@example.com`;
    await register(email);
    const token = await openVerificationLink(email);
    const older = await request(api.app).get('/api/v1/auth/verify-email').query({ token });
    assert.equal(older.status, 303);
    assert.equal(older.headers.location, `/verify-email?token=${token}`);
    const stillUnverified = await comment((await login(email)).body.accessToken as string);
    assert.equal(stillUnverified.status, 403);
    assert.equal(stillUnverified.body.error.code, 'email_unverified');
    assert.equal((await request(api.app).post('/api/v1/auth/verify-email').send({ token })).status, 200);
    assert.equal((await comment((await login(email)).body.accessToken as string)).status, 202);
  });

  it('when an unverified reader asks for a new link, then a new one arrives and the old one is void', async () => {
    const email = `${uniq('reader')}@example.com`;
    await register(email);
    const first = await smtp.waitForMail(email, /verify-email/);
    const token = (await login(email)).body.accessToken as string;
    const resend = await request(api.app)
      .post('/api/v1/auth/verify-email/resend')
      .set('Authorization', `Bearer ${token}`);
    assert.equal(resend.status, 202);
    await waitFor(() => smtp.mails.filter((m) => m.to.includes(email) && /verify-email/.test(m.text)).length === 2, {
      what: 'a second link',
    });
    assert.equal((await followVerificationLink(email, first)).status, 400);
    assert.equal((await followVerificationLink(email)).status, 200);
  });

  it('when links and registrations for one address are asked for again and again, from many addresses, then it receives only its share of mails', async () => {
    const limited = await startTestApi(env, {
      RATE_LIMITS: 'on',
      RATE_LIMIT_AUTH_IP: '1000/60',
      RATE_LIMIT_ACCOUNT_MAIL: '3/3600',
    });
    try {
      const victim = `${uniq('victim')}@example.com`;
      const registered = await request(limited.app)
        .post('/api/v1/auth/register')
        .send({ siteId: site.siteId, email: victim, password: PASSWORD, displayName: 'Mallory' });
      assert.equal(registered.status, 202);
      const token = (await login(victim)).body.accessToken as string;
      for (let i = 0; i < 10; i++) {
        const resend = await request(limited.app)
          .post('/api/v1/auth/verify-email/resend')
          .set('X-Forwarded-For', `198.51.100.${i + 1}`)
          .set('Authorization', `Bearer ${token}`);
        assert.equal(resend.status, 202, 'answered alike');
        const again = await request(limited.app)
          .post('/api/v1/auth/register')
          .set('X-Forwarded-For', `203.0.113.${i + 1}`)
          .send({ siteId: site.siteId, email: victim, password: PASSWORD, displayName: 'Mallory' });
        assert.equal(again.status, 202, 'answered alike');
      }
      await waitFor(() => smtp.mails.filter((m) => m.to.includes(victim)).length >= 3, { what: 'the first mails' });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(smtp.mails.filter((m) => m.to.includes(victim)).length, 3);
    } finally {
      await limited.close();
    }
  });
});

describe('a forgotten password', () => {
  /** The token of the reset link mailed to `email`. */
  const resetToken = async (email: string) => {
    const mail = await smtp.waitForMail(email, /password-reset\?token=/);
    return /password-reset\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
  };
  const confirm = (token: string, password: string) =>
    request(api.app).post('/api/v1/auth/password-reset/confirm').send({ token, password });

  it("when someone registered the owner's address first, then the owner takes the account back through the mailed link, and the other password and tokens stop working", async () => {
    const email = `${uniq('owner')}@example.com`;
    await register(email).expect(202);
    const squatter = (await login(email)).body.accessToken as string;
    assert.ok(squatter, 'an unconfirmed account may sign in');
    const asked = await request(api.app).post('/api/v1/auth/password-reset').send({ siteId: site.siteId, email });
    assert.equal(asked.status, 202);
    assert.equal(asked.body.status, 'reset_sent');
    const token = await resetToken(email);
    assert.equal((await confirm(token, 'short')).status, 400, 'the same rule as registration');
    const done = await confirm(token, "the owner's own passphrase");
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await login(email)).status, 401, "the squatter's password no longer works");
    const mine = await login(email, "the owner's own passphrase");
    assert.equal(mine.status, 200);
    assert.equal((await comment(squatter)).status, 401, "the squatter's token is revoked");
    assert.equal((await comment(mine.body.accessToken)).status, 202, 'the address is confirmed by the link');
    const again = await confirm(token, 'another passphrase here');
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'invalid_link', 'the link works once');
  });

  it('when the address has no account, or the token is made up, then the answer tells nothing and nothing changes', async () => {
    const nobody = `${uniq('nobody')}@example.com`;
    const asked = await request(api.app)
      .post('/api/v1/auth/password-reset')
      .send({ siteId: site.siteId, email: nobody });
    assert.equal(asked.status, 202);
    assert.equal(asked.body.status, 'reset_sent');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.mails.filter((m) => m.to.includes(nobody)).length, 0);
    const madeUp = await confirm('A'.repeat(43), 'a fine new passphrase');
    assert.equal(madeUp.status, 400);
    assert.equal(madeUp.body.error.code, 'invalid_link');
    const page = await request(api.app)
      .get('/password-reset')
      .query({ token: 'A'.repeat(43) });
    assert.equal(page.status, 200);
    assert.match(page.headers['content-security-policy'] ?? '', /script-src 'self'/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.doesNotMatch(page.text, /AAAAAAAAAA/, 'the token is not written into the page');
  });
});

describe('mail transport state', () => {
  it('when SMTP is configured, then readiness says so; without it, readiness reports it and stays ready', async () => {
    const ready = await request(api.app).get('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.details.mail, 'configured');
    const bare = await startTestApi(env, { SMTP_URL: '' });
    try {
      const res = await request(bare.app).get('/readyz');
      assert.equal(res.status, 200);
      assert.equal(res.body.details.mail, 'not_configured');
    } finally {
      await bare.close();
    }
  });
});
