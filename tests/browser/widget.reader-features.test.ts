/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { launchChromium, listen, axeViolations } from '../support/browser.js';
import { signSso } from '../support/builders.js';
import { buildStaff, storeComment, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import { ROOT } from '../support/processes.js';
import { createDemoApp } from '#demo/app.js';
import { ensureDemoSite } from '#demo/bootstrap.js';
import { ARTICLE } from '#demo/article.js';
import { insertPostIfAbsent } from '#shared/db/posts.js';

/**
 * A reader's path through what the widget offers beyond posting, in Chromium against the real API
 * and worker: edit and delete one's own comment, react and sort by reactions (counts arriving
 * live), Editors' picks at the top, and the staff and verified badges; axe-clean throughout.
 */

const SITE = 'demo';
const SSO_SECRET = 'reader-features-sso-secret-0123456789abcdef';
const POST = ARTICLE.postId;
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

let env: TestEnv;
let api: TestApi;
let worker: { close(): Promise<void> };
let apiServer: { origin: string; close(): Promise<void> };
let demo: { origin: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let mod: SignedIn;
let page: Page;
const problems: string[] = [];

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0', RATE_LIMITS: 'off' });
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
  await insertPostIfAbsent(env.db, { siteId: SITE, id: POST, title: ARTICLE.headline, url: `${demo.origin}/` });
  mod = await buildStaff(env.db, api.app, SITE, 'moderator', 'Rosa Desk');
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('dialog', (d) => void d.accept());
});
after(async () => {
  await browser?.close();
  await Promise.allSettled([demo?.close(), apiServer?.close()]);
  await worker?.close();
  await api?.close();
  await env?.close();
});

/** A reader signed in through the site's SSO (as the publisher's backend would), by API. */
async function readerToken(name: string, verified = false): Promise<{ token: string; id: string }> {
  const res = await fetch(`${apiServer.origin}/api/v1/auth/sso`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ siteId: SITE, token: await signSso(SSO_SECRET, { name, verified }) }),
  });
  const body = (await res.json()) as { accessToken: string; user: { id: string } };
  return { token: body.accessToken, id: body.user.id };
}
const apiCall = async (method: string, url: string, token: string, body?: unknown) => {
  const res = await fetch(`${apiServer.origin}${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${url}: ${res.status} ${await res.text()}`);
};
const comments = () => page.locator('#comments');
const item = (text: string) => comments().locator('ol.thread > li.comment', { hasText: text }).first();
/** Signs the demo reader in on the page as it is, and waits until the widget says so (a click before is a stranger's). */
async function signIn(): Promise<void> {
  await page.click('#demo-signin');
  await comments()
    .getByText(/^Signed in as/)
    .waitFor();
}
/** Posts a comment as the signed-in reader and waits until it is published; its item in the thread. */
async function postPublished(text: string) {
  await comments().locator('textarea').first().fill(text);
  await comments().getByRole('button', { name: 'Post comment' }).click();
  const mine = item(text);
  await mine.waitFor();
  await mine.locator('.badge', { hasText: 'Awaiting review' }).waitFor({ state: 'detached', timeout: 15_000 });
  return mine;
}

