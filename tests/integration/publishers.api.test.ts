import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import fc from 'fast-check';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { markerScorer } from '../support/publishers.js';
import { STAFF_PASSWORD, signInAs, storeComment } from '../support/staff.js';
import { openApiChecker } from '../support/openapi.js';
import { waitFor } from '../support/wait-for.js';
import { parseApiKey, sha256 } from '#shared/secrets.js';
import { waitingEdit } from '../support/edits.js';
import { newId } from '#shared/ids.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { uuidV7Floor } from '#shared/db/moderation-queues.js';

let env: TestEnv;
let api: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let site: BuiltSite;
let other: BuiltSite;
let admin: { accessToken: string; user: { id: string } };
const doc = openApiChecker();

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  worker = await startTestWorker(env, { scorers: { embedded: markerScorer() } });
  site = await buildSite(env.db);
  other = await buildSite(env.db);
  admin = await signInAs(api.app, env.db, site, 'admin');
});
after(async () => {
  await worker.close();
  await api.close();
  await env.close();
});

const as = (token: string) => ({
  get: (path: string) => request(api.app).get(path).set('Authorization', `Bearer ${token}`),
  post: (path: string, body?: object) => request(api.app).post(path).set('Authorization', `Bearer ${token}`).send(body),
  put: (path: string, body?: object) => request(api.app).put(path).set('Authorization', `Bearer ${token}`).send(body),
  patch: (path: string, body?: object) =>
    request(api.app).patch(path).set('Authorization', `Bearer ${token}`).send(body),
  delete: (path: string) => request(api.app).delete(path).set('Authorization', `Bearer ${token}`),
});

async function comment(token: string, postId: string, body: string, siteId = site.siteId): Promise<string> {
  const res = doc.check(await as(token).post(`/api/v1/sites/${siteId}/posts/${postId}/comments`, { body }));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body.id as string;
}
const stored = (id: string) =>
  waitFor(
    async () =>
      (await env.db.query('SELECT status FROM comments WHERE id = $1', [id])).rows[0]?.status as string | undefined,
    { what: `comment ${id} stored` },
  );
/** Edits a reader's own comment and waits until the worker has applied the edit (the earlier text kept). */
async function editApplied(token: string, id: string, body: string): Promise<void> {
  assert.equal((await as(token).patch(`/api/v1/comments/${id}`, { body })).status, 202);
  await waitFor(
    async () =>
      (await env.db.query('SELECT 1 FROM comment_revisions WHERE comment_id = $1 AND applied_at IS NOT NULL', [id]))
        .rowCount === 1,
    { what: 'the edit applied' },
  );
}

