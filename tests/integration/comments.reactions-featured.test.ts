import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWebhookWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { getThread } from '../support/comment-flow.js';
import { openApiChecker } from '../support/openapi.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait-for.js';
import { REACTION_ANNOUNCE_MS } from '#api/comments/reaction-announcer.js';
import { createRedis, decodeThreadChange, threadChannel } from '#shared/redis.js';

/**
 * Reactions (the site's set, one per reader per comment, counts in the thread, announced live, the
 * "reacted" order), featured comments (a moderator's pick at the top, audited, `comment.featured`)
 * and the verified badge from the publisher's SSO claim.
 */

let env: TestEnv;
let api: TestApi;
let webhooks: TestWorker;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let site: BuiltSite;
let postId: string;
let mod: SignedIn;
const doc = openApiChecker();
type Reader = { accessToken: string; user: { id: string } };
let readers: Reader[];

before(async () => {
  env = await createTestEnv({
    RATE_LIMITS: 'off',
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOK_SUBSCRIPTIONS_CACHE_MS: '0',
  });
  api = await startTestApi(env);
  webhooks = await startTestWebhookWorker(env);
  receiver = await startReceiver();
  site = await buildSite(env.db, { scopes: ['webhooks:manage', 'comments:read'] });
  postId = await buildPost(env.db, site.siteId);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mia Desk');
  readers = [];
  for (const name of ['Ann', 'Ben', 'Cleo', 'Dev']) readers.push(await signInReader(api.app, site, { name }));
});
after(async () => {
  await webhooks?.close();
  await receiver?.close();
  await api?.close();
  await env?.close();
});

const react = (id: string, who: Reader, kind?: string) => {
  const r = request(api.app)
    [kind === undefined ? 'delete' : 'put'](`/api/v1/comments/${id}/reaction`)
    .set('Authorization', `Bearer ${who.accessToken}`);
  return kind === undefined ? r : r.send({ kind });
};
const comment = (author: Reader, body: string) =>
  storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id, body });

