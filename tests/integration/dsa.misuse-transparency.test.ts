import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { insertWebhook } from '#shared/db/webhooks.js';
import { newId } from '#shared/ids.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { decideNotice, sendNotice, signInWithEmail } from '../support/dsa.js';
import { waitFor } from '../support/wait-for.js';
import { insertApiKey } from '#shared/db/api-keys.js';
import { generateApiKey } from '#shared/secrets.js';
import { automatedStatement, storeStatement } from '#shared/dsa/statements.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';

/**
 * DSA Art. 23 (warning, then suspension, for manifestly illegal content and manifestly unfounded
 * notices; audited) and Art. 15/24 (transparency figures equal to counted fixtures, JSON and CSV;
 * statements of reasons in the Transparency Database's format).
 */

let env: TestEnv;
let api: TestApi;
let smtp: SmtpReceiver;

before(async () => {
  smtp = await startSmtpReceiver();
  env = await createTestEnv({ SMTP_URL: smtp.url, RATE_LIMITS: 'off' });
  api = await startTestApi(env);
});
after(async () => {
  await api?.close();
  await env?.close();
  await smtp?.close();
});

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

async function siteWithStaff(patch: object = {}) {
  const site = await buildSite(env.db);
  const admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
  const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  await request(api.app)
    .patch(`/api/v1/sites/${site.siteId}/settings`)
    .set(auth(admin.accessToken))
    .send(patch)
    .expect(200);
  return { site, admin, mod };
}

/** A notice about a new comment by `authorId`, decided by `mod`. */
async function noticeDecided(
  o: { site: BuiltSite; mod: SignedIn; postId: string; authorId: string },
  notifier: { token?: string; name?: string; email?: string },
  decision: { action: 'remove' | 'no_action'; manifest: boolean },
) {
  const id = await storeComment(env.db, { siteId: o.site.siteId, postId: o.postId, authorId: o.authorId });
  const sent = await sendNotice(
    api.app,
    o.site.siteId,
    { comments: [id], name: notifier.name, email: notifier.email },
    { token: notifier.token },
  );
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  await decideNotice(api.app, o.site.siteId, sent.body.notice.id, o.mod.accessToken, {
    ...decision,
    reason: decision.action === 'remove' ? 'incitement to violence' : 'plainly lawful opinion',
  }).expect(200);
  return { commentId: id, noticeId: sent.body.notice.id as string };
}

