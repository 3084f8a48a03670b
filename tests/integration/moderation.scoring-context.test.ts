import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { storeComment } from '../support/staff.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { changeCommentStatus, findComment } from '#shared/db/comments.js';

/**
 * The worker scores a comment with its context, read in its one input query: a reply with its
 * parent's text, a top-level comment with the article's title (API → queue → worker → Postgres).
 */

let env: TestEnv;
let api: TestApi;
let worker: TestWorker | undefined;
let site: BuiltSite;
let reader: { accessToken: string; user: { id: string; name: string } };
let other: { accessToken: string; user: { id: string; name: string } };

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  reader = await signInReader(api.app, site, { name: 'Ada Reader' });
  // The same text twice from one reader would be rejected as a repeat before it is scored.
  other = await signInReader(api.app, site, { name: 'Bo Reader' });
});
after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
});

const HATEFUL = 'Those immigrants are subhuman vermin and should be driven out of this country.';
const ENDORSEMENT = 'exactly, well said';

describe('scoring with context', () => {
  it('when a short endorsement answers a held hateful comment, then it scores higher than the same text at top level', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const parentId = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: reader.user.id,
      body: HATEFUL,
    });
    const token = reader.accessToken;
    const replyId = await postComment(api.app, { siteId: site.siteId, postId, token, body: ENDORSEMENT, parentId });
    const topId = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: other.accessToken,
      body: ENDORSEMENT,
    });
    // Held (reported) after the reply was accepted and before the worker decides it.
    await changeCommentStatus(env.db, {
      id: parentId,
      siteId: site.siteId,
      status: 'pending',
      reason: { rule: 'reports', detail: 'held by reports' },
    });
    worker = await startTestWorker(env);
    await waitForDecision(api.app, replyId, token);
    await waitForDecision(api.app, topId, other.accessToken);

    const reply = (await findComment(env.db, replyId))!;
    const top = (await findComment(env.db, topId))!;
    assert.ok(reply.scores.TOXICITY! > 0.7, `reply TOXICITY ${reply.scores.TOXICITY}`);
    assert.ok(top.scores.TOXICITY! < 0.5, `top-level TOXICITY ${top.scores.TOXICITY}`);
    assert.ok(reply.scores.TOXICITY! > top.scores.TOXICITY!);
    assert.equal(reply.status, 'pending');
  });

  it('when a top-level comment says "they" under an article about a mosque, then it scores higher than under a neutral title', async () => {
    const mosque = await buildPost(env.db, site.siteId);
    await env.db.query('UPDATE posts SET title = $3 WHERE site_id = $1 AND id = $2', [
      site.siteId,
      mosque,
      'New mosque approved by council',
    ]);
    const neutral = await buildPost(env.db, site.siteId);
    const body = 'They are the problem.';
    const token = reader.accessToken;
    worker ??= await startTestWorker(env);
    const a = await postComment(api.app, { siteId: site.siteId, postId: mosque, token, body });
    const b = await postComment(api.app, { siteId: site.siteId, postId: neutral, token: other.accessToken, body });
    await waitForDecision(api.app, a, token);
    await waitForDecision(api.app, b, other.accessToken);
    const underMosque = (await findComment(env.db, a))!.scores.TOXICITY!;
    const underNeutral = (await findComment(env.db, b))!.scores.TOXICITY!;
    assert.ok(underMosque > underNeutral, `${underMosque} ≤ ${underNeutral}`);
  });

  it("when the title is one a widget sent (not the publisher's), then it is not read as context", async () => {
    const unverified = await buildPost(env.db, site.siteId);
    const neutral = await buildPost(env.db, site.siteId);
    await env.db.query('UPDATE posts SET title = $3, title_verified = false WHERE site_id = $1 AND id = $2', [
      site.siteId,
      unverified,
      'New mosque approved by council',
    ]);
    const body = 'They are the problem here.';
    worker ??= await startTestWorker(env);
    const a = await postComment(api.app, { siteId: site.siteId, postId: unverified, token: reader.accessToken, body });
    const b = await postComment(api.app, { siteId: site.siteId, postId: neutral, token: other.accessToken, body });
    await waitForDecision(api.app, a, reader.accessToken);
    await waitForDecision(api.app, b, other.accessToken);
    const underUnverified = (await findComment(env.db, a))!.scores.TOXICITY!;
    const underNeutral = (await findComment(env.db, b))!.scores.TOXICITY!;
    assert.equal(underUnverified, underNeutral);
  });
});
