import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { postComment, waitForDecision, waitForVisible } from '../support/comment-flow.js';
import { waitFor } from '../support/wait-for.js';
import { failFirstWrite } from '../support/db-faults.js';
import type { Scorer } from '#shared/scoring/types.js';
import { commentJobId } from '#shared/queues.js';
import { createRedis, decodeThreadChange, threadChannel } from '#shared/redis.js';

/**
 * A ban or an account erasure that commits while the worker is deciding a comment (after it read
 * the author, before it stored the decision) still applies to that comment.
 */

let env: TestEnv;
let api: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let site: BuiltSite;
// The scorer waits on this gate for comments that contain "[gate]".
let entered: () => void = () => undefined;
let release: () => void = () => undefined;
const gatedScorer: Scorer = {
  name: 'embedded',
  async score(text) {
    if (text.includes('[gate]')) {
      entered();
      await new Promise<void>((r) => {
        release = r;
      });
    }
    return { attributes: { TOXICITY: 0 }, provider: 'test', model: 'gated', latencyMs: 0 };
  },
};

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  worker = await startTestWorker(env, { scorers: { embedded: gatedScorer } });
  site = await buildSite(env.db);
});
after(async () => {
  release();
  await worker?.close();
  await api?.close();
  await env?.close();
});

async function postWhileDeciding(change: (userId: string, token: string) => Promise<void>) {
  const postId = await buildPost(env.db, site.siteId);
  const reader = await signInReader(api.app, site);
  const inScorer = new Promise<void>((r) => {
    entered = r;
  });
  const id = await postComment(api.app, {
    siteId: site.siteId,
    postId,
    token: reader.accessToken,
    body: 'A clean comment [gate]',
  });
  await inScorer;
  await change(reader.user.id, reader.accessToken);
  release();
  await waitFor(async () => (await env.queue.getJob(commentJobId(id)))?.isCompleted(), { what: 'the job to complete' });
  const row = (
    await env.db.query<{ status: string; reasons: { rule: string }[] }>(
      'SELECT status, reasons FROM comments WHERE id = $1',
      [id],
    )
  ).rows[0];
  const post = (
    await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
      site.siteId,
      postId,
    ])
  ).rows[0]!;
  return { id, row, count: post.n, userId: reader.user.id };
}

/**
 * Three near-identical comments from three readers: the second is decided (two accounts, no campaign yet) and waits
 * to be stored behind a lock on its post while the third completes the campaign and marks it. Returns the second's
 * id and the thread announcements of its post. With `failFirstHold`, the first hold of the second fails, as a run
 * that stops between storing it and looking for the mark would.
 */
/** A hold of a visible comment: what the faults below stop at. */
const HOLD = {
  table: 'comments',
  on: 'UPDATE OF status',
  when: `OLD.status = 'approved' AND NEW.status = 'pending'`,
};

