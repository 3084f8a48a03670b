import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { openApiChecker } from '../support/openapi.js';

/** The desk's figures equal what the fixtures hold, for the site alone, for staff and read keys. */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let mod1: SignedIn;
let mod2: SignedIn;
const doc = openApiChecker();
const ids: Record<string, string> = {};

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  site = await buildSite(env.db);
  mod1 = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Dana');
  mod2 = await buildStaff(env.db, api.app, site.siteId, 'admin', 'Eli');
  const postId = await buildPost(env.db, site.siteId);
  const author = await signInReader(api.app, site);
  const store = (status: 'approved' | 'pending' | 'rejected', rule?: string) =>
    storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: author.user.id,
      status,
      reasons: rule ? [{ rule, detail: rule }] : [],
    });
  ids.a = await store('approved');
  ids.b = await store('rejected', 'banned_word');
  ids.c = await store('pending', 'toxicity');
  ids.d = await store('pending', 'toxicity');
  ids.e = await store('pending', 'toxicity');
  ids.f = await store('approved');
  const decide = (who: SignedIn, id: string, action: string) =>
    request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set('Authorization', `Bearer ${who.accessToken}`)
      .send({ action })
      .expect(200);
  await decide(mod1, ids.c!, 'approve');
  await decide(mod2, ids.d!, 'reject');
  await decide(mod1, ids.f!, 'reject'); // overturns the rules' approval
  // Each decided comment was written a known time before its first decision.
  for (const [key, seconds] of [
    ['c', 100],
    ['d', 300],
    ['f', 20],
  ] as const) {
    await env.db.query(
      `UPDATE comments c SET created_at = a.created_at - make_interval(secs => $2)
         FROM audit_log a WHERE a.comment_id = c.id AND c.id = $1`,
      [ids[key], seconds],
    );
  }
  // Three complaints: one open, one upheld, one reversed (each against a statement of reasons).
  for (const status of ['open', 'upheld', 'reversed']) {
    const statement = await env.db.query<{ id: string }>(
      `INSERT INTO dsa_statements (id, site_id, source_key, comment_id, restriction, decision, facts, ground,
                                   ground_detail, source, automated_detection, automated_decision, redress, appeal_until)
       VALUES (gen_random_uuid(), $1, $2, $3, 'removal', 'removed', 'facts', 'incompatible_content', 'rule',
               'moderator', false, false, 'appeal', now() + interval '180 days') RETURNING id`,
      [site.siteId, `test:${status}`, ids.d],
    );
    await env.db.query(
      `INSERT INTO dsa_appeals (id, site_id, statement_id, appellant, explanation, status, decided_at)
       VALUES (gen_random_uuid(), $1, $2, 'author', 'please look again', $3, CASE WHEN $3 = 'open' THEN NULL ELSE now() END)`,
      [site.siteId, statement.rows[0]!.id, status],
    );
  }
  // Another site's comments never count.
  const other = await buildSite(env.db);
  const otherPost = await buildPost(env.db, other.siteId);
  const otherAuthor = await signInReader(api.app, other);
  await storeComment(env.db, {
    siteId: other.siteId,
    postId: otherPost,
    authorId: otherAuthor.user.id,
    status: 'pending',
  });
});
after(async () => {
  await api?.close();
  await env?.close();
});

const path = (query = '') => `/api/v1/sites/${site.siteId}/moderation/analytics${query}`;
const get = async (token: string, query = '') =>
  doc.check(await request(api.app).get(path(query)).set('Authorization', `Bearer ${token}`));

