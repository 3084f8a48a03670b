import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, TEST_PG_URL, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestTasksWorker, startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, distinctText, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, type SignedIn } from '../support/staff.js';
import { postComment, waitForDecision, waitForVisible } from '../support/comment-flow.js';
import { startPgBouncer, type TestPgBouncer } from '../support/pgbouncer.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The API and the worker with every Postgres connection through a real PgBouncer in transaction
 * mode, two server connections for the test database: many client connections share them, so a
 * statement, setting or lock that outlived its transaction would reach another client.
 * Configured as the README says for PgBouncer < 1.21: no named statements, no statement timeout
 * sent at connection; migrations go straight to Postgres.
 */

const POOL_SIZE = 2;
let bouncer: TestPgBouncer;
let env: TestEnv;
let api: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let site: BuiltSite;
let mod: SignedIn;
let admin: SignedIn;
let dbName: string;

before(async () => {
  bouncer = await startPgBouncer(TEST_PG_URL, { poolSize: POOL_SIZE });
  env = await createTestEnv(
    { RATE_LIMITS: 'off', DATABASE_PREPARED_STATEMENTS: 'false', DATABASE_STATEMENT_TIMEOUT_MS: '0' },
    { databaseUrlVia: (direct) => bouncer.via(direct) },
  );
  dbName = new URL(env.config.DATABASE_URL).pathname.slice(1);
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
});

after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
  await bouncer?.stop();
});

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const statusOf = async (id: string) =>
  (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]?.status;
const pool = async () => (await bouncer.show('POOLS')).find((p) => p.database === dbName);

