/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import type { Browser } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { launchChromium, listen, axeViolations, signInAsDemoReader } from '../support/browser.js';
import { waitFor } from '../support/wait-for.js';
import { createDemoApp } from '#demo/app.js';
import { ensureDemoSite } from '#demo/bootstrap.js';
import { ARTICLE } from '#demo/article.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { insertPostIfAbsent, upsertPost } from '#shared/db/posts.js';
import { insertPasswordUser, markEmailVerified, upsertSsoUser } from '#shared/db/users.js';
import { hashPassword } from '#shared/passwords.js';
import { newId } from '#shared/ids.js';
import { insertStatement } from '#shared/db/dsa-statements.js';
import { humanStatement } from '#shared/dsa/statements.js';
import { effectiveSettings } from '#shared/settings.js';
import type { Page } from 'playwright-core';

/**
 * The DSA in the widget: a notice of illegal content sent without signing in, an author's appeal, and a
 * returning author who finds their held and removed comments with their statements of reasons.
 */

const SITE = 'demo';
const SSO_SECRET = 'browser-test-sso-secret-0123456789abcdef';
const POST = ARTICLE.postId;

let env: TestEnv;
let api: TestApi;
let worker: { close(): Promise<void> };
let apiServer: { origin: string; close(): Promise<void> };
let demo: { origin: string; close(): Promise<void> };
let browser: Browser;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  apiServer = await listen(api.app);
  demo = await listen((req: http.IncomingMessage, res: http.ServerResponse) => app(req, res));
  const app = createDemoApp({ apiUrl: apiServer.origin, publicUrl: demo.origin, siteId: SITE, ssoSecret: SSO_SECRET });
  await ensureDemoSite(env.db, {
    siteId: SITE,
    name: 'The Harbour Ledger (demo)',
    origin: demo.origin,
    ssoSecret: SSO_SECRET,
  });
  // Every comment is held by the toxicity rule here: the author gets a statement of reasons for the hold.
  await env.db.query(`UPDATE sites SET settings = '{"thresholds":{"hold":{"TOXICITY":0}}}' WHERE id = $1`, [SITE]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([demo?.close(), apiServer?.close()]);
  await worker?.close();
  await api?.close();
  await env?.close();
});

/** Signs the page's widget in as `who`, as the demo publisher's own sign-in does. */
async function signInAs(page: Page, who: { sub: string; name: string }): Promise<void> {
  await page.evaluate(async (asked) => {
    const res = await fetch('/demo/sso-token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(asked),
    });
    const { token } = (await res.json()) as { token: string };
    await (window as unknown as { Comments: { login(t: string): Promise<void> } }).Comments.login(token);
  }, who);
}

