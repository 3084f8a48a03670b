import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { insertDecidedComments } from '#shared/db/comment-batch.js';
import { newId } from '#shared/ids.js';
import type { CommentStatus, Decision } from '#shared/domain.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  site = await buildSite(env.db);
});
after(async () => {
  await api.close();
  await env.close();
});

const decided = (status: CommentStatus): Decision => ({
  status,
  reasons: status === 'approved' ? [] : [{ rule: 'test', detail: status }],
  scores: { toxicity: 0.1 },
  scoredBy: [],
  settingsVersion: 1,
});
const reader = async (name: string) => (await signInReader(api.app, site, { name })).user.id;
const item = (postId: string, authorId: string, status: CommentStatus, parentId: string | null = null) => ({
  c: {
    id: newId(),
    siteId: site.siteId,
    postId,
    authorId,
    parentId,
    body: `${status} by ${authorId}`,
    createdAt: new Date(),
  },
  d: decided(status),
});
const counters = async (postId: string, authorIds: string[], commentId?: string) => ({
  post: Number(
    (await env.db.query('SELECT comment_count FROM posts WHERE site_id = $1 AND id = $2', [site.siteId, postId]))
      .rows[0].comment_count,
  ),
  authors: (
    await env.db.query('SELECT approved_count, rejected_count FROM users WHERE id = ANY($1) ORDER BY id', [authorIds])
  ).rows.map((r) => [r.approved_count, r.rejected_count]),
  replies: commentId
    ? (await env.db.query('SELECT reply_count FROM comments WHERE id = $1', [commentId])).rows[0].reply_count
    : null,
});

describe('storing decided comments in batches', () => {
  it('when a batch mixes decisions, replies and authors, then each is stored once as alone, with exact counters', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const otherPost = await buildPost(env.db, site.siteId);
    const ada = await reader('Ada');
    const bob = await reader('Bob');
    const gone = await reader('Gone');
    const barred = await reader('Barred');
    await env.db.query(`UPDATE users SET deleted_at = now() WHERE id = $1`, [gone]);
    await env.db.query(`UPDATE users SET status = 'banned' WHERE id = $1`, [barred]);
    const [root] = await insertDecidedComments(
      env.db,
      [item(postId, ada, 'approved')].map((x) => x),
    );
    assert.equal(root?.ok && root.inserted, true);
    const rootId = (
      await env.db.query('SELECT id FROM comments WHERE site_id = $1 AND post_id = $2', [site.siteId, postId])
    ).rows[0].id as string;

    const batch = [
      item(postId, ada, 'approved'),
      item(postId, bob, 'approved', rootId),
      item(postId, bob, 'pending'),
      item(postId, ada, 'rejected'),
      item(otherPost, bob, 'approved'),
      item(postId, gone, 'approved'),
      item(postId, barred, 'approved'),
      item(postId, ada, 'approved', newId()), // its parent was never stored
      item(otherPost, ada, 'approved', rootId), // its parent is on another post
    ];
    const results = await insertDecidedComments(env.db, batch);
    const summary = results.map((r) =>
      r.ok ? `${r.inserted ? 'inserted' : 'not'} ${r.decision.status}${r.authorGone ? ' gone' : ''}` : 'error',
    );
    assert.deepEqual(summary, [
      'inserted approved',
      'inserted approved',
      'inserted pending',
      'inserted rejected',
      'inserted approved',
      'not rejected gone',
      'inserted rejected',
      'error',
      'error',
    ]);
    const barredResult = results[6];
    assert.ok(barredResult?.ok);
    assert.equal(barredResult.decision.reasons.at(-1)?.rule, 'author_banned');
    const rows = await env.db.query<{
      id: string;
      status: string;
      depth: number;
      root_id: string;
      thread_parent_id: string | null;
    }>('SELECT id, status, depth, root_id, thread_parent_id FROM comments WHERE id = ANY($1)', [
      batch.map((b) => b.c.id),
    ]);
    assert.equal(rows.rows.length, 6, 'stored: all but the erased author and the two orphan replies');
    const reply = rows.rows.find((r) => r.id === batch[1]!.c.id)!;
    assert.deepEqual([reply.depth, reply.root_id, reply.thread_parent_id], [1, rootId, rootId]);
    assert.equal(rows.rows.find((r) => r.id === batch[6]!.c.id)?.status, 'rejected');

    // Root, one top-level and one reply approved on postId; one on the other post; a reply under the root.
    assert.deepEqual(await counters(postId, [], rootId), { post: 3, authors: [], replies: 1 });
    assert.equal((await counters(otherPost, [])).post, 1);
    const byId = new Map(
      (
        await env.db.query('SELECT id, approved_count, rejected_count FROM users WHERE id = ANY($1)', [
          [ada, bob, barred],
        ])
      ).rows.map((r) => [r.id, [r.approved_count, r.rejected_count]]),
    );
    assert.deepEqual(byId.get(ada), [2, 1]);
    assert.deepEqual(byId.get(bob), [2, 0]);
    assert.deepEqual(byId.get(barred), [0, 1]);

    // Again, as a retry after a crash would: nothing inserted, nothing counted twice.
    const again = await insertDecidedComments(env.db, batch.slice(0, 5));
    assert.deepEqual(
      again.map((r) => r.ok && r.inserted),
      [false, false, false, false, false],
    );
    assert.deepEqual(await counters(postId, [], rootId), { post: 3, authors: [], replies: 1 });
  });

  it('when several batches over the same posts and authors run at once, then every comment is stored and counted once', async () => {
    const posts = [await buildPost(env.db, site.siteId), await buildPost(env.db, site.siteId)];
    const authors = [await reader('C1'), await reader('C2'), await reader('C3')];
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) => item(posts[(b + i) % 2]!, authors[(b * 7 + i) % 3]!, 'approved')),
    );
    const results = await Promise.all(batches.map((b) => insertDecidedComments(env.db, b)));
    assert.equal(results.flat().filter((r) => r.ok && r.inserted).length, 200);
    const total = await env.db.query<{ n: number }>(
      'SELECT sum(comment_count)::int AS n FROM posts WHERE site_id = $1 AND id = ANY($2)',
      [site.siteId, posts],
    );
    assert.equal(total.rows[0]!.n, 200);
    const approved = await env.db.query<{ n: number }>(
      'SELECT sum(approved_count)::int AS n FROM users WHERE id = ANY($1)',
      [authors],
    );
    assert.equal(approved.rows[0]!.n, 200);
  });
});