describe('API keys', () => {
  it('when an admin creates a key, then it is shown once, stored as a hash, listed without its secret, and works within its scopes', async () => {
    const created = doc.check(
      await as(admin.accessToken).post(`/api/v1/sites/${site.siteId}/api-keys`, {
        label: '  CMS  ',
        scopes: ['comments:read'],
        password: STAFF_PASSWORD,
      }),
    );
    assert.equal(created.status, 201);
    assert.match(created.body.apiKey, /^ck_[0-9a-f]{12}_/);
    assert.equal(created.body.key.label, 'CMS');
    assert.deepEqual(created.body.key.scopes, ['comments:read']);
    assert.equal(created.body.key.createdBy, admin.user.id);
    assert.equal(created.body.key.revokedBy, null);
    const row = (await env.db.query('SELECT secret_hash FROM api_keys WHERE id = $1', [created.body.key.id])).rows[0];
    const secret = parseApiKey(created.body.apiKey)!.secret;
    assert.deepEqual(row.secret_hash, sha256(secret));
    const listed = doc.check(await as(admin.accessToken).get(`/api/v1/sites/${site.siteId}/api-keys`));
    assert.equal(listed.status, 200);
    const mine = listed.body.keys.find((k: { id: string }) => k.id === created.body.key.id);
    assert.ok(mine);
    assert.ok(!JSON.stringify(listed.body).includes(secret));
    const key = created.body.apiKey as string;
    assert.equal(doc.check(await as(key).get(`/api/v1/sites/${site.siteId}/comments`)).status, 200);
    const beyond = doc.check(
      await as(key).put(`/api/v1/sites/${site.siteId}/posts/p-x`, { title: 'T', url: 'https://n.example/x' }),
    );
    assert.equal(beyond.status, 403);
    assert.equal(beyond.body.error.code, 'insufficient_scope');
    assert.equal(doc.check(await as(key).get(`/api/v1/sites/${other.siteId}/comments`)).status, 401);
  });

  it('when a key is used, then last-used time is recorded; when it is revoked, then the next call fails at once', async () => {
    const created = await as(admin.accessToken).post(`/api/v1/sites/${site.siteId}/api-keys`, {
      label: 'short-lived',
      scopes: ['comments:read'],
      password: STAFF_PASSWORD,
    });
    const key = created.body.apiKey as string;
    assert.equal(created.body.key.lastUsedAt, null);
    assert.equal((await as(key).get(`/api/v1/sites/${site.siteId}/comments`)).status, 200);
    await waitFor(
      async () =>
        (await env.db.query('SELECT last_used_at FROM api_keys WHERE id = $1', [created.body.key.id])).rows[0]
          .last_used_at,
    );
    const revoked = doc.check(
      await as(admin.accessToken).delete(`/api/v1/sites/${site.siteId}/api-keys/${created.body.key.id}`),
    );
    assert.equal(revoked.status, 204);
    const after = doc.check(await as(key).get(`/api/v1/sites/${site.siteId}/comments`));
    assert.equal(after.status, 401);
    const listed = await as(admin.accessToken).get(`/api/v1/sites/${site.siteId}/api-keys`);
    const gone = listed.body.keys.find((k: { id: string }) => k.id === created.body.key.id);
    assert.ok(gone.revokedAt);
    assert.equal(gone.revokedBy, admin.user.id);
    // Revoking it again changes nothing and records nothing more.
    assert.equal(
      (await as(admin.accessToken).delete(`/api/v1/sites/${site.siteId}/api-keys/${created.body.key.id}`)).status,
      204,
    );
    const audit = await as(admin.accessToken).get(`/api/v1/sites/${site.siteId}/audit?limit=100`);
    const about = audit.body.entries.filter(
      (e: { after: { keyId?: string } | null; before: { keyId?: string } | null }) =>
        (e.after ?? e.before)?.keyId === created.body.key.id,
    );
    assert.deepEqual(
      about.map((e: { action: string; actor: { id: string } }) => [e.action, e.actor.id]),
      [
        ['api_key.revoke', admin.user.id],
        ['api_key.create', admin.user.id],
      ],
    );
  });

  it('when an admin creates a key without their password, or with a wrong one, then no key is made, and guesses are counted as failed sign-ins', async () => {
    const s = await buildSite(env.db);
    const siteAdmin = await signInAs(api.app, env.db, s, 'admin');
    const path = `/api/v1/sites/${s.siteId}/api-keys`;
    const none = doc.check(await as(siteAdmin.accessToken).post(path, { label: 'x', scopes: ['comments:read'] }));
    assert.equal(none.status, 400);
    assert.equal(none.body.error.code, 'validation_failed');
    const wrong = doc.check(
      await as(siteAdmin.accessToken).post(path, { label: 'x', scopes: ['comments:read'], password: 'guess' }),
    );
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    // Guesses sent at once all count: the account's code budget refuses the rest before any is checked.
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        as(siteAdmin.accessToken).post(path, { label: 'x', scopes: ['comments:read'], password: `guess-${i}` }),
      ),
    );
    assert.ok(
      burst.some((r) => r.status === 429),
      burst.map((r) => r.status).join(),
    );
    assert.ok(burst.every((r) => r.status === 401 || r.status === 429));
    const keys = (await env.db.query('SELECT count(*)::int AS n FROM api_keys WHERE site_id = $1', [s.siteId])).rows[0];
    assert.equal(keys.n, 1, 'only the key the site was built with');
  });

  it("when a moderator, a reader, an API key or another site's admin manages keys, then 403 or 401; bad input is a 400; unknown key a 404", async () => {
    const moderator = await signInAs(api.app, env.db, site, 'moderator');
    const reader = await signInReader(api.app, site);
    const otherAdmin = await signInAs(api.app, env.db, other, 'admin');
    const path = `/api/v1/sites/${site.siteId}/api-keys`;
    assert.equal(doc.check(await as(moderator.accessToken).get(path)).status, 403);
    assert.equal(doc.check(await as(reader.accessToken).get(path)).status, 403);
    assert.equal(doc.check(await as(site.apiKey).get(path)).status, 403);
    assert.equal(doc.check(await as(otherAdmin.accessToken).get(path)).status, 403);
    assert.equal(doc.check(await request(api.app).get(path)).status, 401);
    const bad = doc.check(
      await as(admin.accessToken).post(path, { label: 'x', scopes: ['root'], password: STAFF_PASSWORD }),
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
    assert.equal(
      doc.check(
        await as(admin.accessToken).post(path, { label: ' ', scopes: ['posts:write'], password: STAFF_PASSWORD }),
      ).status,
      400,
    );
    assert.equal(doc.check(await as(admin.accessToken).delete(`${path}/0123456789ab`)).status, 404);
    // Another site's key id cannot be revoked through this site.
    const otherKeyId = other.apiKey.split('_')[1];
    assert.equal((await as(admin.accessToken).delete(`${path}/${otherKeyId}`)).status, 404);
    assert.equal((await as(other.apiKey).get(`/api/v1/sites/${other.siteId}/comments`)).status, 200);
  });
});

