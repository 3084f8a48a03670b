import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { launchChromium, listen, axeViolations, newDeskPage } from '../support/browser.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, STAFF_PASSWORD, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The moderation desk in headless Chromium against the real API: the analytics tab with its SVG
 * charts (axe clean), search, the undo of the last decision, and severe comments blurred.
 */

let env: TestEnv;
let api: TestApi;
let http: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let page: Page;
let site: BuiltSite;
let mod: SignedIn;
let postId: string;
let authorId: string;
const cspViolations: string[] = [];

const store = (body: string, status: 'approved' | 'pending' | 'rejected', scores: Record<string, number> = {}) =>
  storeComment(env.db, {
    siteId: site.siteId,
    postId,
    authorId,
    status,
    body,
    scores,
    reasons: status === 'pending' ? [{ rule: 'toxicity', detail: 'TOXICITY above the hold level' }] : [],
  });
const statusOf = async (id: string) =>
  (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!.status;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  http = await listen(api.app);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
  postId = await buildPost(env.db, site.siteId);
  authorId = (await signInReader(api.app, site, { name: 'Ada Author' })).user.id;
  browser = await launchChromium();
  page = await newDeskPage(browser, cspViolations);
});
after(async () => {
  await browser?.close();
  await http?.close();
  await api?.close();
  await env?.close();
});

