import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Job } from 'bullmq';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import {
  flatten,
  getStatus,
  getThread,
  postComment,
  waitForDecision,
  waitForVisible,
  type ThreadCommentView,
} from '../support/comment-flow.js';
import { createCommentProcessor } from '#worker/comments/decide-comment.js';
import { createWorkerMetrics } from '#worker/metrics.js';
import { createEmbeddedScorer } from '#shared/scoring/embedded.js';
import type { Scorer } from '#shared/scoring/types.js';
import type { Reason } from '#shared/domain.js';
import { commentJobId, type CommentJob } from '#shared/queues.js';
import { newId } from '#shared/ids.js';

/**
 * The whole path a comment takes: API (supertest on the real app) → BullMQ (real Redis) →
 * worker (real, in-process) → Postgres → thread GET. Nothing of ours is mocked.
 */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let reader: { accessToken: string; user: { id: string; name: string } };

// Rate limits are covered elsewhere; here they would only make the test depend on how many comments it posts.
before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  reader = await signInReader(api.app, site, { name: 'Ada Reader' });
});

after(async () => {
  await api?.close();
  await env?.close();
});

const post = (postId: string, body: string, parentId?: string) =>
  postComment(api.app, { siteId: site.siteId, postId, token: reader.accessToken, body, parentId });

const rowsOf = async (id: string) =>
  (await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE id = $1', [id])).rows[0]!.n;
/** The full decision, as moderators see it (authors only get a category). */
const storedReasons = async (id: string) =>
  (await env.db.query<{ reasons: Reason[] }>('SELECT reasons FROM comments WHERE id = $1', [id])).rows[0]!.reasons;
const commentCount = async (postId: string) =>
  (
    await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
      site.siteId,
      postId,
    ])
  ).rows[0]!.n;

/**
 * Asserts a decided comment is absent from the thread without trusting a stale page: a clean
 * comment posted after the decision must show up first, so the page read is newer than it.
 */
async function assertHiddenFromThread(postId: string, ...hiddenIds: string[]): Promise<void> {
  // No ids or numbers in the body: the lexicon reads some digit runs (e.g. "455") as leetspeak and would hold it.
  const sentinel = await post(postId, `A clean comment posted after the decision on ${postId}.`);
  const thread = await waitForVisible(api.app, site.siteId, postId, [sentinel]);
  for (const hiddenId of hiddenIds)
    assert.ok(
      !flatten(thread.comments).some((c) => c.id === hiddenId),
      `comment ${hiddenId} must not be visible in the thread`,
    );
}

describe('comment pipeline, before any worker runs', () => {
  it('when a comment is accepted and no worker has run yet, then GET /comments/:id says queued and it becomes approved once a worker runs', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await post(postId, 'Posted while no worker is running.');

    const queued = await getStatus(api.app, id, reader.accessToken);
    assert.equal(queued.status, 'queued');
    assert.equal(queued.decidedAt, null);
    assert.equal(queued.reason, null);
    assert.equal(queued.body, 'Posted while no worker is running.');
    assert.equal(await rowsOf(id), 0, 'the API must not write the comment to Postgres');
    assert.deepEqual((await getThread(api.app, site.siteId, postId)).comments, []);

    const worker = await startTestWorker(env);
    try {
      const decided = await waitForDecision(api.app, id, reader.accessToken);
      assert.equal(decided.status, 'approved');
      await waitForVisible(api.app, site.siteId, postId, [id]);
    } finally {
      await worker.close();
    }
  });
});

