import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { openApiChecker } from '../support/openapi.js';

/** Moderators search their site's comments by text, author, post and id; nothing of another site. */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let other: BuiltSite;
let mod: SignedIn;
let postA: string;
let postB: string;
let authorId: string;
const ids: Record<string, string> = {};
const doc = openApiChecker();

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  site = await buildSite(env.db);
  other = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  postA = await buildPost(env.db, site.siteId);
  postB = await buildPost(env.db, site.siteId);
  authorId = (await signInReader(api.app, site, { name: 'Quentin Quarrel' })).user.id;
  const second = (await signInReader(api.app, site, { name: 'Rosa Calm' })).user.id;
  const at = (postId: string, body: string, status: 'approved' | 'pending' | 'rejected', author = authorId) =>
    storeComment(env.db, { siteId: site.siteId, postId, authorId: author, body, status });
  ids.one = await at(postA, 'The Harbour dredging contract is a scandal.', 'approved');
  ids.two = await at(postA, 'More on the harbour DREDGING tender, please.', 'pending');
  ids.three = await at(postB, 'Harbour dredging again? 100% agreed.', 'rejected', second);
  ids.four = await at(postB, 'Nothing to see here: the bakery festival.', 'approved', second);
  const otherPost = await buildPost(env.db, other.siteId);
  const otherAuthor = (await signInReader(api.app, other, { name: 'Quentin Quarrel' })).user.id;
  ids.foreign = await storeComment(env.db, {
    siteId: other.siteId,
    postId: otherPost,
    authorId: otherAuthor,
    body: 'Harbour dredging on another site.',
  });
});
after(async () => {
  await api?.close();
  await env?.close();
});

const search = async (query: Record<string, string>, token = mod.accessToken, siteId = site.siteId) =>
  doc.check(
    await request(api.app)
      .get(`/api/v1/sites/${siteId}/moderation/search`)
      .query(query)
      .set('Authorization', `Bearer ${token}`),
  );
const found = async (query: Record<string, string>) => {
  const res = await search(query);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.items as { id: string }[]).map((i) => i.id);
};

describe('search in the moderation desk', () => {
  it('when searching text, then every status of the site matches in any case, newest first, and no other site', async () => {
    assert.deepEqual(await found({ q: 'harbour dredging' }), [ids.three, ids.two, ids.one]);
    assert.deepEqual(await found({ q: 'DREDGING', status: 'pending' }), [ids.two]);
    assert.deepEqual(await found({ q: 'nowhere to be found' }), []);
  });

  it("when a search holds LIKE's wildcards, then they match only themselves", async () => {
    assert.deepEqual(await found({ q: '100%' }), [ids.three]);
    assert.deepEqual(await found({ q: '1_0' }), []);
  });

  it('when searching by author name or id, post or comment id, then exactly those match', async () => {
    assert.deepEqual(await found({ author: 'quarrel' }), [ids.two, ids.one]);
    assert.deepEqual(await found({ author: authorId }), [ids.two, ids.one]);
    assert.deepEqual(await found({ postId: postB }), [ids.four, ids.three]);
    assert.deepEqual(await found({ commentId: ids.four! }), [ids.four]);
    assert.deepEqual(await found({ commentId: ids.foreign! }), []);
    assert.deepEqual(await found({ q: 'harbour', postId: postA, author: 'quentin' }), [ids.two, ids.one]);
  });

  it('when results span pages, then the cursor walks them without overlap', async () => {
    const first = await search({ q: 'harbour', limit: '2' });
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.nextCursor);
    const second = await search({ q: 'harbour', limit: '2', cursor: first.body.nextCursor });
    assert.deepEqual(
      second.body.items.map((i: { id: string }) => i.id),
      [ids.one],
    );
    assert.equal(second.body.nextCursor, null);
  });

  it('when the query is empty, too short or the caller is not staff of the site, then 400 or 403', async () => {
    const bad: Record<string, string>[] = [{}, { q: 'ab' }, { commentId: 'nope' }, { status: 'gone', q: 'harbour' }];
    for (const q of bad) {
      const res = await search(q);
      assert.equal(res.status, 400, JSON.stringify(q));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const reader = await signInReader(api.app, site);
    assert.equal((await search({ q: 'harbour' }, reader.accessToken)).status, 403);
    assert.equal((await search({ q: 'harbour' }, mod.accessToken, other.siteId)).status, 403);
    assert.equal((await search({ q: 'harbour' }, site.apiKey)).status, 403);
  });
});
