import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { openApiChecker } from '../support/openapi.js';
import { getThread } from '../support/comment-flow.js';
import { insertStatement } from '#shared/db/dsa-statements.js';
import { automatedStatement } from '#shared/dsa/statements.js';
import { effectiveSettings } from '#shared/settings.js';

/**
 * DSA Art. 17 for a returning author: their own held and removed comments on a post, each with its
 * statement of reasons, for them alone (never in the thread, never to another reader or another site).
 */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let otherSite: BuiltSite;
let mod: SignedIn;
const doc = openApiChecker();

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  otherSite = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
});
after(async () => {
  await api?.close();
  await env?.close();
});

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const mine = async (siteId: string, postId: string, who: { accessToken: string } | null) => {
  const r = request(api.app).get(`/api/v1/sites/${siteId}/posts/${postId}/comments/mine`);
  if (who) r.set(as(who));
  return doc.check(await r);
};

/** A comment the worker held on a content rule, with the worker's statement (automated detection and decision). */
async function heldByWorker(siteId: string, postId: string, authorId: string, body: string) {
  const id = await storeComment(env.db, {
    siteId,
    postId,
    authorId,
    body,
    status: 'pending',
    reasons: [{ rule: 'toxicity', detail: 'held' }],
  });
  await insertStatement(
    env.db,
    automatedStatement(
      { siteId, commentId: id, authorId },
      { status: 'pending', reasons: [{ rule: 'toxicity', detail: 'held' }] },
      effectiveSettings({}),
    )!,
  );
  return id;
}

describe("a reader's own unpublished comments (GET …/comments/mine)", () => {
  it('when the author comes back, then their held and removed comments on the post are listed with their statements, and nothing else', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const elsewhere = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site, { name: 'Rex' });
    const held = await heldByWorker(site.siteId, postId, author.user.id, 'Held on my first visit.');
    const removed = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: author.user.id,
      body: 'Removed by a moderator.',
    });
    await request(api.app)
      .post(`/api/v1/comments/${removed}/moderation`)
      .set(as(mod))
      .send({ action: 'reject', reason: 'off topic' })
      .expect(200);
    const published = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const deleted = await heldByWorker(site.siteId, postId, author.user.id, 'Deleted by its author.');
    await env.db.query(`UPDATE comments SET deleted_at = now() WHERE id = $1`, [deleted]);
    const onOtherPost = await heldByWorker(site.siteId, elsewhere, author.user.id, 'On another post.');

    const res = await mine(site.siteId, postId, author);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.headers['cache-control'] ?? '', /no-store/);
    const ids = res.body.comments.map((c: { id: string }) => c.id);
    assert.deepEqual(ids, [removed, held], 'newest first, only the held and the removed one of this post');
    for (const id of [published, deleted, onOtherPost]) assert.ok(!ids.includes(id));

    const [r, h] = res.body.comments;
    assert.equal(h.status, 'pending');
    assert.equal(h.body, 'Held on my first visit.');
    assert.equal(h.reason.category, 'held_for_review');
    assert.equal(h.statement.restriction, 'hold');
    assert.equal(h.statement.automatedDetection, true);
    assert.equal(h.statement.automatedDecision, true);
    assert.match(h.statement.redress, /appeal/);
    assert.equal(h.statement.appeal, null);

    assert.equal(r.status, 'rejected');
    assert.equal(r.reason.category, 'removed_by_moderator');
    assert.equal(r.statement.restriction, 'removal');
    assert.equal(r.statement.groundDetail, 'site rules: off topic');
    assert.equal(r.statement.automatedDecision, false);

    // Appealed: the list says so (the widget then offers no second appeal).
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/appeals`)
      .set(as(author))
      .send({ statementId: r.statement.id, explanation: 'It was on topic.' })
      .expect(201);
    const again = await mine(site.siteId, postId, author);
    assert.equal(again.body.comments[0].statement.appeal.status, 'open');
  });

  it('when another reader, an anonymous caller or a token of another site asks, then none of the author’s unpublished comments are given, nor are they in the thread', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const other = await signInReader(api.app, site);
    const held = await heldByWorker(site.siteId, postId, author.user.id, 'Only its author sees this.');
    const othersOwn = await heldByWorker(site.siteId, postId, other.user.id, 'The other reader’s own.');

    const asOther = await mine(site.siteId, postId, other);
    assert.equal(asOther.status, 200);
    assert.deepEqual(
      asOther.body.comments.map((c: { id: string }) => c.id),
      [othersOwn],
    );
    assert.ok(!JSON.stringify(asOther.body).includes(held));

    const anonymous = await mine(site.siteId, postId, null);
    assert.equal(anonymous.status, 401);

    // The same post id on another site, with that site's reader: a token only reads its own site.
    await buildPost(env.db, otherSite.siteId, { id: postId });
    const stranger = await signInReader(api.app, otherSite);
    const cross = await mine(site.siteId, postId, stranger);
    assert.equal(cross.status, 401);
    const ownSite = await mine(otherSite.siteId, postId, author);
    assert.equal(ownSite.status, 401);
    const strangersSite = await mine(otherSite.siteId, postId, stranger);
    assert.deepEqual(strangersSite.body.comments, []);

    const thread = await getThread(api.app, site.siteId, postId);
    assert.ok(!JSON.stringify(thread).includes(held), 'never in the shared thread');
    const threadWithToken = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set(as(author))
      .expect(200);
    assert.ok(!threadWithToken.text.includes(held), 'not even for its author: the thread is one page for all');
  });
});
