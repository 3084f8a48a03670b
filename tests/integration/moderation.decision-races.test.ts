import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { postComment } from '../support/comment-flow.js';
import { waitFor } from '../support/wait-for.js';
import type { Scorer } from '#worker/scorers/types.js';
import { commentJobId } from '#shared/queues.js';

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
  return { row, count: post.n, userId: reader.user.id };
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

  it('when the author erases their account while their comment is being decided, then it is not stored', async () => {
    const { row, count } = await postWhileDeciding(async (_userId, token) => {
      const res = await request(api.app).delete('/api/v1/me').set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 200);
    });
    assert.equal(row, undefined);
    assert.equal(count, 0);
  });
});
