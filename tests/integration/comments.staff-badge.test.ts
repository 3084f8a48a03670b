import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment } from '../support/staff.js';

/** Readers cannot pass for staff: staff comments carry a role from the account, and staff names are reserved. */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
});
after(async () => {
  await api?.close();
  await env?.close();
});

const register = (displayName: string) =>
  request(api.app)
    .post('/api/v1/auth/register')
    .send({ siteId: site.siteId, email: `${uniq('r')}@example.com`, password: 'long enough password', displayName });
const sso = async (name: string) =>
  request(api.app)
    .post('/api/v1/auth/sso')
    .send({ siteId: site.siteId, token: await signSso(site.ssoSecret, { name }) });

describe('staff badge and reserved names', () => {
  it('when staff and a reader comment, then only the staff comment carries a role in the thread JSON', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Priya Shah');
    const reader = await signInReader(api.app, site, { name: 'Moderator Fan' });
    await storeComment(env.db, { siteId: site.siteId, postId, authorId: mod.user.id, body: 'From the desk.' });
    await storeComment(env.db, { siteId: site.siteId, postId, authorId: reader.user.id, body: 'From a reader.' });
    const thread = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`).expect(200);
    const byBody = new Map(thread.body.comments.map((c: { body: string; author: object }) => [c.body, c.author]));
    assert.deepEqual(byBody.get('From the desk.'), { id: mod.user.id, name: 'Priya Shah', role: 'moderator' });
    assert.deepEqual(byBody.get('From a reader.'), { id: reader.user.id, name: 'Moderator Fan' });
  });

  it('when a site requires two-factor sign-in of staff, then only staff who set it up carry the badge', async () => {
    const strict = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = settings || '{"staffTotpRequired": true}'::jsonb WHERE id = $1`, [
      strict.siteId,
    ]);
    const postId = await buildPost(env.db, strict.siteId);
    const enrolled = await buildStaff(env.db, api.app, strict.siteId, 'admin', 'Wen Li');
    const unenrolled = await buildStaff(env.db, api.app, strict.siteId, 'moderator', 'Sam Okafor');
    await env.db.query('UPDATE users SET totp_enabled_at = now() WHERE id = $1', [enrolled.user.id]);
    for (const [authorId, body] of [
      [enrolled.user.id, 'From the enrolled desk.'],
      [unenrolled.user.id, 'From the desk without a second factor.'],
    ] as const)
      await storeComment(env.db, { siteId: strict.siteId, postId, authorId, body });
    const thread = await request(api.app).get(`/api/v1/sites/${strict.siteId}/posts/${postId}/comments`).expect(200);
    const byBody = new Map(thread.body.comments.map((c: { body: string; author: object }) => [c.body, c.author]));
    assert.deepEqual(byBody.get('From the enrolled desk.'), { id: enrolled.user.id, name: 'Wen Li', role: 'admin' });
    assert.deepEqual(byBody.get('From the desk without a second factor.'), {
      id: unenrolled.user.id,
      name: 'Sam Okafor',
    });
  });

  it('when a reader registers as "Moderator", "the Editor" or a staff member\'s name, then 400', async () => {
    await buildStaff(env.db, api.app, site.siteId, 'admin', 'Jonas Weber');
    for (const name of ['Moderator', 'the Editor', 'ADMIN', 'Jonas Weber', 'jonas  weber']) {
      const res = await register(name);
      assert.equal(res.status, 400, name);
      assert.equal(res.body.error.code, 'validation_failed');
    }
    assert.equal((await register('Jonas the reader')).status, 202);
  });

  it('when an SSO token names a reader "Admin" or after a staff member, then sign-in is refused', async () => {
    await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Ines Duarte');
    assert.equal((await sso('Admin')).status, 401);
    assert.equal((await sso('Ines Duarte')).status, 401);
    assert.equal((await sso('Ines D.')).status, 200);
  });
});