describe('posts for publishers', () => {
  it('when a publisher lists posts, then newest first with comment counts, paginated', async () => {
    const s = await buildSite(env.db);
    for (const id of ['a1', 'a2', 'a3']) {
      doc.check(
        await as(s.apiKey).put(`/api/v1/sites/${s.siteId}/posts/${id}`, {
          title: `T ${id}`,
          url: `https://n.example/${id}`,
        }),
      );
    }
    const reader = await signInReader(api.app, s);
    const id = await comment(reader.accessToken, 'a2', 'A fine article.', s.siteId);
    assert.equal(await stored(id), 'approved');
    const first = doc.check(await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/posts?limit=2`));
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.posts.map((p: { id: string }) => p.id),
      ['a3', 'a2'],
    );
    assert.equal(first.body.posts[1].commentCount, 1);
    const second = doc.check(
      await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/posts?limit=2&cursor=${first.body.nextCursor}`),
    );
    assert.deepEqual(
      second.body.posts.map((p: { id: string }) => p.id),
      ['a1'],
    );
    assert.equal(second.body.nextCursor, null);
    for (const cursor of [
      'garbage',
      Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', 'a1'])).toString('base64url'),
      Buffer.from(JSON.stringify([0, 5])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-02-31T00:00:00Z', 'a1'])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-04-01T24:30:00Z', 'a1'])).toString('base64url'),
    ]) {
      assert.equal(
        doc.check(await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/posts?cursor=${cursor}`)).status,
        400,
        cursor,
      );
    }
  });

  it('when posts are created within the same millisecond, then paging through them lists each exactly once', async () => {
    const s = await buildSite(env.db);
    // A CMS backfilling in parallel: five posts within one millisecond, two of them at the same microsecond.
    const times = ['123100', '123400', '123400', '123700', '123900'];
    for (const [i, us] of times.entries())
      await env.db.query(
        `INSERT INTO posts (site_id, id, title, url, created_at) VALUES ($1, $2, 'T', 'https://n.example/t', $3)`,
        [s.siteId, `same-ms-${i}`, `2026-11-30T10:00:00.${us}Z`],
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = doc.check(
        await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/posts?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.posts.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['same-ms-4', 'same-ms-3', 'same-ms-2', 'same-ms-1', 'same-ms-0']);
  });

  it('when a publisher closes a post, then comments are refused with 409; reopening accepts them again', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const closed = doc.check(await as(site.apiKey).post(`/api/v1/sites/${site.siteId}/posts/${postId}/close`));
    assert.equal(closed.status, 200);
    assert.equal(closed.body.post.closed, true);
    const refused = doc.check(
      await as(reader.accessToken).post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`, { body: 'Too late?' }),
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'post_closed');
    const reopened = doc.check(await as(admin.accessToken).post(`/api/v1/sites/${site.siteId}/posts/${postId}/reopen`));
    assert.equal(reopened.body.post.closed, false);
    await comment(reader.accessToken, postId, 'Open again.');
    assert.equal(doc.check(await as(site.apiKey).post(`/api/v1/sites/${site.siteId}/posts/nope/close`)).status, 404);
    assert.equal(
      doc.check(await as(other.apiKey).post(`/api/v1/sites/${site.siteId}/posts/${postId}/close`)).status,
      401,
    );
  });

  it('when a site auto-closes after N days, then older posts refuse comments and show closed, until reopened by hand', async () => {
    const s = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"autoCloseDays": 7}' WHERE id = $1`, [s.siteId]);
    const oldPost = await buildPost(env.db, s.siteId);
    const freshPost = await buildPost(env.db, s.siteId);
    await env.db.query(`UPDATE posts SET created_at = now() - interval '8 days' WHERE site_id = $1 AND id = $2`, [
      s.siteId,
      oldPost,
    ]);
    const reader = await signInReader(api.app, s);
    const pub = doc.check(await request(api.app).get(`/api/v1/sites/${s.siteId}/posts/${oldPost}`));
    assert.equal(pub.body.post.closed, true);
    const refused = await as(reader.accessToken).post(`/api/v1/sites/${s.siteId}/posts/${oldPost}/comments`, {
      body: 'Late.',
    });
    assert.equal(refused.status, 409);
    await comment(reader.accessToken, freshPost, 'On time.', s.siteId);
    const listed = await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/posts`);
    const fresh = listed.body.posts.find((p: { id: string }) => p.id === freshPost);
    assert.ok(Date.parse(fresh.closesAt) > Date.now() + 6 * 86_400_000);
    // The export's post lines say what the listing says.
    const exported = (await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/export`)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.type === 'post');
    const shown = (p: Record<string, unknown>) => ({
      id: p.id,
      closed: p.closed,
      closedByHand: p.closedByHand,
      closesAt: p.closesAt,
      titleVerified: p.titleVerified,
    });
    assert.deepEqual(
      exported.map(shown).sort((a, b) => String(a.id).localeCompare(String(b.id))),
      (listed.body.posts as Record<string, unknown>[])
        .map(shown)
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    );
    assert.equal(exported.find((p) => p.id === oldPost)?.closed, true, 'auto-closed');
    const reopened = doc.check(await as(s.apiKey).post(`/api/v1/sites/${s.siteId}/posts/${oldPost}/reopen`));
    assert.equal(reopened.body.post.closed, false);
    assert.equal(reopened.body.post.closesAt, null);
    await comment(reader.accessToken, oldPost, 'Reopened.', s.siteId);
  });
});