describe('reactions', () => {
  it('when readers react, then one reaction per reader per comment counts, the thread shows the counts, and changes are announced live, at most one a window per post', async () => {
    const [ann, ben, cleo] = readers as [Reader, Reader, Reader];
    const id = await comment(ann, 'Worth a reaction.');
    const sub = createRedis(env.config.REDIS_URL, () => undefined);
    const heard: string[] = [];
    await sub.subscribe(threadChannel(env.config.QUEUE_PREFIX));
    sub.on('message', (_c, m) => heard.push(decodeThreadChange(m)?.postId ?? ''));
    try {
      const first = doc.check(await react(id, ben, 'respect'));
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.comment, { id, reactions: { respect: 1 }, mine: 'respect' });
      // The same reader again: still one.
      assert.deepEqual((await react(id, ben, 'respect').expect(200)).body.comment.reactions, { respect: 1 });
      assert.deepEqual((await react(id, cleo, 'respect').expect(200)).body.comment.reactions, { respect: 2 });
      // The first change at once; the two after it in the same window together, once, at its end.
      const announced = () => heard.filter((p) => p === postId).length;
      await waitFor(() => announced() >= 1, { what: 'the first announcement' });
      assert.equal(announced(), 1, 'the later changes wait for the window');
      await waitFor(() => announced() === 2, { what: "the window's closing announcement" });
      await new Promise((r) => setTimeout(r, REACTION_ANNOUNCE_MS + 500));
      assert.equal(announced(), 2, 'one announcement for the rest of the window');
    } finally {
      await sub.quit();
    }
    const thread = await getThread(api.app, site.siteId, postId);
    assert.deepEqual(thread.comments.find((c) => c.id === id)?.reactions, { respect: 2 });
    const mine = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/posts/${postId}/reactions/mine`)
      .set('Authorization', `Bearer ${ben.accessToken}`)
      .expect(200);
    assert.deepEqual(mine.body.reactions, { [id]: 'respect' });
    // Toggled off.
    assert.deepEqual((await react(id, ben).expect(200)).body.comment, { id, reactions: { respect: 1 }, mine: null });
    assert.deepEqual((await react(id, ben).expect(200)).body.comment.reactions, { respect: 1 }, 'twice is harmless');
  });

  it('when a kind the site does not offer, one’s own comment, a hidden comment, another site or nobody reacts, then 4xx', async () => {
    const [ann, ben] = readers as [Reader, Reader];
    const id = await comment(ann, 'Reactions are limited.');
    assert.equal((await react(id, ben, 'like').expect(422)).body.error.code, 'reaction_not_offered');
    assert.equal((await react(id, ben, 'boo').expect(400)).body.error.code, 'validation_failed');
    assert.equal((await react(id, ann, 'respect').expect(403)).body.error.code, 'own_comment');
    const held = await storeComment(env.db, { siteId: site.siteId, postId, authorId: ann.user.id, status: 'pending' });
    await react(held, ben, 'respect').expect(404);
    const other = await buildSite(env.db);
    await react(id, await signInReader(api.app, other), 'respect').expect(404);
    await request(api.app).put(`/api/v1/comments/${id}/reaction`).send({ kind: 'respect' }).expect(401);
    // A native account whose address is not confirmed may sign in, but not react (nor comment).
    const email = `unconfirmed-${Date.now()}@example.org`;
    await request(api.app)
      .post('/api/v1/auth/register')
      .send({ siteId: site.siteId, email, password: 'a long enough passphrase', displayName: 'Throwaway' })
      .expect(202);
    const unconfirmed = await request(api.app)
      .post('/api/v1/auth/login')
      .send({ siteId: site.siteId, email, password: 'a long enough passphrase' })
      .expect(200);
    const refused = await request(api.app)
      .put(`/api/v1/comments/${id}/reaction`)
      .set('Authorization', `Bearer ${unconfirmed.body.accessToken}`)
      .send({ kind: 'respect' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'email_unverified');

    // The site offers more kinds: readers may use them.
    await env.db.query(`UPDATE sites SET settings = '{"reactions":["respect","like"]}' WHERE id = $1`, [site.siteId]);
    assert.deepEqual((await react(id, ben, 'like').expect(200)).body.comment.reactions, { like: 1 });
    assert.deepEqual((await react(id, ben, 'respect').expect(200)).body.comment.reactions, { respect: 1 }, 'changed');
  });

  it('when sorted by most reacted, then the most reacted come first and the cursor pages through in that order', async () => {
    const post = await buildPost(env.db, site.siteId);
    const [ann, ben, cleo, dev] = readers as [Reader, Reader, Reader, Reader];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(await storeComment(env.db, { siteId: site.siteId, postId: post, authorId: ann.user.id, body: `n${i}` }));
    // Reactions: n2 three, n0 two, n3 one, n1 none.
    for (const r of [ben, cleo, dev]) await react(ids[2]!, r, 'respect').expect(200);
    for (const r of [ben, cleo]) await react(ids[0]!, r, 'respect').expect(200);
    await react(ids[3]!, ben, 'respect').expect(200);
    const first = doc.check(
      await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${post}/comments?sort=reacted&limit=2`),
    );
    assert.deepEqual(
      first.body.comments.map((c: { body: string }) => c.body),
      ['n2', 'n0'],
    );
    const second = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/posts/${post}/comments`)
      .query({ sort: 'reacted', limit: 2, cursor: first.body.nextCursor })
      .expect(200);
    assert.deepEqual(
      second.body.comments.map((c: { body: string }) => c.body),
      ['n3', 'n1'],
    );
    assert.equal(second.body.nextCursor, null);
  });
});

describe('featured comments', () => {
  it('when a moderator features an approved comment, then it leads the thread’s first page as featured, is audited, and comment.featured is delivered', async () => {
    const hook = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/webhooks`)
      .set('Authorization', `Bearer ${site.apiKey}`)
      .send({ url: receiver.url('/featured'), events: ['comment.featured'] })
      .expect(201);
    assert.ok(hook.body.webhook.id);
    const [ann] = readers as [Reader];
    const id = await comment(ann, 'An Editors’ pick.');
    const feature = (featured: boolean, token = mod.accessToken) =>
      request(api.app)
        .post(`/api/v1/comments/${id}/feature`)
        .set('Authorization', `Bearer ${token}`)
        .send({ featured });
    assert.deepEqual(doc.check(await feature(true)).body, { comment: { id, featured: true } });
    const page = await getThread(api.app, site.siteId, postId);
    assert.deepEqual(
      page.featured.map((c) => [c.id, c.featured]),
      [[id, true]],
    );
    assert.equal(page.comments.find((c) => c.id === id)?.featured, true, 'marked in its place too');
    // Picks come with the first page only.
    await comment(ann, 'Another comment on the post, so that it has two pages of one.');
    const pageOf = (query: Record<string, string | number>) =>
      request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`).query(query).expect(200);
    const first = await pageOf({ limit: 1 });
    assert.ok(first.body.nextCursor, 'a second page');
    assert.deepEqual(
      first.body.featured.map((c: { id: string }) => c.id),
      [id],
    );
    const later = await pageOf({ limit: 1, cursor: first.body.nextCursor });
    assert.deepEqual(later.body.featured, [], 'only on the first page');

    const delivered = await waitFor(() => receiver.received.find((r) => r.path === '/featured'), {
      what: 'comment.featured delivered',
    });
    const event = JSON.parse(delivered.body);
    assert.equal(event.type, 'comment.featured');
    assert.equal(event.data.comment.id, id);
    assert.equal(event.data.by.id, mod.user.id);

    await feature(true).expect(200);
    await feature(false).expect(200);
    assert.deepEqual((await getThread(api.app, site.siteId, postId)).featured, []);
    const audit = await env.db.query(`SELECT action FROM audit_log WHERE comment_id = $1 ORDER BY created_at`, [id]);
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ['comment.feature', 'comment.unfeature'],
    );
    // Readers may not feature; a held comment cannot be featured.
    assert.equal((await feature(true, ann.accessToken)).status, 403);
    const held = await storeComment(env.db, { siteId: site.siteId, postId, authorId: ann.user.id, status: 'pending' });
    await request(api.app)
      .post(`/api/v1/comments/${held}/feature`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ featured: true })
      .expect(404);
  });
});

describe('the verified badge', () => {
  it('when the publisher’s SSO token says verified, then the reader’s comments carry verified: true; without the claim, nothing', async () => {
    const vera = await signInReader(api.app, site, { name: 'Vera', verified: true });
    const plain = await signInReader(api.app, site, { name: 'Paul' });
    const post = await buildPost(env.db, site.siteId);
    await storeComment(env.db, { siteId: site.siteId, postId: post, authorId: vera.user.id, body: 'verified' });
    await storeComment(env.db, { siteId: site.siteId, postId: post, authorId: plain.user.id, body: 'plain' });
    const thread = await getThread(api.app, site.siteId, post);
    const byBody = new Map(thread.comments.map((c) => [c.body, c.author]));
    assert.deepEqual(byBody.get('verified'), { id: vera.user.id, name: 'Vera', verified: true });
    assert.deepEqual(byBody.get('plain'), { id: plain.user.id, name: 'Paul' });
  });
});
