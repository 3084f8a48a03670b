import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, establishReader, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import { getThread } from '../support/comment-flow.js';
import type { ThreadPage } from '#api/comments/thread.js';
import { RECENT_COUNT_CAP } from '#shared/db/moderation-queues.js';
import { newId } from '#shared/ids.js';

/**
 * The moderators' API against the real app, Postgres and Redis: queues, counts, decisions
 * (single, bulk, concurrent), reader reports and the audit log.
 */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let mod: SignedIn;
let mod2: SignedIn;
let author: { accessToken: string; user: { id: string; name: string } };

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
  mod2 = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Max Moderator');
  author = await signInReader(api.app, site, { name: 'Ada Author' });
});
after(async () => {
  await api?.close();
  await env?.close();
});

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const base = () => `/api/v1/sites/${site.siteId}`;
const counts = async () => {
  const res = await request(api.app).get(`${base()}/moderation/counts`).set(as(mod)).expect(200);
  assert.deepEqual(res.body.capped, []);
  return res.body.counts;
};
const queue = (name: string, query: Record<string, string | number> = {}) =>
  request(api.app).get(`${base()}/moderation/queues/${name}`).query(query).set(as(mod));
const act = (id: string, action: string, who: SignedIn = mod, reason?: string) =>
  request(api.app)
    .post(`/api/v1/comments/${id}/moderation`)
    .set(as(who))
    .send(reason ? { action, reason } : { action });
const store = (postId: string, o: Parameters<typeof storeComment>[1] extends infer T ? Partial<T> : never = {}) =>
  storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id, ...o });
const rawThread = async (postId: string): Promise<ThreadPage> =>
  JSON.parse(
    (await request(api.app).get(`${base()}/posts/${postId}/comments`).query({ limit: 100 }).expect(200)).text,
  ) as ThreadPage;
const postCount = async (postId: string) =>
  (
    await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
      site.siteId,
      postId,
    ])
  ).rows[0]!.n;

const toxic = {
  rule: 'toxicity',
  detail: 'TOXICITY 0.91 ≥ hold 0.8',
  score: 0.91,
  attribute: 'TOXICITY',
  span: { start: 4, end: 9, text: 'idiot' },
};