describe('comments for publishers', () => {
  it('when a publisher lists comments, then every status comes with its decision, filtered by post, status and time, paginated', async () => {
    const s = await buildSite(env.db);
    const [p1, p2] = [await buildPost(env.db, s.siteId), await buildPost(env.db, s.siteId)];
    const reader = await signInReader(api.app, s, { name: 'Ada' });
    const ok = await comment(reader.accessToken, p1, 'Thoughtful remark.', s.siteId);
    const held = await comment(reader.accessToken, p1, 'HOLDME please', s.siteId);
    const rejected = await comment(reader.accessToken, p2, 'REJECTME now', s.siteId);
    assert.equal(await stored(ok), 'approved');
    assert.equal(await stored(held), 'pending');
    assert.equal(await stored(rejected), 'rejected');

    const all = doc.check(await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments`));
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.comments.map((c: { id: string }) => c.id),
      [ok, held, rejected],
    );
    const heldView = all.body.comments[1];
    assert.equal(heldView.status, 'pending');
    assert.equal(heldView.author.name, 'Ada');
    assert.ok(heldView.decision.reasons.length > 0);
    assert.equal(heldView.decision.scores.TOXICITY, 0.85);
    assert.equal(heldView.decision.scoredBy[0].provider, 'marker');
    assert.equal(typeof heldView.decision.settingsVersion, 'number');

    const byPost = await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?postId=${p2}`);
    assert.deepEqual(
      byPost.body.comments.map((c: { id: string }) => c.id),
      [rejected],
    );
    const byStatus = await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?status=pending`);
    assert.deepEqual(
      byStatus.body.comments.map((c: { id: string }) => c.id),
      [held],
    );
    const future = new Date(Date.now() + 60_000).toISOString();
    assert.equal(
      (await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?since=${future}`)).body.comments.length,
      0,
    );
    assert.equal(
      (await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?until=${future}`)).body.comments.length,
      3,
    );
    const page1 = await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?limit=2`);
    assert.equal(page1.body.comments.length, 2);
    const page2 = await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?limit=2&cursor=${page1.body.nextCursor}`);
    assert.deepEqual(
      page2.body.comments.map((c: { id: string }) => c.id),
      [rejected],
    );
    assert.equal(page2.body.nextCursor, null);
    // Another site sees none of them.
    assert.equal(
      (await as(other.apiKey).get(`/api/v1/sites/${other.siteId}/comments`)).body.comments.some(
        (c: { id: string }) => c.id === ok,
      ),
      false,
    );
    for (const q of [
      'status=queued',
      'since=yesterday',
      'cursor=1',
      'limit=0',
      'postId=%2F',
      'since=0000-01-01T00:00:00Z',
      'until=%2B275760-09-13T00:00:00Z',
      'status=approved&status=pending',
    ]) {
      const bad = doc.check(await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?${q}`));
      assert.equal(bad.status, 400, q);
    }
  });
});