describe("the widget's reader features", () => {
  it('when staff and a publisher-verified reader have commented, then their comments carry the staff and the verified badge, and a plain reader’s none', async () => {
    const vera = await readerToken('Vera Verified', true);
    const plain = await readerToken('Paul Plain');
    await storeComment(env.db, {
      siteId: SITE,
      postId: POST,
      authorId: mod.user.id,
      body: 'From the desk: thanks all.',
    });
    await storeComment(env.db, { siteId: SITE, postId: POST, authorId: vera.id, body: 'A verified subscriber here.' });
    await storeComment(env.db, { siteId: SITE, postId: POST, authorId: plain.id, body: 'Just a reader.' });
    await page.goto(`${demo.origin}/`);
    await item('From the desk').waitFor();
    assert.equal(await item('From the desk').locator('.meta .badge.staff').textContent(), 'Moderator');
    assert.equal(await item('A verified subscriber').locator('.meta .badge.verified').textContent(), 'Verified');
    assert.equal(await item('Just a reader').locator('.meta .badge').count(), 0);
    // Readers may mute readers, not the site's staff.
    assert.equal(await item('From the desk').locator(':scope > article button.mute').isHidden(), true);
    assert.equal(await item('Just a reader').locator(':scope > article button.mute').isHidden(), false);
    await page.locator('#comments').screenshot({ path: await artifact('widget-badges.png') });
  });

  it('when a reader posts, edits and then deletes their comment, then the edit is moderated and shown marked "edited", and the deletion removes it', async () => {
    await page.click('#demo-signin');
    const box = comments().locator('textarea').first();
    await box.waitFor();
    await box.fill('The ferry timetable changes in May.');
    await comments().getByRole('button', { name: 'Post comment' }).click();
    const mine = item('The ferry timetable changes in May.');
    await mine.locator('.badge', { hasText: 'Awaiting review' }).waitFor({ state: 'detached', timeout: 15_000 });
    await mine.getByRole('button', { name: 'Edit' }).click();
    const editor = mine.getByLabel('Edit your comment');
    assert.equal(await editor.inputValue(), 'The ferry timetable changes in May.');
    await editor.fill('The ferry timetable changes in June.');
    await mine.getByRole('button', { name: 'Save' }).click();
    const edited = item('The ferry timetable changes in June.');
    await edited.locator('.meta .edited', { hasText: 'edited' }).waitFor({ timeout: 15_000 });
    assert.equal(await comments().getByText('The ferry timetable changes in May.').count(), 0);

    const title = comments().locator('h2');
    const before = Number(/\d+/.exec((await title.textContent()) ?? '')?.[0]);
    await edited.getByRole('button', { name: 'Delete' }).click();
    await edited.waitFor({ state: 'detached' });
    assert.equal(await title.textContent(), `${before - 1} comments`);
    // The Delete button went with the comment: the focus moved to the heading, not to the page's body.
    assert.equal(
      await page.evaluate(() => document.querySelector('#comments')?.shadowRoot?.activeElement?.id),
      'c-title',
    );
    await page.reload();
    await item('Just a reader').waitFor();
    assert.equal(await comments().getByText('The ferry timetable changes in June.').count(), 0);
  });

  it('when a reader presses Ctrl+Enter twice while their comment is on its way, then it is sent once', async () => {
    await page.goto(`${demo.origin}/`);
    await signIn();
    let sent = 0;
    // A slow network: each comment takes a while to be accepted.
    await page.route(/\/posts\/[^/]+\/comments$/, async (route) => {
      if (route.request().method() === 'POST') {
        sent++;
        await new Promise((r) => setTimeout(r, 700));
      }
      await route.continue();
    });
    try {
      const box = comments().locator('textarea').first();
      await box.fill('Sent once, however impatient the reader.');
      await box.press('Control+Enter');
      await box.press('Control+Enter');
      await item('Sent once, however impatient the reader.').waitFor();
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(sent, 1);
      assert.equal(await comments().getByText('Sent once, however impatient the reader.').count(), 1);
    } finally {
      await page.unrouteAll();
    }
  });

  it('when the widget draws its boxes again while a reader is writing, then the drafts are kept, and Log out lets them go', async () => {
    await page.goto(`${demo.origin}/`);
    await signIn();
    await comments().locator('textarea').first().fill('A comment half written.');
    const target = item('Just a reader');
    await target.getByRole('button', { name: 'Reply' }).first().click();
    await target.locator('textarea').fill('A reply half written.');
    // Another order: the list is drawn again, and the open reply box goes with it.
    await comments().getByLabel('Sort by').selectOption('oldest');
    await target.locator('textarea').waitFor({ state: 'detached' });
    await target.getByRole('button', { name: 'Reply' }).first().click();
    assert.equal(await target.locator('textarea').inputValue(), 'A reply half written.');
    // A cancelled reply lets its text go.
    await target.getByRole('button', { name: 'Cancel' }).click();
    await target.getByRole('button', { name: 'Reply' }).first().click();
    assert.equal(await target.locator('textarea').inputValue(), '');
    await target.getByRole('button', { name: 'Cancel' }).click();
    // The comment box still holds its own.
    assert.equal(await comments().locator('textarea').first().inputValue(), 'A comment half written.');
    // Logging out lets every draft go: the next reader at this computer finds an empty box.
    await comments().getByRole('button', { name: 'Log out' }).click();
    await signIn();
    assert.equal(await comments().locator('textarea').first().inputValue(), '');
  });

  it('when a reader reacts, then the toggle shows pressed with its count, another reader’s reaction arrives live, and "Most reacted" puts the comment first', async () => {
    await page.goto(`${demo.origin}/`);
    await signIn();
    const target = item('Just a reader');
    const respect = target.getByRole('button', { name: /^Respect/ });
    await respect.waitFor();
    assert.equal(await respect.getAttribute('aria-pressed'), 'false');
    await respect.click();
    await waitFor(async () => (await respect.getAttribute('aria-pressed')) === 'true', { what: 'pressed' });
    assert.equal(await respect.locator('.n').textContent(), '1');

    const other = await readerToken('Olga Other');
    const id = await target.getAttribute('data-id');
    await apiCall('PUT', `/api/v1/comments/${id}/reaction`, other.token, { kind: 'respect' });
    await waitFor(async () => (await respect.locator('.n').textContent()) === '2', {
      timeoutMs: 10_000,
      what: 'the other reader’s reaction, live',
    });

    await comments().getByLabel('Sort by').selectOption('reacted');
    await waitFor(
      async () => (await comments().locator('ol.thread > li.comment').first().getAttribute('data-id')) === id,
      { what: 'the most reacted first' },
    );
    // Toggled off again.
    await respect.click();
    await waitFor(async () => (await respect.locator('.n').textContent()) === '1', { what: 'unpressed' });
    assert.equal(await respect.getAttribute('aria-pressed'), 'false');
  });

  it("when a moderator features a comment, then it shows at the top under Editors' picks with its label", async () => {
    const id = await comments()
      .locator('ol.thread > li.comment', { hasText: 'A verified subscriber' })
      .getAttribute('data-id');
    await apiCall('POST', `/api/v1/comments/${id}/feature`, mod.accessToken, { featured: true });
    await page.reload();
    const picks = comments().locator('section.picks');
    await picks.getByRole('heading', { name: 'Editors’ picks' }).waitFor();
    assert.match((await picks.locator('li.comment').textContent()) ?? '', /A verified subscriber here\./);
    assert.equal(await picks.locator('.badge.pick').textContent(), 'Editors’ pick');
    // Above the thread.
    const [picksY, threadY] = await Promise.all([
      picks.evaluate((el) => el.getBoundingClientRect().top),
      comments()
        .locator(':scope ol.thread')
        .last()
        .evaluate((el) => el.getBoundingClientRect().top),
    ]);
    assert.ok(picksY < threadY);
  });

  it('when a reader edits their comment an editor picked, then it leaves the picks and loses the label at once', async () => {
    await page.goto(`${demo.origin}/`);
    await signIn();
    const mine = await postPublished('Picked, then rewritten.');
    const id = await mine.getAttribute('data-id');
    await apiCall('POST', `/api/v1/comments/${id}/feature`, mod.accessToken, { featured: true });
    // Another order, and back: the list and its picks are read again.
    await comments().getByLabel('Sort by').selectOption('oldest');
    const picks = comments().locator('section.picks');
    await picks.locator(`li[data-id="${id}"]`).waitFor();
    await comments().getByLabel('Sort by').selectOption('newest');
    await picks.locator(`li[data-id="${id}"]`).waitFor();
    const inThread = comments().locator(`ol.thread > li.comment[data-id="${id}"]`).last();
    await inThread.locator(':scope > article .badge.pick').waitFor();
    await inThread.getByRole('button', { name: 'Edit' }).click();
    await inThread.getByLabel('Edit your comment').fill('Rewritten after the editors picked it.');
    await inThread.getByRole('button', { name: 'Save' }).click();
    const edited = item('Rewritten after the editors picked it.');
    await edited.locator('.meta .edited').waitFor({ timeout: 15_000 });
    assert.equal(await edited.locator(':scope > article .badge.pick').count(), 0);
    assert.equal(await picks.locator(`li[data-id="${id}"]`).count(), 0);
    assert.equal(await comments().getByText('Picked, then rewritten.').count(), 0);
  });

  it('when axe-core checks the widget with picks, reactions, badges and own comments, light and dark, then no serious or critical violation', async () => {
    await item('Just a reader').waitFor();
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    // The page and the widget follow the reader's dark preference together.
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    await page.locator('#comments').screenshot({ path: await artifact('widget-reader-features-dark.png') });
    assert.deepEqual(problems, []);
  });
});