describe('queues and counts', () => {
  it('when comments are held, then the pending queue lists them oldest first with author, post, parent, reasons and spans, and pages by cursor', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const parent = await store(postId, { body: 'The parent comment, approved and visible.' });
    const held = [];
    for (let i = 0; i < 3; i++)
      held.push(
        await store(postId, {
          status: 'pending',
          parentId: i === 0 ? parent : null,
          body: `You idiot number ${'x'.repeat(i)}`,
          reasons: [toxic],
          scores: { TOXICITY: 0.91 },
        }),
      );

    const first = await queue('pending', { postId, limit: 2 }).expect(200);
    assert.deepEqual(
      first.body.items.map((i: { id: string }) => i.id),
      held.slice(0, 2),
    );
    const item = first.body.items[0];
    assert.equal(item.status, 'pending');
    assert.equal(item.body, 'You idiot number ');
    assert.equal(item.bodyHtml, '<p>You idiot number</p>');
    assert.deepEqual(item.reasons, [toxic]);
    assert.deepEqual(item.scores, { TOXICITY: 0.91 });
    assert.equal(item.author.id, author.user.id);
    assert.equal(item.author.name, 'Ada Author');
    assert.equal(item.author.status, 'active');
    assert.match(item.author.joinedAt, /^\d{4}-/);
    assert.equal(typeof item.author.approvedCount, 'number');
    assert.equal(item.post.id, postId);
    assert.equal(item.post.title, `Post ${postId}`);
    assert.equal(item.post.url, `http://localhost:8080/${postId}`);
    assert.deepEqual(item.parent, {
      id: parent,
      authorName: 'Ada Author',
      excerpt: 'The parent comment, approved and visible.',
      status: 'approved',
      severe: false,
    });
    assert.deepEqual(item.reports, []);
    assert.equal(first.body.items[1].parent, null);
    assert.ok(first.body.nextCursor);

    const second = await queue('pending', { postId, limit: 2, cursor: first.body.nextCursor }).expect(200);
    assert.deepEqual(
      second.body.items.map((i: { id: string }) => i.id),
      [held[2]],
    );
    assert.equal(second.body.nextCursor, null);
  });

  it('when filtering by reason, then only comments with that rule are listed', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const linked = await store(postId, {
      status: 'pending',
      reasons: [{ rule: 'links', detail: 'a link from a new reader' }],
    });
    await store(postId, { status: 'pending', reasons: [toxic] });
    const res = await queue('pending', { postId, reason: 'links' }).expect(200);
    assert.deepEqual(
      res.body.items.map((i: { id: string }) => i.id),
      [linked],
    );
  });

  it('when decisions are made, then counts are exact and rejected and approved list newest first', async () => {
    const before = await counts();
    const postId = await buildPost(env.db, site.siteId);
    const a = await store(postId, { status: 'pending' });
    const b = await store(postId, { status: 'pending' });
    assert.deepEqual(await counts(), { ...before, pending: before.pending + 2 });
    await act(a, 'approve').expect(200);
    await act(b, 'reject').expect(200);
    assert.deepEqual(await counts(), { ...before, approved: before.approved + 1, rejected: before.rejected + 1 });
    const rejected = await queue('rejected', { postId }).expect(200);
    assert.deepEqual(
      rejected.body.items.map((i: { id: string }) => i.id),
      [b],
    );
    const c = await store(postId);
    const approved = await queue('approved', { postId }).expect(200);
    assert.deepEqual(
      approved.body.items.map((i: { id: string }) => i.id),
      [c, a],
    );
  });

  it('when a site rejected more than the cap recently, then that count stops at the cap and is marked as a lower bound', async () => {
    const busy = await buildSite(env.db);
    const busyMod = await buildStaff(env.db, api.app, busy.siteId, 'moderator');
    const postId = await buildPost(env.db, busy.siteId);
    const ids = Array.from({ length: RECENT_COUNT_CAP + 5 }, () => newId());
    await env.db.query(
      `INSERT INTO comments (id, site_id, post_id, author_id, root_id, body, status, created_at)
       SELECT id, $1, $2, $3, id, 'rejected in bulk', 'rejected', now() FROM unnest($4::uuid[]) id`,
      [busy.siteId, postId, busyMod.user.id, ids],
    );
    await storeComment(env.db, { siteId: busy.siteId, postId, authorId: busyMod.user.id, status: 'pending' });
    const res = await request(api.app)
      .get(`/api/v1/sites/${busy.siteId}/moderation/counts`)
      .set(as(busyMod))
      .expect(200);
    assert.deepEqual(res.body, {
      counts: { pending: 1, reported: 0, rejected: RECENT_COUNT_CAP, approved: 0, review: 0 },
      capped: ['rejected'],
    });
  });

  it('when the query is malformed, then 400 validation_failed', async () => {
    await queue('everything').expect(400);
    const res = await queue('pending', { cursor: 'not-a-cursor' }).expect(400);
    assert.equal(res.body.error.code, 'validation_failed');
    await queue('pending', { limit: 0 }).expect(400);
    await queue('pending', { reason: 'DROP TABLE' }).expect(400);
  });
});

