import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { openApiChecker } from '../support/openapi.js';
import { getThread } from '../support/comment-flow.js';
import { waitFor } from '../support/wait-for.js';
import { UNDONE_APPEAL_REASON } from '#shared/moderation-undo.js';
import { eraseReader } from '#shared/db/data-rights.js';
import { signInWithEmail, siteHeldByReports } from '../support/dsa.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { applyWaitingEdit, waitingEdit } from '../support/edits.js';

/** A moderator takes back their last decision within the window; the comment is as it was before. */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let mod: SignedIn;
let mod2: SignedIn;
let postId: string;
let authorId: string;
let authorToken: string;
let smtp: SmtpReceiver;
const doc = openApiChecker();

before(async () => {
  smtp = await startSmtpReceiver();
  env = await createTestEnv({ RATE_LIMIT_COMMENT_USER: '1000/60', SMTP_URL: smtp.url });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  mod2 = await buildStaff(env.db, api.app, site.siteId, 'moderator');
  postId = await buildPost(env.db, site.siteId);
  const author = await signInReader(api.app, site);
  authorId = author.user.id;
  authorToken = author.accessToken;
});
after(async () => {
  await api?.close();
  await env?.close();
  await smtp?.close();
});

const as = (who: SignedIn) => ({ Authorization: `Bearer ${who.accessToken}` });
const decide = (who: SignedIn, id: string, action: 'approve' | 'reject') =>
  request(api.app).post(`/api/v1/comments/${id}/moderation`).set(as(who)).send({ action }).expect(200);
const undo = async (who: SignedIn, commentId: string, siteId = site.siteId) =>
  doc.check(await request(api.app).post(`/api/v1/sites/${siteId}/moderation/undo`).set(as(who)).send({ commentId }));
/** Everything an action changes about a comment, read from the database. */
const snapshot = async (id: string) =>
  (
    await env.db.query(
      `SELECT c.status, c.reasons, c.decided_at::text, p.comment_count, u.approved_count, u.rejected_count,
              (SELECT count(*)::int FROM reports r WHERE r.comment_id = c.id AND r.resolved_at IS NULL) AS open_reports,
              (SELECT count(*)::int FROM moderation_decisions d WHERE d.comment_id = c.id) AS decisions,
              (SELECT count(*)::int FROM dsa_statements s WHERE s.comment_id = c.id AND s.reversed_at IS NULL) AS statements
         FROM comments c JOIN posts p ON p.site_id = c.site_id AND p.id = c.post_id JOIN users u ON u.id = c.author_id
        WHERE c.id = $1`,
      [id],
    )
  ).rows[0];
const newComment = (status: 'approved' | 'pending' = 'approved') =>
  storeComment(env.db, {
    siteId: site.siteId,
    postId,
    authorId,
    status,
    reasons: status === 'pending' ? [{ rule: 'toxicity', detail: 'held' }] : [],
  });

