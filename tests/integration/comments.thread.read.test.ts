import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { withTransaction } from '#shared/db/pool.js';
import { threadChannel } from '#shared/redis.js';
import { newId } from '#shared/ids.js';
import { createApiServer } from '#api/server.js';
import type { CommentStatus } from '#shared/domain.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let authorId: string;
let server: http.Server;
let base: string;

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  // The server as main.ts runs it: cached pages are answered before the app (cached-read.ts).
  server = createApiServer(api.app, api.deps).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site = await buildSite(env.db);
  ({
    user: { id: authorId },
  } = await signInReader(api.app, site, { name: 'Ada' }));
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await api.close();
  await env.close();
});

/** Stores a decided comment as the worker does and returns its id. */
async function store(
  postId: string,
  o: { parentId?: string | null; status?: CommentStatus; body?: string; siteId?: string; author?: string } = {},
) {
  const id = newId();
  await withTransaction(env.db, (tx) =>
    insertDecidedComment(
      tx,
      {
        id,
        siteId: o.siteId ?? site.siteId,
        postId,
        authorId: o.author ?? authorId,
        parentId: o.parentId ?? null,
        body: o.body ?? `comment ${id}`,
        createdAt: new Date(),
      },
      { status: o.status ?? 'approved', reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
    ),
  );
  return id;
}
const thread = (postId: string, query = '', siteId = site.siteId) =>
  request(base).get(`/api/v1/sites/${siteId}/posts/${postId}/comments${query}`);

describe('reading a thread', () => {
  it('when a post has approved, held and rejected comments, then only approved ones are listed and counted', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const a = await store(postId);
    await store(postId, { status: 'pending' });
    await store(postId, { status: 'rejected' });
    const res = await thread(postId);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.comments.map((c: { id: string }) => c.id),
      [a],
    );
    assert.equal(res.body.total, 1);
    assert.equal(res.body.nextCursor, null);
    const c = res.body.comments[0];
    assert.equal(c.author.name, 'Ada');
    assert.equal(c.author.id, authorId);
    assert.match(c.createdAt, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(c.replies, []);
    assert.equal(c.replyCount, 0);
  });

  it('when there are more comments than the limit, then keyset pages of any size cover all of them once, in every order', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const ids: string[] = [];
    for (let i = 0; i < 101; i++) ids.push(await store(postId));
    // A removed comment kept as a placeholder for its reply ranks as having no reactions, as it is shown.
    const removed = await store(postId, { status: 'rejected' });
    await store(postId, { parentId: removed });
    const counts = [...ids.map((_, i) => (i * 7) % 11), 100];
    await env.db.query(
      'UPDATE comments c SET reaction_count = r.n FROM unnest($1::uuid[], $2::int[]) AS r(id, n) WHERE c.id = r.id',
      [[...ids, removed], counts],
    );
    const shown = [...ids, removed];
    const ranked = shown
      .map((id, i) => ({ id, n: id === removed ? 0 : counts[i]! }))
      .sort((a, b) => b.n - a.n || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);
    const expected = { oldest: shown, newest: [...shown].reverse(), reacted: ranked };
    // 102 comments shown: a small page size, and the largest, which is also what a page's statement
    // reads before cutting (so a next page exists only when it reads one more).
    for (const limit of [9, 100]) {
      for (const sort of ['newest', 'oldest', 'reacted'] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 20; page++) {
          const res = await thread(postId, `?sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
          assert.equal(res.status, 200);
          assert.ok(res.body.comments.length <= limit);
          seen.push(...res.body.comments.map((c: { id: string }) => c.id));
          cursor = res.body.nextCursor;
          if (!cursor) break;
        }
        assert.deepEqual(seen, expected[sort], `${sort}, ${limit} a page`);
      }
    }
  });

  it('when replies nest deeper than three levels, then deeper ones are shown at the third level with replyTo', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const root = await store(postId);
    const d1 = await store(postId, { parentId: root });
    const d2 = await store(postId, { parentId: d1 });
    const d3 = await store(postId, { parentId: d2 });
    const d4 = await store(postId, { parentId: d3 });
    const d5 = await store(postId, { parentId: d4 });
    await store(postId, { parentId: d1, status: 'pending' });
    const res = await thread(postId);
    const top = res.body.comments[0];
    assert.equal(top.id, root);
    assert.equal(top.replyCount, 1);
    const l1 = top.replies[0];
    assert.equal(l1.id, d1);
    assert.equal(l1.replyCount, 1, 'the held reply is not counted');
    const l2 = l1.replies[0];
    assert.equal(l2.id, d2);
    // d3 sits at the deepest level; its replies join it there, each saying whom it answers.
    assert.deepEqual(
      l2.replies.map((r: { id: string }) => r.id),
      [d3, d4, d5],
    );
    assert.equal(l2.replyCount, 3);
    assert.equal(l2.replies[0].replyTo, undefined, 'd3 is nested under its own parent');
    assert.deepEqual(l2.replies[1].replyTo, { id: d3, name: 'Ada' });
    assert.deepEqual(l2.replies[2].replyTo, { id: d4, name: 'Ada' });
    assert.deepEqual(l2.replies[0].replies, []);
    assert.equal(res.body.total, 6);
  });

  it('when a comment has more replies than a page shows, then the replies endpoint pages through all of them', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const root = await store(postId);
    const replies: string[] = [];
    for (let i = 0; i < 101; i++) replies.push(await store(postId, { parentId: root }));
    await store(postId, { parentId: root, status: 'rejected' });
    const page = await thread(postId);
    assert.equal(page.body.comments[0].replyCount, 101);
    assert.equal(page.body.comments[0].replies.length, 20);
    // A small page size, and the largest, which is also what the statement reads before cutting.
    for (const limit of [10, 100]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const res = await thread(postId, `/${root}/replies?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.status, 200);
        seen.push(...res.body.comments.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      assert.deepEqual(seen, replies, `${limit} a page`);
    }
    const other = await buildSite(env.db);
    const elsewhere = await thread(postId, `/${root}/replies`, other.siteId);
    assert.deepEqual(elsewhere.body.comments, [], 'another site sees none of them');
    assert.equal((await thread(postId, '/not-a-uuid/replies')).status, 400);
  });

  it('when two sites use the same post id, then each sees only its own comments', async () => {
    const other = await buildSite(env.db);
    const otherReader = await signInReader(api.app, other);
    const postId = await buildPost(env.db, site.siteId);
    await buildPost(env.db, other.siteId, { id: postId });
    const mine = await store(postId);
    const theirs = await store(postId, { siteId: other.siteId, author: otherReader.user.id });
    const a = await thread(postId);
    const b = await thread(postId, '', other.siteId);
    assert.deepEqual(
      a.body.comments.map((c: { id: string }) => c.id),
      [mine],
    );
    assert.deepEqual(
      b.body.comments.map((c: { id: string }) => c.id),
      [theirs],
    );
  });

  it('when the query is invalid or the post unknown, then 400 or 404', async () => {
    const postId = await buildPost(env.db, site.siteId);
    for (const q of [
      '?limit=0',
      '?limit=101',
      '?limit=abc',
      '?sort=random',
      '?cursor=%27%20OR%201%3D1--',
      '?cursor=bm90LWEtdXVpZA',
    ]) {
      const res = await thread(postId, q);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const missing = await thread('never-registered');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'post_not_found');
    // A "most reacted" cursor names a place in the top-level order: replies have none.
    const reacted = Buffer.from(`5.${crypto.randomUUID()}`).toString('base64url');
    const replies = await thread(postId, `/${crypto.randomUUID()}/replies?cursor=${reacted}`);
    assert.equal(replies.status, 400);
    assert.equal(replies.body.error.code, 'validation_failed');
  });
});

describe('caching', () => {
  it('when the page has not changed, then If-None-Match gets a 304 and Cache-Control allows CDNs', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    const first = await thread(postId);
    assert.match(first.headers.etag ?? '', /^W\/"/);
    assert.match(first.headers['cache-control'] ?? '', /public, max-age=\d+/);
    const again = await thread(postId).set('If-None-Match', first.headers.etag ?? '');
    assert.equal(again.status, 304);
    const listed = await thread(postId).set('If-None-Match', `"other", ${first.headers.etag ?? ''}`);
    assert.equal(listed.status, 304);
    const stale = await thread(postId).set('If-None-Match', 'W/"something-else"');
    assert.equal(stale.status, 200);
  });

  // A cached page is answered before the app (comments/cached-read.ts); these hold it to the normal answer
  // (comments.thread.fast-path.test.ts compares the two answer by answer).
  const varying = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
  const stable = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !varying.has(k)));

  it('when a page is answered from the cache, then it has the headers and bytes of the uncached answer', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    const origin = 'http://localhost:8080';
    for (const [query, from] of [
      ['?limit=50', null],
      ['?sort=oldest', origin],
    ] as const) {
      const ask = () => (from ? thread(postId, query).set('Origin', from) : thread(postId, query));
      const miss = await ask();
      const hit = await ask();
      // With credentials the cached page still comes through the whole middleware stack.
      const throughStack = await ask().set('Authorization', 'Bearer not-a-token');
      assert.equal(miss.status, 200);
      for (const res of [hit, throughStack]) {
        assert.equal(res.status, 200);
        assert.deepEqual(stable(res.headers), stable(miss.headers), `${query} ${from ?? 'no origin'}`);
        assert.equal(res.text, miss.text);
      }
      assert.equal(hit.headers['content-security-policy'], miss.headers['content-security-policy']);
      assert.equal(hit.headers['x-content-type-options'], 'nosniff');
      assert.equal(hit.headers['cross-origin-resource-policy'], 'cross-origin');
      assert.equal(hit.headers.vary, 'Origin');
      assert.equal(hit.headers['access-control-allow-origin'], from ?? undefined);
      assert.match(hit.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
      const named = await ask().set('X-Request-Id', 'edge-42');
      assert.equal(named.headers['x-request-id'], 'edge-42');
      const notModified = await ask().set('If-None-Match', miss.headers.etag ?? '');
      assert.equal(notModified.status, 304);
      assert.deepEqual(
        stable(notModified.headers),
        stable(
          (
            await ask()
              .set('If-None-Match', miss.headers.etag ?? '')
              .set('Authorization', 'Bearer x')
          ).headers,
        ),
      );
    }
  });

  it('when a cached page is asked for from an origin the site has not registered, then it is refused as uncached', async () => {
    const other = await buildSite(env.db);
    await env.db.query('UPDATE sites SET origins = $2 WHERE id = $1', [other.siteId, ['https://other.example']]);
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    assert.equal((await thread(postId).set('Origin', 'http://localhost:8080')).status, 200);
    assert.equal((await thread(postId).set('Origin', 'http://localhost:8080')).status, 200);
    for (const from of ['https://other.example', 'https://evil.example']) {
      const res = await thread(postId).set('Origin', from);
      assert.equal(res.status, 403, from);
      assert.equal(res.body.error.code, 'origin_not_allowed');
      assert.equal(res.body.comments, undefined);
    }
    // The other site's own thread of the same post id is not this one's cached page.
    await buildPost(env.db, other.siteId, { id: postId });
    const theirs = await thread(postId, '', other.siteId).set('Origin', 'https://other.example');
    assert.equal(theirs.status, 200);
    assert.equal(theirs.body.total, 0);
  });

  it('when a comment is approved and announced, then every API process serves the new page', async () => {
    const second = await startTestApi(env);
    // Each process as main.ts runs it, so a page answered before the app is invalidated too.
    const secondServer = createApiServer(second.app, second.deps).listen(0, '127.0.0.1');
    await new Promise((r) => secondServer.once('listening', r));
    const secondBase = `http://127.0.0.1:${(secondServer.address() as AddressInfo).port}`;
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    const before1 = await thread(postId);
    const before2 = await request(secondBase).get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`);
    assert.equal(before1.body.total, 1);
    assert.equal(before2.body.total, 1);
    const added = await store(postId);
    // Cached: without an announcement the old page is still served.
    assert.equal((await thread(postId)).body.total, 1);
    await env.redis.publish(threadChannel(env.config.QUEUE_PREFIX), `${site.siteId}\n${postId}`);
    for (const from of [base, secondBase]) {
      await waitFor(
        async () => {
          const res = await request(from).get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`);
          return res.body.comments.some((c: { id: string }) => c.id === added);
        },
        { what: 'the new comment in the cached thread' },
      );
    }
    secondServer.closeAllConnections();
    await new Promise((r) => secondServer.close(r));
    await second.close();
  });
});