describe('comment pipeline, with the embedded scorer', () => {
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  before(async () => {
    worker = await startTestWorker(env);
  });
  after(async () => {
    await worker?.close();
  });

  it('when a reader posts a clean comment, then it becomes visible in the thread with its author and rendered body', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await post(postId, 'Thanks for the *careful* reporting.');

    const thread = await waitForVisible(api.app, site.siteId, postId, [id]);
    assert.equal(thread.comments.length, 1);
    const c = thread.comments[0]!;
    assert.equal(c.id, id);
    assert.deepEqual(c.author, { id: reader.user.id, name: 'Ada Reader' });
    assert.equal(c.body, 'Thanks for the *careful* reporting.');
    assert.equal(c.bodyHtml, '<p>Thanks for the <em>careful</em> reporting.</p>');
    assert.deepEqual(c.replies, []);
    assert.equal(c.replyCount, 0);
    assert.equal(thread.total, 1);

    const status = await getStatus(api.app, id, reader.accessToken);
    assert.equal(status.status, 'approved');
    assert.notEqual(status.decidedAt, null);
  });

  it('when a reply names an approved parent, then it nests under that parent and not at the top level', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const parent = await post(postId, 'Top-level comment.');
    await waitForVisible(api.app, site.siteId, postId, [parent]);
    const reply = await post(postId, 'A reply to it.', parent);
    const nested = await post(postId, 'Another top-level, to show replies are not mixed up.');

    const thread = await waitForVisible(api.app, site.siteId, postId, [reply, nested]);
    assert.deepEqual(
      thread.comments.map((c) => c.id).sort(),
      [parent, nested].sort(),
      'the reply must not be a top-level comment',
    );
    const p = thread.comments.find((c) => c.id === parent)!;
    assert.deepEqual(
      p.replies.map((r) => r.id),
      [reply],
    );
    assert.equal(p.replyCount, 1);
    assert.equal(p.replies[0]!.replyTo, undefined, 'a reply shown under its own parent needs no replyTo');
    assert.deepEqual(thread.comments.find((c) => c.id === nested)!.replies, []);
    assert.equal((await getStatus(api.app, reply, reader.accessToken)).parentId, parent);
  });

  it('when replies go deeper than the display depth, then the deepest one is shown beside its parent with replyTo', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const chain: string[] = [];
    for (let depth = 0; depth <= 4; depth++) {
      const id = await post(postId, `depth ${depth}`, chain[depth - 1]);
      await waitForVisible(api.app, site.siteId, postId, [id]);
      chain.push(id);
    }
    const [root, d1, d2, d3, d4] = chain as [string, string, string, string, string];
    const thread = await getThread(api.app, site.siteId, postId);
    assert.deepEqual(
      thread.comments.map((c) => c.id),
      [root],
    );
    const byId = new Map<string, ThreadCommentView>(flatten(thread.comments).map((c) => [c.id, c]));
    assert.deepEqual(
      byId.get(root)!.replies.map((r) => r.id),
      [d1],
    );
    assert.deepEqual(
      byId.get(d1)!.replies.map((r) => r.id),
      [d2],
    );
    assert.deepEqual(
      byId.get(d2)!.replies.map((r) => r.id),
      [d3, d4],
    );
    assert.deepEqual(byId.get(d4)!.replyTo, { id: d3, name: 'Ada Reader' });
    assert.equal(thread.total, 5);
  });

  it('when a comment scores over the hold threshold, then it is pending with a reason and not visible', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await post(postId, 'you are a bitch');

    const decided = await waitForDecision(api.app, id, reader.accessToken);
    assert.equal(decided.status, 'pending');
    assert.equal(decided.reason?.category, 'held_for_review', 'the author is told it waits for review');
    const reasons = await storedReasons(id);
    assert.equal(reasons[0]!.rule, 'toxicity');
    assert.match(reasons[0]!.detail, /hold threshold/);
    assert.equal(reasons[0]!.span?.text, 'bitch', 'the matched text is recorded for highlighting');
    await assertHiddenFromThread(postId, id);
    assert.equal(await commentCount(postId), 1, 'only the sentinel is counted');
  });

  it('when a comment threatens someone, then it is pending (not rejected) and its reason shows the threat', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await post(postId, 'Great reporting as usual. Someone needs to kill that judge, damn it.');

    const decided = await waitForDecision(api.app, id, reader.accessToken);
    assert.equal(decided.status, 'pending');
    const reasons = await storedReasons(id);
    assert.equal(reasons[0]!.rule, 'toxicity');
    assert.match(reasons[0]!.detail, /hold threshold/);
    assert.equal(reasons[0]!.span?.text, 'Someone needs to kill that judge', 'the threat, not the profanity, is shown');
    await assertHiddenFromThread(postId, id);
  });

  it('when a comment threatens a body rather than naming a killing, then it is pending with the threat as its span; the same words about a council are published', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const threat = await post(postId, "Print that again and I'll cave your skull in.");
    const civil = await post(postId, 'Print that again and the council will cave in to the developers.');

    assert.equal((await waitForDecision(api.app, threat, reader.accessToken)).status, 'pending');
    assert.equal((await storedReasons(threat))[0]!.span?.text, "I'll cave your skull");
    assert.equal((await waitForDecision(api.app, civil, reader.accessToken)).status, 'approved');
    await assertHiddenFromThread(postId, threat);
  });

  it('when a threat is the outcome of a condition, or hate is said in code, then the comment is pending with that span; a warning and a mention are published', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const threat = await post(postId, "If you print my son's name again you won't live to see the verdict.");
    const warning = await post(postId, "If the ambulance is late he won't make it home, the paramedic said.");
    const coded = await post(postId, 'Thank the culture enrichers for the new knife bins.');
    const mention = await post(
      postId,
      '"Culture enrichers" is a sneer; the new bakery is the best thing on the street.',
    );

    assert.equal((await waitForDecision(api.app, threat, reader.accessToken)).status, 'pending');
    assert.equal((await storedReasons(threat))[0]!.span?.text, "you won't live to see");
    assert.equal((await waitForDecision(api.app, coded, reader.accessToken)).status, 'pending');
    assert.equal((await storedReasons(coded))[0]!.span?.text, 'culture enrichers');
    assert.equal((await waitForDecision(api.app, warning, reader.accessToken)).status, 'approved');
    assert.equal((await waitForDecision(api.app, mention, reader.accessToken)).status, 'approved');
    await assertHiddenFromThread(postId, threat, coded);
  });

  it('when a reader reports hate in quotation marks to condemn it, then it is published; a slur it reports is held, not rejected; agreeing with the hate is held', async () => {
    const postId = await buildPost(env.db, site.siteId);
    // A reader of its own: the shared one's approved comments would soon make it trusted (history.trustedAfter).
    const writer = await signInReader(api.app, site, { name: 'Quinn Reader' });
    const say = (body: string) =>
      postComment(api.app, { siteId: site.siteId, postId, token: writer.accessToken, body });
    const reported = await say(
      'Callers on the phone-in said "Roma are a plague" and the host just nodded along. Shameful.',
    );
    const slur = await say('She was called a "tranny" by a stranger on the train this morning.');
    const agreed = await say('He said "immigrants are vermin" and honestly he was right.');

    assert.equal((await waitForDecision(api.app, reported, writer.accessToken)).status, 'approved');
    assert.equal((await waitForDecision(api.app, slur, writer.accessToken)).status, 'pending');
    assert.equal((await waitForDecision(api.app, agreed, writer.accessToken)).status, 'pending');
    assert.equal((await storedReasons(agreed))[0]!.span?.text, 'immigrants are vermin');
    await assertHiddenFromThread(postId, slur, agreed);
  });

  it('when a comment swears at no one, then it is published by default and held where the site holds PROFANITY; swearing at someone is held', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const cheer = await post(postId, 'Holy shit, what a finish to the match!');
    const aimed = await post(postId, 'The mayor is a fucking idiot.');
    assert.equal((await waitForDecision(api.app, cheer, reader.accessToken)).status, 'approved');
    assert.equal((await waitForDecision(api.app, aimed, reader.accessToken)).status, 'pending');

    const strict = await buildSite(env.db);
    const admin = await buildStaff(env.db, api.app, strict.siteId, 'admin');
    await request(api.app)
      .patch(`/api/v1/sites/${strict.siteId}/settings`)
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ thresholds: { hold: { TOXICITY: 0.7, PROFANITY: 0.7 } } })
      .expect(200);
    const strictReader = await signInReader(api.app, strict, { name: 'Bea Reader' });
    const strictPost = await buildPost(env.db, strict.siteId);
    const held = await postComment(api.app, {
      siteId: strict.siteId,
      postId: strictPost,
      token: strictReader.accessToken,
      body: 'Holy shit, what a finish to the match!',
    });
    assert.equal((await waitForDecision(api.app, held, strictReader.accessToken)).status, 'pending');
    assert.match((await storedReasons(held))[0]!.detail, /PROFANITY/);
  });

  it('when a comment contains a slur, then it is rejected and not visible', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await post(postId, 'go back home you kike');

    const decided = await waitForDecision(api.app, id, reader.accessToken);
    assert.equal(decided.status, 'rejected');
    assert.equal(decided.reason?.category, 'abusive_language');
    const reasons = await storedReasons(id);
    assert.equal(reasons[0]?.rule, 'toxicity');
    assert.match(reasons[0]!.detail, /reject threshold/);
    await assertHiddenFromThread(postId, id);
  });

  it('when a completed comment job is added again with the same data, then the comment is stored once and counted once', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await post(postId, 'Processed twice, stored once.');
    await waitForVisible(api.app, site.siteId, postId, [id]);
    const original = await env.queue.getJob(commentJobId(id));
    assert.ok(original, 'the completed job is kept for an hour');
    // Visible means stored; BullMQ marks the job completed a moment after the processor returns.
    await waitFor(async () => (await original.getState()) === 'completed', { what: 'the first run to complete' });

    // Same id would be ignored by BullMQ as a duplicate add; a second job id makes the worker really run again,
    // as it does after a stalled-job recovery.
    const again = await env.queue.add('moderate', original.data, { jobId: `${commentJobId(id)}-again` });
    await waitFor(async () => (await again.getState()) === 'completed', { what: 'the second run to complete' });
    const fresh = await env.queue.getJob(again.id!);
    assert.deepEqual(fresh?.returnvalue, { status: 'approved', duplicate: true });

    assert.equal(await rowsOf(id), 1);
    assert.equal(await commentCount(postId), 1);
    const thread = await getThread(api.app, site.siteId, postId);
    assert.equal(thread.total, 1);
    assert.deepEqual(
      flatten(thread.comments).map((c) => c.id),
      [id],
    );
  });

  it('when the processor runs the same job twice at once, then one row is stored and the post is counted once', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const parent = await post(postId, 'Parent of the doubly processed reply.');
    await waitForVisible(api.app, site.siteId, postId, [parent]);

    const processor = createCommentProcessor({
      config: env.config,
      db: env.db,
      redis: env.redis,
      logger: env.logger,
      metrics: createWorkerMetrics(),
      scorers: { embedded: createEmbeddedScorer() },
      shadowScorers: { embedded: createEmbeddedScorer() },
    });
    const data: CommentJob = {
      commentId: newId(),
      siteId: site.siteId,
      postId,
      authorId: reader.user.id,
      parentId: parent,
      body: 'Racing myself.',
      acceptedAt: new Date().toISOString(),
    };
    const job = new Job<CommentJob>(env.queue, 'moderate', data, {}, commentJobId(data.commentId));
    const outcomes = await Promise.all([processor(job), processor(job), processor(job)]);
    assert.ok(outcomes.every((o) => o.status === 'approved'));

    assert.equal(await rowsOf(data.commentId), 1);
    assert.equal(await commentCount(postId), 2, 'parent + reply, the reply counted once');
    const replyCount = (
      await env.db.query<{ n: number }>('SELECT reply_count AS n FROM comments WHERE id = $1', [parent])
    ).rows[0]!.n;
    assert.equal(replyCount, 1);
  });

  it('when a reader keeps posting to a post while the worker approves its earlier comments, then every POST is accepted', async () => {
    // Each approval is announced to the API, which drops cached state of that post. A POST whose
    // look-ups race with such an announcement must still be accepted, not answered with a 503
    // (it was, ~1 in 10, when the announcement aborted the in-flight LRU fetch of the post).
    const postId = await buildPost(env.db, site.siteId);
    const statuses: number[] = [];
    const accepted: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ body: `comment number ${i}` });
      statuses.push(res.status);
      if (res.status === 202) accepted.push(res.body.id as string);
    }
    await waitForVisible(api.app, site.siteId, postId, accepted, 30_000);
    const refused = statuses.filter((s) => s !== 202);
    assert.deepEqual(
      refused,
      [],
      `${refused.length} of ${statuses.length} POSTs were refused (${[...new Set(refused)].join(', ')})`,
    );
  });

  it('when comments of every outcome are decided, then total and the thread count the approved ones only', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const approved = [await post(postId, 'First fine comment.'), await post(postId, 'Second fine comment.')];
    const held = await post(postId, 'what a bastard');
    const rejected = await post(postId, 'you fag');
    const decisions = await Promise.all(
      [...approved, held, rejected].map((id) => waitForDecision(api.app, id, reader.accessToken)),
    );
    assert.deepEqual(
      decisions.map((d) => d.status),
      ['approved', 'approved', 'pending', 'rejected'],
    );

    const approvedReply = await post(postId, 'A fine reply.', approved[0]);
    const heldReply = await post(postId, 'reply from a prick', approved[0]);
    assert.equal((await waitForDecision(api.app, heldReply, reader.accessToken)).status, 'pending');

    const thread = await waitForVisible(api.app, site.siteId, postId, [...approved, approvedReply]);
    assert.equal(thread.total, 3, 'two approved top-level comments and one approved reply');
    assert.equal(await commentCount(postId), 3);
    assert.deepEqual(
      flatten(thread.comments)
        .map((c) => c.id)
        .sort(),
      [...approved, approvedReply].sort(),
    );
    assert.equal(thread.comments.find((c) => c.id === approved[0])!.replyCount, 1, 'the held reply is not counted');
  });
});

