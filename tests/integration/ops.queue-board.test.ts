import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, signInReader } from '../support/builders.js';
import { buildStaff, type SignedIn } from '../support/staff.js';

/** Bull Board at /admin/queues: only for admins of the operator's site, through a short-lived HttpOnly cookie. */

const OPS = `ops-${Date.now().toString(36)}`;
let env: TestEnv;
let api: TestApi;
let admin: SignedIn;

before(async () => {
  env = await createTestEnv({ QUEUE_DASHBOARD_SITE: OPS, QUEUE_DASHBOARD_SESSION_S: '60' });
  api = await startTestApi(env);
  await buildSite(env.db, { id: OPS });
  admin = await buildStaff(env.db, api.app, OPS, 'admin');
});
after(async () => {
  await api?.close();
  await env?.close();
});

const session = (who?: { accessToken: string }) => {
  const r = request(api.app).post('/api/v1/admin/queue-dashboard/session');
  return who ? r.set('Authorization', `Bearer ${who.accessToken}`) : r;
};
const cookieOf = (res: request.Response) => {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  assert.ok(raw && raw.length === 1, 'one cookie is set');
  return raw[0]!;
};

describe('the queue dashboard', () => {
  it('when an admin of the operator site opens a session, then the cookie is HttpOnly, SameSite=Strict, scoped to /admin/queues and short-lived, and it opens the board', async () => {
    const res = await session(admin).expect(200);
    const cookie = cookieOf(res);
    assert.match(cookie, /^queues_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    assert.match(cookie, /; Path=\/admin\/queues/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Max-Age=60/);
    const pair = cookie.split(';')[0]!;

    const page = await request(api.app).get('/admin/queues/').set('Cookie', pair).expect(200);
    assert.match(page.headers['content-type'] ?? '', /text\/html/);
    const queues = await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(200);
    const names = (queues.body.queues as { name: string }[]).map((q) => q.name).sort();
    assert.deepEqual(names, ['comments', 'moderation-tasks']);
  });

  it('when there is no cookie, a forged or a bearer token as cookie, then 401', async () => {
    await request(api.app).get('/admin/queues/').expect(401);
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', 'queues_session=abc.def.ghi').expect(401);
    await request(api.app)
      .get('/admin/queues/api/queues')
      .set('Cookie', `queues_session=${admin.accessToken}`)
      .expect(401);
  });

  it('when a moderator, a reader, an admin of another site or an API key asks for a session, then 403; anonymous 401', async () => {
    const site = await buildSite(env.db);
    const otherAdmin = await buildStaff(env.db, api.app, site.siteId, 'admin');
    const mod = await buildStaff(env.db, api.app, OPS, 'moderator');
    const reader = await signInReader(api.app, { siteId: OPS, ...(await opsSecrets()) });
    for (const who of [mod, reader, otherAdmin, { accessToken: site.apiKey }]) {
      const res = await session(who).expect(403);
      assert.equal(res.headers['set-cookie'], undefined);
    }
    await session().expect(401);
  });

  it('when the admin is demoted after opening a session, then the board refuses the cookie at once', async () => {
    const other = await buildStaff(env.db, api.app, OPS, 'admin');
    const pair = cookieOf(await session(other).expect(200)).split(';')[0]!;
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(200);
    await env.db.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [other.user.id]);
    await request(api.app).get('/admin/queues/api/queues').set('Cookie', pair).expect(403);
  });
});

async function opsSecrets(): Promise<{ apiKey: string; ssoSecret: string }> {
  const r = await env.db.query<{ sso_secret: string }>('SELECT sso_secret FROM sites WHERE id = $1', [OPS]);
  return { apiKey: '', ssoSecret: r.rows[0]!.sso_secret };
}
