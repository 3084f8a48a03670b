import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { markEmailVerified } from '#shared/db/users.js';
import { buildStaff, STAFF_PASSWORD } from '../support/staff.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let other: BuiltSite;
let postId: string;

before(async () => {
  env = await createTestEnv({ RATE_LIMIT_LOGIN_FAILURES: '3/600', RATE_LIMIT_AUTH_IP: '1000/60' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  other = await buildSite(env.db);
  postId = await buildPost(env.db, site.siteId);
});
after(async () => {
  await api.close();
  await env.close();
});

const sso = (siteId: string, token: string) => request(api.app).post('/api/v1/auth/sso').send({ siteId, token });
const commentWith = (token: string) =>
  request(api.app)
    .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
    .set('Authorization', `Bearer ${token}`)
    .send({ body: 'hello' });

describe('publisher SSO', () => {
  it('when the token is valid, then the reader is created and gets an access token that can comment', async () => {
    const res = await sso(
      site.siteId,
      await signSso(site.ssoSecret, { sub: 'pub-1', name: 'Ada Lovelace', email: 'ada@example.com' }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.user.name, 'Ada Lovelace');
    assert.equal(res.body.user.role, 'commenter');
    assert.match(res.body.accessToken, /^eyJ/);
    assert.equal((await commentWith(res.body.accessToken)).status, 202);
  });

  it('when the same reader signs in with a newer iat, then the name is updated; an older iat does not change it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const first = await sso(
      site.siteId,
      await signSso(site.ssoSecret, { sub: 'pub-2', name: 'Old Name', iat: now - 100 }),
    );
    const newer = await sso(
      site.siteId,
      await signSso(site.ssoSecret, { sub: 'pub-2', name: 'New Name', iat: now - 50 }),
    );
    const older = await sso(
      site.siteId,
      await signSso(site.ssoSecret, { sub: 'pub-2', name: 'Stale Name', iat: now - 90 }),
    );
    assert.equal(first.body.user.id, newer.body.user.id);
    assert.equal(newer.body.user.name, 'New Name');
    assert.equal(older.body.user.name, 'New Name');
    assert.equal(older.body.user.id, first.body.user.id);
  });

  it("when the token is signed with another site's secret, then 401", async () => {
    const res = await sso(site.siteId, await signSso(other.ssoSecret));
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
  });

  it('when the token has expired, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await sso(site.siteId, await signSso(site.ssoSecret, { iat: now - 7200, exp: now - 3600 }));
    assert.equal(res.status, 401);
    assert.match(res.body.error.message, /expired/);
  });

  it('when exp is more than 24 h ahead, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await sso(site.siteId, await signSso(site.ssoSecret, { exp: now + 3 * 86400 }));
    assert.equal(res.status, 401);
  });

  it('when iat is in the future, or sub or name hold control characters, then 401; a name is stored on one clean line', async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.equal(
      (await sso(site.siteId, await signSso(site.ssoSecret, { iat: now + 3600, exp: now + 7200 }))).status,
      401,
    );
    assert.equal((await sso(site.siteId, await signSso(site.ssoSecret, { sub: 'a\u0000b' }))).status, 401);
    assert.equal(
      (await sso(site.siteId, await signSso(site.ssoSecret, { sub: 'x\ud800' }))).status,
      401,
      'a lone surrogate would merge readers',
    );
    assert.equal((await sso(site.siteId, await signSso(site.ssoSecret, { name: '\u200b' }))).status, 401);
    const res = await sso(site.siteId, await signSso(site.ssoSecret, { name: 'Bob\u202e\ngnp.exe\u0000' }));
    assert.equal(res.status, 200);
    assert.equal(res.body.user.name, 'Bob gnp.exe');
  });

  it('when the token uses alg none, then 401', async () => {
    const token = new UnsecuredJWT({ name: 'Mallory' }).setSubject('x').setIssuedAt().setExpirationTime('10m').encode();
    const res = await sso(site.siteId, token);
    assert.equal(res.status, 401);
  });

  it('when the token lacks the name claim, then 401', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(site.ssoSecret));
    const res = await sso(site.siteId, token);
    assert.equal(res.status, 401);
  });

  it('when the site does not exist or the body is malformed, then a 4xx with a code', async () => {
    assert.equal((await sso('no-such-site', await signSso(site.ssoSecret))).status, 401);
    const bad = await request(api.app).post('/api/v1/auth/sso').send({ siteId: 'Not A Site!', token: 'x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
    const missing = await request(api.app).post('/api/v1/auth/sso').send({});
    assert.equal(missing.status, 400);
  });
});