describe('decisions on comments', () => {
  it('when a held comment is approved, then it is in the public thread at once, counted, and audited with before and after', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await store(postId, { status: 'pending', reasons: [toxic] });
    assert.deepEqual((await getThread(api.app, site.siteId, postId)).comments, []); // now cached
    const res = await act(id, 'approve', mod, 'fair criticism').expect(200);
    assert.deepEqual(res.body.comment, { id, status: 'approved', previousStatus: 'pending' });
    await waitFor(async () => (await getThread(api.app, site.siteId, postId)).comments.some((c) => c.id === id), {
      timeoutMs: 3000,
      what: 'approved comment in thread',
    });
    assert.equal(await postCount(postId), 1);
    const audit = await request(api.app).get(`${base()}/audit`).query({ comment: id }).set(as(mod)).expect(200);
    assert.equal(audit.body.entries.length, 1);
    const e = audit.body.entries[0];
    assert.equal(e.action, 'comment.approve');
    assert.deepEqual(e.actor, { id: mod.user.id, name: 'Mona Moderator' });
    assert.deepEqual(
      [e.before, e.after, e.reason, e.readerId],
      [{ status: 'pending', decidedAt: e.before.decidedAt }, { status: 'approved' }, 'fair criticism', author.user.id],
    );
    // The decision time it replaced, kept so an undo restores it exactly.
    assert.match(e.before.decidedAt, /^\d{4}-\d{2}-\d{2} /);
    assert.match(e.createdAt, /^\d{4}-/);
  });

  it('when a visible comment with replies is rejected, then it leaves the thread and its replies stay under a "removed" placeholder without author or body', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const top = await store(postId, { body: 'Top-level comment that will be removed.' });
    const reply = await store(postId, { parentId: top, body: 'A reply that stays readable.' });
    const lone = await store(postId, { body: 'A comment without replies that will be removed.' });
    await rawThread(postId);
    await act(top, 'reject').expect(200);
    await act(lone, 'reject').expect(200);
    const thread = await waitFor(
      async () => {
        const t = await rawThread(postId);
        return t.comments.some((c) => c.id === lone) ? null : t;
      },
      { timeoutMs: 3000, what: 'the thread without the rejected comments' },
    );
    assert.equal(thread.total, 1);
    assert.deepEqual(
      thread.comments.map((c) => c.id),
      [top],
    );
    const placeholder = thread.comments[0]!;
    assert.equal('removed' in placeholder && placeholder.removed, true);
    assert.equal('body' in placeholder, false);
    assert.equal('author' in placeholder, false);
    assert.ok(!JSON.stringify(thread).includes('Top-level comment that will be removed'));
    assert.deepEqual(
      placeholder.replies.map((r) => r.id),
      [reply],
    );
    const replyNode = placeholder.replies[0]!;
    assert.ok(!('removed' in replyNode) && replyNode.body === 'A reply that stays readable.');

    const more = await request(api.app).get(`${base()}/posts/${postId}/comments/${top}/replies`).expect(200);
    assert.deepEqual(
      more.body.comments.map((c: { id: string }) => c.id),
      [reply],
    );
  });

  it('when two moderators act on one comment at once, then the last write wins, both are logged and counters stay true', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await store(postId, { status: 'pending' });
    const [x, y] = await Promise.all([act(id, 'approve', mod), act(id, 'reject', mod2)]);
    assert.equal(x.status, 200);
    assert.equal(y.status, 200);
    const audit = (await request(api.app).get(`${base()}/audit`).query({ comment: id }).set(as(mod)).expect(200)).body
      .entries;
    assert.equal(audit.length, 2);
    const [latest] = audit; // newest first
    const stored = (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!
      .status;
    assert.equal(stored, latest.after.status, 'the stored status is the one of the last action logged');
    assert.equal(audit[1].after.status, latest.before.status, "the second action saw the first one's result");
    assert.equal(await postCount(postId), stored === 'approved' ? 1 : 0);
    // Repeating the same decision many times never moves the counters twice.
    await Promise.all(Array.from({ length: 6 }, (_, i) => act(id, i % 2 ? 'reject' : 'approve', i % 3 ? mod : mod2)));
    const final = (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!
      .status;
    assert.equal(await postCount(postId), final === 'approved' ? 1 : 0);
  });

  it('when a comment is unknown or of another site, then 404 comment_not_found', async () => {
    const other = await buildSite(env.db);
    const otherPost = await buildPost(env.db, other.siteId);
    const otherReader = await signInReader(api.app, other);
    const foreign = await storeComment(env.db, {
      siteId: other.siteId,
      postId: otherPost,
      authorId: otherReader.user.id,
      status: 'pending',
    });
    const res = await act(foreign, 'approve').expect(404);
    assert.equal(res.body.error.code, 'comment_not_found');
    await act('0190a000-0000-7000-8000-00000000dead', 'approve').expect(404);
    const status = (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [foreign]))
      .rows[0]!.status;
    assert.equal(status, 'pending');
  });

  it('when the action is not approve or reject, then 400', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await store(postId, { status: 'pending' });
    assert.equal((await act(id, 'delete').expect(400)).body.error.code, 'validation_failed');
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(as(mod))
      .send({ action: 'approve', reason: 'x'.repeat(501) })
      .expect(400);
  });

  it('when acting in bulk, then each id gets its own result and one bad id does not undo the others', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const a = await store(postId, { status: 'pending' });
    const b = await store(postId, { status: 'pending' });
    const missing = '0190a000-0000-7000-8000-00000000beef';
    const res = await request(api.app)
      .post(`${base()}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [a, missing, b], action: 'approve' })
      .expect(200);
    assert.deepEqual(res.body.results, [
      { id: a, ok: true, status: 'approved', previousStatus: 'pending' },
      { id: missing, ok: false, error: { code: 'comment_not_found', message: 'comment not found' } },
      { id: b, ok: true, status: 'approved', previousStatus: 'pending' },
    ]);
    assert.equal(await postCount(postId), 2);
    await request(api.app)
      .post(`${base()}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [a, a], action: 'approve' })
      .expect(400);
    await request(api.app)
      .post(`${base()}/moderation/bulk`)
      .set(as(mod))
      .send({ ids: [], action: 'approve' })
      .expect(400);
  });

  it('when a moderator decides a comment another has decided since they saw it (`from`), then 409 changed and the other decision stands', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await store(postId, { status: 'pending' });
    await act(id, 'reject', mod2).expect(200);
    const stale = await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(as(mod))
      .send({ action: 'approve', from: 'pending' })
      .expect(409);
    assert.equal(stale.body.error.code, 'changed');
    assert.equal((await env.db.query('SELECT status FROM comments WHERE id = $1', [id])).rows[0].status, 'rejected');
    // Seen as it is now, the decision is taken.
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(as(mod))
      .send({ action: 'approve', from: 'rejected' })
      .expect(200);
    assert.equal(await postCount(postId), 1);
  });

  it('when one comment of a bulk action fails on the server, then the others are decided and the answer says which failed', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const [a, b, c] = [
      await store(postId, { status: 'pending' }),
      await store(postId, { status: 'pending' }),
      await store(postId, { status: 'pending' }),
    ];
    // The database refuses to change the middle one (as a deadlock or a lost connection would).
    await env.db.query(`CREATE FUNCTION refuse_one_comment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = '${b}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`);
    await env.db.query(`CREATE TRIGGER refuse_one_comment BEFORE UPDATE ON comments
      FOR EACH ROW EXECUTE FUNCTION refuse_one_comment()`);
    let res: request.Response;
    try {
      res = await request(api.app)
        .post(`${base()}/moderation/bulk`)
        .set(as(mod))
        .send({ ids: [a, b, c], action: 'approve', from: 'pending' });
    } finally {
      await env.db.query('DROP TRIGGER refuse_one_comment ON comments');
      await env.db.query('DROP FUNCTION refuse_one_comment()');
    }
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r: { id: string; ok: boolean; error?: { code: string } }) => [r.id, r.ok, r.error?.code]),
      [
        [a, true, undefined],
        [b, false, 'internal'],
        [c, true, undefined],
      ],
    );
    const statuses = await env.db.query('SELECT id, status FROM comments WHERE id = ANY($1)', [[a, b, c]]);
    assert.deepEqual(Object.fromEntries(statuses.rows.map((r) => [r.id, r.status])), {
      [a]: 'approved',
      [b]: 'pending',
      [c]: 'approved',
    });
  });
  it('when the database goes away during a bulk action, then the comments not yet decided are answered unavailable and left as they are', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const [a, b, c] = [
      await store(postId, { status: 'pending' }),
      await store(postId, { status: 'pending' }),
      await store(postId, { status: 'pending' }),
    ];
    // The second decision meets a lost connection (SQLSTATE 08006), as when Postgres goes away.
    await env.db.query(`CREATE FUNCTION lose_connection() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = '${b}' THEN RAISE EXCEPTION 'connection lost' USING ERRCODE = '08006'; END IF; RETURN NEW; END $$`);
    await env.db.query(`CREATE TRIGGER lose_connection BEFORE UPDATE ON comments
      FOR EACH ROW EXECUTE FUNCTION lose_connection()`);
    let res: request.Response;
    try {
      res = await request(api.app)
        .post(`${base()}/moderation/bulk`)
        .set(as(mod))
        .send({ ids: [a, b, c], action: 'reject', from: 'pending' });
    } finally {
      await env.db.query('DROP TRIGGER lose_connection ON comments');
      await env.db.query('DROP FUNCTION lose_connection()');
    }
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r: { id: string; ok: boolean; error?: { code: string } }) => [r.id, r.ok, r.error?.code]),
      [
        [a, true, undefined],
        [b, false, 'unavailable'],
        [c, false, 'unavailable'],
      ],
    );
    const statuses = await env.db.query('SELECT id, status FROM comments WHERE id = ANY($1)', [[a, b, c]]);
    assert.deepEqual(Object.fromEntries(statuses.rows.map((r) => [r.id, r.status])), {
      [a]: 'rejected',
      [b]: 'pending',
      [c]: 'pending',
    });
  });
});