describe('through PgBouncer in transaction mode', () => {
  it('when the services connect, then they go through PgBouncer, which pools them in transaction mode', async () => {
    assert.equal(new URL(env.config.DATABASE_URL).port, String(bouncer.port));
    assert.notEqual(env.config.MIGRATION_DATABASE_URL, env.config.DATABASE_URL, 'migrations go straight to Postgres');
    const p = await pool();
    assert.ok(p, `a pool for ${dbName}`);
    assert.equal(p.pool_mode, 'transaction');
    assert.ok(Number(p.cl_active) >= 1, JSON.stringify(p));
  });

  it('when 60 comments from 20 readers arrive at once, then every one is decided and stored, over two server connections', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const readers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signInReader(api.app, site, { name: `Reader ${i}` })),
    );
    // Sixty different texts: alike ones from several accounts would be held as a campaign.
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        postComment(api.app, {
          siteId: site.siteId,
          postId,
          token: readers[i % 20]!.accessToken,
          body: distinctText(i),
        }),
      ),
    );
    await waitFor(
      async () => {
        const r = await env.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM comments WHERE id = ANY($1)`, [
          ids,
        ]);
        return r.rows[0]!.n === 60;
      },
      { timeoutMs: 30_000, what: 'all 60 comments stored' },
    );
    const statuses = (
      await env.db.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM comments WHERE id = ANY($1) GROUP BY status',
        [ids],
      )
    ).rows;
    assert.deepEqual(statuses, [{ status: 'approved', n: 60 }]);
    await waitForVisible(api.app, site.siteId, postId, ids.slice(0, 20));
    // Readers page through the thread at once, at several sizes: each page's statement runs on
    // whichever server connection is free, so a statement prepared on the other would not be found.
    const readAll = async (limit: number) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await request(api.app)
          .get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
          .query({ sort: 'oldest', limit, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...res.body.comments.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    for (const seen of await Promise.all([7, 8, 9, 11, 13, 25].map(readAll))) assert.deepEqual(seen, [...ids].sort());
    const count = (
      await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
        site.siteId,
        postId,
      ])
    ).rows[0]!.n;
    assert.equal(count, 60);
    const p = (await pool())!;
    assert.ok(
      Number(p.sv_active) + Number(p.sv_idle) + Number(p.sv_used) + Number(p.sv_tested) + Number(p.sv_login) <=
        POOL_SIZE,
      JSON.stringify(p),
    );
  });

  it('when a site pre-moderates, then moderators approve and reject held comments, each with its audit entry', async () => {
    await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(as(admin))
      .send({ premod: 'all' })
      .expect(200);
    try {
      const postId = await buildPost(env.db, site.siteId);
      const reader = await signInReader(api.app, site);
      const a = await postComment(api.app, {
        siteId: site.siteId,
        postId,
        token: reader.accessToken,
        body: 'Held first, approved by a moderator.',
      });
      const b = await postComment(api.app, {
        siteId: site.siteId,
        postId,
        token: reader.accessToken,
        body: 'Held first, rejected by a moderator.',
      });
      for (const id of [a, b]) assert.equal((await waitForDecision(api.app, id, reader.accessToken)).status, 'pending');
      await request(api.app)
        .post(`/api/v1/comments/${a}/moderation`)
        .set(as(mod))
        .send({ action: 'approve' })
        .expect(200);
      await request(api.app)
        .post(`/api/v1/comments/${b}/moderation`)
        .set(as(mod))
        .send({ action: 'reject', reason: 'off topic' })
        .expect(200);
      assert.equal(await statusOf(a), 'approved');
      assert.equal(await statusOf(b), 'rejected');
      await waitForVisible(api.app, site.siteId, postId, [a]);
      const audit = (
        await env.db.query<{ action: string; comment_id: string }>(
          'SELECT action, comment_id FROM audit_log WHERE comment_id = ANY($1) ORDER BY action',
          [[a, b]],
        )
      ).rows;
      assert.deepEqual(
        audit.map((e) => [e.action, e.comment_id]),
        [
          ['comment.approve', a],
          ['comment.reject', b],
        ],
      );
    } finally {
      await request(api.app)
        .patch(`/api/v1/sites/${site.siteId}/settings`)
        .set(as(admin))
        .send({ premod: 'off' })
        .expect(200);
    }
  });

  it('when a reader is banned with rejectExisting, then the tasks worker rejects their comments through the pooler', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const troll = await signInReader(api.app, site, { name: 'Troll' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        await postComment(api.app, {
          siteId: site.siteId,
          postId,
          token: troll.accessToken,
          body: `Troll remark ${i} about the harbour.`,
        }),
      );
    for (const id of ids) await waitForDecision(api.app, id, troll.accessToken);
    const res = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${troll.user.id}/ban`)
      .set(as(mod))
      .send({ reason: 'persistent abuse', rejectExisting: true })
      .expect(202);
    const tasks = await startTestTasksWorker(env);
    try {
      const done = await waitFor(
        async () => {
          const t = (
            await request(api.app)
              .get(`/api/v1/sites/${site.siteId}/moderation/tasks/${res.body.task.id}`)
              .set(as(mod))
              .expect(200)
          ).body.task;
          return t.state === 'completed' ? t : null;
        },
        { what: 'the ban task to complete' },
      );
      assert.deepEqual(done.result, { done: 3, total: 3 });
    } finally {
      await tasks.close();
    }
    for (const id of ids) assert.equal(await statusOf(id), 'rejected');
  });

  it('when a publisher exports the site, then the cursors stream every row inside one transaction', async () => {
    const stored = (
      await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE site_id = $1', [site.siteId])
    ).rows[0]!.n;
    const posts = (
      await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM posts WHERE site_id = $1', [site.siteId])
    ).rows[0]!.n;
    // Two in turn (a site may run one export at a time): each holds its server connection for its whole
    // transaction, then gives it back for the next.
    const exportOnce = () =>
      request(api.app)
        .get(`/api/v1/sites/${site.siteId}/export`)
        .set('Authorization', `Bearer ${site.apiKey}`)
        .buffer(true)
        .parse((res, cb) => {
          let text = '';
          res.on('data', (d: Buffer) => {
            text += d.toString();
          });
          res.on('end', () => cb(null, text));
        });
    const one = await exportOnce();
    const two = await exportOnce();
    for (const res of [one, two]) {
      assert.equal(res.status, 200);
      const lines = (res.body as string)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      assert.equal(lines[0]!.type, 'site');
      assert.equal(lines.filter((l) => l.type === 'comment').length, stored);
      assert.equal(lines.filter((l) => l.type === 'post').length, posts);
    }
    assert.ok(stored >= 65);
    // The pool still works afterwards (no connection left inside a transaction).
    assert.equal((await env.db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    const stats = (await bouncer.show('STATS')).find((s) => s.database === dbName);
    assert.ok(Number(stats?.total_xact_count) > 100, `transactions through PgBouncer: ${stats?.total_xact_count}`);
  });
});
