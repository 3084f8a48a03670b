import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWebhookWorker, startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { signInAs } from '../support/staff.js';
import { getThread, postComment, waitForDecision, waitForVisible, flatten } from '../support/comment-flow.js';
import { waitFor } from '../support/wait-for.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { failFirstWrite } from '../support/db-faults.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';
import type { Reason } from '#shared/domain.js';
import { commentJobId, commentJobOptions, type CommentJob } from '#shared/queues.js';
import { newId } from '#shared/ids.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { withTransaction } from '#shared/db/pool.js';

/** Site settings through the API, and the worker's rules applying them: real API, BullMQ, worker, Postgres, Redis. */

let env: TestEnv;
let api: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let site: BuiltSite;
let admin: { accessToken: string };

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
  admin = await signInAs(api.app, env.db, site, 'admin');
});

after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
});

const settingsUrl = (siteId = site.siteId) => `/api/v1/sites/${siteId}/settings`;
const patch = (body: unknown, token = admin.accessToken, headers: Record<string, string> = {}) =>
  request(api.app)
    .patch(settingsUrl())
    .set('Authorization', `Bearer ${token}`)
    .set(headers)
    .send(body as object);
const storedReasons = async (id: string) =>
  (await env.db.query<{ reasons: Reason[] }>('SELECT reasons FROM comments WHERE id = $1', [id])).rows[0]!.reasons;

