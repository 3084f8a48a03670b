import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { generate } from 'otplib';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite } from '../support/builders.js';
import { buildStaff, STAFF_PASSWORD, storeComment } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Thread pages show what a site's settings say (the reactions offered, the edit window, a staff badge that needs
 * two-factor sign-in): a settings change reaches pages that every API process has cached, not only after their TTL.
 */

let env: TestEnv;
let changer: TestApi;
let other: TestApi;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', THREAD_CACHE_TTL_MS: '600000' });
  changer = await startTestApi(env);
  other = await startTestApi(env);
});
after(async () => {
  await changer?.close();
  await other?.close();
  await env?.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const thread = (api: TestApi, siteId: string, postId: string) =>
  request(api.app).get(`/api/v1/sites/${siteId}/posts/${postId}/comments`).expect(200);

describe("a site's settings and its cached thread pages", () => {
  it('when an admin changes the edit window, then both API processes show the new one on their next read', async () => {
    const site = await buildSite(env.db);
    const postId = await buildPost(env.db, site.siteId);
    const admin = await buildStaff(env.db, changer.app, site.siteId, 'admin');
    const before = (await thread(other, site.siteId, postId)).body.site.editWindowMinutes as number;
    await thread(changer, site.siteId, postId);
    const wanted = before === 7 ? 8 : 7;

    await request(changer.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(auth(admin.accessToken))
      .send({ editWindowMinutes: wanted })
      .expect(200);

    // The process that made the change drops its pages before it answers.
    assert.equal((await thread(changer, site.siteId, postId)).body.site.editWindowMinutes, wanted);
    await waitFor(async () => (await thread(other, site.siteId, postId)).body.site.editWindowMinutes === wanted, {
      what: "the other process's page with the new edit window",
    });
  });

  it('when a staff member turns on two-factor sign-in on a site that requires it, then their badge shows on the next read', async () => {
    const site = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = settings || '{"staffTotpRequired": true}'::jsonb WHERE id = $1`, [
      site.siteId,
    ]);
    const postId = await buildPost(env.db, site.siteId);
    const mod = await buildStaff(env.db, changer.app, site.siteId, 'moderator', 'Dana Reyes');
    await storeComment(env.db, { siteId: site.siteId, postId, authorId: mod.user.id, body: 'From the desk.' });
    const role = async (api: TestApi) =>
      (await thread(api, site.siteId, postId)).body.comments.find((c: { body: string }) => c.body === 'From the desk.')
        ?.author.role;
    assert.equal(await role(changer), undefined);
    assert.equal(await role(other), undefined);

    const setup = await request(changer.app)
      .post('/api/v1/auth/totp/setup')
      .set(auth(mod.accessToken))
      .send({ password: STAFF_PASSWORD })
      .expect(200);
    await request(changer.app)
      .post('/api/v1/auth/totp/enable')
      .set(auth(mod.accessToken))
      .send({ code: await generate({ secret: setup.body.secret }) })
      .expect(200);

    assert.equal(await role(changer), 'moderator');
    await waitFor(async () => (await role(other)) === 'moderator', { what: "the badge on the other process's page" });
  });
});