describe('native accounts', () => {
  const email = `${uniq('reader')}@example.com`;
  const password = 'correct horse battery';

  it('when a reader registers, then 202 without a token; signed in and confirmed, they comment; the same email again gets the same answer', async () => {
    const res = await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email, password, displayName: '  Grace  ' });
    assert.equal(res.status, 202);
    assert.equal(res.body.accessToken, undefined);
    const signedIn = await request(api.app).post('/api/v1/auth/login').send({ siteId: site.siteId, email, password });
    assert.equal(signedIn.body.user.name, 'Grace');
    // The mailed link is followed in auth.account-takeover.test.ts; here the address is confirmed as users:create does.
    await markEmailVerified(env.db, site.siteId, signedIn.body.user.id);
    assert.equal((await commentWith(signedIn.body.accessToken)).status, 202);
    const again = await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email: email.toUpperCase(), password, displayName: 'G' });
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, res.body);
  });

  it('when the display name is invisible or has control characters, then 400 or cleaned', async () => {
    const invisible = await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email: 'z@example.com', password, displayName: '\u200b' });
    assert.equal(invisible.status, 400);
    const dirty = await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email: 'y@example.com', password, displayName: 'Ann\u0000\u202e Lee' });
    assert.equal(dirty.status, 202);
    const signedIn = await request(api.app)
      .post('/api/v1/auth/login')
      .send({ siteId: site.siteId, email: 'y@example.com', password });
    assert.equal(signedIn.body.user.name, 'Ann Lee');
  });

  it('when the password is short or the email invalid or the site unknown, then a 4xx', async () => {
    const short = await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email: 'a@example.com', password: 'short', displayName: 'A' });
    assert.equal(short.status, 400);
    const badEmail = await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email: 'nope', password, displayName: 'A' });
    assert.equal(badEmail.status, 400);
    const noSite = await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: 'missing-site', email: 'b@example.com', password, displayName: 'A' });
    assert.equal(noSite.status, 404);
    assert.equal(noSite.body.error.code, 'site_not_found');
  });

  it('when a reader logs in with the right password, then a token; with a wrong one, 401', async () => {
    const ok = await request(api.app).post('/api/v1/auth/login').send({ siteId: site.siteId, email, password });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.accessToken);
    const wrong = await request(api.app)
      .post('/api/v1/auth/login')
      .send({ siteId: site.siteId, email, password: 'wrong password!' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'unauthorized');
    // The account exists on one site only.
    const elsewhere = await request(api.app).post('/api/v1/auth/login').send({ siteId: other.siteId, email, password });
    assert.equal(elsewhere.status, 401);
  });

  it('when logins keep failing, then the account is throttled with 429 and Retry-After, even for the right password', async () => {
    const victim = `${uniq('victim')}@example.com`;
    await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email: victim, password, displayName: 'V' })
      .expect(202);
    for (let i = 0; i < 3; i++) {
      await request(api.app)
        .post('/api/v1/auth/login')
        .send({ siteId: site.siteId, email: victim, password: 'wrong password!' })
        .expect(401);
    }
    const blocked = await request(api.app)
      .post('/api/v1/auth/login')
      .send({ siteId: site.siteId, email: victim, password });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'rate_limited');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
  });

  it('when a password is stored, then only an Argon2id hash is in the database', async () => {
    const row = await env.db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
    assert.match(row.rows[0]!.password_hash, /^\$argon2id\$/);
    assert.ok(!row.rows[0]!.password_hash.includes(password));
  });
});

describe('access tokens', () => {
  it('when the bearer token is missing, garbage, expired, alg none, or of another site, then 401', async () => {
    const noAuth = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .send({ body: 'x' });
    assert.equal(noAuth.status, 401);
    assert.equal((await commentWith('garbage')).status, 401);

    const key = new TextEncoder().encode(env.config.JWT_SECRET);
    const reader = await sso(site.siteId, await signSso(site.ssoSecret));
    const sub = reader.body.user.id as string;
    const expired = await new SignJWT({ site: site.siteId, role: 'commenter' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer('comments-api')
      .setAudience('comments')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key);
    assert.equal((await commentWith(expired)).status, 401);

    const none = new UnsecuredJWT({ site: site.siteId, role: 'admin' })
      .setSubject(sub)
      .setIssuer('comments-api')
      .setAudience('comments')
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    assert.equal((await commentWith(none)).status, 401);

    const otherReader = await sso(other.siteId, await signSso(other.ssoSecret));
    const cross = await commentWith(otherReader.body.accessToken);
    assert.equal(cross.status, 401);
    assert.match(cross.body.error.message, /another site/);

    // A publisher API key is not a reader.
    const byKey = await commentWith(site.apiKey);
    assert.equal(byKey.status, 401);
  });

  it('when a token is issued, then it expires in one hour', async () => {
    const reader = await sso(site.siteId, await signSso(site.ssoSecret));
    const payload = JSON.parse(Buffer.from(reader.body.accessToken.split('.')[1], 'base64url').toString());
    assert.equal(payload.exp - payload.iat, 3600);
  });

  it('when an admin signs in through the comment widget, then that token comments but reaches no staff route; the moderation page’s token does', async () => {
    const admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
    const widget = await request(api.app)
      .post('/api/v1/auth/login')
      .send({ siteId: site.siteId, email: admin.email, password: STAFF_PASSWORD })
      .expect(200);
    const token = widget.body.accessToken as string;
    assert.equal((await commentWith(token)).status, 202);
    // What a script on the article page could do with a token it read there: none of it.
    const staffCalls = [
      request(api.app)
        .post(`/api/v1/sites/${site.siteId}/api-keys`)
        .send({ name: 'stolen', scopes: ['comments:read'] }),
      request(api.app).get(`/api/v1/sites/${site.siteId}/moderation/counts`),
      request(api.app).patch(`/api/v1/sites/${site.siteId}/settings`).send({ autoCloseDays: 3 }),
    ];
    for (const call of staffCalls) {
      const res = await call.set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'moderation_token_required');
    }
    const counts = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/counts`)
      .set('Authorization', `Bearer ${admin.accessToken}`);
    assert.equal(counts.status, 200);
  });
});
