import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestNotificationsWorker, startTestTasksWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { signInWithEmail } from '../support/dsa.js';
import { waitFor } from '../support/wait-for.js';
import { insertStatement, type Statement } from '#shared/db/dsa-statements.js';
import { type Queryable, withTransaction } from '#shared/db/pool.js';
import { humanStatement, mailStatement } from '#shared/dsa/statements.js';
import { effectiveSettings } from '#shared/settings.js';
import { createMailer } from '#shared/mail.js';
import { sweepStatementMails } from '#worker/notifications/statement-mail-sweep.js';

/**
 * Statements of reasons reach their recipient by mail exactly once (DSA Art. 17): the worker's sweep
 * sends those whose sender stopped before mailing them, a reader's together; a ban's rejections each
 * carry their own statement, mailed together; an undone decision whose statement was mailed is withdrawn with a correction.
 */

let env: TestEnv;
let api: TestApi;
let smtp: SmtpReceiver;
let site: BuiltSite;
let mod: SignedIn;
let postId: string;
const sweepers: TestWorker[] = [];

const GRACE_MS = 800;

before(async () => {
  smtp = await startSmtpReceiver();
  env = await createTestEnv({
    SMTP_URL: smtp.url,
    RATE_LIMITS: 'off',
    LOOKUP_CACHE_TTL_MS: '0',
    STATEMENT_MAIL_GRACE_MS: String(GRACE_MS),
    STATEMENT_MAIL_SWEEP_INTERVAL_MS: '200',
  });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
  postId = await buildPost(env.db, site.siteId);
});
after(async () => {
  for (const w of sweepers) await w.close();
  await api?.close();
  await env?.close();
  await smtp?.close();
});

/** Two worker processes' notification workers, each with its own statement mail sweep. */
async function startSweepers(): Promise<void> {
  if (sweepers.length > 0) return;
  sweepers.push(await startTestNotificationsWorker(env), await startTestNotificationsWorker(env));
}

const as = (who: { accessToken: string }) => ({ Authorization: `Bearer ${who.accessToken}` });
const settings = effectiveSettings({});
const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));
const row = async (id: string) =>
  (
    await env.db.query<{
      mailed_at: Date | null;
      mail_claimed_at: Date | null;
      reversed_at: Date | null;
      withdrawn_at: Date | null;
      withdrawal_mailed_at: Date | null;
    }>(
      `SELECT mailed_at, mail_claimed_at, reversed_at, withdrawn_at, withdrawal_mailed_at FROM dsa_statements WHERE id = $1`,
      [id],
    )
  ).rows[0]!;

/** A removal's statement stored as a decision stores it, and never mailed: the process stopped right after. */
/** A statement stored and not mailed; `later`: dated an hour ahead as it is stored, so no running sweep finds it due. */
async function storedNotMailed(userId: string, o: { later?: boolean } = {}): Promise<Statement> {
  const commentId = await storeComment(env.db, { siteId: site.siteId, postId, authorId: userId, status: 'rejected' });
  const insert = (db: Queryable) =>
    insertStatement(
      db,
      humanStatement({
        sourceKey: `test:${commentId}`,
        siteId: site.siteId,
        commentId,
        userId,
        restriction: 'removal',
        facts: 'A moderator reviewed it: off topic.',
        groundDetail: 'site rules: off topic',
        automatedDetection: false,
        decidedBy: mod.user.id,
        settings,
      })!,
    );
  if (!o.later) return (await insert(env.db))!;
  return (await withTransaction(env.db, async (tx) => {
    const s = await insert(tx);
    await tx.query(`UPDATE dsa_statements SET created_at = now() + interval '1 hour' WHERE id = $1`, [s!.id]);
    return s;
  }))!;
}

/**
 * Waits until the sweeps have passed over everything stored so far: a statement stored now is mailed
 * only by a later sweep, which by then has claimed every older due mail.
 */
async function afterLaterSweep(): Promise<void> {
  const marker = await signInWithEmail(api.app, site);
  const s = await storedNotMailed(marker.user.id);
  await smtp.waitForMail(marker.email, new RegExp(s.id));
}

