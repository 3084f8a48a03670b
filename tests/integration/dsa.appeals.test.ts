import { after, before, describe, it } from 'node:test';
import { humanStatement, storeStatement } from '#shared/dsa/statements.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { getThread } from '../support/comment-flow.js';
import { decideNotice, sendNotice, signInWithEmail, siteHeldByReports } from '../support/dsa.js';
import { applyEdit } from '#shared/db/comment-edits.js';

/**
 * DSA Art. 20 (complaints: by the author and by the notifier, decided only by another person,
 * reversals restore) and Art. 22 (trusted flaggers' notices first, tagged).
 */

let env: TestEnv;
let api: TestApi;
let smtp: SmtpReceiver;
let site: BuiltSite;
let first: SignedIn;
let second: SignedIn;
let admin: SignedIn;

before(async () => {
  smtp = await startSmtpReceiver();
  env = await createTestEnv({ SMTP_URL: smtp.url, RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  first = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  second = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
});
after(async () => {
  await api?.close();
  await env?.close();
  await smtp?.close();
});

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const statusOf = async (id: string) =>
  (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!.status;

/** An approved comment that `first` removed on a notice; returns ids and the author. */
async function removedOnNotice() {
  const postId = await buildPost(env.db, site.siteId);
  const author = await signInWithEmail(api.app, site);
  const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
  const sent = await sendNotice(api.app, site.siteId, { comments: [id], name: 'N', email: 'n@example.org' });
  assert.equal(sent.status, 201);
  await decideNotice(api.app, site.siteId, sent.body.notice.id, first.accessToken, {
    action: 'remove',
    reason: 'defamatory claim about a named person',
  }).expect(200);
  const status = await request(api.app).get(`/api/v1/comments/${id}`).set(auth(author.accessToken)).expect(200);
  return { postId, id, author, statementId: status.body.comment.statement.id as string };
}

const appeal = (token: string | null, body: object) => {
  const r = request(api.app).post(`/api/v1/sites/${site.siteId}/appeals`);
  if (token) r.set(auth(token));
  return r.send(body);
};
const decideAppeal = (token: string, id: string, body: object) =>
  request(api.app).post(`/api/v1/sites/${site.siteId}/moderation/appeals/${id}/decision`).set(auth(token)).send(body);

describe('complaints (Art. 20)', () => {
  it('when the author appeals and a second moderator reverses the removal, then the comment is back on the thread and the author is told why', async () => {
    const { postId, id, author, statementId } = await removedOnNotice();
    const made = await appeal(author.accessToken, { statementId, explanation: 'What I wrote is true and documented.' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const appealId = made.body.appeal.id as string;

    const queue = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/appeals`)
      .set(auth(second.accessToken))
      .expect(200);
    const item = queue.body.items.find((i: { id: string }) => i.id === appealId);
    assert.equal(item.statement.id, statementId);
    assert.equal(item.appellant, 'author');

    // The moderator who removed it may not decide the appeal.
    const same = await decideAppeal(first.accessToken, appealId, { outcome: 'upheld', reason: 'I stand by it' });
    assert.equal(same.status, 403);
    assert.equal(same.body.error.code, 'same_decider');

    const done = await decideAppeal(second.accessToken, appealId, {
      outcome: 'reversed',
      reason: 'The claim is reported by two newspapers.',
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.appeal.status, 'reversed');
    assert.equal(await statusOf(id), 'approved');
    const thread = await getThread(api.app, site.siteId, postId);
    assert.ok(
      thread.comments.some((c) => c.id === id),
      'the restored comment is on the thread',
    );
    const mail = await smtp.waitForMail(author.email, /reversed/);
    assert.match(mail.text, /two newspapers/);

    const again = await decideAppeal(admin.accessToken, appealId, { outcome: 'upheld', reason: 'late' });
    assert.equal(again.status, 409);
    // One appeal per decision.
    const twice = await appeal(author.accessToken, { statementId, explanation: 'again' });
    assert.equal(twice.status, 409);
  });

  it('when a comment restored on appeal is edited and removed again, then the new removal has a statement of its own', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const remove = () =>
      request(api.app)
        .post(`/api/v1/comments/${id}/moderation`)
        .set(auth(first.accessToken))
        .send({ action: 'reject', reason: 'off topic' })
        .expect(200);
    const statementOf = async () =>
      (await request(api.app).get(`/api/v1/comments/${id}`).set(auth(author.accessToken)).expect(200)).body.comment
        .statement as { id: string; reversedAt: string | null } | null;
    await remove();
    const firstStatement = (await statementOf())!;
    const made = await appeal(author.accessToken, { statementId: firstStatement.id, explanation: 'It was on topic.' });
    await decideAppeal(second.accessToken, made.body.appeal.id, { outcome: 'reversed', reason: 'It was.' }).expect(200);
    // The author edits; the edit is decided approved with no reasons, as the worker decides a clean text.
    const edited = await request(api.app)
      .patch(`/api/v1/comments/${id}`)
      .set(auth(author.accessToken))
      .send({ body: 'The same point, put more plainly.' })
      .expect(202);
    const applied = await applyEdit(env.db, edited.body.editId, {
      status: 'approved',
      reasons: [],
      scores: {},
      scoredBy: [],
      settingsVersion: null,
    });
    assert.equal(applied.applied, true);

    await remove();
    const secondStatement = await statementOf();
    assert.ok(secondStatement, 'the second removal has a statement');
    assert.notEqual(secondStatement.id, firstStatement.id);
    assert.equal(secondStatement.reversedAt, null);
    const again = await appeal(author.accessToken, { statementId: secondStatement.id, explanation: 'Still on topic.' });
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });

  it("when a hold by readers' reports is reversed, then the reports are closed and one more report holds nothing; a reversed removal is learned as an approval", async () => {
    const { site: own, first: ownFirst, second: ownSecond } = await siteHeldByReports(env.db, api.app, 2);
    const postId = await buildPost(env.db, own.siteId);
    const author = await signInWithEmail(api.app, own);
    const report = async (id: string) => {
      const reader = await signInWithEmail(api.app, own);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set(auth(reader.accessToken))
        .send({ reason: 'abuse' })
        .expect(201);
    };
    const reverse = async (id: string) => {
      const statement = (await request(api.app).get(`/api/v1/comments/${id}`).set(auth(author.accessToken)).expect(200))
        .body.comment.statement;
      const made = await request(api.app)
        .post(`/api/v1/sites/${own.siteId}/appeals`)
        .set(auth(author.accessToken))
        .send({ statementId: statement.id, explanation: 'Nothing wrong with it.' })
        .expect(201);
      await request(api.app)
        .post(`/api/v1/sites/${own.siteId}/moderation/appeals/${made.body.appeal.id}/decision`)
        .set(auth(ownSecond.accessToken))
        .send({ outcome: 'reversed', reason: 'It is fair comment.' })
        .expect(200);
      assert.equal(await statusOf(id), 'approved');
    };

    const held = await storeComment(env.db, { siteId: own.siteId, postId, authorId: author.user.id });
    await report(held);
    await report(held);
    assert.equal(await statusOf(held), 'pending');
    await reverse(held);
    const open = await env.db.query(`SELECT 1 FROM reports WHERE comment_id = $1 AND resolved_at IS NULL`, [held]);
    assert.equal(open.rowCount, 0, 'the reports that held it are closed');
    await report(held);
    assert.equal(await statusOf(held), 'approved', 'one new report is under the threshold of 2');

    const removed = await storeComment(env.db, { siteId: own.siteId, postId, authorId: author.user.id });
    await request(api.app)
      .post(`/api/v1/comments/${removed}/moderation`)
      .set(auth(ownFirst.accessToken))
      .send({ action: 'reject', reason: 'insulting' })
      .expect(200);
    await reverse(removed);
    const standing = await env.db.query<{ label: number }>(
      `SELECT label FROM moderation_decisions WHERE comment_id = $1 AND voided_at IS NULL`,
      [removed],
    );
    assert.deepEqual(
      standing.rows.map((r) => r.label),
      [0],
      'the removal no longer stands; the approval on appeal does',
    );
  });

  it('when an appeal is upheld, then the comment stays removed and the outcome is mailed', async () => {
    const { id, author, statementId } = await removedOnNotice();
    const made = await appeal(author.accessToken, { statementId, explanation: 'Please look again.' });
    const done = await decideAppeal(second.accessToken, made.body.appeal.id, {
      outcome: 'upheld',
      reason: 'The claim is unfounded and names a private person.',
    });
    assert.equal(done.status, 200);
    assert.equal(await statusOf(id), 'rejected');
    await smtp.waitForMail(author.email, /decision stands/);
  });

  it("when someone else appeals a reader's statement, or a reader appeals without signing in, then it is 404 or 401", async () => {
    const { statementId } = await removedOnNotice();
    const other = await signInReader(api.app, site);
    assert.equal((await appeal(other.accessToken, { statementId, explanation: 'mine?' })).status, 404);
    assert.equal((await appeal(null, { statementId, explanation: 'anon' })).status, 401);
  });

  it('when the six months have passed, then the appeal is refused with 409', async () => {
    const { author, statementId } = await removedOnNotice();
    await env.db.query(`UPDATE dsa_statements SET appeal_until = now() - interval '1 day' WHERE id = $1`, [
      statementId,
    ]);
    const res = await appeal(author.accessToken, { statementId, explanation: 'late' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'appeal_window_closed');
  });

  it("when an anonymous notifier appeals a no-action decision with the receipt's code and it is reversed, then the comment is removed with a statement to its author", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const sent = await sendNotice(api.app, site.siteId, { comments: [id], name: 'Olga', email: 'olga@example.org' });
    await decideNotice(api.app, site.siteId, sent.body.notice.id, first.accessToken, {
      action: 'no_action',
      reason: 'not illegal',
    }).expect(200);
    const reference = sent.body.notice.reference as string;
    const wrong = await appeal(null, { noticeReference: reference, appealCode: 'not-the-code', explanation: 'x' });
    assert.equal(wrong.status, 404);
    const made = await appeal(null, {
      noticeReference: reference,
      appealCode: sent.body.appealCode,
      explanation: 'It names my address and phone number.',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.appeal.appellant, 'notifier');
    assert.equal(
      (await decideAppeal(first.accessToken, made.body.appeal.id, { outcome: 'reversed', reason: 'x' })).status,
      403,
    );
    // The no-action decision was days ago: the notice is acted on only now, when the appeal reverses it.
    await env.db.query(`UPDATE dsa_notices SET decided_at = now() - interval '3 days' WHERE id = $1`, [
      sent.body.notice.id,
    ]);
    await decideAppeal(second.accessToken, made.body.appeal.id, {
      outcome: 'reversed',
      reason: 'It discloses private contact details.',
    }).expect(200);
    assert.equal(await statusOf(id), 'rejected');
    const notice = await env.db.query<{ late: boolean }>(
      `SELECT actioned_at > decided_at + interval '2 days' AS late FROM dsa_notices WHERE id = $1`,
      [sent.body.notice.id],
    );
    assert.equal(notice.rows[0]!.late, true, 'acted on when the appeal was decided, for the median time to act');
    await smtp.waitForMail('olga@example.org', /reversed/);
    await smtp.waitForMail(author.email, /private contact details/);
  });

  it('when a suspended reader wins an appeal against the suspension, then the account is active again', async () => {
    const reader = await signInWithEmail(api.app, site);
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/suspend`)
      .set(auth(first.accessToken))
      .send({ until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'insults' })
      .expect(200);
    const exported = await request(api.app).get('/api/v1/me/export').set(auth(reader.accessToken)).expect(200);
    const statementId = exported.body.statements[0].id as string;
    const made = await appeal(reader.accessToken, { statementId, explanation: 'It was a quote.' });
    assert.equal(made.status, 201);
    await decideAppeal(second.accessToken, made.body.appeal.id, { outcome: 'reversed', reason: 'a quotation' }).expect(
      200,
    );
    const row = await env.db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [reader.user.id]);
    assert.equal(row.rows[0]!.status, 'active');
  });
  it('when a reader wins an appeal against a suspension after a moderator banned them, then the ban stays; a second ban of a banned reader makes no second statement', async () => {
    const reader = await signInWithEmail(api.app, site);
    const act = (action: 'suspend' | 'ban', body: object) =>
      request(api.app)
        .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/${action}`)
        .set(auth(first.accessToken))
        .send(body);
    await act('suspend', { until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'insults' }).expect(200);
    const exported = await request(api.app).get('/api/v1/me/export').set(auth(reader.accessToken)).expect(200);
    const made = await appeal(reader.accessToken, {
      statementId: exported.body.statements[0].id,
      explanation: 'It was a quote.',
    });
    assert.equal(made.status, 201);
    // While the appeal waits, the reader is banned (a retried ban too).
    await act('ban', { reason: 'threats' }).expect(200);
    await act('ban', { reason: 'threats' }).expect(200);
    const statements = await env.db.query<{ restriction: string }>(
      'SELECT restriction FROM dsa_statements WHERE user_id = $1 ORDER BY created_at',
      [reader.user.id],
    );
    assert.deepEqual(
      statements.rows.map((r) => r.restriction),
      ['suspension', 'ban'],
      'one statement per restriction imposed',
    );
    await decideAppeal(second.accessToken, made.body.appeal.id, { outcome: 'reversed', reason: 'a quotation' }).expect(
      200,
    );
    const row = await env.db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [reader.user.id]);
    assert.equal(row.rows[0]!.status, 'banned', 'the later ban has its own statement and its own appeal');
  });

  it('when a banned reader signs in again, then their own-comments answer carries the ban and its statement, they appeal it there without seeing who decided, and they still may not comment', async () => {
    const sub = uniq('banned');
    const signIn = async () => {
      const res = await request(api.app)
        .post('/api/v1/auth/sso')
        .send({
          siteId: site.siteId,
          token: await signSso(site.ssoSecret, { sub, name: 'Bo', email: `${sub}@example.com` }),
        })
        .expect(200);
      return res.body as { accessToken: string; user: { id: string } };
    };
    const reader = await signIn();
    const postId = await buildPost(env.db, site.siteId);
    const mine = async (token: string) =>
      (
        await request(api.app)
          .get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments/mine`)
          .set(auth(token))
          .expect(200)
      ).body as {
        standing: {
          status: string;
          until: string | null;
          statement: { id: string; restriction: string; appeal: unknown } | null;
        } | null;
      };
    assert.equal((await mine(reader.accessToken)).standing, null, 'an active account has nothing to show');

    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/ban`)
      .set(auth(first.accessToken))
      .send({ reason: 'repeated threats' })
      .expect(200);
    await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments/mine`)
      .set(auth(reader.accessToken))
      .expect(401);

    const again = await signIn();
    assert.equal(again.user.id, reader.user.id);
    const { standing } = await mine(again.accessToken);
    assert.equal(standing?.status, 'banned');
    assert.equal(standing.until, null);
    assert.equal(standing.statement?.restriction, 'ban');
    assert.equal(standing.statement.appeal, null);
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set(auth(again.accessToken))
      .send({ body: 'Let me back in.' })
      .expect(403);

    const made = await appeal(again.accessToken, {
      statementId: standing.statement.id,
      explanation: 'Those were song lyrics.',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.appeal.firstDecider, undefined, 'the appellant is not told which moderator decided');
    assert.equal(made.body.appeal.decidedBy, undefined);
    assert.equal(
      (await mine(again.accessToken)).standing?.statement?.appeal !== null,
      true,
      'the appeal shows as made',
    );
    const exported = await request(api.app).get('/api/v1/me/export').set(auth(again.accessToken)).expect(200);
    assert.equal(exported.body.appeals[0].firstDecider, undefined);

    const queue = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/moderation/appeals`)
      .set(auth(second.accessToken))
      .expect(200);
    const item = queue.body.items.find((i: { id: string }) => i.id === made.body.appeal.id);
    assert.equal(item.firstDecider, first.user.id, 'the staff see who took the decision appealed');
    await decideAppeal(second.accessToken, made.body.appeal.id, {
      outcome: 'reversed',
      reason: 'lyrics, quoted',
    }).expect(200);
    assert.equal((await mine(again.accessToken)).standing, null, 'the ban is lifted');
  });
  it('when a suspended reader looks, then the suspension shows with its end and its statement', async () => {
    const reader = await signInWithEmail(api.app, site);
    const until = new Date(Date.now() + 3 * 86_400_000);
    await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/suspend`)
      .set(auth(first.accessToken))
      .send({ until: until.toISOString(), reason: 'insults' })
      .expect(200);
    const postId = await buildPost(env.db, site.siteId);
    const res = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments/mine`)
      .set(auth(reader.accessToken))
      .expect(200);
    assert.equal(res.body.standing.status, 'suspended');
    assert.equal(Date.parse(res.body.standing.until), until.getTime());
    assert.equal(res.body.standing.statement.restriction, 'suspension');
  });

  it('when a removal is reversed on appeal after the comment was approved and removed again, then the later removal stands', async () => {
    const { id, author, statementId } = await removedOnNotice();
    const made = await appeal(author.accessToken, { statementId, explanation: 'The notice was wrong.' });
    assert.equal(made.status, 201);
    // Meanwhile a moderator approved it, and another removed it again: a removal of its own, with its own statement.
    const decide = (token: string, action: 'approve' | 'reject') =>
      request(api.app)
        .post(`/api/v1/comments/${id}/moderation`)
        .set(auth(token))
        .send(action === 'reject' ? { action, reason: 'abuse' } : { action })
        .expect(200);
    await decide(first.accessToken, 'approve');
    await decide(first.accessToken, 'reject');
    await decideAppeal(second.accessToken, made.body.appeal.id, {
      outcome: 'reversed',
      reason: 'the notice was wrong',
    }).expect(200);
    assert.equal(await statusOf(id), 'rejected');
  });

  it('when a held comment was removed since and its hold is reversed on appeal, then it stays removed', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    // Readers' reports hold it (a hold statement), then a moderator removes it (a removal statement).
    const hold = (await storeStatement(
      env.db,
      humanStatement({
        sourceKey: `reports:${id}:test`,
        siteId: site.siteId,
        commentId: id,
        userId: author.user.id,
        restriction: 'hold',
        facts: 'Several readers reported it.',
        groundDetail: 'held_for_review',
        automatedDetection: false,
        decidedBy: null,
        settings: { dsa: { ...DEFAULT_SETTINGS.dsa, enabled: true } },
      }),
    ))!;
    await env.db.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [id]);
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(auth(first.accessToken))
      .send({ action: 'reject', reason: 'abuse' })
      .expect(200);
    const made = await appeal(author.accessToken, { statementId: hold.id, explanation: 'It was fine.' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await decideAppeal(second.accessToken, made.body.appeal.id, {
      outcome: 'reversed',
      reason: 'the hold was wrong',
    }).expect(200);
    assert.equal(await statusOf(id), 'rejected');
  });
});

describe('trusted flaggers (Art. 22)', () => {
  it('when an admin marks an account as a trusted flagger, then its later notice comes first in the queue, tagged', async () => {
    const own = await buildSite(env.db);
    const mod = await buildStaff(env.db, api.app, own.siteId, 'moderator');
    const ownAdmin = await buildStaff(env.db, api.app, own.siteId, 'admin');
    const postId = await buildPost(env.db, own.siteId);
    const author = await signInReader(api.app, own);
    const ids = await Promise.all(
      [0, 1, 2].map(() => storeComment(env.db, { siteId: own.siteId, postId, authorId: author.user.id })),
    );
    const flagger = await signInWithEmail(api.app, own, 'Hate Aid Watch');
    // Only admins mark trusted flaggers.
    await request(api.app)
      .put(`/api/v1/sites/${own.siteId}/trusted-flaggers/${flagger.user.id}`)
      .set(auth(mod.accessToken))
      .send({ organisation: 'HateAid' })
      .expect(403);
    await request(api.app)
      .put(`/api/v1/sites/${own.siteId}/trusted-flaggers/${flagger.user.id}`)
      .set(auth(ownAdmin.accessToken))
      .send({ organisation: 'HateAid' })
      .expect(200);
    const a = await sendNotice(api.app, own.siteId, { comments: [ids[0]!], name: 'A', email: 'a@example.org' });
    const b = await sendNotice(api.app, own.siteId, { comments: [ids[1]!], name: 'B', email: 'b@example.org' });
    const t = await sendNotice(api.app, own.siteId, { comments: [ids[2]!] }, { token: flagger.accessToken });
    assert.equal(t.body.notice.trusted, true);
    const queue = await request(api.app)
      .get(`/api/v1/sites/${own.siteId}/moderation/notices`)
      .set(auth(mod.accessToken))
      .expect(200);
    assert.deepEqual(
      queue.body.items.map((i: { reference: string }) => i.reference),
      [t.body.notice.reference, a.body.notice.reference, b.body.notice.reference],
    );
    assert.deepEqual(
      queue.body.items.map((i: { trusted: boolean }) => i.trusted),
      [true, false, false],
    );
    const audit = await env.db.query(
      `SELECT 1 FROM audit_log WHERE site_id = $1 AND action = 'dsa.trusted_flagger_add'`,
      [own.siteId],
    );
    assert.equal(audit.rowCount, 1);
    // Withdrawn, the account's next notice is an ordinary one.
    await request(api.app)
      .delete(`/api/v1/sites/${own.siteId}/trusted-flaggers/${flagger.user.id}`)
      .set(auth(ownAdmin.accessToken))
      .expect(204);
    const later = await storeComment(env.db, { siteId: own.siteId, postId, authorId: author.user.id });
    const u = await sendNotice(api.app, own.siteId, { comments: [later] }, { token: flagger.accessToken });
    assert.equal(u.body.notice.trusted, false);
  });

  it("when a notifier's account is erased, then its notices keep their count but lose the name and address", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const author = await signInReader(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: author.user.id });
    const notifier = await signInWithEmail(api.app, site, 'Erin Erasable');
    const sent = await sendNotice(api.app, site.siteId, { comments: [id] }, { token: notifier.accessToken });
    assert.equal(sent.status, 201);
    await request(api.app).delete('/api/v1/me').set(auth(notifier.accessToken)).expect(200);
    const row = await env.db.query<{ notifier_name: string; notifier_email: string | null }>(
      'SELECT notifier_name, notifier_email FROM dsa_notices WHERE id = $1',
      [sent.body.notice.id],
    );
    assert.equal(row.rows[0]!.notifier_email, null);
    assert.notEqual(row.rows[0]!.notifier_name, 'Erin Erasable');
  });
});