describe('the moderation desk', () => {
  it('when a moderator opens Analytics, then the figures and SVG charts show, axe finds nothing serious and the CSP holds', async () => {
    await store('A calm remark about the ferry timetable.', 'approved');
    await store('Spam spam spam.', 'rejected');
    const held = await store('A doubtful remark about the council.', 'pending');
    await page.goto(`${http.origin}/moderate`);
    await page.fill('#signin-site', site.siteId);
    await page.fill('#signin-email', mod.email);
    await page.fill('#signin-password', STAFF_PASSWORD);
    await page.click('#signin-form button[type=submit]');
    await page.locator(`#items .item[data-id="${held}"]`).waitFor();

    await page.click('#analytics-button');
    await page.locator('#analytics svg.chart rect').first().waitFor();
    assert.equal(await page.getAttribute('#analytics-button', 'aria-expanded'), 'true');
    assert.equal(await page.textContent('#kpi-backlog').then((t) => t?.startsWith('1')), true);
    assert.match((await page.textContent('#kpi-automatic')) ?? '', /100% \(2\)/);
    // One day, three statuses: three stacked rectangles, each titled with its figure.
    const titles = await page.locator('#analytics svg.chart').first().locator('rect title').allTextContents();
    assert.equal(titles.length, 3);
    assert.ok(titles.some((t) => /1 held/.test(t)));
    assert.equal((await page.locator('#analytics svg[role=img][aria-label]').count()) >= 1, true);
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    assert.deepEqual(cspViolations, []);
    await page.click('#analytics-button');
    assert.equal(await page.isHidden('#analytics'), true);
    assert.equal(await statusOf(held), 'pending');
  });

  it('when a moderator searches text, then matching comments of any status are listed and one can be approved and undone with u', async () => {
    const match = await store('The harbour dredging tender was rigged.', 'pending');
    const kept = await store('Dredging the harbour is overdue.', 'approved');
    await store('Nothing about boats at all.', 'pending');
    await page.fill('#search-value', 'dredging');
    await page.selectOption('#search-by', 'q');
    await page.click('#search-form button[type=submit]');
    await page.locator(`#search-items .item[data-id="${match}"]`).waitFor();
    const found = await page
      .locator('#search-items .item')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));
    assert.deepEqual(found, [kept, match]);
    await page.locator(`#search-items .item[data-id="${match}"] button[data-act=approve]`).click();
    await waitFor(async () => (await statusOf(match)) === 'approved', { what: 'the approval' });
    await page.locator('#undo-bar').waitFor();
    assert.match((await page.textContent('#undo-text')) ?? '', /Approved the comment by Ada Author/);
    await page.keyboard.press('u');
    await waitFor(async () => (await statusOf(match)) === 'pending', { what: 'the undo' });
    assert.equal(await page.isHidden('#undo-bar'), true);
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    await page.click('#search-close');
    assert.equal(await page.isHidden('#search-results'), true);
  });

  it('when a moderator rejects from the queue and clicks Undo, then the comment is back in the queue, held', async () => {
    const id = await store('A remark to reject and take back.', 'pending');
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    const item = page.locator(`#items .item[data-id="${id}"]`);
    await item.waitFor();
    await item.locator('button[data-act=reject]').click();
    await waitFor(async () => (await statusOf(id)) === 'rejected', { what: 'the rejection' });
    await item.waitFor({ state: 'detached' });
    await page.click('#undo-button');
    await waitFor(async () => (await statusOf(id)) === 'pending', { what: 'the undo' });
    await item.waitFor();
  });

  it('when a decision key is held down, or pressed while the search results have the focus, then it decides only the comment the moderator is on', async () => {
    const ids = [
      await store('Held one: the council vote.', 'pending'),
      await store('Held two: the council vote again.', 'pending'),
      await store('Held three: the council vote once more.', 'pending'),
    ];
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    await page.locator(`#items .item[data-id="${ids[2]}"]`).waitFor();
    const pending = async () =>
      (
        await env.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM comments WHERE site_id = $1 AND status = 'pending'`,
          [site.siteId],
        )
      ).rows[0]!.n;
    const before = await pending();
    await page.locator('#items .item.current').focus();
    const first = await page.locator('#items .item.current').getAttribute('data-id');
    // Held: the first press decides; the repeats that follow, once the next comment is current, do not.
    await page.keyboard.down('r');
    await waitFor(async () => first !== null && (await statusOf(first)) === 'rejected', { what: 'the first press' });
    await page.locator(`#items .item[data-id="${first}"]`).waitFor({ state: 'detached' });
    for (let i = 0; i < 3; i++) await page.keyboard.down('r');
    await page.keyboard.up('r');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await pending(), before - 1, 'one comment rejected');

    // A search result has the focus: the queue's current comment, out of sight, is not approved.
    const current = await page.locator('#items .item.current').getAttribute('data-id');
    assert.ok(current);
    await page.fill('#search-value', 'council vote');
    await page.click('#search-form button[type=submit]');
    await page.locator('#search-items .item').first().waitFor();
    await page.locator('#search-items .item button[data-act=approve]').first().focus();
    await page.keyboard.press('a');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await statusOf(current), 'pending');
    await page.click('#search-close');
  });

  it('when another moderator decided a comment after this list was loaded, then a key on it leaves their decision standing and the comment leaves the list', async () => {
    const id = await store('Decided twice: the ferry timetable.', 'pending');
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    const item = page.locator(`#items .item[data-id="${id}"]`);
    await item.waitFor();
    const other = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Omar Other');
    const res = await fetch(`${http.origin}/api/v1/comments/${id}/moderation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${other.accessToken}` },
      body: JSON.stringify({ action: 'reject', reason: 'personal attack' }),
    });
    assert.equal(res.status, 200);
    await item.click();
    await page.keyboard.press('a');
    await item.waitFor({ state: 'detached' });
    await waitFor(async () => /decided by someone else/.test((await page.textContent('#status')) ?? ''), {
      what: 'the page saying so',
    });
    assert.equal(await statusOf(id), 'rejected');
  });

  it('when the moderator moves to the search box while a decision is on its way, then its answer leaves the focus there', async () => {
    const ids = [
      await store('Slow answer: the bridge repairs.', 'pending'),
      await store('Slow answer: the bridge repairs, again.', 'pending'),
    ];
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    await page.locator(`#items .item[data-id="${ids[1]}"]`).waitFor();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const decision = /\/api\/v1\/comments\/[^/]+\/moderation$/;
    await page.route(decision, async (route) => {
      await held;
      await route.continue();
    });
    const current = page.locator('#items .item.current');
    await current.focus();
    const first = await current.getAttribute('data-id');
    await page.keyboard.press('a');
    await page.fill('#search-value', '');
    release();
    await page.locator(`#items .item[data-id="${first}"]`).waitFor({ state: 'detached' });
    await page.unroute(decision);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-value');
    // What the moderator types goes into the box, not to the queue.
    await page.keyboard.type('r');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await page.inputValue('#search-value'), 'r');
    const next = ids.find((x) => x !== first)!;
    assert.equal(await statusOf(next), 'pending');
    await page.fill('#search-value', '');
  });

  it('when reading a queue fails, then the comments already shown stay, and another queue that cannot be read says so with a way to try again', async () => {
    const id = await store('Kept on screen through an outage.', 'pending');
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    const item = page.locator(`#items .item[data-id="${id}"]`);
    await item.waitFor();
    const failing = /\/moderation\/queues\/(pending|approved)\b/;
    await page.route(failing, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: 'try again shortly' } }),
      }),
    );
    try {
      // The same queue read again: what it showed stays.
      await page.click('#tab-pending');
      await waitFor(async () => /Error/.test((await page.textContent('#status')) ?? ''), { what: 'the error said' });
      assert.equal(await item.isVisible(), true);
      assert.equal(await page.isHidden('#load-failed'), true);
      // Another queue: nothing of the last one, and no "nothing here".
      await page.click('#tab-approved');
      await page.locator('#load-failed').waitFor();
      assert.equal(await page.locator('#items .item').count(), 0);
      assert.equal(await page.isHidden('#empty'), true);
    } finally {
      await page.unroute(failing);
    }
    await page.click('#load-retry');
    await page.locator('#load-failed').waitFor({ state: 'hidden' });
    await page.click('#tab-pending');
    await item.waitFor();
  });

  it('when Caps Lock is on, then a plain "A" approves the current comment only, not the selection', async () => {
    const ids = [
      await store('Caps lock: first of three.', 'pending'),
      await store('Caps lock: second of three.', 'pending'),
      await store('Caps lock: third of three.', 'pending'),
    ];
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    for (const id of ids) await page.locator(`#items .item[data-id="${id}"]`).waitFor();
    const selected = ids.slice(0, 2);
    for (const id of selected) await page.locator(`#items .item[data-id="${id}"] input.select`).check();
    // Caps Lock on, no Shift: the key is "A".
    const current = page.locator(`#items .item[data-id="${ids[2]}"]`);
    await current.click();
    await current.evaluate((el) =>
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'A', shiftKey: false, bubbles: true })),
    );
    await waitFor(async () => (await statusOf(ids[2]!)) === 'approved', { what: 'the current comment approved' });
    await new Promise((r) => setTimeout(r, 300));
    for (const id of selected) assert.equal(await statusOf(id), 'pending');
  });

  it('when a new comment arrives while a moderator is on a button of the queue, then the focus stays on that button', async () => {
    const mine = await store('The focus stays here while others arrive.', 'pending');
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    const button = page.locator(`#items .item[data-id="${mine}"] button[data-act=reject]`);
    await button.focus();
    const arriving = await store('A comment that arrives meanwhile.', 'pending');
    await page.locator(`#items .item[data-id="${arriving}"]`).waitFor();
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return [el?.closest<HTMLElement>('.item')?.dataset.id, el?.dataset.act];
    });
    assert.deepEqual(focused, [mine, 'reject']);
  });

  it('when a held comment scores above the wellbeing level, then it is blurred and inert until revealed by keyboard, and the session counter counts it', async () => {
    const id = await store('An extremely graphic threat, scored severe.', 'pending', { TOXICITY: 0.97 });
    const mild = await store('A mildly rude remark.', 'pending', { TOXICITY: 0.5 });
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    const item = page.locator(`#items .item[data-id="${id}"]`);
    await item.waitFor();
    assert.equal(await item.locator('.body.blurred').count(), 1);
    assert.equal(await item.locator('.body').evaluate((el) => (el as HTMLElement).inert), true);
    assert.equal(await page.locator(`#items .item[data-id="${mild}"] .blurred`).count(), 0);
    assert.equal(await page.textContent('#severe-seen'), '0');
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    await item.locator('button[data-act=reveal]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await item.locator('.body.blurred').count(), 0);
    assert.equal(await item.locator('.body').evaluate((el) => (el as HTMLElement).inert), false);
    assert.equal(await page.textContent('#severe-seen'), '1');
    assert.deepEqual(cspViolations, []);

    // In the author's history it is blurred too, and the mild one is not.
    await page.locator(`#items .item[data-id="${mild}"] button[data-act=history]`).click();
    const history = page.locator('#drawer .history');
    await history.first().waitFor();
    const severe = history.locator('li', { hasText: 'An extremely graphic threat' });
    assert.equal(await severe.locator('.body.blurred').count(), 1);
    assert.equal(await severe.locator('.body').evaluate((el) => (el as HTMLElement).inert), true);
    assert.equal(await history.locator('li', { hasText: 'A mildly rude remark' }).locator('.blurred').count(), 0);
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    await severe.locator('button[data-act=reveal]').click();
    assert.equal(await severe.locator('.body.blurred').count(), 0);
    await page.keyboard.press('Escape');
    await page.locator('#drawer').waitFor({ state: 'hidden' });
  });

  it('when a held reply answers a comment scored above the wellbeing level, then the start of that comment shown with it is blurred too, until revealed', async () => {
    const parent = await store('A graphic parent comment, scored severe.', 'rejected', { TOXICITY: 0.98 });
    const reply = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId,
      parentId: parent,
      status: 'pending',
      body: 'A calm reply to it.',
      scores: { TOXICITY: 0.4 },
      reasons: [{ rule: 'toxicity', detail: 'TOXICITY above the hold level' }],
    });
    await page.click('#tab-approved');
    await page.click('#tab-pending');
    const item = page.locator(`#items .item[data-id="${reply}"]`);
    await item.waitFor();
    const quoted = item.locator('blockquote.parent');
    assert.equal(await quoted.locator('.blurred').count(), 1);
    assert.equal(await quoted.locator('.blurred').evaluate((el) => (el as HTMLElement).inert), true);
    assert.equal(await item.locator(':scope > .body.blurred, :scope .severe > .body').count(), 0, 'the reply is not');
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    await quoted.locator('button[data-act=reveal]').click();
    assert.equal(await quoted.locator('.blurred').count(), 0);
    assert.match((await quoted.textContent()) ?? '', /A graphic parent comment/);
  });

  it('when a post is in a surge, then the page says so and a moderator ends it from the banner', async () => {
    await env.db.query(`UPDATE posts SET surge_mode = 'slow', surge_since = now() WHERE site_id = $1 AND id = $2`, [
      site.siteId,
      postId,
    ]);
    await page.locator('#surges li').waitFor();
    assert.match((await page.textContent('#surges li')) ?? '', /in slow mode/);
    assert.deepEqual(await axeViolations(page, { runOnly: ['wcag2a', 'wcag2aa'] }), []);
    await page.click(`#surges button[data-end-surge="${postId}"]`);
    await waitFor(
      async () =>
        (await env.db.query('SELECT 1 FROM posts WHERE id = $1 AND surge_mode IS NULL', [postId])).rowCount === 1,
      { what: 'the surge ended' },
    );
    await page.locator('#surges').waitFor({ state: 'hidden' });
  });
});