/** A site of its own with one approved comment by a reader, stored now as the worker stores it, with `decision`. */
async function siteWithStored(o: {
  reader: string;
  body: string;
  id?: string;
  decision?: Partial<Parameters<typeof insertDecidedComment>[2]>;
}): Promise<{ s: BuiltSite; id: string }> {
  const s = await buildSite(env.db);
  const postId = await buildPost(env.db, s.siteId);
  const reader = await signInReader(api.app, s, { name: o.reader });
  const id = o.id ?? newId();
  await insertDecidedComment(
    env.db,
    { id, siteId: s.siteId, postId, authorId: reader.user.id, parentId: null, body: o.body, createdAt: new Date() },
    { status: 'approved', reasons: [], scores: {}, scoredBy: [], settingsVersion: 1, ...o.decision },
  );
  return { s, id };
}

describe('comments for publishers, as the adapter scored them', () => {
  it("when a comment's TOXICITY came from the site's adapter, then the listing says so in its documented shape", async () => {
    const scoredBy = [{ provider: 'embedded', model: 'toxicity-lr-v8', latencyMs: 1, adapter: true }];
    const { s } = await siteWithStored({
      reader: 'Ida',
      body: 'Scored with the adapter.',
      decision: { scores: { TOXICITY: 0.12 }, scoredBy },
    });
    const listed = doc.check(await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments`));
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.comments[0].decision.scoredBy, scoredBy);
  });
});

describe('comments for publishers, polled since a moment', () => {
  it('when a comment sent again with its Idempotency-Key hours later is stored now under its first id, then a poll since a minute ago lists it', async () => {
    // The id minted at the first try, two hours ago; stored at the retry, now.
    const { s, id } = await siteWithStored({
      reader: 'Rhea Retry',
      body: 'Sent twice.',
      id: uuidV7Floor(Date.now() - 2 * 3_600_000).replace(/-000000000000$/, '-00000000beef'),
    });
    const since = new Date(Date.now() - 60_000).toISOString();
    const listed = await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments?since=${since}`).expect(200);
    assert.deepEqual(
      listed.body.comments.map((c: { id: string }) => c.id),
      [id],
    );
  });
});

