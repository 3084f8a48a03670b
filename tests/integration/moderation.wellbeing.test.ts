import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';

/** Queue and search items say which comments the page blurs, by the site's wellbeing level. */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let admin: SignedIn;
const ids: Record<string, string> = {};

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  site = await buildSite(env.db);
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
  const postId = await buildPost(env.db, site.siteId);
  const authorId = (await signInReader(api.app, site)).user.id;
  const held = (body: string, scores: Record<string, number>) =>
    storeComment(env.db, { siteId: site.siteId, postId, authorId, status: 'pending', body, scores });
  ids.threat = await held('Severe wellbeing fixture one.', { THREAT: 0.93, TOXICITY: 0.4 });
  ids.remote = await held('Severe wellbeing fixture two.', { 'perspective.SEVERE_TOXICITY': 0.85 });
  ids.spam = await held('Severe wellbeing fixture three.', { SPAM: 0.99 });
  ids.mild = await held('Severe wellbeing fixture four.', { TOXICITY: 0.8 });
});
after(async () => {
  await api?.close();
  await env?.close();
});

const severeIn = async (path: string) => {
  const res = await request(api.app).get(path).set('Authorization', `Bearer ${admin.accessToken}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const items = res.body.items as { id: string; severe: boolean }[];
  return Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, items.find((i) => i.id === id)?.severe]));
};
const queuePath = () => `/api/v1/sites/${site.siteId}/moderation/queues/pending`;
const searchPath = () => `/api/v1/sites/${site.siteId}/moderation/search?q=wellbeing`;

describe('moderator wellbeing', () => {
  it('when harm scores are above the default level 0.8, then the item is severe; spam and a score at the level are not', async () => {
    const expected = { threat: true, remote: true, spam: false, mild: false };
    assert.deepEqual(await severeIn(queuePath()), expected);
    assert.deepEqual(await severeIn(searchPath()), expected);
  });

  it('when the site lowers the level or turns it off with 1, then the flags follow', async () => {
    const patch = (wellbeing: unknown) =>
      request(api.app)
        .patch(`/api/v1/sites/${site.siteId}/settings`)
        .set('Authorization', `Bearer ${admin.accessToken}`)
        .send({ wellbeing })
        .expect(200);
    await patch({ blurAbove: 0.5 });
    assert.deepEqual(await severeIn(queuePath()), { threat: true, remote: true, spam: false, mild: true });
    await patch({ blurAbove: 1 });
    assert.deepEqual(await severeIn(queuePath()), { threat: false, remote: false, spam: false, mild: false });
    const bad = await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ wellbeing: { blurAbove: 2 } });
    assert.equal(bad.status, 400);
  });
});