describe('the DSA in the widget', () => {
  it('when a signed-out reader reports a comment as illegal content, then the form asks name, address and good faith, and the notice is received with a reference (axe clean)', async () => {
    await upsertPost(env.db, {
      siteId: SITE,
      id: POST,
      title: ARTICLE.headline,
      url: `${demo.origin}/`,
      closed: false,
    });
    const author = await upsertSsoUser(env.db, {
      id: newId(),
      siteId: SITE,
      externalId: 'dsa-author',
      name: 'Rex',
      email: null,
      iat: Math.floor(Date.now() / 1000),
    });
    const commentId = newId();
    await insertDecidedComment(
      env.db,
      {
        id: commentId,
        siteId: SITE,
        postId: POST,
        authorId: author.id,
        parentId: null,
        body: 'A comment someone finds illegal.',
        createdAt: new Date(),
      },
      { status: 'approved', reasons: [], scores: {}, scoredBy: [], settingsVersion: 1 },
    );
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${demo.origin}/`);
    const li = page.locator(`#comments li[data-id="${commentId}"]`);
    const button = li.getByRole('button', { name: 'Report illegal content: comment by Rex' });
    await button.click();
    const form = li.locator('form.menu');
    await form.getByRole('heading', { name: 'Report illegal content' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await form.getByLabel('What kind of illegal content is it?').selectOption('defamation');
    await form.getByLabel('Why is it illegal? Explain precisely.').fill('It falsely accuses me of a crime by name.');
    await form.getByLabel('Your name').fill('Vera Notifier');
    await form.getByLabel(/Your email address/).fill('vera@example.org');
    await form.getByLabel(/good faith/).check();
    await form.getByRole('button', { name: 'Send notice' }).click();
    await li.getByText(/^Notice received\. Your reference is N-[A-Z0-9]{12}/).waitFor();
    const stored = await env.db.query<{ category: string; notifier_email: string }>(
      `SELECT n.category, n.notifier_email FROM dsa_notices n JOIN dsa_notice_comments c ON c.notice_id = n.id WHERE c.comment_id = $1`,
      [commentId],
    );
    assert.deepEqual(stored.rows, [{ category: 'defamation', notifier_email: 'vera@example.org' }]);
    assert.equal(await button.isDisabled(), true);
    await page.close();
  });

  it("when the author's comment is held, then the widget shows the statement of reasons, with the automated means, and the author appeals it (axe clean)", async () => {
    await insertPostIfAbsent(env.db, { siteId: SITE, id: POST, title: ARTICLE.headline, url: `${demo.origin}/` });
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${demo.origin}/`);
    await signInAsDemoReader(page);
    await page
      .locator('#comments textarea')
      .first()
      .fill('The harbour fees are a scandal, and I said so at the meeting.');
    await page.getByRole('button', { name: 'Post comment' }).click();
    // The site holds everything on score: the widget's "may be held" prompt comes first.
    await page.getByRole('button', { name: 'Post anyway' }).click();
    const mine = page.locator('#comments li.pending');
    await mine.getByText('Your comment is held for review.').waitFor();
    await mine.getByText('Why? Statement of reasons').click();
    await mine.getByText('yes / yes').waitFor();
    await mine.getByText(/out-of-court dispute settlement/).waitFor();
    await mine.getByRole('button', { name: 'Appeal this decision' }).click();
    await mine.getByLabel('Why is the decision wrong?').fill('It is a fair comment on public fees.');
    assert.deepEqual(await axeViolations(page), []);
    await mine.getByRole('button', { name: 'Send appeal' }).click();
    await mine.getByText('Your appeal was received. A person who did not take the decision will review it.').waitFor();
    const id = (await mine.getAttribute('data-id'))!;
    await waitFor(
      async () =>
        (
          await env.db.query(
            `SELECT 1 FROM dsa_appeals a JOIN dsa_statements s ON s.id = a.statement_id WHERE s.comment_id = $1 AND a.status = 'open'`,
            [id],
          )
        ).rowCount === 1,
      { what: 'the appeal stored' },
    );
    await page.close();
  });

  it('when an author comes back to the post, then their held and removed comments are on top with the statement of reasons, only for them, and they appeal from there (axe clean)', async () => {
    await insertPostIfAbsent(env.db, { siteId: SITE, id: POST, title: ARTICLE.headline, url: `${demo.origin}/` });
    const reader = { sub: 'demo-reader-0a0b0c0d', name: 'Jordan Okafor' };
    const signIn = async (page: Page, who: { sub: string; name: string }) => {
      await signInAs(page, who);
      await page.locator('#comments textarea').first().waitFor();
    };

    // First visit: the comment is held (the site holds everything on score).
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${demo.origin}/`);
    await signIn(page, reader);
    await page.locator('#comments textarea').first().fill('The quay repairs ran two years late, as the audit shows.');
    await page.getByRole('button', { name: 'Post comment' }).click();
    await page.getByRole('button', { name: 'Post anyway' }).click();
    await page.locator('#comments li.pending').getByText('Your comment is held for review.').waitFor();
    const heldId = (await page.locator('#comments li.pending').first().getAttribute('data-id'))!;

    // Meanwhile a moderator removed an earlier comment of theirs, with a statement of reasons.
    const user = await env.db.query<{ id: string }>(`SELECT id FROM users WHERE site_id = $1 AND external_id = $2`, [
      SITE,
      reader.sub,
    ]);
    const authorId = user.rows[0]!.id;
    const removedId = newId();
    const decider = await upsertSsoUser(env.db, {
      id: newId(),
      siteId: SITE,
      externalId: 'dsa-desk',
      name: 'Desk',
      email: null,
      iat: Math.floor(Date.now() / 1000),
    });
    await insertDecidedComment(
      env.db,
      {
        id: removedId,
        siteId: SITE,
        postId: POST,
        authorId,
        parentId: null,
        body: 'An earlier comment a moderator removed.',
        createdAt: new Date(Date.now() - 60_000),
      },
      {
        status: 'rejected',
        reasons: [{ rule: 'moderator', detail: 'rejected' }],
        scores: {},
        scoredBy: [],
        settingsVersion: 1,
      },
    );
    await insertStatement(
      env.db,
      humanStatement({
        sourceKey: `test:${removedId}`,
        siteId: SITE,
        commentId: removedId,
        userId: authorId,
        restriction: 'removal',
        facts: 'A moderator reviewed it: personal attack on another reader.',
        groundDetail: 'site rules: personal attacks',
        automatedDetection: false,
        decidedBy: decider.id,
        settings: effectiveSettings({}),
      })!,
    );

    // Coming back: nothing of it before signing in, both with their statements after.
    await page.reload();
    await page
      .locator('#comments h2')
      .getByText(/comment/)
      .waitFor();
    assert.equal(await page.locator('#comments li.unpublished').count(), 0);
    await signIn(page, reader);
    const held = page.locator(`#comments li.unpublished[data-id="${heldId}"]`);
    const removed = page.locator(`#comments li.unpublished[data-id="${removedId}"]`);
    await held.getByText('Your comment is held for review.').waitFor();
    await removed.getByText('Not published', { exact: true }).waitFor();
    await removed.getByText('An earlier comment a moderator removed.').waitFor();
    await removed.getByText('Why? Statement of reasons').click();
    await removed.getByText('Your comment was removed (it is not published).').waitFor();
    await removed.getByText('site rules: personal attacks').waitFor();
    await removed.getByText('no / no').waitFor();
    await removed.getByText(/out-of-court dispute settlement/).waitFor();
    await held.getByText('Why? Statement of reasons').click();
    await held.getByText('yes / yes').waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await removed.getByRole('button', { name: 'Appeal this decision' }).click();
    await removed.getByLabel('Why is the decision wrong?').fill('It criticised an argument, not the person.');
    await removed.getByRole('button', { name: 'Send appeal' }).click();
    await removed
      .getByText('Your appeal was received. A person who did not take the decision will review it.')
      .waitFor();
    const appealed = await env.db.query(
      `SELECT 1 FROM dsa_appeals a JOIN dsa_statements s ON s.id = a.statement_id
        WHERE s.comment_id = $1 AND a.appellant = 'author' AND a.appellant_id = $2 AND a.status = 'open'`,
      [removedId, authorId],
    );
    assert.equal(appealed.rowCount, 1);

    // Another reader on the same page sees none of it; signing out takes it away.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#comments li.unpublished').first().waitFor({ state: 'detached' });
    await signIn(page, { sub: 'demo-reader-0e0e0e0e', name: 'Mei Lin Zhou' });
    await page
      .locator('#comments')
      .getByText(/Signed in as Mei Lin Zhou/)
      .waitFor();
    assert.equal(await page.locator('#comments li.unpublished').count(), 0);
    assert.equal(await page.locator(`#comments [data-id="${removedId}"]`).count(), 0);

    // Back again as the author: the appeal is under review, and there is no second Appeal.
    await page.reload();
    await signIn(page, reader);
    await removed.getByText('Why? Statement of reasons').click();
    await removed.getByText('Your appeal is being reviewed.').waitFor();
    assert.equal(await removed.getByRole('button', { name: 'Appeal this decision' }).count(), 0);
    await page.close();
  });

  it('when a banned reader signs in, then the comment box gives way to the ban and its statement of reasons, and they appeal it there (axe clean)', async () => {
    await insertPostIfAbsent(env.db, { siteId: SITE, id: POST, title: ARTICLE.headline, url: `${demo.origin}/` });
    const reader = { sub: 'demo-reader-0b0a0b0a', name: 'Banned Bea' };
    const banned = await upsertSsoUser(env.db, {
      id: newId(),
      siteId: SITE,
      externalId: reader.sub,
      name: reader.name,
      email: null,
      iat: Math.floor(Date.now() / 1000),
    });
    const desk = await upsertSsoUser(env.db, {
      id: newId(),
      siteId: SITE,
      externalId: 'dsa-ban-desk',
      name: 'Desk',
      email: null,
      iat: Math.floor(Date.now() / 1000),
    });
    await env.db.query(`UPDATE users SET status = 'banned' WHERE id = $1`, [banned.id]);
    await insertStatement(
      env.db,
      humanStatement({
        sourceKey: `test:ban:${banned.id}`,
        siteId: SITE,
        commentId: null,
        userId: banned.id,
        restriction: 'ban',
        facts: 'Repeated threats against other readers.',
        groundDetail: 'site rules: account banned: threats',
        automatedDetection: false,
        decidedBy: desk.id,
        settings: effectiveSettings({}),
      })!,
    );

    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${demo.origin}/`);
    await signInAs(page, reader);
    const box = page.locator('#comments .standing');
    await box.getByText('Your account may no longer comment on this site.').waitFor();
    assert.equal(await page.locator('#comments .box textarea').count(), 0, 'no comment box to type into');
    await box.getByText('Why? Statement of reasons').click();
    await box.getByText('site rules: account banned: threats').waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await box.getByRole('button', { name: 'Appeal this decision' }).click();
    await box.getByLabel('Why is the decision wrong?').fill('I quoted a film; nobody was threatened.');
    await box.getByRole('button', { name: 'Send appeal' }).click();
    await box.getByText('Your appeal was received. A person who did not take the decision will review it.').waitFor();
    const appealed = await env.db.query(
      `SELECT 1 FROM dsa_appeals a JOIN dsa_statements s ON s.id = a.statement_id
        WHERE s.user_id = $1 AND s.restriction = 'ban' AND a.appellant_id = $1 AND a.status = 'open'`,
      [banned.id],
    );
    assert.equal(appealed.rowCount, 1);
    await page.close();
  });

  it('when a moderator opens the moderation page, then the notice from the widget is in the DSA queue and removing its comment takes it off the thread (axe clean)', async () => {
    const password = 'moderator password';
    const mod = await insertPasswordUser(env.db, {
      id: newId(),
      siteId: SITE,
      email: 'dsa-mod@ledger.example',
      passwordHash: await hashPassword(password),
      displayName: 'Desk',
      role: 'moderator',
    });
    await markEmailVerified(env.db, SITE, mod!.id);
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${apiServer.origin}/moderate`);
    await page.fill('#signin-site', SITE);
    await page.fill('#signin-email', 'dsa-mod@ledger.example');
    await page.fill('#signin-password', password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const notice = page.locator('#notices li.item').first();
    await notice.getByText('It falsely accuses me of a crime by name.').waitFor();
    await notice.getByText('A comment someone finds illegal.').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await notice.getByLabel(/^Reasons for N-/).fill('A false accusation of a crime against a named person.');
    await notice.getByRole('button', { name: 'Remove the comments' }).click();
    await page.getByText('No open notices.').waitFor();
    const rows = await env.db.query<{ status: string }>(
      `SELECT c.status FROM comments c JOIN users u ON u.id = c.author_id WHERE u.external_id = 'dsa-author'`,
    );
    assert.deepEqual(rows.rows, [{ status: 'rejected' }]);
    await page.close();
  });
});