describe('moderation analytics', () => {
  it('when a moderator reads the last 30 days, then every figure equals the counted fixtures', async () => {
    const res = await get(mod1.accessToken);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const a = res.body.analytics;
    // Each fixture counts on the day it was written (a run just after midnight UTC puts some on the day before).
    const final = { a: 'approved', b: 'rejected', c: 'approved', d: 'rejected', e: 'pending', f: 'rejected' } as const;
    const written = await env.db.query<{ id: string; day: string }>(
      `SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM comments WHERE id = ANY($1)`,
      [Object.keys(final).map((k) => ids[k])],
    );
    const volume = new Map<
      string,
      { day: string; total: number; approved: number; pending: number; rejected: number }
    >();
    for (const [key, status] of Object.entries(final)) {
      const { day } = written.rows.find((r) => r.id === ids[key])!;
      const v = volume.get(day) ?? { day, total: 0, approved: 0, pending: 0, rejected: 0 };
      v.total += 1;
      v[status] += 1;
      volume.set(day, v);
    }
    assert.deepEqual(
      a.volume,
      [...volume.values()].sort((x, y) => x.day.localeCompare(y.day)),
    );
    assert.equal(
      a.volume.reduce((n: number, v: { total: number }) => n + v.total, 0),
      6,
    );
    assert.deepEqual(a.decidedBy, { automatic: 2, human: 3, undecided: 1 });
    // [20, 100, 300] seconds: the median is 100; the 90th percentile interpolates 100 + 0.8 × 200.
    assert.deepEqual(a.timeToDecision, { decided: 3, p50Seconds: 100, p90Seconds: 260 });
    assert.equal(a.backlog.pending, 1);
    const e = await env.db.query<{ created_at: Date }>('SELECT created_at FROM comments WHERE id = $1', [ids.e]);
    assert.equal(a.backlog.oldestAt, e.rows[0]!.created_at.toISOString());
    assert.ok(a.backlog.oldestAgeSeconds >= 0);
    assert.deepEqual(
      a.moderators.map((m: { name: string; approved: number; rejected: number }) => [m.name, m.approved, m.rejected]),
      [
        ['Dana', 1, 1],
        ['Eli', 0, 1],
      ],
    );
    assert.deepEqual(a.reasons, [
      { rule: 'moderator', comments: 3 },
      { rule: 'toxicity', comments: 3 },
      { rule: 'banned_word', comments: 1 },
    ]);
    assert.deepEqual(a.reversals, { total: 1, undone: 0 });
    assert.deepEqual(a.appeals, { received: 3, upheld: 1, reversed: 1 });
  });

  it('when an author deleted a held comment, then it no longer counts as waiting nor as undecided', async () => {
    const own = await buildSite(env.db);
    const admin = await buildStaff(env.db, api.app, own.siteId, 'admin');
    const postId = await buildPost(env.db, own.siteId);
    const author = await signInReader(api.app, own);
    const held = () =>
      storeComment(env.db, { siteId: own.siteId, postId, authorId: author.user.id, status: 'pending' });
    const deleted = await held();
    const waiting = await held();
    await env.db.query(`UPDATE comments SET created_at = now() - interval '2 days' WHERE id = $1`, [deleted]);
    await request(api.app)
      .delete(`/api/v1/comments/${deleted}`)
      .set('Authorization', `Bearer ${author.accessToken}`)
      .expect(204);
    const res = doc.check(
      await request(api.app)
        .get(`/api/v1/sites/${own.siteId}/moderation/analytics`)
        .set('Authorization', `Bearer ${admin.accessToken}`),
    );
    const a = res.body.analytics;
    assert.equal(a.backlog.pending, 1);
    const w = await env.db.query<{ created_at: Date }>('SELECT created_at FROM comments WHERE id = $1', [waiting]);
    assert.equal(a.backlog.oldestAt, w.rows[0]!.created_at.toISOString(), 'the oldest still waiting');
    assert.equal(a.decidedBy.undecided, 1);
  });

  it('when the range ends before the comments, then the range figures are zero and the backlog stays', async () => {
    const res = await get(mod1.accessToken, '?from=2026-01-01&to=2026-01-31');
    assert.equal(res.status, 200);
    const a = res.body.analytics;
    assert.deepEqual(a.volume, []);
    assert.deepEqual(a.decidedBy, { automatic: 0, human: 0, undecided: 0 });
    assert.deepEqual(a.timeToDecision, { decided: 0, p50Seconds: null, p90Seconds: null });
    assert.deepEqual(a.moderators, []);
    assert.deepEqual(a.appeals, { received: 0, upheld: 0, reversed: 0 });
    assert.equal(a.backlog.pending, 1);
  });

  it("when dashboards read the figures at once, then each takes one of the pool's connections, not one per figure", async () => {
    const pool = api.deps.db;
    const before = pool.totalCount;
    const answers = await Promise.all([get(mod1.accessToken), get(mod1.accessToken)]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200],
    );
    assert.ok(
      pool.totalCount <= Math.max(before, 2) + 1,
      `${pool.totalCount} connections after two reads (${before} before)`,
    );
  });

  it('when a publisher key with comments:read asks, then it gets the figures; other callers are refused', async () => {
    const byKey = await get(site.apiKey);
    assert.equal(byKey.status, 200);
    assert.equal(byKey.body.analytics.decidedBy.human, 3);
    const writeOnly = await buildSite(env.db, { scopes: ['posts:write'] });
    const noScope = doc.check(
      await request(api.app)
        .get(`/api/v1/sites/${writeOnly.siteId}/moderation/analytics`)
        .set('Authorization', `Bearer ${writeOnly.apiKey}`),
    );
    assert.equal(noScope.status, 403);
    assert.equal((await get(writeOnly.apiKey)).status, 401);
    const reader = await signInReader(api.app, site);
    assert.equal((await get(reader.accessToken)).status, 403);
    assert.equal(doc.check(await request(api.app).get(path())).status, 401);
    const otherAdmin = await buildStaff(env.db, api.app, writeOnly.siteId, 'admin');
    assert.equal((await get(otherAdmin.accessToken)).status, 403);
  });

  it('when the range is too long, reversed or malformed, then 400 validation_failed', async () => {
    for (const q of [
      '?from=2026-01-01&to=2026-06-01',
      '?from=2026-02-01&to=2026-01-01',
      '?from=yesterday',
      '?to=2026-13-45',
    ]) {
      const res = await get(mod1.accessToken, q);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, 'validation_failed');
    }
  });

  it("when a site's staff and keys read the analytics faster than RATE_LIMIT_ANALYTICS_SITE, then 429 for that site only", async () => {
    const limited = await startTestApi(env, { RATE_LIMIT_ANALYTICS_SITE: '3/60' });
    try {
      const own = await buildSite(env.db);
      const other = await buildSite(env.db);
      const read = (s: BuiltSite) =>
        request(limited.app)
          .get(`/api/v1/sites/${s.siteId}/moderation/analytics`)
          .set('Authorization', `Bearer ${s.apiKey}`);
      for (let i = 0; i < 3; i++) assert.equal((await read(own)).status, 200);
      const refused = doc.check(await read(own));
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.code, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.equal((await read(other)).status, 200, 'another site is counted apart');
    } finally {
      await limited.close();
    }
  });
});