describe('the reader features in French', () => {
  it('when the page is French, then the sort, the picks, the badges and the reactions speak French', async () => {
    const fr = await context.newPage();
    try {
      await fr.goto(`${demo.origin}/?lang=fr`);
      const root = fr.locator('#comments');
      await root.getByRole('heading', { name: 'Choix de la rédaction' }).waitFor();
      assert.equal(await root.locator('#c-sort option[value=reacted]').textContent(), 'Plus de réactions');
      assert.equal(await root.locator('.badge.verified').first().textContent(), 'Vérifié');
      assert.match((await root.locator('button.react').first().textContent()) ?? '', /^Respect \d+$/);
    } finally {
      await fr.close();
    }
  });

  // Last: it closes the article.
  it('when the post is closed, then a reader can no longer reply, edit or react, but can still delete their own comment and report another’s', async () => {
    const neighbour = await readerToken('Nell Neighbour');
    await storeComment(env.db, {
      siteId: SITE,
      postId: POST,
      authorId: neighbour.id,
      body: 'A neighbour said so too.',
    });
    // Announced as the worker would: the API drops its cached pages of the post before the page below reads one.
    await api.deps.announceThread({ siteId: SITE, postId: POST, post: false });
    // A browser of its own: nothing of the thread in its HTTP cache from the tests before.
    await page.close();
    const own = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
    page = await own.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${demo.origin}/`);
    await item('A neighbour said so too.').waitFor();
    await signIn();
    const mine = await postPublished('Said before the close.');
    // The desk closes the article while the reader has it open.
    await env.db.query('UPDATE posts SET closed = true WHERE site_id = $1 AND id = $2', [SITE, POST]);
    await api.deps.announceThread({ siteId: SITE, postId: POST, post: true });
    await comments().getByText('Comments are closed.').waitFor();
    const mineActions = mine.locator(':scope > article .actions');
    const other = item('A neighbour said so too.').locator(':scope > article .actions');
    for (const name of ['Reply', 'Edit'])
      assert.equal(await mineActions.getByRole('button', { name, exact: true }).count(), 0);
    assert.equal(await other.getByRole('button', { name: /^Reply/ }).count(), 0);
    assert.equal(await other.locator('button.react:visible').count(), 0);
    assert.equal(await other.locator('button.report').isVisible(), true);
    const id = await mine.getAttribute('data-id');
    await mineActions.getByRole('button', { name: 'Delete' }).click();
    await mine.waitFor({ state: 'detached' });
    const stored = await env.db.query('SELECT body, deleted_at FROM comments WHERE id = $1', [id]);
    assert.equal(stored.rows[0].body, '');
    assert.ok(stored.rows[0].deleted_at);
    assert.deepEqual(problems, []);
  });
});

async function artifact(name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
