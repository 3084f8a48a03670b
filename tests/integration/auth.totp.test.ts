import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { generate } from 'otplib';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, type BuiltSite } from '../support/builders.js';
import { buildStaff, STAFF_PASSWORD, type SignedIn } from '../support/staff.js';

/**
 * Two-factor sign-in for staff: an authenticator app's code (TOTP) on top of the password, each
 * code good once; and sites that require it keep unenrolled staff to enrolment.
 */

let env: TestEnv;
let api: TestApi;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
});
after(async () => {
  await api?.close();
  await env?.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const nowS = () => Math.floor(Date.now() / 1000);
/** The code of the time step `steps` away from now. */
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: nowS() + steps * 30 });
const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

const login = (site: BuiltSite, email: string, totp?: string) =>
  request(api.app)
    .post('/api/v1/auth/login')
    .send({
      siteId: site.siteId,
      email,
      password: STAFF_PASSWORD,
      use: 'moderation',
      ...(totp === undefined ? {} : { totp }),
    });
const counts = (site: BuiltSite, token: string) =>
  request(api.app).get(`/api/v1/sites/${site.siteId}/moderation/counts`).set(auth(token));

/** Sets up and enables TOTP; returns the secret and the token the enable answer gave. */
async function enrol(staff: SignedIn): Promise<{ secret: string; accessToken: string }> {
  const setup = await request(api.app)
    .post('/api/v1/auth/totp/setup')
    .set(auth(staff.accessToken))
    .send({ password: STAFF_PASSWORD });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const { secret, otpauthUrl } = setup.body as { secret: string; otpauthUrl: string };
  assert.match(otpauthUrl, /^otpauth:\/\/totp\//);
  const enable = await request(api.app)
    .post('/api/v1/auth/totp/enable')
    .set(auth(staff.accessToken))
    .send({ code: await codeAt(secret) });
  assert.equal(enable.status, 200, JSON.stringify(enable.body));
  return { secret, accessToken: enable.body.accessToken };
}

describe('two-factor sign-in for staff', () => {
  it('when staff enrol and enable TOTP, then login needs the current code, and each code works once', async () => {
    const site = await buildSite(env.db);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const { secret } = await enrol(mod);

    const missing = await login(site, mod.email);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'totp_required');

    // The enable code used this step: the next step's code is the one a sign-in can use.
    const code = await codeAt(secret, 1);
    const wrong = await login(site, mod.email, wrongCode(code));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');

    const ok = await login(site, mod.email, code);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(typeof ok.body.accessToken, 'string');
    assert.equal((await counts(site, ok.body.accessToken)).status, 200);

    const replayed = await login(site, mod.email, code);
    assert.equal(replayed.status, 401);
    assert.equal(replayed.body.error.code, 'invalid_credentials');

    const enableCode = await login(site, mod.email, await codeAt(secret));
    assert.equal(enableCode.status, 401, 'a code of an earlier step than one used is refused too');
  });

  it('when the site requires TOTP, then a staff member without it reaches only enrolment until enrolled', async () => {
    const site = await buildSite(env.db);
    const admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
    const patch = await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(auth(admin.accessToken))
      .send({ staffTotpRequired: true });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));

    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const blocked = await counts(site, mod.accessToken);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error.code, 'totp_enrolment_required');
    const adminBlocked = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/settings`)
      .set(auth(admin.accessToken));
    assert.equal(adminBlocked.status, 403);
    assert.equal(adminBlocked.body.error.code, 'totp_enrolment_required');

    const { secret, accessToken } = await enrol(mod);
    assert.equal((await counts(site, accessToken)).status, 200);
    const signedIn = await login(site, mod.email, await codeAt(secret, 1));
    assert.equal(signedIn.status, 200);
    assert.equal((await counts(site, signedIn.body.accessToken)).status, 200);
  });

  it('when TOTP is enabled, then tokens issued before it stop working', async () => {
    const site = await buildSite(env.db);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const other = await login(site, mod.email);
    assert.equal(other.status, 200);
    assert.equal((await counts(site, mod.accessToken)).status, 200);

    await enrol(mod);
    for (const token of [mod.accessToken, other.body.accessToken as string]) {
      const res = await counts(site, token);
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'unauthorized');
    }
  });

  it('when TOTP is enabled, then the secret appears in no later answer', async () => {
    const site = await buildSite(env.db);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const { secret, accessToken } = await enrol(mod);

    const me = await request(api.app).get('/api/v1/me/export').set(auth(accessToken));
    assert.equal(me.status, 200);
    const again = await request(api.app)
      .post('/api/v1/auth/totp/setup')
      .set(auth(accessToken))
      .send({ password: STAFF_PASSWORD });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'totp_already_enabled');
    const signedIn = await login(site, mod.email, await codeAt(secret, 1));
    assert.equal(signedIn.status, 200);
    for (const res of [me, again, signedIn]) assert.ok(!res.text.includes(secret), res.text);
  });

  it('when TOTP is disabled with a current code, then login needs no code again; a wrong code is a 400', async () => {
    const site = await buildSite(env.db);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const { secret, accessToken } = await enrol(mod);
    const code = await codeAt(secret, 1);
    const wrong = await request(api.app)
      .post('/api/v1/auth/totp/disable')
      .set(auth(accessToken))
      .send({ code: wrongCode(code) });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'invalid_code');
    const off = await request(api.app).post('/api/v1/auth/totp/disable').set(auth(accessToken)).send({ code });
    assert.equal(off.status, 204);
    assert.equal((await login(site, mod.email)).status, 200);
  });

  it('when wrong codes follow a right password, then they count as failed logins and the account is throttled', async () => {
    const limited = await startTestApi(env, {
      RATE_LIMITS: 'on',
      RATE_LIMIT_AUTH_IP: '1000/60',
      RATE_LIMIT_LOGIN_FAILURES: '3/600',
      RATE_LIMIT_LOGIN_ACCOUNT: '100/600',
    });
    try {
      const site = await buildSite(env.db);
      const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
      const { secret } = await enrol(mod);
      const code = await codeAt(secret, 1);
      const send = (totp: string) =>
        request(limited.app)
          .post('/api/v1/auth/login')
          .send({ siteId: site.siteId, email: mod.email, password: STAFF_PASSWORD, totp });
      for (let i = 0; i < 3; i++) assert.equal((await send(wrongCode(code))).status, 401);
      const blocked = await send(code);
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error.code, 'rate_limited');
    } finally {
      await limited.close();
    }
  });

  it("when wrong codes are sent to /auth/totp/enable at once, then only the code budget's few are checked, and they count against the account's sign-in budget", async () => {
    const limited = await startTestApi(env, {
      RATE_LIMITS: 'on',
      RATE_LIMIT_AUTH_IP: '1000/60',
      RATE_LIMIT_LOGIN_FAILURES: '3/600',
      RATE_LIMIT_LOGIN_ACCOUNT: '3/600',
      RATE_LIMIT_LOGIN_SLOWED: '1/600',
    });
    try {
      const site = await buildSite(env.db);
      const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
      const setup = await request(limited.app)
        .post('/api/v1/auth/totp/setup')
        .set(auth(mod.accessToken))
        .send({ password: STAFF_PASSWORD });
      const code = await codeAt(setup.body.secret);
      const tries = await Promise.all(
        Array.from({ length: 20 }, () =>
          request(limited.app)
            .post('/api/v1/auth/totp/enable')
            .set(auth(mod.accessToken))
            .send({ code: wrongCode(code) }),
        ),
      );
      assert.equal(tries.filter((r) => r.status === 400).length, 3, 'three codes checked');
      assert.equal(tries.filter((r) => r.status === 429).length, 17);
      // The account's sign-in budget is spent too: it is slowed to one attempt, then refused.
      const signIn = () =>
        request(limited.app)
          .post('/api/v1/auth/login')
          .send({ siteId: site.siteId, email: mod.email, password: STAFF_PASSWORD });
      assert.equal((await signIn()).status, 200, 'the one attempt of the slowed interval');
      assert.equal((await signIn()).status, 429);
    } finally {
      await limited.close();
    }
  });

  it('when a token is used to start two-factor sign-in without the right password, then nothing is set up', async () => {
    const site = await buildSite(env.db);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const setup = (body: object) =>
      request(api.app).post('/api/v1/auth/totp/setup').set(auth(mod.accessToken)).send(body);
    assert.equal((await setup({})).status, 400);
    const wrong = await setup({ password: 'not the password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    const pending = await env.db.query<{ totp_secret: string | null }>('SELECT totp_secret FROM users WHERE id = $1', [
      mod.user.id,
    ]);
    assert.equal(pending.rows[0]!.totp_secret, null, 'no secret stored');
    // The token still works: a wrong password here does not sign the owner out.
    assert.equal((await counts(site, mod.accessToken)).status, 200);
  });

  it('when a reader calls the enrolment routes, then 403 staff_only', async () => {
    const site = await buildSite(env.db);
    const reader = await buildStaff(env.db, api.app, site.siteId, 'commenter');
    const res = await request(api.app).post('/api/v1/auth/totp/setup').set(auth(reader.accessToken)).send({});
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'staff_only');
  });
});