describe('site settings API', () => {
  it('when a site admin reads the settings, then every field is there with its default and a version ETag', async () => {
    const res = await request(api.app).get(settingsUrl()).set('Authorization', `Bearer ${admin.accessToken}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.settings, DEFAULT_SETTINGS);
    assert.match(String(res.headers.etag), /^"settings-v\d+"$/);
  });

  it("when someone other than a site admin asks, then 401 for anonymous and 403 for a commenter, a moderator, another site's admin or an API key", async () => {
    const other = await buildSite(env.db);
    const otherAdmin = await signInAs(api.app, env.db, other, 'admin');
    const commenter = await signInReader(api.app, site);
    const moderator = await signInAs(api.app, env.db, site, 'moderator');
    assert.equal((await request(api.app).get(settingsUrl())).status, 401);
    for (const token of [commenter.accessToken, moderator.accessToken, otherAdmin.accessToken, site.apiKey]) {
      const get = await request(api.app).get(settingsUrl()).set('Authorization', `Bearer ${token}`);
      assert.equal(get.status, 403, JSON.stringify(get.body));
      assert.equal((await patch({ premod: 'all' }, token)).status, 403);
    }
  });

  it('when a PATCH is invalid, then 400 names the field and nothing changes', async () => {
    const before = (await request(api.app).get(settingsUrl()).set('Authorization', `Bearer ${admin.accessToken}`)).body;
    const cases: [unknown, string][] = [
      [{ thresholds: { hold: { TOXICITY: 2 } } }, 'thresholds.hold.TOXICITY'],
      [{ thresholds: { hold: { CUTENESS: 0.5 } } }, 'thresholds.hold.CUTENESS'],
      [{ scorers: ['embedded', 'nope'] }, 'scorers.1'],
      [{ scorers: [] }, 'scorers'],
      [{ onScorerUnavailable: 'approve' }, 'onScorerUnavailable'],
      [{ premod: 'sometimes' }, 'premod'],
      [{ links: { denyDomains: ['not a domain'] } }, 'links.denyDomains.0'],
      [{ bannedWords: ['<script>'] }, 'bannedWords.0'],
      [{ coordinated: { similarity: 0.1 } }, 'coordinated.similarity'],
      [{ reportThreshold: 0 }, 'reportThreshold'],
      [{ favouriteColour: 'blue' }, 'favouriteColour'],
      [['premod', 'all'], ''],
    ];
    for (const [body, field] of cases) {
      const res = await patch(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(
        res.body.error.details.some((d: { path: string }) => d.path === field),
        `${JSON.stringify(body)} should name ${field}: ${JSON.stringify(res.body.error.details)}`,
      );
    }
    const afterwards = (await request(api.app).get(settingsUrl()).set('Authorization', `Bearer ${admin.accessToken}`))
      .body;
    assert.deepEqual(afterwards, before);
  });

  it('when an admin PATCHes, then fields merge (null restores a default), the version rises, and a stale If-Match is refused with 412', async () => {
    const first = await patch({ bannedWords: ['frobnicate'], links: { holdBelowApproved: 5 } });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.settings.bannedWords, ['frobnicate']);
    assert.equal(first.body.settings.links.holdBelowApproved, 5);
    assert.deepEqual(first.body.settings.links.allowDomains, [], 'sibling fields keep their values');
    const etag = first.headers.etag as string;

    const second = await patch({ links: { holdBelowApproved: null } }, admin.accessToken, { 'If-Match': etag });
    assert.equal(second.status, 200);
    assert.equal(second.body.settings.links.holdBelowApproved, DEFAULT_SETTINGS.links.holdBelowApproved);
    assert.equal(second.body.version, first.body.version + 1);

    const stale = await patch({ premod: 'all' }, admin.accessToken, { 'If-Match': etag });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, 'precondition_failed');
    await patch({ bannedWords: null });
  });
});

describe('settings apply to the next comment, without a restart', () => {
  it('when an admin turns pre-moderation on and off, then the next comments are held and then approved, each with the settings version used', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const on = await patch({ premod: 'all' });
    const held = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'Written while pre-moderation is on.',
    });
    assert.equal((await waitForDecision(api.app, held, reader.accessToken)).status, 'pending');
    assert.equal((await storedReasons(held)).at(-1)?.rule, 'premod');

    const off = await patch({ premod: 'off' });
    const approved = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'Written after pre-moderation was turned off.',
    });
    assert.equal((await waitForDecision(api.app, approved, reader.accessToken)).status, 'approved');

    const versions = (
      await env.db.query<{ id: string; settings_version: number }>(
        'SELECT id, settings_version FROM comments WHERE id = ANY($1)',
        [[held, approved]],
      )
    ).rows;
    assert.equal(versions.find((v) => v.id === held)!.settings_version, on.body.version);
    assert.equal(versions.find((v) => v.id === approved)!.settings_version, off.body.version);
  });

  it('when a site sets a hold threshold of 0 on an attribute, then even a clean comment is held on that attribute, and not once the default is restored', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const body = (n: number) => `A clean remark about the column, number ${n}.`;
    await patch({ thresholds: { hold: { TOXICITY: 0 } } });
    const during = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: body(1),
    });
    const held = await waitForDecision(api.app, during, reader.accessToken);
    await patch({ thresholds: { hold: { TOXICITY: null } } });
    const after = await postComment(api.app, { siteId: site.siteId, postId, token: reader.accessToken, body: body(2) });
    const approved = await waitForDecision(api.app, after, reader.accessToken);
    assert.equal(held.status, 'pending');
    assert.equal((await storedReasons(during)).at(-1)?.attribute, 'TOXICITY');
    assert.equal(approved.status, 'approved');
  });
});

describe("a reader's history, within the site's window", () => {
  it("when a reader's rejected comments fall outside the site's history window, then they stop holding the next one", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    // Three rejected four days ago and one approved yesterday: 3 of 4 within the default 7 days.
    const day = 86_400_000;
    const earlier = [
      ['rejected', 4],
      ['rejected', 4],
      ['rejected', 4],
      ['approved', 1],
    ] as const;
    for (const [i, [status, daysAgo]] of earlier.entries())
      await withTransaction(env.db, (tx) =>
        insertDecidedComment(
          tx,
          {
            id: newId(),
            siteId: site.siteId,
            postId,
            authorId: reader.user.id,
            parentId: null,
            body: `An earlier comment, number ${i}.`,
            createdAt: new Date(Date.now() - daysAgo * day),
          },
          { status, reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
        ),
      );
    const post = (body: string) =>
      postComment(api.app, { siteId: site.siteId, postId, token: reader.accessToken, body });
    const held = await post('A plain remark on the article.');
    assert.equal((await waitForDecision(api.app, held, reader.accessToken)).status, 'pending');
    assert.equal((await storedReasons(held)).at(-1)?.rule, 'history');
    // Two days: only yesterday's comment and the one just held are in it, too few to judge.
    await patch({ history: { windowDays: 2 } }).expect(200);
    try {
      const approved = await post('Another plain remark on the article.');
      assert.equal((await waitForDecision(api.app, approved, reader.accessToken)).status, 'approved');
    } finally {
      await patch({ history: { windowDays: null } }).expect(200);
    }
  });
});

/**
 * Three readers post near-identical texts on a new post of the site: the first two are published (two accounts, no
 * campaign yet), then the third completes the campaign. Returns once the third is accepted.
 */
async function postCampaign(s: BuiltSite, texts: string[]) {
  const postId = await buildPost(env.db, s.siteId);
  const readers = await Promise.all([1, 2, 3].map((n) => signInReader(api.app, s, { name: `Account ${n}` })));
  const post = (i: number) =>
    postComment(api.app, { siteId: s.siteId, postId, token: readers[i]!.accessToken, body: texts[i]! });
  const ids = [await post(0), await post(1)];
  await waitForVisible(api.app, s.siteId, postId, ids);
  ids.push(await post(2));
  return { postId, ids, readers };
}

describe('repeat and coordinated posting, end to end', () => {
  it('when a reader posts the same text twice, then the second is rejected and the author is told it was a repeat', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const first = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'Posting this exactly once.',
    });
    assert.equal((await waitForDecision(api.app, first, reader.accessToken)).status, 'approved');
    const second = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'posting this exactly once',
    });
    const decided = await waitForDecision(api.app, second, reader.accessToken);
    assert.equal(decided.status, 'rejected');
    assert.equal(decided.reason?.category, 'repeat');
    assert.equal(JSON.stringify(decided).includes('score'), false, 'authors never see scores');
  });

  it('when three accounts post near-identical text, then all three are held with reason coordinated and leave the thread', async () => {
    const { postId, ids, readers } = await postCampaign(site, [
      'Everyone should know the candidate is a fraud and the polls are rigged against us.',
      'everyone should know the candidate is a FRAUD and the polls are rigged against us!',
      'Everyone should know: the candidate is a fraud, and the polls are rigged against us.',
    ]);
    assert.equal((await waitForDecision(api.app, ids[2]!, readers[2]!.accessToken)).status, 'pending');
    await waitFor(async () => (await getThread(api.app, site.siteId, postId)).total === 0, {
      timeoutMs: 10_000,
      what: 'the earlier comments to leave the thread',
    });

    const rows = (
      await env.db.query<{ status: string; reasons: Reason[] }>(
        'SELECT status, reasons FROM comments WHERE id = ANY($1)',
        [ids],
      )
    ).rows;
    assert.deepEqual(
      rows.map((r) => r.status),
      ['pending', 'pending', 'pending'],
    );
    assert.ok(rows.every((r) => r.reasons.at(-1)?.rule === 'coordinated'));
    // Each author sees the hold: a statement of reasons, detected and decided by automated means (DSA Art. 17).
    await waitFor(
      async () =>
        (
          await env.db.query(
            `SELECT 1 FROM dsa_statements WHERE comment_id = ANY($1) AND restriction = 'hold' AND automated_detection AND automated_decision`,
            [ids],
          )
        ).rowCount === 3,
      { what: 'a statement of reasons for each held comment' },
    );
    assert.deepEqual(flatten((await getThread(api.app, site.siteId, postId)).comments), []);
    const count = (
      await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
        site.siteId,
        postId,
      ])
    ).rows[0]!.n;
    assert.equal(count, 0, "the post's counter follows");
  });
});

describe('a campaign and what people decided', () => {
  it('when a campaign completes and an earlier member was approved by a moderator, then that one stays approved, and each member it holds is announced to publishers as comment.held', async () => {
    const receiver = await startReceiver();
    const hooks = await startTestWebhookWorker(env);
    try {
      const own = await buildSite(env.db);
      const moderator = await signInAs(api.app, env.db, own, 'moderator');
      await request(api.app)
        .post(`/api/v1/sites/${own.siteId}/webhooks`)
        .set('Authorization', `Bearer ${own.apiKey}`)
        .send({ url: receiver.url('/held'), events: ['comment.held'] })
        .expect(201);
      const postId = await buildPost(env.db, own.siteId);
      const readers = await Promise.all([1, 2, 3].map((n) => signInReader(api.app, own, { name: `Member ${n}` })));
      const text = (n: number) =>
        [
          'The mayor lied about the budget and the audit proves it, share this everywhere.',
          'the mayor LIED about the budget and the audit proves it - share this everywhere!',
          'The mayor lied about the budget, and the audit proves it; share this everywhere.',
        ][n]!;
      const post = (n: number) =>
        postComment(api.app, { siteId: own.siteId, postId, token: readers[n]!.accessToken, body: text(n) });
      const reviewed = await post(0);
      assert.equal((await waitForDecision(api.app, reviewed, readers[0]!.accessToken)).status, 'approved');
      // A moderator looked at it: taken down, then put back.
      for (const action of ['reject', 'approve'])
        await request(api.app)
          .post(`/api/v1/comments/${reviewed}/moderation`)
          .set('Authorization', `Bearer ${moderator.accessToken}`)
          .send({ action, ...(action === 'reject' ? { reason: 'checking' } : {}) })
          .expect(200);
      const unreviewed = await post(1);
      await waitForVisible(api.app, own.siteId, postId, [reviewed, unreviewed]);
      const completing = await post(2);
      assert.equal((await waitForDecision(api.app, completing, readers[2]!.accessToken)).status, 'pending');

      const statusOf = async (id: string) =>
        (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!.status;
      await waitFor(async () => (await statusOf(unreviewed)) === 'pending', { what: 'the unreviewed member held' });
      assert.equal(await statusOf(reviewed), 'approved', 'the moderator’s approval stands');
      // Each comment held is announced: the one held as it was stored, and the earlier one held afterwards.
      await waitFor(() => receiver.on('/held').length >= 2, { what: 'comment.held for both held members' });
      const held = receiver.on('/held').map((r) => JSON.parse(r.body).data.comment);
      assert.deepEqual(held.map((c: { id: string }) => c.id).sort(), [unreviewed, completing].sort());
      const later = held.find((c: { id: string }) => c.id === unreviewed);
      assert.deepEqual([later.status, later.previousStatus], ['pending', 'approved']);
    } finally {
      await hooks.close();
      await receiver.close();
    }
  });
});

describe('a campaign hold whose run stops midway', () => {
  it('when the run that held an earlier member stops before telling publishers, then its next run tells them', async () => {
    const receiver = await startReceiver();
    const hooks = await startTestWebhookWorker(env);
    const own = await buildSite(env.db);
    // The first comment.held of this site fails to be written, as a run that stops right after the hold would.
    const fault = await failFirstWrite(env.db, {
      name: 'held_event_fault',
      table: 'webhook_deliveries',
      on: 'INSERT',
      condition: `NEW.site_id = '${own.siteId}' AND NEW.event_type = 'comment.held'`,
    });
    try {
      await request(api.app)
        .post(`/api/v1/sites/${own.siteId}/webhooks`)
        .set('Authorization', `Bearer ${own.apiKey}`)
        .send({ url: receiver.url('/held'), events: ['comment.held'] })
        .expect(201);
      await postCampaign(own, [
        'The bus depot land was sold below value and the council minutes were edited later, look it up.',
        'the bus depot land was sold BELOW value and the council minutes were edited later - look it up!',
        'The bus depot land was sold below value, and the council minutes were edited later; look it up.',
      ]);
      await waitFor(() => new Set(receiver.on('/held').map((r) => JSON.parse(r.body).data.comment.id)).size === 3, {
        what: 'comment.held for all three members',
        timeoutMs: 20_000,
      });
      assert.ok((await fault.matched()) >= 2, 'the first run did stop');
    } finally {
      await fault.remove();
      await hooks.close();
      await receiver.close();
    }
  });
});

describe('staff who must still set up two-factor sign-in', () => {
  it('when a site requires two-factor sign-in, then a moderator who has not set it up comments as a reader: holds apply to them', async () => {
    const own = await buildSite(env.db);
    const ownAdmin = await signInAs(api.app, env.db, own, 'admin');
    const patch = (body: object) =>
      request(api.app)
        .patch(settingsUrl(own.siteId))
        .set('Authorization', `Bearer ${ownAdmin.accessToken}`)
        .send(body)
        .expect(200);
    // Every reader's comment waits for a moderator; staff's do not.
    await patch({ premod: 'all' });
    const moderator = await signInAs(api.app, env.db, own, 'moderator');
    const postId = await buildPost(env.db, own.siteId);
    const say = (body: string) =>
      postComment(api.app, { siteId: own.siteId, postId, token: moderator.accessToken, body });
    const before = await waitForDecision(api.app, await say('From the desk, before the rule.'), moderator.accessToken);
    assert.equal(before.status, 'approved');
    // The admin set it up before requiring it; the moderator has not.
    await env.db.query(`UPDATE users SET totp_enabled_at = now() WHERE id = $1`, [ownAdmin.user.id]);
    await patch({ staffTotpRequired: true });
    const after = await waitForDecision(api.app, await say('From the desk, after the rule.'), moderator.accessToken);
    assert.equal(after.status, 'pending');
  });
});

describe('rule state of comments decided together', () => {
  it("when N accounts' identical comments wait in the queue and the worker takes them together, then the campaign counts exactly N accounts and holds all N", async () => {
    const N = 12;
    // Its own site: a campaign here takes exactly N accounts, so one lost record leaves it unfound.
    const campaignSite = await buildSite(env.db);
    const campaignAdmin = await signInAs(api.app, env.db, campaignSite, 'admin');
    const set = await request(api.app)
      .patch(settingsUrl(campaignSite.siteId))
      .set('Authorization', `Bearer ${campaignAdmin.accessToken}`)
      .send({ coordinated: { accounts: N } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const postId = await buildPost(env.db, campaignSite.siteId);
    const readers = await Promise.all(
      Array.from({ length: N }, (_, n) => signInReader(api.app, campaignSite, { name: `Account ${n}` })),
    );
    const jobs: CommentJob[] = readers.map((r) => ({
      commentId: newId(),
      siteId: campaignSite.siteId,
      postId,
      authorId: r.user.id,
      parentId: null,
      body: "The ferry contract went to the mayor's brother-in-law and the harbour board said nothing.",
      acceptedAt: new Date().toISOString(),
    }));
    const ids = jobs.map((j) => j.commentId);
    await env.queue.pause();
    try {
      await env.queue.addBulk(
        jobs.map((data) => ({
          name: 'moderate',
          data,
          opts: { ...commentJobOptions({ attempts: 3 }), jobId: commentJobId(data.commentId) },
        })),
      );
    } finally {
      await env.queue.resume();
    }
    const rows = async () =>
      (
        await env.db.query<{ status: string; reasons: Reason[] }>(
          'SELECT status, reasons FROM comments WHERE id = ANY($1)',
          [ids],
        )
      ).rows;
    await waitFor(async () => (await rows()).filter((r) => r.status === 'pending').length === N, {
      timeoutMs: 15_000,
      what: `all ${N} comments stored and held`,
    });
    const stored = await rows();
    assert.ok(stored.every((r) => r.reasons.at(-1)?.rule === 'coordinated'));
    const completing = stored.filter((r) => r.reasons.some((x) => x.detail.includes(`from ${N} accounts`)));
    assert.ok(completing.length >= 1, 'the N-th comment counted N accounts');
    assert.ok(
      stored.every(
        (r) => !r.reasons.some((x) => /from (\d+) accounts/.test(x.detail) && !x.detail.includes(`from ${N} `)),
      ),
      'no comment counted a campaign of another size',
    );
  });
});

describe('a comment whose author erased their account while it waited', () => {
  it('when the worker gets to it, then it is not stored and its job completes', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const erased = await request(api.app).delete('/api/v1/me').set('Authorization', `Bearer ${reader.accessToken}`);
    assert.ok(erased.status === 200 || erased.status === 204, `${erased.status} ${JSON.stringify(erased.body)}`);
    const data: CommentJob = {
      commentId: newId(),
      siteId: site.siteId,
      postId,
      authorId: reader.user.id,
      parentId: null,
      body: 'Accepted a moment before the account was erased.',
      acceptedAt: new Date().toISOString(),
    };
    await env.queue.add('moderate', data, {
      ...commentJobOptions({ attempts: 3 }),
      jobId: commentJobId(data.commentId),
    });
    await waitFor(async () => (await env.queue.getJob(commentJobId(data.commentId)))?.isCompleted(), {
      what: 'the job to complete',
    });
    const rows = (await env.db.query('SELECT 1 FROM comments WHERE id = $1', [data.commentId])).rowCount;
    assert.equal(rows, 0);
  });
});