describe('reader reports', () => {
  it('when readers report a comment, then repeats are 409, own comments 400, and at the threshold it is held with reason reports', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await store(postId, { body: 'A comment some readers dislike.' });
    const report = (who: { accessToken: string }, reason = 'abuse') =>
      request(api.app).post(`/api/v1/comments/${id}/reports`).set(as(who)).send({ reason, note: 'rude' });

    assert.equal((await report(author).expect(400)).body.error.code, 'own_comment');
    const r1 = await signInReader(api.app, site);
    const r2 = await signInReader(api.app, site);
    const r3 = await signInReader(api.app, site);
    for (const r of [r1, r2, r3]) await establishReader(env.db, r.user.id);
    assert.deepEqual((await report(r1).expect(201)).body, { report: { commentId: id, reason: 'abuse' } });
    assert.equal((await report(r1, 'spam').expect(409)).body.error.code, 'already_reported');
    await report(r2, 'spam').expect(201);

    const reported = await queue('reported', { postId }).expect(200);
    assert.deepEqual(
      reported.body.items.map((i: { id: string }) => i.id),
      [id],
    );
    assert.equal(reported.body.items[0].openReports, 2);
    assert.deepEqual(
      reported.body.items[0].reports.map((r: { reason: string; note: string }) => [r.reason, r.note]),
      [
        ['abuse', 'rude'],
        ['spam', 'rude'],
      ],
    );
    await rawThread(postId);

    await report(r3).expect(201);
    const held = (await queue('pending', { postId }).expect(200)).body.items;
    assert.deepEqual(
      held.map((i: { id: string }) => i.id),
      [id],
    );
    const last = held[0].reasons.at(-1);
    assert.equal(last.rule, 'reports');
    assert.match(last.detail, /reported by 3 readers \(abuse ×2, spam ×1\)/);
    assert.deepEqual((await queue('reported', { postId }).expect(200)).body.items, []);
    await waitFor(async () => (await rawThread(postId)).comments.length === 0, {
      timeoutMs: 3000,
      what: 'the held comment to leave the thread',
    });
    assert.equal(await postCount(postId), 0);

    // Hidden now: readers cannot report it any more.
    const r4 = await signInReader(api.app, site);
    await report(r4).expect(404);
    // A moderator approves it: it is back, and its reports are closed.
    await act(id, 'approve').expect(200);
    assert.deepEqual((await queue('reported', { postId }).expect(200)).body.items, []);
    assert.equal(await postCount(postId), 1);
  });

  it('when a report is malformed or anonymous, then 400 or 401', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await store(postId);
    const r = await signInReader(api.app, site);
    await request(api.app).post(`/api/v1/comments/${id}/reports`).set(as(r)).send({ reason: 'boring' }).expect(400);
    await request(api.app).post(`/api/v1/comments/${id}/reports`).send({ reason: 'spam' }).expect(401);
    await request(api.app).post(`/api/v1/comments/not-an-id/reports`).set(as(r)).send({ reason: 'spam' }).expect(400);
  });

  it('when the site sets a threshold of 1, then the first report holds the comment', async () => {
    const admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
    await request(api.app).patch(`${base()}/settings`).set(as(admin)).send({ reportThreshold: 1 }).expect(200);
    try {
      const postId = await buildPost(env.db, site.siteId);
      const id = await store(postId);
      const r = await signInReader(api.app, site);
      await establishReader(env.db, r.user.id);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set(as(r))
        .send({ reason: 'off_topic' })
        .expect(201);
      const status = (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id]))
        .rows[0]!.status;
      assert.equal(status, 'pending');
      const audit = (await request(api.app).get(`${base()}/audit`).query({ comment: id }).set(as(mod)).expect(200)).body
        .entries;
      assert.deepEqual(
        audit.map((e: { action: string; actor: { id: string | null } }) => [e.action, e.actor.id]),
        [['comment.hold', null]],
      );
    } finally {
      await request(api.app).patch(`${base()}/settings`).set(as(admin)).send({ reportThreshold: null }).expect(200);
    }
  });
});