const auditActions = async (siteId: string) =>
  (
    await env.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE site_id = $1 AND action LIKE 'dsa.misuse%' ORDER BY created_at`,
      [siteId],
    )
  ).rows.map((r) => r.action);

describe('misuse (Art. 23)', () => {
  it('when a reader posts manifestly illegal content again after a warning, then the account is suspended for the set time, audited', async () => {
    const { site, mod } = await siteWithStaff({
      dsa: { misuse: { illegalContent: 2, unfoundedNotices: 5, windowDays: 30, suspensionDays: 10 } },
    });
    await insertWebhook(env.db, {
      id: newId(),
      siteId: site.siteId,
      url: 'https://hooks.example.org/moderation',
      events: ['reader.banned'],
      secret: 'whsec_test',
    });
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const ctx = { site, mod, postId, authorId: author.user.id };
    const n = { name: 'N', email: 'n@example.org' };
    await noticeDecided(ctx, n, { action: 'remove', manifest: true });
    // Removed without the finding "manifestly illegal": does not count.
    await noticeDecided(ctx, { name: 'M', email: 'm@example.org' }, { action: 'remove', manifest: false });
    assert.deepEqual(await auditActions(site.siteId), []);
    await noticeDecided(ctx, { name: 'O', email: 'o@example.org' }, { action: 'remove', manifest: true });
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning']);
    await smtp.waitForMail(author.email, /suspended for 10 days/);
    const user = await env.db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [author.user.id]);
    assert.equal(user.rows[0]!.status, 'active', 'a warning first, no suspension');

    await noticeDecided(ctx, { name: 'P', email: 'p@example.org' }, { action: 'remove', manifest: true });
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning']);
    await noticeDecided(ctx, { name: 'Q', email: 'q@example.org' }, { action: 'remove', manifest: true });
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning', 'dsa.misuse_suspension']);
    const suspended = await env.db.query<{ status: string; suspended_until: Date }>(
      'SELECT status, suspended_until FROM users WHERE id = $1',
      [author.user.id],
    );
    assert.equal(suspended.rows[0]!.status, 'suspended');
    const days = (suspended.rows[0]!.suspended_until.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 9.9 && days <= 10, `suspended for ${days} days`);
    const statement = await env.db.query<{ source: string; restriction: string; automated_decision: boolean }>(
      `SELECT source, restriction, automated_decision FROM dsa_statements WHERE user_id = $1 AND source = 'misuse'`,
      [author.user.id],
    );
    assert.deepEqual(statement.rows, [{ source: 'misuse', restriction: 'suspension', automated_decision: true }]);
    await smtp.waitForMail(author.email, /Your account is suspended/);
    const hooked = await waitFor(async () => {
      const rows = await env.db.query<{ body: string }>(
        `SELECT body FROM webhook_deliveries WHERE site_id = $1 AND event_type = 'reader.banned'`,
        [site.siteId],
      );
      return rows.rowCount ? rows.rows : null;
    });
    assert.deepEqual(
      hooked.map((r) => JSON.parse(r.body).data),
      [{ reader: { id: author.user.id }, action: 'suspend', by: { kind: 'service' } }],
      "the site's endpoint hears of the rule's suspension",
    );
    // The suspended reader may not comment.
    const posted = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set(auth(author.accessToken))
      .send({ body: 'Still here.' });
    assert.equal(posted.status, 403);
  });

  it('when a banned reader reaches the misuse count, then the ban stays; a removal on the site rules cannot be marked manifestly illegal', async () => {
    const { site, mod } = await siteWithStaff({
      dsa: { misuse: { illegalContent: 1, unfoundedNotices: 5, windowDays: 30, suspensionDays: 10 } },
    });
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const ctx = { site, mod, postId, authorId: author.user.id };
    await noticeDecided(ctx, { name: 'N', email: 'n@example.org' }, { action: 'remove', manifest: true });
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning']);
    // A notice sent before the ban is decided after it.
    const later = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const waiting = await sendNotice(api.app, site.siteId, { comments: [later], name: 'O', email: 'o@example.org' });
    assert.equal(waiting.status, 201, JSON.stringify(waiting.body));
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${author.user.id}/ban`)
      .set(auth(mod.accessToken))
      .send({ reason: 'threats' })
      .expect(200);
    await decideNotice(api.app, site.siteId, waiting.body.notice.id, mod.accessToken, {
      action: 'remove',
      manifest: true,
      reason: 'incitement to violence',
    }).expect(200);
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning'], 'no measure recorded: none was taken');
    const user = await env.db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [author.user.id]);
    assert.equal(user.rows[0]!.status, 'banned', 'not turned into a ten-day suspension');
    const misuse = await env.db.query('SELECT 1 FROM dsa_statements WHERE user_id = $1 AND source = $2', [
      author.user.id,
      'misuse',
    ]);
    assert.equal(misuse.rowCount, 0, 'no suspension statement for a suspension not imposed');

    // "Manifestly illegal" goes with the illegal-content ground only.
    const other = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: other.user.id });
    const sent = await sendNotice(api.app, site.siteId, { comments: [id], name: 'P', email: 'p@example.org' });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const refused = await decideNotice(api.app, site.siteId, sent.body.notice.id, mod.accessToken, {
      action: 'remove',
      ground: 'incompatible_content',
      manifest: true,
      reason: 'off topic',
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'validation_failed');
  });

  it("when readers' reports hold a comment a second time after a moderator approved it, then the second hold has a statement of its own", async () => {
    const { site, mod } = await siteWithStaff({
      reportThreshold: 1,
      reportStanding: { minAccountAgeDays: 0, minApprovedComments: 0, requireVerifiedEmail: false },
    });
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const report = async () => {
      const reader = await signInWithEmail(api.app, site);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set(auth(reader.accessToken))
        .send({ reason: 'abuse' })
        .expect(201);
    };
    const holds = async () =>
      (await env.db.query(`SELECT 1 FROM dsa_statements WHERE comment_id = $1 AND restriction = 'hold'`, [id]))
        .rowCount;
    await report();
    assert.equal(await holds(), 1);
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(auth(mod.accessToken))
      .send({ action: 'approve' })
      .expect(200);
    await report();
    const status = await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id]);
    assert.equal(status.rows[0]!.status, 'pending');
    assert.equal(await holds(), 2);
  });

  it('when a notifier sends manifestly unfounded notices again after a warning, then their notices are refused for the set time', async () => {
    const { site, mod } = await siteWithStaff({
      dsa: { misuse: { illegalContent: 5, unfoundedNotices: 1, windowDays: 30, suspensionDays: 3 } },
    });
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const ctx = { site, mod, postId, authorId: author.user.id };
    const troll = { name: 'Troll', email: 'troll@example.org' };
    await noticeDecided(ctx, troll, { action: 'no_action', manifest: true });
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning']);
    await smtp.waitForMail('troll@example.org', /not be processed for 3 days/);
    await noticeDecided(ctx, troll, { action: 'no_action', manifest: true });
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning', 'dsa.misuse_suspension']);
    // Told until when and why.
    const told = await smtp.waitForMail('troll@example.org', /will not be processed/);
    assert.match(told.text, /another of your notices was found manifestly unfounded/);
    assert.match(told.text, new RegExp(new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)));
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const refused = await sendNotice(api.app, site.siteId, { comments: [id], ...troll });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'notices_suspended');
    // Anyone else's notices are processed.
    assert.equal(
      (await sendNotice(api.app, site.siteId, { comments: [id], name: 'Fair', email: 'fair@example.org' })).status,
      201,
    );
  });

  it("when a signed-in notifier is suspended, then notices sent signed out from their address are refused too, and so are an address's from the account that has it", async () => {
    const { site, mod } = await siteWithStaff({
      dsa: { misuse: { illegalContent: 5, unfoundedNotices: 1, windowDays: 30, suspensionDays: 3 } },
    });
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const ctx = { site, mod, postId, authorId: author.user.id };
    const troll = await signInWithEmail(api.app, site);
    await noticeDecided(ctx, { token: troll.accessToken }, { action: 'no_action', manifest: true });
    await noticeDecided(ctx, { token: troll.accessToken }, { action: 'no_action', manifest: true });
    assert.deepEqual(await auditActions(site.siteId), ['dsa.misuse_warning', 'dsa.misuse_suspension']);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const signedOut = await sendNotice(api.app, site.siteId, {
      comments: [id],
      name: 'Anon',
      email: troll.email.toUpperCase(),
    });
    assert.equal(signedOut.status, 403, JSON.stringify(signedOut.body));
    assert.equal(signedOut.body.error.code, 'notices_suspended');
    const otherAddress = await sendNotice(
      api.app,
      site.siteId,
      { comments: [id], email: 'elsewhere@example.org' },
      { token: troll.accessToken },
    );
    assert.equal(otherAddress.status, 403, 'a signed-in notifier cannot step around it by naming another address');

    // An address suspended while signed out stays suspended when its owner signs in.
    const { site: site2, mod: mod2 } = await siteWithStaff({
      dsa: { misuse: { illegalContent: 5, unfoundedNotices: 1, windowDays: 30, suspensionDays: 3 } },
    });
    const postId2 = await buildPost(env.db, site2.siteId);
    const author2 = await signInReader(api.app, site2);
    const ctx2 = { site: site2, mod: mod2, postId: postId2, authorId: author2.user.id };
    const owner = await signInWithEmail(api.app, site2);
    await noticeDecided(ctx2, { name: 'Anon', email: owner.email }, { action: 'no_action', manifest: true });
    await noticeDecided(ctx2, { name: 'Anon', email: owner.email }, { action: 'no_action', manifest: true });
    const id2 = await storeComment(env.db, { siteId: site2.siteId, postId: postId2, authorId: author2.user.id });
    const signedIn = await sendNotice(api.app, site2.siteId, { comments: [id2] }, { token: owner.accessToken });
    assert.equal(signedIn.status, 403);
    assert.equal(signedIn.body.error.code, 'notices_suspended');
  });
});