describe('the statement mail sweep', () => {
  it('when no mail transport is configured, then a sweep claims nothing', async () => {
    const reader = await signInWithEmail(api.app, site);
    const s = await storedNotMailed(reader.user.id);
    await env.db.query(`UPDATE dsa_statements SET created_at = now() - interval '1 hour' WHERE id = $1`, [s.id]);
    const mailer = createMailer({ smtpUrl: undefined, from: 'x <x@localhost>', logger: env.logger });
    const sent = await sweepStatementMails({ config: env.config, db: env.db, mailer, logger: env.logger });
    assert.equal(sent, 0);
    assert.equal((await row(s.id)).mail_claimed_at, null);
    // Left for the configured sweeps below, which do send it.
  });

  it('when a statement was stored and its mail never sent, then the sweep mails it once after the grace period, and two sweeping processes send it once', async () => {
    const reader = await signInWithEmail(api.app, site);
    const s = await storedNotMailed(reader.user.id);
    const stored = Date.now();
    await startSweepers();
    const mail = await smtp.waitForMail(reader.email, new RegExp(s.id));
    assert.ok(Date.now() - stored >= GRACE_MS - 50, 'not before the grace period');
    assert.match(mail.subject, /statement of reasons/);
    assert.match(mail.text, /Decided by automated means: no/);
    assert.match(mail.text, /appeal/);
    const r = await waitFor(
      async () => {
        const x = await row(s.id);
        return x.mailed_at ? x : null;
      },
      { what: 'recorded as mailed' },
    );
    assert.equal(r.mail_claimed_at, null);
    await afterLaterSweep();
    assert.equal(mailsTo(reader.email).length, 1, 'mailed exactly once');
  });

  it('when a reader has several statements left unmailed, then the sweep sends them in one mail, each in full', async () => {
    await startSweepers();
    const reader = await signInWithEmail(api.app, site);
    // Stored one after another, due at the same moment: no sweep can find some due and not the others.
    const mine: Statement[] = [];
    for (let n = 0; n < 3; n++) mine.push(await storedNotMailed(reader.user.id, { later: true }));
    await env.db.query(
      `UPDATE dsa_statements SET created_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`,
      [mine.map((st) => st.id)],
    );
    const mail = await smtp.waitForMail(reader.email, new RegExp(`statement ${mine[0]!.id}`));
    assert.match(mail.subject, /statements of reasons for 3 decisions/);
    for (const s of mine) assert.match(mail.text, new RegExp(`statement ${s.id}`));
    await waitFor(
      async () =>
        (
          await env.db.query(
            `SELECT 1 FROM dsa_statements WHERE id = ANY($1::uuid[]) AND mailed_at IS NOT NULL AND mail_claimed_at IS NULL`,
            [mine.map((s) => s.id)],
          )
        ).rowCount === 3,
      { what: 'the three statements recorded as mailed' },
    );
    await afterLaterSweep();
    assert.equal(mailsTo(reader.email).length, 1, 'one mail');
  });

  it('when many sweeps run at once, then every due statement is mailed exactly once', async () => {
    await startSweepers();
    const readers = await Promise.all([1, 2, 3, 4, 5].map(() => signInWithEmail(api.app, site)));
    const statements = [];
    for (const r of readers) statements.push(await storedNotMailed(r.user.id));
    await env.db.query(`UPDATE dsa_statements SET created_at = now() - interval '1 minute' WHERE id = ANY($1)`, [
      statements.map((s) => s.id),
    ]);
    const sweep = () =>
      sweepStatementMails({ config: env.config, db: env.db, mailer: api.deps.mailer, logger: env.logger });
    await Promise.all([sweep(), sweep(), sweep(), sweep()]);
    for (const [i, r] of readers.entries()) await smtp.waitForMail(r.email, new RegExp(statements[i]!.id));
    await afterLaterSweep();
    for (const r of readers) assert.equal(mailsTo(r.email).length, 1, `one mail to ${r.email}`);
  });

  it('when a sender claimed a mail and crashed, then the sweep sends it once the claim has lapsed; a live claim, a mailed statement and a month-old one are left alone', async () => {
    await startSweepers();
    const crashed = await signInWithEmail(api.app, site);
    const sending = await signInWithEmail(api.app, site);
    const mailed = await signInWithEmail(api.app, site);
    const old = await signInWithEmail(api.app, site);
    const a = await storedNotMailed(crashed.user.id);
    const b = await storedNotMailed(sending.user.id);
    const c = await storedNotMailed(mailed.user.id);
    const d = await storedNotMailed(old.user.id);
    await env.db.query(
      `UPDATE dsa_statements SET mail_claimed_at = CASE id WHEN $1 THEN now() - interval '1 hour' ELSE now() END,
              mailed_at = CASE WHEN id = $3 THEN now() END,
              created_at = CASE WHEN id = $4 THEN now() - interval '30 days' ELSE created_at END
        WHERE id = ANY(ARRAY[$1, $2, $3, $4]::uuid[])`,
      [a.id, b.id, c.id, d.id],
    );
    await smtp.waitForMail(crashed.email, new RegExp(a.id));
    await afterLaterSweep();
    assert.equal(mailsTo(crashed.email).length, 1);
    assert.deepEqual(
      [mailsTo(sending.email).length, mailsTo(mailed.email).length, mailsTo(old.email).length],
      [0, 0, 0],
    );
    assert.equal((await row(d.id)).mailed_at, null);
  });

  it('when the transport refuses a statement, then its claim is left to lapse: no sweep retries it at once, and one does after the lease', async () => {
    await startSweepers();
    const reader = await signInWithEmail(api.app, site);
    const s = await storedNotMailed(reader.user.id);
    // Nothing listens on port 1: the send fails as an unreachable transport's does.
    const refusing = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'x <x@localhost>', logger: env.logger });
    try {
      await mailStatement({ db: env.db, mailer: refusing, logger: env.logger }, s);
    } finally {
      refusing.close();
    }
    const failed = await row(s.id);
    assert.equal(failed.mailed_at, null);
    assert.ok(failed.mail_claimed_at, 'the claim stays until it lapses');
    await env.db.query(`UPDATE dsa_statements SET created_at = now() - interval '1 minute' WHERE id = $1`, [s.id]);
    await afterLaterSweep();
    assert.equal(mailsTo(reader.email).length, 0, 'not retried while the claim holds');
    await env.db.query(`UPDATE dsa_statements SET mail_claimed_at = now() - interval '11 minutes' WHERE id = $1`, [
      s.id,
    ]);
    await smtp.waitForMail(reader.email, new RegExp(s.id));
    await afterLaterSweep();
    assert.equal(mailsTo(reader.email).length, 1);
  });

  it('when a withdrawal was recorded and its correction never sent, then the sweep mails the correction once', async () => {
    await startSweepers();
    const reader = await signInWithEmail(api.app, site);
    const s = await storedNotMailed(reader.user.id);
    await env.db.query(
      `UPDATE dsa_statements SET mailed_at = now(), reversed_at = now(), withdrawn_at = now() WHERE id = $1`,
      [s.id],
    );
    const mail = await smtp.waitForMail(reader.email, /withdrawn|no longer applies/);
    assert.match(mail.subject, new RegExp(`${s.id} withdrawn`));
    // The mail reaches the server before the sender records it: wait for the record.
    await waitFor(async () => (await row(s.id)).withdrawal_mailed_at, { what: 'withdrawal_mailed_at' });
    await afterLaterSweep();
    assert.equal(mailsTo(reader.email).length, 1, 'the correction only, once');
  });
});

