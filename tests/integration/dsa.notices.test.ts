import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, establishReader, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { waitFor } from '../support/wait-for.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { decideNotice, sendNotice, signInWithEmail } from '../support/dsa.js';

/**
 * DSA Art. 16 (notice and action) and Art. 17 (statements of reasons), end to end on the real API,
 * worker, Postgres, Redis and a real SMTP server: notice → receipt → decision → the notifier's and
 * the author's mails; statements for the worker's own decisions record automated means.
 */

let env: TestEnv;
let api: TestApi;
let worker: TestWorker;
let smtp: SmtpReceiver;
let site: BuiltSite;
let mod: SignedIn;

before(async () => {
  smtp = await startSmtpReceiver();
  env = await createTestEnv({
    SMTP_URL: smtp.url,
    RATE_LIMIT_NOTICE_IP: '1000/60',
    RATE_LIMIT_NOTICE_NOTIFIER: '1000/60',
    RATE_LIMIT_COMMENT_USER: '1000/60',
  });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
});
after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
  await smtp?.close();
});

const statusOf = async (id: string) =>
  (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!.status;

describe('notice and action (Art. 16)', () => {
  it('when an anonymous reader sends a notice about two comments, then a receipt with the reference is mailed at once and the notice is queued', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const a = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const b = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const res = await sendNotice(api.app, site.siteId, {
      comments: [a, `http://localhost:8080/${postId}#comment-${b}`],
      name: 'Nora Notifier',
      email: 'nora@example.org',
      category: 'defamation',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const ref = res.body.notice.reference as string;
    assert.match(ref, /^N-[A-Z0-9]{12}$/);
    assert.deepEqual([...res.body.notice.comments].sort(), [a, b].sort());
    assert.equal(res.body.receipt.mailed, true);
    const receipt = await smtp.waitForMail('nora@example.org', new RegExp(ref));
    assert.match(receipt.subject, /received/);
    assert.match(receipt.text, new RegExp(res.body.appealCode as string));

    const queue = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/notices`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .expect(200);
    const item = queue.body.items.find((i: { reference: string }) => i.reference === ref);
    assert.ok(item, 'the notice is in the queue');
    assert.equal(item.category, 'defamation');
    assert.equal(item.notifier.email, 'nora@example.org');
    assert.equal(item.comments.length, 2);
    // The comments stay visible until a moderator decides.
    assert.equal(await statusOf(a), 'approved');
  });

  it('when a notice is sent without signing in and without a name or address, then it is refused with 400', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const noEmail = await sendNotice(api.app, site.siteId, { comments: [id], name: 'Anon' });
    assert.equal(noEmail.status, 400);
    assert.equal(noEmail.body.error.code, 'validation_failed');
    const noFaith = await sendNotice(api.app, site.siteId, {
      comments: [id],
      name: 'Anon',
      email: 'anon@example.org',
      goodFaith: false,
    });
    assert.equal(noFaith.status, 400);
    const badCategory = await sendNotice(api.app, site.siteId, {
      comments: [id],
      name: 'Anon',
      email: 'anon@example.org',
      category: 'spam',
    });
    assert.equal(badCategory.status, 400);
  });

  it('when the same notifier reports a comment twice, then the second notice is a 409 and nothing more is stored', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const other = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const n = { name: 'Pat', email: 'pat@example.org' };
    assert.equal((await sendNotice(api.app, site.siteId, { ...n, comments: [id] })).status, 201);
    // The same address in other letters is the same notifier.
    const again = await sendNotice(api.app, site.siteId, {
      name: 'Pat',
      email: 'PAT@example.org',
      comments: [other, id],
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_noticed');
    const stored = await env.db.query('SELECT 1 FROM dsa_notice_comments WHERE comment_id = ANY($1)', [[id, other]]);
    assert.equal(stored.rowCount, 1);
    // A signed-in reader is another notifier.
    const reader = await signInWithEmail(api.app, site);
    assert.equal(
      (await sendNotice(api.app, site.siteId, { comments: [id] }, { token: reader.accessToken })).status,
      201,
    );
  });

  it('when a notice names a comment of another site, a held one or one its author deleted, then it is a 404', async () => {
    const other = await buildSite(env.db);
    const postId = await buildPost(env.db, other.siteId);
    const author = await signInReader(api.app, other);
    const foreign = await storeComment(env.db, { siteId: other.siteId, postId, authorId: author.user.id });
    const res = await sendNotice(api.app, site.siteId, { comments: [foreign], name: 'X', email: 'x@example.org' });
    assert.equal(res.status, 404);
    const ownPost = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const held = await storeComment(env.db, {
      siteId: site.siteId,
      postId: ownPost,
      authorId: reader.user.id,
      status: 'pending',
    });
    const deleted = await storeComment(env.db, { siteId: site.siteId, postId: ownPost, authorId: reader.user.id });
    await request(api.app)
      .delete(`/api/v1/comments/${deleted}`)
      .set('Authorization', `Bearer ${reader.accessToken}`)
      .expect(204);
    for (const id of [held, deleted]) {
      const named = await sendNotice(api.app, site.siteId, { comments: [id], name: 'X', email: 'x@example.org' });
      assert.equal(named.status, 404, id === held ? 'held' : 'deleted');
    }
  });

  it('when one address sends more notices than the per-IP limit, then it gets 429 (an IPv6 /64 counts as one address)', async () => {
    const limited = await startTestApi(env, { RATE_LIMIT_NOTICE_IP: '2/3600' });
    try {
      const postId = await buildPost(env.db, site.siteId);
      const author = await signInReader(api.app, site);
      const codes = [];
      for (let i = 0; i < 3; i++) {
        const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
        const res = await sendNotice(
          limited.app,
          site.siteId,
          { comments: [id], name: 'Rita', email: `rita${i}@example.org` },
          { ip: `2001:db8:1:2::${i + 1}` },
        );
        codes.push(res.status);
      }
      assert.deepEqual(codes, [201, 201, 429]);
    } finally {
      await limited.close();
    }
  });

  it('when a moderator removes the comments of a notice, then they leave the thread, the notifier gets the decision and the author a statement of reasons', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const sent = await sendNotice(api.app, site.siteId, {
      comments: [id],
      name: 'Dana',
      email: 'dana@example.org',
      category: 'hate_speech',
    });
    assert.equal(sent.status, 201);
    const decided = await decideNotice(api.app, site.siteId, sent.body.notice.id, mod.accessToken, {
      action: 'remove',
      reason: 'Incites hatred against a protected group (section 130 of the criminal code).',
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.notice.status, 'actioned');
    assert.equal(await statusOf(id), 'rejected');

    const decision = await smtp.waitForMail('dana@example.org', /removed/);
    assert.match(decision.subject, new RegExp(sent.body.notice.reference as string));
    const toAuthor = await smtp.waitForMail(author.email, /Decided by automated means: no/);
    assert.match(toAuthor.text, /Hate speech/);
    assert.match(toAuthor.text, /appeal/i);

    // The author reads the statement with the comment.
    const status = await request(api.app)
      .get(`/api/v1/comments/${id}`)
      .set('Authorization', `Bearer ${author.accessToken}`)
      .expect(200);
    const s = status.body.comment.statement;
    assert.equal(s.restriction, 'removal');
    assert.equal(s.ground, 'illegal_content');
    assert.equal(s.groundDetail, 'Hate speech');
    assert.equal(s.category, 'hate_speech');
    assert.equal(s.source, 'notice');
    assert.equal(s.automatedDetection, false);
    assert.equal(s.automatedDecision, false);
    assert.match(s.redress, /out-of-court/);
    assert.ok(Date.parse(s.appealUntil) > Date.now() + 180 * 86_400_000);

    // Deciding twice is a conflict.
    const twice = await decideNotice(api.app, site.siteId, sent.body.notice.id, mod.accessToken, {
      action: 'no_action',
      reason: 'second look',
    });
    assert.equal(twice.status, 409);
  });

  it('when a moderator takes no action, then the comment stays and the notifier is told why', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const sent = await sendNotice(api.app, site.siteId, { comments: [id], name: 'Lee', email: 'lee@example.org' });
    const decided = await decideNotice(api.app, site.siteId, sent.body.notice.id, mod.accessToken, {
      action: 'no_action',
      reason: 'Sharp criticism of a public figure, not illegal.',
    });
    assert.equal(decided.status, 200);
    assert.equal(await statusOf(id), 'approved');
    const mail = await smtp.waitForMail('lee@example.org', /no action/);
    assert.match(mail.text, /Sharp criticism of a public figure/);
    const audit = await env.db.query<{ actor_id: string }>(
      `SELECT actor_id FROM audit_log WHERE site_id = $1 AND action = 'dsa.notice_no_action' AND before->>'notice' = $2`,
      [site.siteId, sent.body.notice.reference],
    );
    assert.deepEqual(audit.rows, [{ actor_id: mod.user.id }]);
  });

  it('when a signed-in notifier exports their data, then each notice has what they wrote and what was decided', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const notifier = await signInReader(api.app, site);
    const sent = await sendNotice(
      api.app,
      site.siteId,
      { comments: [id], explanation: 'It names my neighbour and their address.', email: 'mine@example.org' },
      { token: notifier.accessToken },
    );
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    await decideNotice(api.app, site.siteId, sent.body.notice.id, mod.accessToken, {
      action: 'no_action',
      reason: 'No address appears in the comment.',
    }).expect(200);
    const exported = await request(api.app)
      .get('/api/v1/me/export')
      .set('Authorization', `Bearer ${notifier.accessToken}`)
      .expect(200);
    const [notice] = exported.body.notices;
    assert.equal(notice.reference, sent.body.notice.reference);
    assert.equal(notice.explanation, 'It names my neighbour and their address.');
    assert.equal(notice.email, 'mine@example.org');
    assert.deepEqual(notice.comments, [id]);
    assert.equal(notice.status, 'no_action');
    assert.equal(notice.decisionReason, 'No address appears in the comment.');
  });
});

describe('statements of reasons (Art. 17)', () => {
  it('when the worker rejects a comment, then its statement records detection and decision by automated means, and the author reads it by email, in the API and in the export', async () => {
    await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set('Authorization', `Bearer ${(await buildStaff(env.db, api.app, site.siteId, 'admin')).accessToken}`)
      .send({ bannedWords: ['scoundrelword'] })
      .expect(200);
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: author.accessToken,
      body: 'You are a scoundrelword and everyone knows it.',
    });
    assert.equal((await waitForDecision(api.app, id, author.accessToken)).status, 'rejected');
    // The statement is stored just after the decision it explains.
    const s = await waitFor(async () => (await waitForDecision(api.app, id, author.accessToken)).statement ?? null, {
      what: 'the status to carry the statement',
    });
    assert.equal(s.restriction, 'removal');
    assert.equal(s.source, 'automated');
    assert.equal(s.automatedDetection, true);
    assert.equal(s.automatedDecision, true);
    assert.equal(s.ground, 'incompatible_content');
    assert.equal(s.groundDetail, 'banned_word');
    const mail = await smtp.waitForMail(author.email, /Decided by automated means: yes/);
    assert.match(mail.text, new RegExp(s.id));

    const exported = await request(api.app)
      .get('/api/v1/me/export')
      .set('Authorization', `Bearer ${author.accessToken}`)
      .expect(200);
    assert.ok(exported.body.statements.some((x: { id: string }) => x.id === s.id));
  });

  it('when a moderator rejects a comment the worker held, then the statement says automated detection, human decision', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: author.user.id,
      status: 'pending',
      reasons: [{ rule: 'toxicity', detail: 'TOXICITY 0.8 ≥ 0.7' }],
    });
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ action: 'reject', reason: 'personal attack' })
      .expect(200);
    const status = await request(api.app)
      .get(`/api/v1/comments/${id}`)
      .set('Authorization', `Bearer ${author.accessToken}`)
      .expect(200);
    assert.equal(status.body.comment.statement.automatedDetection, true);
    assert.equal(status.body.comment.statement.automatedDecision, false);
    assert.equal(status.body.comment.statement.source, 'moderator');
    assert.match(status.body.comment.statement.facts, /personal attack/);
  });

  it("when readers' reports hold a comment, then its author sees a statement: detected by people, decided by the threshold", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    for (let i = 0; i < 3; i++) {
      const r = await signInReader(api.app, site);
      await establishReader(env.db, r.user.id);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set('Authorization', `Bearer ${r.accessToken}`)
        .send({ reason: 'abuse' })
        .expect(201);
    }
    assert.equal(await statusOf(id), 'pending');
    const status = await request(api.app)
      .get(`/api/v1/comments/${id}`)
      .set('Authorization', `Bearer ${author.accessToken}`)
      .expect(200);
    const s = status.body.comment.statement;
    assert.equal(s.restriction, 'hold');
    assert.equal(s.automatedDetection, false);
    assert.equal(s.automatedDecision, true);
    await smtp.waitForMail(author.email, /Your comment is held/);
  });

  it('when a moderator suspends a reader, then the account restriction has a statement with its end, mailed to the reader', async () => {
    const reader = await signInWithEmail(api.app, site);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/suspend`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ until, reason: 'repeated insults' })
      .expect(200);
    const mail = await smtp.waitForMail(reader.email, /suspended/);
    assert.match(mail.text, /repeated insults/);
    const rows = await env.db.query<{ restriction: string; ends_at: Date; decided_by: string }>(
      'SELECT restriction, ends_at, decided_by FROM dsa_statements WHERE user_id = $1',
      [reader.user.id],
    );
    assert.equal(rows.rows[0]?.restriction, 'suspension');
    assert.equal(rows.rows[0]?.ends_at.toISOString(), until);
    assert.equal(rows.rows[0]?.decided_by, mod.user.id);
  });

  it('when a site turns the DSA features off, then notices and the DSA queues are refused with 403 and decisions make no statements', async () => {
    const off = await buildSite(env.db);
    const admin = await buildStaff(env.db, api.app, off.siteId, 'admin');
    await request(api.app)
      .patch(`/api/v1/sites/${off.siteId}/settings`)
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ dsa: { enabled: false } })
      .expect(200);
    const postId = await buildPost(env.db, off.siteId);
    const author = await signInReader(api.app, off);
    const id = await storeComment(env.db, { siteId: off.siteId, postId, authorId: author.user.id });
    const res = await sendNotice(api.app, off.siteId, { comments: [id], name: 'Y', email: 'y@example.org' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'dsa_disabled');
    // The queues say so too, which is how the moderation page knows to hide them.
    for (const queue of ['notices', 'appeals']) {
      const listed = await request(api.app)
        .get(`/api/v1/sites/${off.siteId}/moderation/${queue}`)
        .set('Authorization', `Bearer ${admin.accessToken}`);
      assert.equal(listed.status, 403, queue);
      assert.equal(listed.body.error.code, 'dsa_disabled');
    }
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ action: 'reject', reason: 'off topic' })
      .expect(200);
    const rows = await env.db.query('SELECT 1 FROM dsa_statements WHERE comment_id = $1', [id]);
    assert.equal(rows.rowCount, 0);
  });
});