describe('undo of the last decision', () => {
  it('when a moderator undoes a rejection within the window, then status, reasons, time, counts, reports and the thread are as before, and it is audited', async () => {
    const id = await newComment();
    for (let i = 0; i < 2; i++) {
      const reader = await signInReader(api.app, site);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ reason: 'abuse' })
        .expect(201);
    }
    const original = await snapshot(id);
    assert.equal(original.open_reports, 2);
    await decide(mod, id, 'reject');
    const rejected = await snapshot(id);
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.comment_count, original.comment_count - 1);
    assert.equal(rejected.open_reports, 0);
    assert.equal(rejected.decisions, 1);
    assert.equal(rejected.statements, 1);
    await waitFor(async () => !(await getThread(api.app, site.siteId, postId)).comments.some((c) => c.id === id));

    const res = await undo(mod, id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.comment, { id, status: 'approved', previousStatus: 'rejected' });
    assert.deepEqual(await snapshot(id), { ...original, decisions: 0 });
    assert.equal(original.decisions, 0);
    await waitFor(async () => (await getThread(api.app, site.siteId, postId)).comments.some((c) => c.id === id), {
      what: 'the comment back in the thread',
    });
    const audit = await env.db.query<{ action: string; actor_id: string; before: unknown; after: unknown }>(
      `SELECT action, actor_id, before, after FROM audit_log WHERE comment_id = $1 ORDER BY id`,
      [id],
    );
    assert.deepEqual(
      audit.rows.map((a) => a.action),
      ['comment.reject', 'comment.undo'],
    );
    assert.equal(audit.rows[1]!.actor_id, mod.user.id);
    assert.deepEqual([audit.rows[1]!.before, audit.rows[1]!.after], [{ status: 'rejected' }, { status: 'approved' }]);

    // Undone once: the last action is now the undo itself.
    const again = await undo(mod, id);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'undo_not_last');
  });

  it('when an approval of a held comment is undone, then it is held again with its counts', async () => {
    const id = await newComment('pending');
    const original = await snapshot(id);
    await decide(mod, id, 'approve');
    assert.equal((await undo(mod, id)).status, 200);
    assert.deepEqual(await snapshot(id), original);
  });

  it('when the author appealed the rejection before it was undone, then the appeal is kept, closed in their favour without a decider, its statement withdrawn, and the author told', async () => {
    const appellant = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: appellant.user.id });
    await decide(mod, id, 'reject');
    const statementId = (
      await env.db.query<{ id: string }>(`SELECT id FROM dsa_statements WHERE comment_id = $1`, [id])
    ).rows[0]!.id;
    // Its mail still being sent (not yet recorded as sent): the statement stays on record when undone.
    await env.db.query(`UPDATE dsa_statements SET mailed_at = NULL, mail_claimed_at = now() WHERE id = $1`, [
      statementId,
    ]);
    const filed = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/appeals`)
      .set('Authorization', `Bearer ${appellant.accessToken}`)
      .send({ statementId, explanation: 'I quoted the minister; nothing more.' });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));

    assert.equal((await undo(mod, id)).status, 200);
    assert.equal((await snapshot(id)).status, 'approved');
    const kept = await env.db.query(
      `SELECT a.status, a.decided_by, a.decision_reason, a.explanation, s.reversed_at IS NOT NULL AS reversed,
              s.withdrawn_at IS NOT NULL AS withdrawn
         FROM dsa_appeals a JOIN dsa_statements s ON s.id = a.statement_id WHERE a.id = $1`,
      [filed.body.appeal.id],
    );
    assert.deepEqual(kept.rows, [
      {
        status: 'reversed',
        decided_by: null,
        decision_reason: UNDONE_APPEAL_REASON,
        explanation: 'I quoted the minister; nothing more.',
        reversed: true,
        withdrawn: true,
      },
    ]);
    const told = await smtp.waitForMail(appellant.email, /withdrew the decision you appealed/);
    assert.match(told.subject, new RegExp(`your appeal ${filed.body.appeal.id} is closed`));
  });

  it('when an appeal against the hold was decided after the approval, then the approval can no longer be undone', async () => {
    const { site: own, first, second } = await siteHeldByReports(env.db, api.app, 1);
    const author = await signInReader(api.app, own);
    const id = await storeComment(env.db, {
      siteId: own.siteId,
      postId: await buildPost(env.db, own.siteId),
      authorId: author.user.id,
    });
    const reporter = await signInReader(api.app, own);
    await request(api.app)
      .post(`/api/v1/comments/${id}/reports`)
      .set('Authorization', `Bearer ${reporter.accessToken}`)
      .send({ reason: 'abuse' })
      .expect(201);
    const statementId = (
      await env.db.query<{ id: string }>(`SELECT id FROM dsa_statements WHERE comment_id = $1`, [id])
    ).rows[0]!.id;
    await decide(first, id, 'approve');
    const filed = await request(api.app)
      .post(`/api/v1/sites/${own.siteId}/appeals`)
      .set('Authorization', `Bearer ${author.accessToken}`)
      .send({ statementId, explanation: 'It was fair comment.' })
      .expect(201);
    await request(api.app)
      .post(`/api/v1/sites/${own.siteId}/moderation/appeals/${filed.body.appeal.id}/decision`)
      .set(as(second))
      .send({ outcome: 'reversed', reason: 'Fair comment.' })
      .expect(200);
    const res = await undo(first, id, own.siteId);
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'undo_conflict');
    assert.equal((await snapshot(id)).status, 'approved');
  });

  it('when the author’s edit was applied after the action, then 409 undo_conflict and the edit’s decision stands', async () => {
    const id = await newComment('pending');
    // Sent before the approval, applied after it (the worker was busy): what counts is when it was applied.
    const editId = await waitingEdit(env.db, {
      siteId: site.siteId,
      commentId: id,
      body: 'Rewritten while the approval was made.',
    });
    await decide(mod, id, 'approve');
    const scored = { reasons: [{ rule: 'toxicity', detail: 'scored 0.10' }], scores: { TOXICITY: 0.1 } };
    assert.equal(await applyWaitingEdit(env.db, editId, 'approved', scored), true);
    const before = await snapshot(id);
    const res = await undo(mod, id);
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'undo_conflict');
    assert.deepEqual(await snapshot(id), before);
  });

  it('when the window has passed, then 409 undo_expired and nothing changes', async () => {
    const id = await newComment('pending');
    await decide(mod, id, 'approve');
    // The action as if taken 11 seconds ago (the window is measured by the database's clock).
    await env.db.query(`UPDATE audit_log SET created_at = created_at - interval '11 seconds' WHERE comment_id = $1`, [
      id,
    ]);
    const res = await undo(mod, id);
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'undo_expired');
    assert.equal((await snapshot(id)).status, 'approved');
  });

  it('when another moderator acted since, or the moderator acted on another comment, then 409 and nothing changes', async () => {
    const id = await newComment('pending');
    await decide(mod, id, 'reject');
    await decide(mod2, id, 'approve');
    const changed = await undo(mod, id);
    assert.equal(changed.status, 409);
    assert.equal(changed.body.error.code, 'undo_conflict');
    assert.equal((await snapshot(id)).status, 'approved');

    const a = await newComment('pending');
    const b = await newComment('pending');
    await decide(mod, a, 'reject');
    await decide(mod, b, 'reject');
    const notLast = await undo(mod, a);
    assert.equal(notLast.status, 409);
    assert.equal(notLast.body.error.code, 'undo_not_last');
    assert.equal((await snapshot(a)).status, 'rejected');
    assert.equal((await undo(mod, b)).status, 200);
  });

  it('when the caller is not staff of the site or the body is bad, then 403 or 400', async () => {
    const id = await newComment('pending');
    await decide(mod, id, 'approve');
    const other = await buildSite(env.db);
    const otherMod = await buildStaff(env.db, api.app, other.siteId, 'moderator');
    assert.equal((await undo(otherMod, id)).status, 403);
    assert.equal((await undo(otherMod, id, other.siteId)).status, 409);
    const reader = await signInReader(api.app, site);
    const asReader = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/undo`)
      .set('Authorization', `Bearer ${reader.accessToken}`)
      .send({ commentId: id });
    assert.equal(asReader.status, 403);
    const bad = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/undo`)
      .set(as(mod))
      .send({ commentId: 'x' });
    assert.equal(bad.status, 400);
    assert.equal((await snapshot(id)).status, 'approved');
  });

  it('when the author deletes a decided comment, or erases their account, before the adapter learned the decision, then the decision goes with the text', async () => {
    const waiting = async (ids: string[]) =>
      (
        await env.db.query(`SELECT 1 FROM moderation_decisions WHERE comment_id = ANY($1) AND learned_at IS NULL`, [
          ids,
        ])
      ).rowCount;
    const id = await newComment();
    await decide(mod, id, 'reject');
    assert.equal(await waiting([id]), 1);
    await request(api.app).delete(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${authorToken}`).expect(204);
    assert.equal(await waiting([id]), 0);

    const leaver = await signInReader(api.app, site);
    const theirs = [];
    for (const body of ['First of mine.', 'Second of mine.'])
      theirs.push(await storeComment(env.db, { siteId: site.siteId, postId, authorId: leaver.user.id, body }));
    await decide(mod, theirs[0]!, 'reject');
    await decide(mod, theirs[1]!, 'reject');
    assert.equal(await waiting(theirs), 2);
    assert.ok(
      await eraseReader(env.db, { siteId: site.siteId, userId: leaver.user.id, mode: 'remove', requestedBy: null }),
    );
    assert.equal(await waiting(theirs), 0);
  });
});