describe('audit log', () => {
  it('when listing with filters and a cursor, then only matching entries come, newest first, page by page', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const ids = [
      await store(postId, { status: 'pending' }),
      await store(postId, { status: 'pending' }),
      await store(postId, { status: 'pending' }),
    ];
    await act(ids[0]!, 'approve', mod2);
    await act(ids[1]!, 'reject', mod2);
    await act(ids[2]!, 'approve', mod2);
    const page1 = await request(api.app)
      .get(`${base()}/audit`)
      .query({ moderator: mod2.user.id, limit: 2 })
      .set(as(mod))
      .expect(200);
    const all = [...page1.body.entries];
    let cursor = page1.body.nextCursor;
    while (cursor) {
      const next = await request(api.app)
        .get(`${base()}/audit`)
        .query({ moderator: mod2.user.id, limit: 2, cursor })
        .set(as(mod))
        .expect(200);
      all.push(...next.body.entries);
      cursor = next.body.nextCursor;
    }
    assert.ok(all.every((e) => e.actor.id === mod2.user.id));
    const mine = all.filter((e) => ids.includes(e.commentId)).map((e) => e.commentId);
    assert.deepEqual(mine, [...ids].reverse());
    const byReader = await request(api.app)
      .get(`${base()}/audit`)
      .query({ reader: author.user.id, limit: 100 })
      .set(as(mod))
      .expect(200);
    assert.ok(
      byReader.body.entries.length >= 3 &&
        byReader.body.entries.every((e: { readerId: string }) => e.readerId === author.user.id),
    );
    await request(api.app).get(`${base()}/audit`).query({ moderator: 'bob' }).set(as(mod)).expect(400);
  });
});

describe('decision wording', () => {
  it('when a moderator approves and then rejects, then the comment\'s reasons read "approved by" and "rejected by" the moderator', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const id = await store(postId, { status: 'pending', body: 'A comment three moderators disagree about.' });
    const detailAfter = async (action: string, reason?: string) => {
      await act(id, action, mod, reason).expect(200);
      const row = await env.db.query<{ reasons: { rule: string; detail: string }[] }>(
        'SELECT reasons FROM comments WHERE id = $1',
        [id],
      );
      return row.rows[0]!.reasons.filter((r) => r.rule === 'moderator').at(-1)?.detail;
    };
    assert.equal(await detailAfter('approve'), 'approved by Mona Moderator');
    assert.equal(await detailAfter('reject', 'off topic'), 'rejected by Mona Moderator: off topic');
  });
});