describe("readers' data rights", () => {
  it('when a reader downloads their data, then profile and every comment (any status) come as JSON, and the request is logged', async () => {
    const s = await buildSite(env.db);
    const postId = await buildPost(env.db, s.siteId);
    const reader = await signInReader(api.app, s, { name: 'Grace' });
    const a = await comment(reader.accessToken, postId, 'Mine, visible.', s.siteId);
    const b = await comment(reader.accessToken, postId, 'Mine, HOLDME.', s.siteId);
    await stored(a);
    await stored(b);
    const res = doc.check(await as(reader.accessToken).get('/api/v1/me/export'));
    assert.equal(res.status, 200);
    assert.equal(res.body.profile.displayName, 'Grace');
    assert.equal(res.body.profile.signIn, 'sso');
    assert.deepEqual(
      res.body.comments.map((c: { id: string; status: string }) => [c.id, c.status]),
      [
        [a, 'approved'],
        [b, 'pending'],
      ],
    );
    const log = await env.db.query(`SELECT kind, requested_by FROM data_requests WHERE user_id = $1`, [reader.user.id]);
    assert.deepEqual(log.rows, [{ kind: 'export', requested_by: reader.user.id }]);
    assert.equal(doc.check(await as(s.apiKey).get('/api/v1/me/export')).status, 401);
    // Downloads are counted per reader (RATE_LIMIT_DATA_EXPORT, 5 an hour): the sixth waits, and is not logged.
    for (let i = 0; i < 4; i++) assert.equal((await as(reader.accessToken).get('/api/v1/me/export')).status, 200);
    const sixth = doc.check(await as(reader.accessToken).get('/api/v1/me/export'));
    assert.equal(sixth.status, 429);
    assert.equal(sixth.body.error.code, 'rate_limited');
    assert.ok(Number(sixth.headers['retry-after']) > 0);
    const logged = await env.db.query(`SELECT 1 FROM data_requests WHERE user_id = $1`, [reader.user.id]);
    assert.equal(logged.rowCount, 5);
  });

  it('when a reader downloads their data, then their earlier texts, reactions, mutes, notifications and email choice are in it', async () => {
    const s = await buildSite(env.db);
    const postId = await buildPost(env.db, s.siteId);
    const reader = await signInReader(api.app, s, { name: 'Ida' });
    const hal = await signInReader(api.app, s, { name: 'Hal' });
    const mine = await comment(reader.accessToken, postId, 'The bridge opens in May.', s.siteId);
    const his = await comment(hal.accessToken, postId, 'The ferry stays.', s.siteId);
    await stored(mine);
    await stored(his);
    await editApplied(reader.accessToken, mine, 'The bridge opens in June.');
    assert.equal(
      (await as(reader.accessToken).put(`/api/v1/comments/${his}/reaction`, { kind: 'respect' })).status,
      200,
    );
    assert.equal((await as(reader.accessToken).put(`/api/v1/sites/${s.siteId}/mutes/${hal.user.id}`)).status, 200);
    const reply = (
      await as(hal.accessToken).post(`/api/v1/sites/${s.siteId}/posts/${postId}/comments`, {
        body: 'June? I read May.',
        parentId: mine,
      })
    ).body.id as string;
    await stored(reply);
    const joy = await signInReader(api.app, s, { name: 'Joy' });
    const answer = (
      await as(joy.accessToken).post(`/api/v1/sites/${s.siteId}/posts/${postId}/comments`, {
        body: 'It was moved to June, yes.',
        parentId: mine,
      })
    ).body.id as string;
    await stored(answer);
    await waitFor(
      async () => (await env.db.query('SELECT 1 FROM notifications WHERE comment_id = $1', [answer])).rowCount === 1,
      { what: "the reply's notification" },
    );

    const res = doc.check(await as(reader.accessToken).get('/api/v1/me/export'));
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.revisions.map((v: { commentId: string; body: string; previousBody: string }) => [
        v.commentId,
        v.body,
        v.previousBody,
      ]),
      [[mine, 'The bridge opens in June.', 'The bridge opens in May.']],
    );
    assert.deepEqual(
      res.body.reactions.map((x: { commentId: string; kind: string }) => [x.commentId, x.kind]),
      [[his, 'respect']],
    );
    assert.deepEqual(
      res.body.mutes.map((m: { userId: string; name: string }) => [m.userId, m.name]),
      [[hal.user.id, 'Hal']],
    );
    assert.deepEqual(res.body.notificationSettings, { email: 'off' });
    // Joy's reply notified the reader; Hal's, whom they muted, did not.
    assert.deepEqual(
      res.body.notifications.map((n: { kind: string; commentId: string; readAt: string | null }) => [
        n.kind,
        n.commentId,
        n.readAt,
      ]),
      [['reply', answer, null]],
    );
    // Hal's export has none of Ida's data.
    const halData = doc.check(await as(hal.accessToken).get('/api/v1/me/export')).body;
    assert.deepEqual([halData.revisions, halData.reactions, halData.mutes], [[], [], []]);
  });

  it('when a reader deletes their account on an anonymizing site, then personal data is gone, comments stay as "Deleted user", and the token stops working', async () => {
    const s = await buildSite(env.db);
    const postId = await buildPost(env.db, s.siteId);
    const reader = await signInReader(api.app, s, { name: 'Erin', sub: 'erin-42' });
    // One they took back themselves first: the audit log names them as its actor.
    const deleted = await comment(reader.accessToken, postId, 'On second thoughts, no.', s.siteId);
    assert.equal(await stored(deleted), 'approved');
    assert.equal(doc.check(await as(reader.accessToken).delete(`/api/v1/comments/${deleted}`)).status, 204);
    const id = await comment(reader.accessToken, postId, 'Keep my words.', s.siteId);
    assert.equal(await stored(id), 'approved');
    const before = await request(api.app).get(`/api/v1/sites/${s.siteId}/posts/${postId}/comments`);
    assert.equal(before.body.comments[0].author.name, 'Erin');
    // An edit still waiting for the worker, as the API stores one.
    const editId = await waitingEdit(env.db, { siteId: s.siteId, commentId: id, body: 'Changed my mind.' });
    const res = doc.check(await as(reader.accessToken).delete('/api/v1/me'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { erased: true, mode: 'anonymize', comments: 2 });
    const row = (
      await env.db.query('SELECT display_name, email, external_id, deleted_at FROM users WHERE id = $1', [
        reader.user.id,
      ])
    ).rows[0];
    assert.equal(row.display_name, 'Deleted user');
    assert.equal(row.external_id, null);
    assert.ok(row.deleted_at);
    const audit = await env.db.query('SELECT action, actor_name FROM audit_log WHERE actor_id = $1', [reader.user.id]);
    assert.deepEqual(audit.rows, [{ action: 'comment.delete_own', actor_name: 'Deleted user' }]);
    const thread = await waitFor(async () => {
      const t = await request(api.app).get(`/api/v1/sites/${s.siteId}/posts/${postId}/comments`);
      return t.body.comments[0]?.author.name === 'Deleted user' ? t : null;
    });
    assert.equal(thread.body.comments[0].body, 'Keep my words.');
    assert.equal(thread.body.total, 1);
    // The waiting edit is dropped with its text: it will never change the kept comment.
    const edit = (await env.db.query('SELECT body, discarded_at FROM comment_revisions WHERE id = $1', [editId]))
      .rows[0];
    assert.equal(edit.body, '');
    assert.ok(edit.discarded_at);
    assert.equal(
      (await env.db.query('SELECT pending_edit_id FROM comments WHERE id = $1', [id])).rows[0].pending_edit_id,
      null,
    );
    const again = await as(reader.accessToken).post(`/api/v1/sites/${s.siteId}/posts/${postId}/comments`, {
      body: 'Still here?',
    });
    // The erased account's tokens are refused by the bearer check itself.
    assert.equal(again.status, 401);
    assert.equal(again.body.error.code, 'unauthorized');
    assert.equal(doc.check(await as(reader.accessToken).get('/api/v1/me/export')).status, 401);
    // Signing in again through SSO makes a new, empty account.
    const back = await signInReader(api.app, s, { name: 'Erin', sub: 'erin-42' });
    assert.notEqual(back.user.id, reader.user.id);
    const log = await env.db.query(`SELECT kind, detail FROM data_requests WHERE user_id = $1`, [reader.user.id]);
    assert.deepEqual(log.rows, [{ kind: 'erase', detail: { mode: 'anonymize', comments: 2 } }]);
  });

  it('when an author deletes a comment, or erases their account on a removing site, then the text its reasons matched goes too', async () => {
    const s = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"onAccountDeleted": "remove"}' WHERE id = $1`, [s.siteId]);
    const postId = await buildPost(env.db, s.siteId);
    const author = await signInReader(api.app, s, { name: 'Jane' });
    const matched = (text: string) => [
      { rule: 'links', detail: 'contains a link', span: { start: 10, end: 10 + text.length, text } },
    ];
    const deleted = await storeComment(env.db, {
      siteId: s.siteId,
      postId,
      authorId: author.user.id,
      status: 'pending',
      body: 'See here: https://jane-doe-home.example/about',
      reasons: matched('https://jane-doe-home.example/about'),
    });
    const erased = await storeComment(env.db, {
      siteId: s.siteId,
      postId,
      authorId: author.user.id,
      status: 'rejected',
      body: 'Mail me: https://jane-doe-home.example/contact',
      reasons: matched('https://jane-doe-home.example/contact'),
    });
    assert.equal((await as(author.accessToken).delete(`/api/v1/comments/${deleted}`)).status, 204);
    assert.equal((await as(author.accessToken).delete('/api/v1/me')).status, 200);
    const rows = await env.db.query<{ body: string; reasons: unknown }>(
      'SELECT body, reasons FROM comments WHERE id = ANY($1)',
      [[deleted, erased]],
    );
    assert.equal(rows.rowCount, 2);
    for (const r of rows.rows) {
      assert.equal(r.body, '');
      assert.doesNotMatch(JSON.stringify(r.reasons), /jane-doe-home/);
      assert.match(JSON.stringify(r.reasons), /"rule":"links"/, 'the rule that matched stays');
    }
  });

  it('when an admin deletes a reader on a removing site, then their comments disappear with counters kept true', async () => {
    const s = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"onAccountDeleted": "remove"}' WHERE id = $1`, [s.siteId]);
    const siteAdmin = await signInAs(api.app, env.db, s, 'admin');
    const postId = await buildPost(env.db, s.siteId);
    const leaving = await signInReader(api.app, s, { name: 'Leaving' });
    const staying = await signInReader(api.app, s, { name: 'Staying' });
    const top = await comment(leaving.accessToken, postId, 'My top comment.', s.siteId);
    assert.equal(await stored(top), 'approved');
    const reply = (
      await as(staying.accessToken).post(`/api/v1/sites/${s.siteId}/posts/${postId}/comments`, {
        body: 'A reply.',
        parentId: top,
      })
    ).body.id;
    const own = (
      await as(leaving.accessToken).post(`/api/v1/sites/${s.siteId}/posts/${postId}/comments`, {
        body: 'Replying to myself.',
        parentId: top,
      })
    ).body.id;
    const keep = await comment(staying.accessToken, postId, 'Unrelated.', s.siteId);
    await stored(reply);
    await stored(own);
    await stored(keep);
    // An applied edit (its earlier text kept), a waiting one, and a reaction to another reader's comment.
    await editApplied(leaving.accessToken, top, 'My top comment, v2.');
    assert.equal(
      (await as(leaving.accessToken).put(`/api/v1/comments/${keep}/reaction`, { kind: 'respect' })).status,
      200,
    );
    const exported = doc.check(
      await as(siteAdmin.accessToken).get(`/api/v1/sites/${s.siteId}/readers/${leaving.user.id}/data`),
    );
    assert.equal(exported.body.comments.length, 2);
    assert.equal(
      doc.check(await as(leaving.accessToken).get(`/api/v1/sites/${s.siteId}/readers/${leaving.user.id}/data`)).status,
      403,
    );
    // A comment they deleted themselves left the counters then: erasing does not take it off them again.
    const deletedEarlier = await comment(leaving.accessToken, postId, 'A comment I took back.', s.siteId);
    assert.equal(await stored(deletedEarlier), 'approved');
    assert.equal((await as(leaving.accessToken).delete(`/api/v1/comments/${deletedEarlier}`)).status, 204);
    const res = doc.check(
      await as(siteAdmin.accessToken).delete(`/api/v1/sites/${s.siteId}/readers/${leaving.user.id}/data`),
    );
    assert.deepEqual(res.body, { erased: true, mode: 'remove', comments: 3 });
    const rows = (
      await env.db.query('SELECT id, status, body, reply_count FROM comments WHERE site_id = $1 ORDER BY id', [
        s.siteId,
      ])
    ).rows;
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.equal(byId.get(top).status, 'rejected');
    assert.equal(byId.get(top).body, '');
    assert.equal(byId.get(own).status, 'rejected');
    assert.equal(byId.get(top).reply_count, 1, "only the other reader's reply is still counted under it");
    assert.equal(byId.get(keep).status, 'approved');
    // Their earlier texts and their reaction went too, the reaction's count with it.
    assert.equal(
      (await env.db.query('SELECT 1 FROM comment_revisions WHERE comment_id = ANY($1::uuid[])', [[top, own]])).rowCount,
      0,
    );
    assert.equal(
      (await env.db.query('SELECT 1 FROM comment_reactions WHERE user_id = $1', [leaving.user.id])).rowCount,
      0,
    );
    assert.equal(
      (await env.db.query('SELECT reaction_count FROM comments WHERE id = $1', [keep])).rows[0].reaction_count,
      0,
    );
    const post = (
      await env.db.query('SELECT comment_count FROM posts WHERE site_id = $1 AND id = $2', [s.siteId, postId])
    ).rows[0];
    assert.equal(post.comment_count, 2);
    const log = await env.db.query(
      `SELECT kind, requested_by FROM data_requests WHERE user_id = $1 ORDER BY created_at`,
      [leaving.user.id],
    );
    assert.deepEqual(log.rows, [
      { kind: 'export', requested_by: siteAdmin.user.id },
      { kind: 'erase', requested_by: siteAdmin.user.id },
    ]);
    assert.equal(
      doc.check(await as(siteAdmin.accessToken).delete(`/api/v1/sites/${s.siteId}/readers/${leaving.user.id}/data`))
        .status,
      404,
    );
  });
});

