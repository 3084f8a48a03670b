import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, establishReader, signInReader, uniq, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment } from '../support/staff.js';
import { clientKey } from '#api/http/client-key.js';

/**
 * Throwaway accounts cannot take comments off a thread: only reporters with standing count
 * towards the threshold; sites can turn native sign-up off; per-address limits count an IPv6 /64.
 */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ RATE_LIMIT_AUTH_IP: '1000/60', RATE_LIMIT_COMMENT_USER: '1000/60' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
});
after(async () => {
  await api?.close();
  await env?.close();
});

const statusOf = async (id: string) =>
  (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!.status;
const report = (id: string, token: string) =>
  request(api.app)
    .post(`/api/v1/comments/${id}/reports`)
    .set('Authorization', `Bearer ${token}`)
    .set('X-Forwarded-For', '198.51.100.7')
    .send({ reason: 'abuse' });

describe('report brigading', () => {
  it('when three brand-new accounts report an approved comment, then it stays on the thread, flagged for moderators', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    for (let i = 0; i < 3; i++) {
      const r = await signInReader(api.app, site);
      assert.equal((await report(id, r.accessToken)).status, 201);
    }
    assert.equal(await statusOf(id), 'approved');
    const open = await env.db.query('SELECT 1 FROM reports WHERE comment_id = $1 AND resolved_at IS NULL', [id]);
    assert.equal(open.rowCount, 3);
  });

  it('when three readers with standing report it, then it is held', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    for (let i = 0; i < 3; i++) {
      const r = await signInReader(api.app, site);
      await establishReader(env.db, r.user.id);
      assert.equal((await report(id, r.accessToken)).status, 201);
    }
    assert.equal(await statusOf(id), 'pending');
  });
});

describe('native sign-up', () => {
  it('when a site turns native accounts off, then registration is refused with 403', async () => {
    const sso = await buildSite(env.db);
    const admin = await buildStaff(env.db, api.app, sso.siteId, 'admin');
    await request(api.app)
      .patch(`/api/v1/sites/${sso.siteId}/settings`)
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ nativeAccounts: false })
      .expect(200);
    const res = await request(api.app)
      .post('/api/v1/auth/register')
      .set('X-Forwarded-For', '203.0.113.50')
      .send({
        siteId: sso.siteId,
        email: `${uniq('r')}@example.com`,
        password: 'long enough password',
        displayName: 'R',
      });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'native_accounts_disabled');
  });

  it('when registrations come from addresses of one IPv6 /64, then they share one limit', async () => {
    const strict = await startTestApi(env, { RATE_LIMIT_AUTH_IP: '2/60' });
    after(() => strict.close());
    const from = (ip: string) =>
      request(strict.app)
        .post('/api/v1/auth/register')
        .set('X-Forwarded-For', ip)
        .send({
          siteId: site.siteId,
          email: `${uniq('r')}@example.com`,
          password: 'long enough password',
          displayName: 'R',
        });
    assert.equal((await from('2001:db8:aa:1::1')).status, 202);
    assert.equal((await from('2001:db8:aa:1:ffff:ffff:ffff:2')).status, 202);
    assert.equal((await from('2001:db8:aa:1:1234::9')).status, 429);
    // Another /64 has its own.
    assert.equal((await from('2001:db8:aa:2::1')).status, 202);
  });

  it('when an address is keyed, then IPv4 stays whole, IPv6 is cut to its /64 and IPv4-mapped is IPv4', () => {
    assert.equal(clientKey('198.51.100.7'), '198.51.100.7');
    assert.equal(clientKey('2001:db8:0:1:2:3:4:5'), '2001:db8:0:1::/64');
    assert.equal(clientKey('2001:0db8:0000:0001::'), '2001:db8:0:1::/64');
    assert.equal(clientKey('::ffff:198.51.100.7'), '198.51.100.7');
    assert.equal(clientKey(undefined), 'unknown');
  });
});
