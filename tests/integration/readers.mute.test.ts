import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, distinctText, signInReader, type BuiltSite } from '../support/builders.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { buildStaff } from '../support/staff.js';
import { signUnsubscribeToken } from '#shared/notifications/unsubscribe-token.js';

let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
});
after(async () => {
  await worker.close();
  await api.close();
  await env.close();
});

const mutes = (token: string, method: 'get' | 'put' | 'delete' = 'get', userId = '', s = site) =>
  request(api.app)
    [method](`/api/v1/sites/${s.siteId}/mutes${userId ? `/${userId}` : ''}`)
    .set('Authorization', `Bearer ${token}`);

describe('muting another reader', () => {
  it('when a reader mutes and unmutes another, then the list is stored per reader and says so; the muted reader is not told', async () => {
    const me = await signInReader(api.app, site, { name: 'Muter' });
    const loud = await signInReader(api.app, site, { name: 'Loud Reader' });
    const put = await mutes(me.accessToken, 'put', loud.user.id);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body, { mutes: [{ id: loud.user.id, name: 'Loud Reader' }] });
    assert.equal((await mutes(me.accessToken, 'put', loud.user.id)).status, 200, 'muting twice is fine');
    assert.deepEqual((await mutes(me.accessToken)).body.mutes.length, 1);
    assert.deepEqual((await mutes(loud.accessToken)).body, { mutes: [] });
    const del = await mutes(me.accessToken, 'delete', loud.user.id);
    assert.deepEqual(del.body, { mutes: [] });
  });

  it("when the target is oneself, another site's reader or nobody, or the caller is not a reader of the site, then a clear 4xx", async () => {
    const me = await signInReader(api.app, site);
    const other = await buildSite(env.db);
    const foreign = await signInReader(api.app, other);
    assert.equal((await mutes(me.accessToken, 'put', me.user.id)).status, 400);
    const cross = await mutes(me.accessToken, 'put', foreign.user.id);
    assert.equal(cross.status, 404);
    assert.equal(cross.body.error.code, 'reader_not_found');
    // Unmuting them too: another site's reader is not there to unmute (no success naming their id).
    const crossDelete = await mutes(me.accessToken, 'delete', foreign.user.id);
    assert.equal(crossDelete.status, 404);
    assert.equal(crossDelete.body.error.code, 'reader_not_found');
    assert.equal((await mutes(me.accessToken, 'put', '0190a0b0-0000-7000-8000-000000000000')).status, 404);
    assert.equal((await mutes(me.accessToken, 'put', 'not-a-uuid')).status, 400);
    // The site's staff speak for the site: readers do not mute them.
    const moderator = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const staff = await mutes(me.accessToken, 'put', moderator.user.id);
    assert.equal(staff.status, 403);
    assert.equal(staff.body.error.code, 'staff_not_mutable');
    assert.deepEqual((await mutes(me.accessToken)).body, { mutes: [] });
    assert.equal((await mutes(foreign.accessToken, 'get', '', site)).status, 401);
    assert.equal((await request(api.app).get(`/api/v1/sites/${site.siteId}/mutes`)).status, 401);
  });

  it('when a site requires two-factor sign-in of staff, then staff who have not set it up (shown as readers) may be muted; enrolled staff may not', async () => {
    const strict = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = settings || '{"staffTotpRequired": true}'::jsonb WHERE id = $1`, [
      strict.siteId,
    ]);
    const me = await signInReader(api.app, strict);
    const unenrolled = await buildStaff(env.db, api.app, strict.siteId, 'moderator');
    const enrolled = await buildStaff(env.db, api.app, strict.siteId, 'moderator');
    await env.db.query('UPDATE users SET totp_enabled_at = now() WHERE id = $1', [enrolled.user.id]);
    assert.equal((await mutes(me.accessToken, 'put', unenrolled.user.id, strict)).status, 200);
    const refused = await mutes(me.accessToken, 'put', enrolled.user.id, strict);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'staff_not_mutable');
  });

  it('when a muted reader replies to my comment, then I am not notified; once unmuted, their next reply notifies me', async () => {
    const me = await signInReader(api.app, site);
    const loud = await signInReader(api.app, site);
    await mutes(me.accessToken, 'put', loud.user.id);
    const postId = await buildPost(env.db, site.siteId);
    const parent = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: me.accessToken,
      body: distinctText(901),
    });
    await waitForDecision(api.app, parent, me.accessToken);
    const reply = async (n: number) => {
      const id = await postComment(api.app, {
        siteId: site.siteId,
        postId,
        token: loud.accessToken,
        body: distinctText(n),
        parentId: parent,
      });
      assert.equal((await waitForDecision(api.app, id, loud.accessToken)).status, 'approved');
      return id;
    };
    await reply(902);
    const count = async () =>
      (
        await request(api.app)
          .get(`/api/v1/sites/${site.siteId}/notifications`)
          .set('Authorization', `Bearer ${me.accessToken}`)
      ).body.notifications.length as number;
    assert.equal(await count(), 0);
    await mutes(me.accessToken, 'delete', loud.user.id);
    await reply(903);
    assert.equal(await count(), 1);
    // Muted again after that reply was notified: it leaves the list and the unread count (and a digest not yet sent).
    await mutes(me.accessToken, 'put', loud.user.id);
    assert.equal(await count(), 0);
    const unread = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/notifications`)
      .set('Authorization', `Bearer ${me.accessToken}`);
    assert.equal(unread.body.unread, 0);
  });

  it('when a reader erases their account, then their mutes (made and received), notifications and email choice go with it', async () => {
    const me = await signInReader(api.app, site);
    const other = await signInReader(api.app, site);
    await mutes(me.accessToken, 'put', other.user.id);
    await mutes(other.accessToken, 'put', me.user.id);
    await env.db.query(`INSERT INTO reader_notification_settings (user_id, site_id, email) VALUES ($1, $2, 'off')`, [
      me.user.id,
      site.siteId,
    ]);
    const erased = await request(api.app).delete('/api/v1/me').set('Authorization', `Bearer ${me.accessToken}`);
    assert.ok(erased.status < 300, JSON.stringify(erased.body));
    const left = await env.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM reader_mutes WHERE user_id = $1 OR muted_id = $1)
            + (SELECT count(*) FROM reader_notification_settings WHERE user_id = $1)
            + (SELECT count(*) FROM notifications WHERE user_id = $1) AS n`,
      [me.user.id],
    );
    assert.equal(Number(left.rows[0]!.n), 0);
    assert.deepEqual((await mutes(other.accessToken)).body, { mutes: [] });
    // An unsubscribe link from an email sent before the erasure stops nothing more, and writes nothing back.
    const token = signUnsubscribeToken(env.config.JWT_SECRET, { siteId: site.siteId, userId: me.user.id });
    await request(api.app)
      .post(`/notifications/unsubscribe?token=${token}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    const settings = await env.db.query('SELECT 1 FROM reader_notification_settings WHERE user_id = $1', [me.user.id]);
    assert.equal(settings.rowCount, 0);
  });
});