describe('comment pipeline, with a scorer that fails', () => {
  // One scorer fails by throwing synchronously, the other by rejecting; both are outages.
  const syncBroken: Scorer = {
    name: 'perspective',
    score(text) {
      if (text.includes('[sync]')) throw new Error('scorer crashed');
      return Promise.resolve({ attributes: { TOXICITY: 0 }, provider: 'test', model: 'none', latencyMs: 0 });
    },
  };
  const asyncBroken: Scorer = {
    name: 'openai',
    async score(text) {
      if (text.includes('[async]')) throw new Error('upstream timed out');
      return { attributes: { TOXICITY: 0 }, provider: 'test', model: 'none', latencyMs: 0 };
    },
  };
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  before(async () => {
    worker = await startTestWorker(env, { scorers: { perspective: syncBroken, openai: asyncBroken } });
    await env.db.query(`UPDATE sites SET settings = '{"scorers":["embedded","perspective","openai"]}' WHERE id = $1`, [
      site.siteId,
    ]);
  });
  after(async () => {
    await worker?.close();
  });

  for (const marker of ['[sync]', '[async]']) {
    it(`when a scorer fails (${marker === '[sync]' ? 'throws' : 'rejects'}) on an innocent comment, then it is pending with scorer_unavailable and never approved`, async () => {
      const postId = await buildPost(env.db, site.siteId);
      const id = await post(postId, `A perfectly polite comment ${marker}`);

      const decided = await waitForDecision(api.app, id, reader.accessToken);
      assert.equal(decided.status, 'pending');
      assert.equal(decided.reason?.category, 'held_for_review');
      const reasons = await storedReasons(id);
      assert.deepEqual(
        reasons.map((r) => r.rule),
        ['scorer_unavailable'],
      );
      assert.match(reasons[0]!.detail, marker === '[sync]' ? /perspective/ : /openai/);
      await assertHiddenFromThread(postId, id);
      assert.equal(await commentCount(postId), 1, 'only the sentinel is counted');
    });
  }
});