describe("a ban's rejections (Art. 17)", () => {
  it('when a reader is banned with rejectExisting, then every comment the task rejects has its own statement, decided by the moderator on the ban, mailed and notified to the author', async () => {
    const reader = await signInWithEmail(api.app, site, 'Troll');
    const visible = await storeComment(env.db, { siteId: site.siteId, postId, authorId: reader.user.id });
    const held = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId: reader.user.id,
      status: 'pending',
      reasons: [{ rule: 'toxicity', detail: 'held' }],
    });
    const res = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/ban`)
      .set(as(mod))
      .send({ reason: 'persistent abuse', rejectExisting: true })
      .expect(202);
    const taskId = res.body.task.id as string;
    const tasks = await startTestTasksWorker(env);
    try {
      await waitFor(
        async () =>
          (
            await request(api.app)
              .get(`/api/v1/sites/${site.siteId}/moderation/tasks/${taskId}`)
              .set(as(mod))
              .expect(200)
          ).body.task.state === 'completed',
        { what: 'the ban task to complete' },
      );
    } finally {
      await tasks.close();
    }
    const statements = await env.db.query<{
      id: string;
      comment_id: string;
      restriction: string;
      ground: string;
      ground_detail: string;
      facts: string;
      source: string;
      automated_detection: boolean;
      automated_decision: boolean;
      decided_by: string;
    }>(
      `SELECT id, comment_id, restriction, ground, ground_detail, facts, source, automated_detection, automated_decision, decided_by
         FROM dsa_statements WHERE site_id = $1 AND comment_id = ANY($2::uuid[]) ORDER BY comment_id`,
      [site.siteId, [visible, held]],
    );
    assert.deepEqual(statements.rows.map((s) => s.comment_id).sort(), [visible, held].sort());
    for (const s of statements.rows) {
      assert.deepEqual(
        {
          restriction: s.restriction,
          ground: s.ground,
          source: s.source,
          automated_detection: s.automated_detection,
          automated_decision: s.automated_decision,
          decided_by: s.decided_by,
        },
        {
          restriction: 'removal',
          ground: 'incompatible_content',
          source: 'moderator',
          automated_detection: false,
          automated_decision: false,
          decided_by: mod.user.id,
        },
      );
      assert.match(s.ground_detail, /account banned: persistent abuse/);
      assert.match(s.facts, /banned your account/);
    }
    // Both statements reach the author in one mail, each in full; none in a mail of its own.
    const [a, b] = statements.rows.map((s) => s.id) as [string, string];
    const digest = await smtp.waitForMail(
      reader.email,
      new RegExp(`statement ${a}[\\s\\S]*statement ${b}|statement ${b}[\\s\\S]*statement ${a}`),
    );
    assert.match(digest.subject, /statements of reasons for 2 decisions/);
    assert.equal(digest.text.match(/Decided by automated means: no/g)?.length, 2);
    assert.equal(digest.text.match(/You can appeal until/g)?.length, 2);
    assert.equal(
      mailsTo(reader.email).filter((m) => m.text.includes(a) || m.text.includes(b)).length,
      1,
      'one mail for the two statements',
    );
    // The statement is the one in force for the comment (the banned author's own token is refused now).
    const status = await request(api.app).get(`/api/v1/comments/${held}`).set(as(mod)).expect(200);
    assert.equal(status.body.comment.status, 'rejected');
    assert.match(status.body.comment.statement.groundDetail, /account banned/);
    // The held comment's author is notified of the decision, as for a moderator's rejection.
    const notified = await env.db.query(
      `SELECT 1 FROM notifications WHERE user_id = $1 AND comment_id = $2 AND kind = 'decision' AND status = 'rejected'`,
      [reader.user.id, held],
    );
    assert.equal(notified.rowCount, 1);
    await waitFor(
      async () =>
        (
          await env.db.query(
            `SELECT 1 FROM dsa_statements WHERE id = ANY($1::uuid[]) AND mailed_at IS NOT NULL AND mail_claimed_at IS NULL`,
            [statements.rows.map((s) => s.id)],
          )
        ).rowCount === 2,
      { what: 'both statements recorded as mailed' },
    );
  });
});

describe('undo of a decision whose statement was mailed', () => {
  it('when a moderator undoes a removal after its statement was mailed, then the statement is withdrawn, the author gets one correction, and the comment shows no statement', async () => {
    const reader = await signInWithEmail(api.app, site);
    const id = await storeComment(env.db, { siteId: site.siteId, postId, authorId: reader.user.id });
    await request(api.app)
      .post(`/api/v1/comments/${id}/moderation`)
      .set(as(mod))
      .send({ action: 'reject', reason: 'off topic' })
      .expect(200);
    const statement = (await request(api.app).get(`/api/v1/comments/${id}`).set(as(reader)).expect(200)).body.comment
      .statement as { id: string };
    await smtp.waitForMail(reader.email, new RegExp(`statement ${statement.id}`));
    await waitFor(async () => (await row(statement.id)).mailed_at, { what: 'mailed_at, set by the decision' });

    const undone = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/moderation/undo`)
      .set(as(mod))
      .send({ commentId: id });
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    const correction = await smtp.waitForMail(reader.email, /no longer applies/);
    assert.match(correction.subject, new RegExp(`${statement.id} withdrawn`));
    assert.match(correction.text, new RegExp(id));
    const r = await waitFor(async () => {
      const x = await row(statement.id);
      return x.withdrawal_mailed_at ? x : null;
    });
    assert.ok(r.reversed_at && r.withdrawn_at);

    const after = (await request(api.app).get(`/api/v1/comments/${id}`).set(as(reader)).expect(200)).body.comment;
    assert.equal(after.status, 'approved');
    assert.equal(after.statement, null);
    // It stays on record, withdrawn, in the author's export, and there is nothing to appeal.
    const exported = await request(api.app).get('/api/v1/me/export').set(as(reader)).expect(200);
    const kept = exported.body.statements.find((s: { id: string }) => s.id === statement.id);
    assert.ok(kept?.withdrawnAt, 'withdrawn in the export');
    const appeal = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/appeals`)
      .set(as(reader))
      .send({ statementId: statement.id, explanation: 'It was on topic.' });
    assert.equal(appeal.status, 409);
    assert.equal(appeal.body.error.code, 'nothing_to_appeal');

    await startSweepers();
    await afterLaterSweep();
    assert.equal(mailsTo(reader.email).length, 2, 'the statement and one correction, nothing more');
  });
});