async function storedThenMarked(texts: string[], opts: { failFirstHold?: boolean } = {}) {
  const [first, third] = [await buildPost(env.db, site.siteId), await buildPost(env.db, site.siteId)];
  const late = await buildPost(env.db, site.siteId);
  const readers = await Promise.all([1, 2, 3].map((n) => signInReader(api.app, site, { name: `Marked ${n}` })));
  const a = await postComment(api.app, {
    siteId: site.siteId,
    postId: first,
    token: readers[0]!.accessToken,
    body: texts[0]!,
  });
  await waitForVisible(api.app, site.siteId, first, [a]);
  const told: string[] = [];
  const sub = createRedis(env.config.REDIS_URL, () => undefined);
  await sub.subscribe(threadChannel(env.config.QUEUE_PREFIX));
  sub.on('message', (_channel: string, message: string) => {
    const change = decodeThreadChange(message);
    if (change?.postId === late) told.push(message);
  });
  const fault = opts.failFirstHold
    ? await failFirstWrite(env.db, { name: 'marked_hold_fault', ...HOLD, condition: `NEW.post_id = '${late}'` })
    : null;
  // The second member is decided (two accounts: no campaign yet), then waits to be stored behind a lock on its post.
  const lock = await env.db.connect();
  let b: string;
  try {
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM posts WHERE site_id = $1 AND id = $2 FOR UPDATE', [site.siteId, late]);
    b = await postComment(api.app, {
      siteId: site.siteId,
      postId: late,
      token: readers[1]!.accessToken,
      body: texts[1]!,
    });
    await waitFor(
      async () =>
        (
          await env.db.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rowCount! > 0,
      { what: 'the second member waiting to be stored' },
    );
    // The third completes the campaign and marks the second, which is not stored yet.
    const c = await postComment(api.app, {
      siteId: site.siteId,
      postId: third,
      token: readers[2]!.accessToken,
      body: texts[2]!,
    });
    assert.equal((await waitForDecision(api.app, c, readers[2]!.accessToken)).status, 'pending');
    await lock.query('COMMIT');
    await waitFor(
      async () =>
        (await env.db.query(`SELECT 1 FROM comments WHERE id = $1 AND status = 'pending'`, [b])).rowCount === 1,
      { what: 'the second member held once stored' },
    );
    await waitFor(() => told.length > 0, { what: "the held member's thread to be told" });
    return { id: b, faultMatched: (await fault?.matched()) ?? 0 };
  } finally {
    await lock.query('ROLLBACK').catch(() => undefined);
    lock.release();
    await sub.quit();
    await fault?.remove();
  }
}

describe('decisions racing with moderation of the author', () => {
  it('when the author is banned while their comment is being decided, then it is stored rejected and not counted', async () => {
    const { row, count, userId } = await postWhileDeciding(async (userId) => {
      await env.db.query(`UPDATE users SET status = 'banned' WHERE id = $1`, [userId]);
    });
    assert.equal(row?.status, 'rejected');
    assert.equal(row!.reasons.at(-1)?.rule, 'author_banned');
    assert.equal(count, 0);
    const user = (
      await env.db.query<{ approved_count: number; rejected_count: number }>(
        'SELECT approved_count, rejected_count FROM users WHERE id = $1',
        [userId],
      )
    ).rows[0]!;
    assert.deepEqual(user, { approved_count: 0, rejected_count: 1 });
  });

  it('when the author is banned while their comment is being decided, then the final rejection is written once and the job reports it', async () => {
    const { id, row } = await postWhileDeciding(async (userId) => {
      await env.db.query(`UPDATE users SET status = 'banned' WHERE id = $1`, [userId]);
    });
    assert.deepEqual(
      row!.reasons.filter((r) => r.rule === 'author_banned').length,
      1,
      'one author_banned reason, from the statement that stored the comment',
    );
    const job = await env.queue.getJob(commentJobId(id));
    assert.equal(job?.returnvalue?.status, 'rejected', 'the processor reports the decision as stored');
  });

  it('when the author erases their account while their comment is being decided, then it is not stored, and its job keeps neither the text nor the author', async () => {
    const { id, row, count, userId } = await postWhileDeciding(async (_userId, token) => {
      const res = await request(api.app).delete('/api/v1/me').set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 200);
    });
    assert.equal(row, undefined);
    assert.equal(count, 0);
    const job = (await env.queue.getJob(commentJobId(id)))!;
    assert.deepEqual(job.returnvalue, { status: 'rejected', duplicate: false, erased: true });
    assert.doesNotMatch(JSON.stringify(job.data), /A clean comment/);
    assert.ok(!JSON.stringify(job).includes(userId), 'the completed job does not name the erased author');
  });
});

describe('replies racing with their parent', () => {
  it('when the parent is deleted while a reply to it is being decided, then the reply is held and the parent counts no reply', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const parentAuthor = await signInReader(api.app, site);
    const replier = await signInReader(api.app, site);
    const parent = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: parentAuthor.accessToken,
      body: 'A parent about the tram line.',
    });
    await waitForVisible(api.app, site.siteId, postId, [parent]);
    const inScorer = new Promise<void>((r) => {
      entered = r;
    });
    const reply = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: replier.accessToken,
      body: 'A reply about the tram line [gate]',
      parentId: parent,
    });
    await inScorer;
    await request(api.app)
      .delete(`/api/v1/comments/${parent}`)
      .set('Authorization', `Bearer ${parentAuthor.accessToken}`)
      .expect(204);
    release();
    const decided = await waitForDecision(api.app, reply, replier.accessToken);
    assert.equal(decided.status, 'pending');
    const row = await env.db.query<{ reasons: { rule: string; detail: string }[] }>(
      'SELECT reasons FROM comments WHERE id = $1',
      [reply],
    );
    assert.deepEqual(
      row.rows[0]!.reasons.find((r) => r.rule === 'parent_unavailable'),
      { rule: 'parent_unavailable', detail: 'the comment it replies to is deleted' },
    );
    const counted = await env.db.query<{ reply_count: number }>('SELECT reply_count FROM comments WHERE id = $1', [
      parent,
    ]);
    assert.equal(counted.rows[0]!.reply_count, 0);
  });
});