describe("hostile input on the publishers' routes", () => {
  it('when query strings, cursors and bodies are random, then the answer is never a 5xx', async () => {
    const s = await buildSite(env.db);
    const siteAdmin = await signInAs(api.app, env.db, s, 'admin');
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('', '0', '-1', '1e309', 'null', '%00', '2020-13-45T99:99:99Z'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { postId: text, status: text, since: text, until: text, cursor: text, limit: text },
          { requiredKeys: [] },
        ),
        async (q) => {
          const res = await as(s.apiKey).get(`/api/v1/sites/${s.siteId}/comments`).query(q);
          assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(q)}`);
          const posts = await as(s.apiKey)
            .get(`/api/v1/sites/${s.siteId}/posts`)
            .query({ cursor: q.cursor ?? '', limit: q.limit ?? '' });
          assert.ok(posts.status < 500, `${posts.status} for posts ${JSON.stringify(q)}`);
        },
      ),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), async (label, scopes) => {
        const res = await as(siteAdmin.accessToken).post(`/api/v1/sites/${s.siteId}/api-keys`, {
          label,
          scopes,
        } as object);
        assert.ok(res.status < 500, `${res.status} for ${JSON.stringify({ label, scopes })}`);
        const hook = await as(s.apiKey).post(`/api/v1/sites/${s.siteId}/webhooks`, {
          url: label,
          events: scopes,
        } as object);
        assert.ok(hook.status < 500, `${hook.status} for webhook ${JSON.stringify({ label, scopes })}`);
      }),
      { numRuns: 150 },
    );
  });
});
