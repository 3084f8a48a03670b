import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, uniq, type BuiltSite } from '../support/builders.js';
import {
  insertDecidedComment,
  loadModerationInputs,
  loadModerationInputsMany,
  MODERATION_INPUTS_SQL,
  type ModerationInputsQuery,
} from '#shared/db/comments.js';
import type { Queryable } from '#shared/db/pool.js';
import type { CommentStatus } from '#shared/domain.js';
import { newId } from '#shared/ids.js';
import { createInputsLoader } from '#worker/comments/inputs-loader.js';

let env: TestEnv;
let api: TestApi;
let siteA: BuiltSite;
let siteB: BuiltSite;

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  siteA = await buildSite(env.db);
  siteB = await buildSite(env.db);
});
after(async () => {
  await api.close();
  await env.close();
});

const store = async (
  q: { siteId: string; postId: string; authorId: string; parentId?: string | null },
  status: CommentStatus,
  body: string,
) => {
  const id = newId();
  await insertDecidedComment(
    env.db,
    {
      id,
      siteId: q.siteId,
      postId: q.postId,
      authorId: q.authorId,
      parentId: q.parentId ?? null,
      body,
      createdAt: new Date(),
    },
    { status, reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
  );
  return id;
};

/** A Queryable over the test pool that counts statements and fails the next `failNext`. */
const counting = (o: { failNext?: number } = {}) => {
  const sizes: number[] = [];
  let failures = o.failNext ?? 0;
  const db: Queryable = {
    query: (async (config: { values?: unknown[][] }) => {
      sizes.push(config.values?.[0]?.length ?? 0);
      if (failures > 0) {
        failures--;
        throw new Error('connection lost');
      }
      return env.db.query(config as never);
    }) as never,
  };
  return { db, sizes };
};

describe("the worker's reads, several comments in one statement", () => {
  it('when comments of two sites are read together, then each gets its own site, author, parent, title and record', async () => {
    await env.db.query(`UPDATE sites SET settings = $2, settings_version = 7 WHERE id = $1`, [
      siteB.siteId,
      JSON.stringify({ history: { windowDays: 2 } }),
    ]);
    const postA = await buildPost(env.db, siteA.siteId);
    const postB = await buildPost(env.db, siteB.siteId);
    await env.db.query(`UPDATE posts SET title = 'Refugees arrive in town', title_verified = true WHERE id = $1`, [
      postA,
    ]);
    // A title a widget sent, not the publisher: not context.
    await env.db.query(`UPDATE posts SET title_verified = false WHERE site_id = $1 AND id = $2`, [siteB.siteId, postB]);
    const ada = (await signInReader(api.app, siteA, { name: 'Ada' })).user.id;
    const bob = (await signInReader(api.app, siteB, { name: 'Bob' })).user.id;
    const parent = await store({ siteId: siteA.siteId, postId: postA, authorId: ada }, 'approved', 'The parent text.');
    await store({ siteId: siteB.siteId, postId: postB, authorId: bob }, 'rejected', 'An earlier rejected one.');
    const stored = await store({ siteId: siteA.siteId, postId: postA, authorId: ada }, 'pending', 'Already decided.');

    const qs: ModerationInputsQuery[] = [
      { commentId: newId(), siteId: siteA.siteId, postId: postA, authorId: ada, parentId: parent },
      { commentId: newId(), siteId: siteB.siteId, postId: postB, authorId: bob, parentId: null },
      { commentId: stored, siteId: siteA.siteId, postId: postA, authorId: ada, parentId: null },
      // A parent of another site is not this comment's parent; an unknown author and site read as absent.
      { commentId: newId(), siteId: siteB.siteId, postId: postB, authorId: bob, parentId: parent },
      { commentId: newId(), siteId: siteA.siteId, postId: postA, authorId: newId(), parentId: null },
      { commentId: newId(), siteId: uniq('gone'), postId: postA, authorId: ada, parentId: null },
    ];
    const many = await loadModerationInputsMany(env.db, qs);
    assert.equal(many.length, qs.length);
    const [reply, other, again, foreignParent, noAuthor, noSite] = many;

    assert.equal(reply?.existingStatus, null);
    assert.equal(reply?.parentStatus, 'approved');
    assert.deepEqual(reply?.context, { parentText: 'The parent text.' });
    assert.equal(reply?.author?.id, ada);
    assert.equal(reply?.site?.settings.history.windowDays, 7);
    assert.deepEqual(reply?.history, { total: 2, rejected: 0 });

    assert.equal(other?.author?.id, bob);
    assert.equal(other?.site?.settingsVersion, 7);
    assert.equal(other?.site?.settings.history.windowDays, 2);
    assert.deepEqual(other?.history, { total: 1, rejected: 1 });
    assert.deepEqual(other?.context, {}, "post B's title is not verified");

    assert.equal(again?.existingStatus, 'pending');
    assert.deepEqual(again?.context, { articleTitle: 'Refugees arrive in town' });

    assert.equal(foreignParent?.parentStatus, null);
    assert.deepEqual(foreignParent?.context, {});
    assert.equal(noAuthor?.author, null);
    assert.equal(noAuthor?.site?.settingsVersion !== undefined, true);
    assert.equal(noSite?.site, null);

    // The same answers as reading each alone.
    for (const [i, q] of qs.entries()) assert.deepEqual(many[i], await loadModerationInputs(env.db, q));

    // Each site's settings document crossed the wire once, on its first row, however many comments it has.
    const rows: { settings_text: string | null }[] = [];
    const capturing: Queryable = {
      query: (async (config: unknown) => {
        const r = await env.db.query<{ settings_text: string | null }>(config as never);
        rows.push(...r.rows);
        return r;
      }) as never,
    };
    assert.deepEqual(await loadModerationInputsMany(capturing, qs), many);
    assert.deepEqual(
      rows.map((r) => r.settings_text !== null),
      [true, true, false, false, false, false],
    );
  });

  it('when 40 jobs ask at once, then they share three statements (16, 16 and the 8 that waited) and each gets its own answer', async () => {
    const postId = await buildPost(env.db, siteA.siteId);
    const readers = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => (await signInReader(api.app, siteA, { name: `R${i}` })).user.id),
    );
    for (const [i, authorId] of readers.entries())
      for (let k = 0; k < i; k++)
        await store({ siteId: siteA.siteId, postId, authorId }, 'approved', `Earlier ${i}.${k}`);
    const { db, sizes } = counting();
    const loader = createInputsLoader({ db, maxBatch: 16, maxInFlight: 2 });
    const qs = Array.from({ length: 40 }, (_, i) => ({
      commentId: newId(),
      siteId: siteA.siteId,
      postId,
      authorId: readers[i % 4]!,
      parentId: null,
    }));
    const got = await Promise.all(qs.map((q) => loader.load(q)));
    assert.deepEqual(sizes, [16, 16, 8]);
    for (const [i, r] of got.entries()) {
      assert.equal(r.author?.id, readers[i % 4]);
      assert.equal(r.history.total, i % 4);
    }
  });

  it("when one comment's read fails in a batch, then the batch is read again one by one and only that job fails", async () => {
    const postId = await buildPost(env.db, siteA.siteId);
    const ada = (await signInReader(api.app, siteA, { name: 'Ada' })).user.id;
    // An author id that is no UUID: Postgres refuses the whole statement.
    const poison = 'not-a-uuid';
    const { db, sizes } = counting();
    const loader = createInputsLoader({ db, maxBatch: 16, maxInFlight: 1 });
    const q = (authorId: string) => ({ commentId: newId(), siteId: siteA.siteId, postId, authorId, parentId: null });
    const got = await Promise.allSettled([loader.load(q(ada)), loader.load(q(poison)), loader.load(q(ada))]);
    assert.deepEqual(
      got.map((r) => (r.status === 'fulfilled' ? r.value.author?.id : 'failed')),
      [ada, 'failed', ada],
    );
    assert.deepEqual(sizes, [3, 1, 1, 1]);
  });

  it('when statements fail, then their jobs fail and the loader gives their turn back for the next ones', async () => {
    const postId = await buildPost(env.db, siteA.siteId);
    const ada = (await signInReader(api.app, siteA, { name: 'Ada' })).user.id;
    // The batch and both comments read again alone: Postgres is gone for all three.
    const { db, sizes } = counting({ failNext: 3 });
    const loader = createInputsLoader({ db, maxBatch: 16, maxInFlight: 1 });
    const q = () => ({ commentId: newId(), siteId: siteA.siteId, postId, authorId: ada, parentId: null });
    const first = await Promise.allSettled([loader.load(q()), loader.load(q())]);
    assert.deepEqual(
      first.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    // With one statement at a time, a turn not given back would stop the loader here.
    const next = await Promise.all([loader.load(q()), loader.load(q()), loader.load(q())]);
    assert.deepEqual(
      next.map((r) => r.author?.id),
      [ada, ada, ada],
    );
    assert.deepEqual(sizes, [2, 1, 1, 3]);
  });

  it("when an author has a record, then it is read from the author index alone, not from the comments' pages", async () => {
    const postId = await buildPost(env.db, siteA.siteId);
    const ada = (await signInReader(api.app, siteA, { name: 'Ada' })).user.id;
    for (const status of ['approved', 'rejected', 'approved', 'rejected', 'rejected'] as const)
      await store({ siteId: siteA.siteId, postId, authorId: ada }, status, `A comment ${status}.`);
    // Vacuum marks the pages all-visible, as autovacuum does for all but the newest comments.
    await env.db.query('VACUUM (ANALYZE) comments');
    const q = { commentId: newId(), siteId: siteA.siteId, postId, authorId: ada, parentId: null };
    assert.deepEqual((await loadModerationInputs(env.db, q)).history, { total: 5, rejected: 3 });

    type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Heap Fetches'?: number; Plans?: PlanNode[] };
    const client = await env.db.connect();
    let plan: PlanNode;
    try {
      await client.query('BEGIN');
      // On a table this small a sequential scan is cheapest; what matters is which index scans the plan can use.
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      const res = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${MODERATION_INPUTS_SQL}`,
        [[q.commentId], [q.siteId], [ada], [null], [postId], 7, false],
      );
      plan = res.rows[0]!['QUERY PLAN'][0].Plan;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    const nodes: PlanNode[] = [];
    const walk = (n: PlanNode) => {
      nodes.push(n);
      for (const c of n.Plans ?? []) walk(c);
    };
    walk(plan);
    const author = nodes.filter((n) => n['Index Name'] === 'comments_author');
    assert.deepEqual(
      author.map((n) => [n['Node Type'], n['Heap Fetches']]),
      [['Index Only Scan', 0]],
    );
  });
});