describe('effects of a decision on other comments', () => {
  it('when a comment completes a campaign, then the earlier members are held only after it is stored', async () => {
    const postId = await buildPost(env.db, site.siteId);
    // Each hold of an approved comment on this post records how many of the post's comments were stored then.
    await env.db.query(`CREATE TABLE hold_log (held uuid, stored_then int)`);
    await env.db.query(`CREATE FUNCTION log_hold() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO hold_log SELECT NEW.id, count(*) FROM comments WHERE post_id = NEW.post_id AND site_id = NEW.site_id;
        RETURN NEW;
      END $$`);
    await env.db.query(`CREATE TRIGGER log_hold AFTER UPDATE OF status ON comments FOR EACH ROW
      WHEN (OLD.status = 'approved' AND NEW.status = 'pending') EXECUTE FUNCTION log_hold()`);
    const readers = await Promise.all([1, 2, 3].map((n) => signInReader(api.app, site, { name: `Member ${n}` })));
    const texts = [
      'The new stadium deal is a giveaway to billionaires and the council knows it very well.',
      'the new stadium deal is a GIVEAWAY to billionaires and the council knows it very well!',
      'The new stadium deal is a giveaway to billionaires, and the council knows it very well.',
    ];
    const ids: string[] = [];
    for (let i = 0; i < 2; i++)
      ids.push(
        await postComment(api.app, { siteId: site.siteId, postId, token: readers[i]!.accessToken, body: texts[i]! }),
      );
    await waitForVisible(api.app, site.siteId, postId, ids);
    const third = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: readers[2]!.accessToken,
      body: texts[2]!,
    });
    assert.equal((await waitForDecision(api.app, third, readers[2]!.accessToken)).status, 'pending');
    await waitFor(async () => (await env.db.query('SELECT 1 FROM hold_log')).rowCount === 2, {
      what: 'the earlier members to be held',
    });
    const log = (await env.db.query<{ held: string; stored_then: number }>('SELECT held, stored_then FROM hold_log'))
      .rows;
    assert.deepEqual(log.map((l) => l.held).sort(), [...ids].sort());
    assert.deepEqual(
      log.map((l) => l.stored_then),
      [3, 3],
      'the comment that completed the campaign was stored before the others were held',
    );
  });

  it('when a comment is stored approved and then held because a campaign member marked it meanwhile, then its thread is told', async () => {
    await storedThenMarked([
      'The tram extension money went to consultants and not one metre of track was ever laid here.',
      'the tram extension money went to CONSULTANTS and not one metre of track was ever laid here!',
      'The tram extension money went to consultants, and not one metre of track was ever laid here.',
    ]);
  });

  it("when the run that stored a marked campaign member stops before it holds it, then the job's next run holds it", async () => {
    const { id: b, faultMatched } = await storedThenMarked(
      [
        'The ferry contract went to a donor of the mayor and nobody on the council asked a single question.',
        'the ferry contract went to a DONOR of the mayor and nobody on the council asked a single question!',
        'The ferry contract went to a donor of the mayor, and nobody on the council asked a single question.',
      ],
      { failFirstHold: true },
    );
    assert.ok(faultMatched >= 2, 'the first run did stop at the hold');
    const row = await env.db.query<{ rules: string[] }>(
      `SELECT array(SELECT r->>'rule' FROM jsonb_array_elements(reasons) r) AS rules FROM comments WHERE id = $1`,
      [b],
    );
    assert.equal(row.rows[0]!.rules.at(-1), 'coordinated');
  });

  it("when an edit completes a campaign and its run stops after the edit is stored, then the job's next run still holds the earlier members", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const readers = await Promise.all([1, 2, 3].map((n) => signInReader(api.app, site, { name: `Editor ${n}` })));
    const texts = [
      'The harbour bridge tender was rigged from the start and the mayor signed it anyway, shame.',
      'the harbour bridge tender was RIGGED from the start and the mayor signed it anyway. shame!',
      'The harbour bridge tender was rigged from the start, and the mayor signed it anyway, shame.',
    ];
    const ids: string[] = [];
    for (let i = 0; i < 2; i++)
      ids.push(
        await postComment(api.app, { siteId: site.siteId, postId, token: readers[i]!.accessToken, body: texts[i]! }),
      );
    const third = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: readers[2]!.accessToken,
      body: 'A first draft about the ferry timetable, nothing like the others.',
    });
    await waitForVisible(api.app, site.siteId, postId, [...ids, third]);
    // The first hold of an earlier member fails, as a stop between the edit's commit and its effects would.
    const fault = await failFirstWrite(env.db, {
      name: 'edit_hold_fault',
      ...HOLD,
      condition: `NEW.id = ANY(ARRAY['${ids[0]}', '${ids[1]}']::uuid[])`,
    });
    try {
      await request(api.app)
        .patch(`/api/v1/comments/${third}`)
        .set('Authorization', `Bearer ${readers[2]!.accessToken}`)
        .send({ body: texts[2]! })
        .expect(202);
      await waitFor(
        async () =>
          (await env.db.query(`SELECT 1 FROM comments WHERE id = ANY($1) AND status = 'pending'`, [ids])).rowCount ===
          2,
        { what: 'the earlier members held by the next run' },
      );
      assert.ok((await fault.matched()) >= 2, 'the first run did fail at the hold');
    } finally {
      await fault.remove();
    }
  });
});
