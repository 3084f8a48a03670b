import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, type BuiltSite } from '../support/builders.js';
import { STAFF_PASSWORD, buildStaff } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';

/** Guessing a staff password from ever new addresses hits a per-account limit, which slows down, never locks out. */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({
    RATE_LIMIT_AUTH_IP: '1000/60',
    RATE_LIMIT_LOGIN_FAILURES: '3/600',
    RATE_LIMIT_LOGIN_ACCOUNT: '4/600',
    RATE_LIMIT_LOGIN_SLOWED: '1/2',
  });
  api = await startTestApi(env);
  site = await buildSite(env.db);
});
after(async () => {
  await api?.close();
  await env?.close();
});

const login = (email: string, password: string, ip: string) =>
  request(api.app).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ siteId: site.siteId, email, password });

describe('per-account login limit', () => {
  it('when wrong passwords come from a new address each time, then the account is slowed down with 429 and Retry-After', async () => {
    const staff = await buildStaff(env.db, api.app, site.siteId, 'admin');
    for (let i = 1; i <= 4; i++)
      assert.equal((await login(staff.email, 'a wrong guess!', `198.51.100.${i}`)).status, 401);
    // The one attempt of the interval, then a refusal however fresh the address.
    assert.equal((await login(staff.email, 'a wrong guess!', '198.51.100.5')).status, 401);
    const slowed = await login(staff.email, 'a wrong guess!', '198.51.100.6');
    assert.equal(slowed.status, 429);
    assert.equal(slowed.body.error.code, 'rate_limited');
    assert.ok(Number(slowed.headers['retry-after']) > 0);
  });

  it('when guesses are sent all at once, then they are counted as they arrive: no more get through than the limits allow', async () => {
    const staff = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const fromOne = await Promise.all(
      Array.from({ length: 30 }, () => login(staff.email, 'a wrong guess!', '198.51.100.177')),
    );
    const checked = fromOne.filter((r) => r.status === 401).length;
    assert.equal(checked, 3, "the address's three, then 429");
    assert.equal(fromOne.filter((r) => r.status === 429).length, 27);

    const other = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const fromMany = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(other.email, 'a wrong guess!', `203.0.113.${100 + i}`)),
    );
    assert.equal(
      fromMany.filter((r) => r.status === 401).length,
      5,
      "the account's four, and the one attempt of the slowed interval",
    );
  });

  it("when the owner is refused by the slow-down again and again, then those refusals do not count against the owner's own address", async () => {
    const staff = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    for (let i = 1; i <= 4; i++) await login(staff.email, 'a wrong guess!', `203.0.113.${40 + i}`);
    // The guesser takes the interval's one attempt; the owner, trying meanwhile, is refused unchecked.
    await login(staff.email, 'a wrong guess!', '203.0.113.50');
    for (let i = 0; i < 5; i++) assert.equal((await login(staff.email, STAFF_PASSWORD, '192.0.2.60')).status, 429);
    const ok = await waitFor(
      async () => {
        const res = await login(staff.email, STAFF_PASSWORD, '192.0.2.60');
        return res.status === 200 ? res : null;
      },
      { timeoutMs: 10_000, intervalMs: 500, what: 'the owner to get in after the interval' },
    );
    assert.equal(ok.body.user.role, 'moderator');
  });

  it('when the account is slowed down, then its owner still signs in once the interval has passed', async () => {
    const staff = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    for (let i = 1; i <= 4; i++) await login(staff.email, 'a wrong guess!', `203.0.113.${i}`);
    const ok = await waitFor(
      async () => {
        const res = await login(staff.email, STAFF_PASSWORD, '192.0.2.10');
        return res.status === 200 ? res : null;
      },
      { timeoutMs: 10_000, intervalMs: 500, what: 'the owner to get through the slow-down' },
    );
    assert.equal(ok.body.user.role, 'moderator');
  });
});

describe('the unsubscribe page and sign-in count apart', () => {
  it("when one address sends more unsubscribe requests than sign-ins allow, then they are answered, and that address's sign-ins keep their own count", async () => {
    // Mail providers send their users' one-click unsubscribes from a few addresses.
    const strict = await startTestApi(env, { RATE_LIMIT_AUTH_IP: '3/60', RATE_LIMIT_UNSUBSCRIBE_IP: '600/60' });
    try {
      const ip = '198.51.100.77';
      for (let i = 0; i < 10; i++) {
        const res = await request(strict.app)
          .get('/notifications/unsubscribe')
          .query({ token: `not-a-token-${i}` })
          .set('X-Forwarded-For', ip);
        assert.equal(res.status, 400, `request ${i}`);
      }
      const signIn = () =>
        request(strict.app)
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', ip)
          .send({ siteId: site.siteId, email: 'nobody@example.com', password: 'wrong password here' });
      for (let i = 0; i < 3; i++) assert.notEqual((await signIn()).status, 429, `sign-in ${i}`);
      assert.equal((await signIn()).status, 429);
    } finally {
      await strict.close();
    }
  });
});