describe('transparency (Art. 15 and 24)', () => {
  it('when the figures are asked for a period, then they equal the counted fixtures, as JSON and as CSV', async () => {
    const { site, admin, mod } = await siteWithStaff();
    const second = await buildStaff(env.db, api.app, site.siteId, 'moderator');
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const ctx = { site, mod, postId, authorId: author.user.id };
    const flagger = await signInWithEmail(api.app, site);
    await request(api.app)
      .put(`/api/v1/sites/${site.siteId}/trusted-flaggers/${flagger.user.id}`)
      .set(auth(admin.accessToken))
      .send({ organisation: 'Watchdog' })
      .expect(200);

    // Notices: hate_speech ×2 (one from the trusted flagger, removed; one no action, manifestly unfounded), privacy ×1 open.
    const removed = await noticeDecided(ctx, { token: flagger.accessToken }, { action: 'remove', manifest: false });
    const kept = await noticeDecided(
      ctx,
      { name: 'K', email: 'k@example.org' },
      { action: 'no_action', manifest: true },
    );
    const openId = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    await sendNotice(api.app, site.siteId, {
      comments: [openId],
      name: 'P',
      email: 'p@example.org',
      category: 'privacy',
    }).expect(201);
    await env.db.query(`UPDATE dsa_notices SET created_at = decided_at - interval '3600 seconds' WHERE id = $1`, [
      removed.noticeId,
    ]);
    await env.db.query(`UPDATE dsa_notices SET created_at = decided_at - interval '7200 seconds' WHERE id = $1`, [
      kept.noticeId,
    ]);
    // A notice of last year is outside the period.
    const old = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const oldNotice = await sendNotice(api.app, site.siteId, { comments: [old], name: 'Q', email: 'q@example.org' });
    await env.db.query(`UPDATE dsa_notices SET created_at = now() - interval '400 days' WHERE id = $1`, [
      oldNotice.body.notice.id,
    ]);

    // A moderator rejects a comment the worker held (detected by automated means, decided by a person).
    const held = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: author.user.id,
      status: 'pending',
      reasons: [{ rule: 'toxicity', detail: 'TOXICITY 0.8' }],
    });
    await request(api.app)
      .post(`/api/v1/comments/${held}/moderation`)
      .set(auth(mod.accessToken))
      .send({ action: 'reject', reason: 'insult' })
      .expect(200);
    // The worker's own rejection, stored as the worker stores it.
    const auto = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: author.user.id,
      status: 'rejected',
      reasons: [{ rule: 'banned_word', detail: 'x' }],
    });
    await storeStatement(
      env.db,
      automatedStatement(
        { siteId: site.siteId, commentId: auto, authorId: author.user.id },
        { status: 'rejected', reasons: [{ rule: 'banned_word', detail: 'x' }] },
        DEFAULT_SETTINGS,
      ),
    );
    // The author appeals the notice removal; a second moderator reverses it.
    const status = await request(api.app).get(`/api/v1/comments/${removed.commentId}`).set(auth(author.accessToken));
    const made = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/appeals`)
      .set(auth(author.accessToken))
      .send({ statementId: status.body.comment.statement.id, explanation: 'fair comment' })
      .expect(201);
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/appeals/${made.body.appeal.id}/decision`)
      .set(auth(second.accessToken))
      .send({ outcome: 'reversed', reason: 'fair comment on a public matter' })
      .expect(200);

    // A removal its moderator undid after the statement was mailed: withdrawn, counted apart from the actions.
    const undone = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    await request(api.app)
      .post(`/api/v1/comments/${undone}/moderation`)
      .set(auth(second.accessToken))
      .send({ action: 'reject', reason: 'off topic' })
      .expect(200);
    const withdrawnId = await waitFor(
      async () =>
        (
          await env.db.query<{ id: string }>(
            'SELECT id FROM dsa_statements WHERE comment_id = $1 AND mailed_at IS NOT NULL',
            [undone],
          )
        ).rows[0]?.id,
      { what: 'the statement of the undone removal, mailed' },
    );
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/undo`)
      .set(auth(second.accessToken))
      .send({ commentId: undone })
      .expect(200);

    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/transparency`)
      .query({ from, to })
      .set(auth(admin.accessToken))
      .expect(200);
    const { siteId, period, ...figures } = res.body;
    assert.equal(siteId, site.siteId);
    assert.equal(period.from, from);
    assert.deepEqual(figures, {
      notices: {
        total: 3,
        byCategory: { hate_speech: 2, privacy: 1 },
        fromTrustedFlaggers: 1,
        byStatus: { actioned: 1, no_action: 1, open: 1 },
        manifestlyUnfounded: 1,
        medianSecondsToDecision: 5400,
        medianSecondsToAct: 3600,
      },
      actions: {
        total: 3,
        byRestriction: { removal: 3 },
        byGround: { illegal_content: 1, incompatible_content: 2 },
        byGroundDetail: { 'Hate speech': 1, 'site rules: insult': 1, banned_word: 1 },
        bySource: { trusted_flagger: 1, moderator: 1, automated: 1 },
        automatedDetection: 2,
        automatedDecision: 1,
        humanDecision: 2,
        withdrawn: 1,
      },
      complaints: {
        total: 1,
        byOutcome: { reversed: 1 },
        byAppellant: { author: 1 },
        medianSecondsToDecision: figures.complaints.medianSecondsToDecision,
      },
      suspensions: { illegalContent: 0, unfoundedNotices: 0, warnings: 0, accountRestrictions: 0 },
    });
    assert.equal(typeof figures.complaints.medianSecondsToDecision, 'number');

    // CSV, by ?format and by Accept: one row per figure under a fixed header.
    for (const ask of [
      (r: request.Test) => r.query({ from, to, format: 'csv' }),
      (r: request.Test) => r.query({ from, to }).set('Accept', 'text/csv'),
    ]) {
      const csv = await ask(
        request(api.app).get(`/api/v1/sites/${site.siteId}/transparency`).set(auth(admin.accessToken)),
      ).expect(200);
      assert.match(csv.headers['content-type']!, /^text\/csv/);
      const lines = csv.text.trimEnd().split('\r\n');
      assert.equal(lines[0], 'section,metric,key,value');
      assert.ok(
        lines.every((l) => l.split(',').length === 4),
        'four columns on every row',
      );
      assert.ok(lines.includes('notices,total,,3'));
      assert.ok(lines.includes('notices,byCategory,hate_speech,2'));
      assert.ok(lines.includes('actions,bySource,trusted_flagger,1'));
      assert.ok(lines.includes('notices,medianSecondsToAct,,3600'));
      assert.ok(lines.includes('complaints,byOutcome,reversed,1'));
      assert.ok(lines.includes('actions,withdrawn,,1'));
    }

    // The Transparency Database export has the three decisions that stood, not the withdrawn one.
    const exported = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/transparency/statements`)
      .query({ from, to })
      .set(auth(admin.accessToken))
      .expect(200);
    const puids = exported.body.statements.map((s: { puid: string }) => s.puid);
    assert.equal(puids.length, 3);
    assert.ok(!puids.includes(withdrawnId), 'the withdrawn statement is not exported');
  });

  it('when a publisher key has transparency:read, then it reads the figures; without the scope, or as a moderator, it is 403', async () => {
    const { site, mod } = await siteWithStaff();
    const makeKey = async (scopes: string[]) => {
      const key = generateApiKey();
      await insertApiKey(env.db, { id: key.id, siteId: site.siteId, label: 'k', secretHash: key.secretHash, scopes });
      return key.key;
    };
    const url = `/api/v1/sites/${site.siteId}/transparency`;
    await request(api.app)
      .get(url)
      .set(auth(await makeKey(['transparency:read'])))
      .expect(200);
    const noScope = await request(api.app)
      .get(url)
      .set(auth(await makeKey(['comments:read'])));
    assert.equal(noScope.status, 403);
    assert.equal(noScope.body.error.code, 'insufficient_scope');
    assert.equal((await request(api.app).get(url).set(auth(mod.accessToken))).status, 403);
    const other = await buildSite(env.db);
    assert.equal(
      (
        await request(api.app)
          .get(`/api/v1/sites/${other.siteId}/transparency`)
          .set(auth(await makeKey(['transparency:read'])))
      ).status,
      401,
    );
    const bad = await request(api.app)
      .get(url)
      .query({ from: '2026-02-01', to: '2026-01-01' })
      .set(auth(await makeKey(['transparency:read'])));
    assert.equal(bad.status, 400);
  });

  it('when a period holds more statements than one file takes, then the export is refused with 422 rather than cut short', async () => {
    const { site, admin, mod } = await siteWithStaff();
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const { commentId } = await noticeDecided(
      { site, mod, postId, authorId: author.user.id },
      { name: 'N', email: 'n@example.org' },
      { action: 'remove', manifest: false },
    );
    // 100,000 more copies of the one statement, in the same period.
    const cols = (
      await env.db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'dsa_statements' AND column_name NOT IN ('id', 'source_key')`,
      )
    ).rows.map((r) => r.column_name);
    await env.db.query(
      `INSERT INTO dsa_statements (id, source_key, ${cols.join(', ')})
       SELECT gen_random_uuid(), source_key || ':' || g, ${cols.join(', ')}
         FROM dsa_statements, generate_series(1, 100000) g WHERE comment_id = $1`,
      [commentId],
    );
    const res = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/transparency/statements`)
      .set(auth(admin.accessToken));
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'period_too_long');
    await env.db.query(`DELETE FROM dsa_statements WHERE site_id = $1`, [site.siteId]);
  });

  it("when the statements are exported, then each is in the Transparency Database's submission format", async () => {
    const { site, admin, mod } = await siteWithStaff();
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const ctx = { site, mod, postId, authorId: author.user.id };
    const { commentId } = await noticeDecided(
      ctx,
      { name: 'N', email: 'n@example.org' },
      { action: 'remove', manifest: false },
    );
    const res = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/transparency/statements`)
      .set(auth(admin.accessToken))
      .expect(200);
    assert.match(res.headers['content-disposition']!, /attachment/);
    assert.equal(res.body.statements.length, 1);
    const s = res.body.statements[0];
    const row = await env.db.query<{ id: string }>('SELECT id FROM dsa_statements WHERE comment_id = $1', [commentId]);
    assert.equal(s.puid, row.rows[0]!.id);
    assert.deepEqual(s.decision_visibility, ['DECISION_VISIBILITY_CONTENT_REMOVED']);
    assert.equal(s.decision_ground, 'DECISION_GROUND_ILLEGAL_CONTENT');
    assert.equal(s.illegal_content_legal_ground, 'Hate speech');
    assert.equal(s.category, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH');
    assert.deepEqual(s.content_type, ['CONTENT_TYPE_TEXT']);
    assert.equal(s.source_type, 'SOURCE_ARTICLE_16');

    // Built in memory, the file takes the site's export slot: while an export runs, 429 and the slot stays whole.
    const running = api.deps.exports.acquire(site.siteId);
    try {
      const busy = await request(api.app)
        .get(`/api/v1/sites/${site.siteId}/transparency/statements`)
        .set(auth(admin.accessToken));
      assert.equal(busy.status, 429);
      assert.ok(busy.headers['retry-after']);
    } finally {
      running();
    }
    await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/transparency/statements`)
      .set(auth(admin.accessToken))
      .expect(200);
    assert.equal(s.automated_detection, 'No');
    assert.equal(s.automated_decision, 'AUTOMATED_DECISION_NOT_AUTOMATED');
    assert.match(s.application_date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(s.territorial_scope.length, 27);
  });
});
