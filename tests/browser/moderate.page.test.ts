import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, STAFF_PASSWORD, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import { getThread } from '../support/comment-flow.js';
import { newDeskPage } from '../support/browser.js';

/**
 * The moderation page in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against the real API, Postgres and Redis: sign in, decide with the mouse and
 * with keys, watch counts and new items arrive, and see the decision in the public thread.
 */

let env: TestEnv;
let api: TestApi;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;
let site: BuiltSite;
let mod: SignedIn;
let postId: string;
let authorId: string;
const cspViolations: string[] = [];
// The operator's own site here, so its admin may open the queue dashboard.
const SITE_ID = `newsroom-${Date.now().toString(36)}`;
const require = createRequire(import.meta.url);

const toxic = (body: string, word: string) => [
  {
    rule: 'toxicity',
    detail: 'TOXICITY 0.91 ≥ hold 0.8',
    score: 0.91,
    attribute: 'TOXICITY',
    span: { start: body.indexOf(word), end: body.indexOf(word) + word.length, text: word },
  },
];
const held = (body: string, word = 'idiot') =>
  storeComment(env.db, {
    siteId: site.siteId,
    postId,
    authorId,
    status: 'pending',
    body,
    reasons: body.includes(word) ? toxic(body, word) : [{ rule: 'links', detail: 'a link from a new reader' }],
  });
const statusOf = async (id: string) =>
  (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [id])).rows[0]!.status;
const count = (queue: string) => page.locator(`#count-${queue}`);
const expectCount = async (queue: string, n: number) =>
  waitFor(async () => (await count(queue).textContent()) === String(n), {
    timeoutMs: 10_000,
    what: `${queue} count ${n}`,
  });

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', QUEUE_DASHBOARD_SITE: SITE_ID });
  api = await startTestApi(env);
  server = api.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site = await buildSite(env.db, { id: SITE_ID });
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
  postId = await buildPost(env.db, site.siteId);
  authorId = (await signInReader(api.app, site, { name: 'Ada Author' })).user.id;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  page = await newDeskPage(browser, cspViolations, { width: 1366, height: 768 });
});
after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await api?.close();
  await env?.close();
});

describe('the moderation page', () => {
  it('when a moderator signs in, then the queue tabs show counts and held comments with highlighted spans, with user text inert', async () => {
    await held('You absolute idiot, read the article.');
    await held('Look: <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> http://spam.example');

    await page.goto(`${base}/moderate`);
    await page.fill('#signin-site', site.siteId);
    await page.fill('#signin-email', mod.email);
    await page.fill('#signin-password', 'not the password');
    await page.click('button[type=submit]');
    await page.locator('#signin-error').filter({ hasText: 'Wrong site, email or password.' }).waitFor();
    await page.fill('#signin-password', STAFF_PASSWORD);
    await page.click('button[type=submit]');

    await expectCount('pending', 2);
    await expectCount('approved', 0);
    assert.match((await page.locator('#who').textContent()) ?? '', /Mona Moderator · moderator/);
    const items = page.locator('#items .item');
    await items.nth(1).waitFor();
    assert.equal(await items.count(), 2);
    assert.equal(await items.nth(0).locator('mark').textContent(), 'idiot');
    assert.match((await items.nth(0).locator('.reasons').textContent()) ?? '', /toxicity TOXICITY 0\.91/);
    assert.match((await items.nth(1).locator('.body').textContent()) ?? '', /<img src=x onerror="window.__xss=1">/);
    assert.equal(await page.locator('#items img, #items script').count(), 0);
    assert.equal(await page.evaluate('typeof window.__xss'), 'undefined');
    assert.equal(
      await page.evaluate('localStorage.length + sessionStorage.length + document.cookie.length'),
      0,
      'the token lives in memory only',
    );
  });

  it('when approving with the mouse, then counts change and the comment appears in the public thread', async () => {
    const first = page.locator('#items .item').first();
    const id = await first.getAttribute('data-id');
    assert.ok(id);
    await first.locator('button[data-act=approve]').click();
    await expectCount('pending', 1);
    await expectCount('approved', 1);
    assert.equal(await statusOf(id), 'approved');
    await waitFor(async () => (await getThread(server, site.siteId, postId)).comments.some((c) => c.id === id), {
      timeoutMs: 3000,
      what: 'the approved comment in the public thread',
    });
  });

  it('when rejecting with the keyboard, then the current comment is rejected and the counts follow', async () => {
    const id = await page.locator('#items .item.current').getAttribute('data-id');
    assert.ok(id);
    await page.keyboard.press('r');
    await expectCount('pending', 0);
    await expectCount('rejected', 1);
    assert.equal(await statusOf(id), 'rejected');
    await page.locator('#empty').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#more').isVisible(), false, 'no "load more" when everything is shown');
  });

  it('when new comments are held while the page is open, then they arrive without a reload; j moves, a approves, x and Shift+R reject in bulk', async () => {
    const a = await held('First new one: idiot.');
    const b = await held('Second new one, idiot again.');
    const c = await held('Third new one with a link http://spam.example');
    await expectCount('pending', 3);
    await page.locator(`#items .item[data-id="${c}"]`).waitFor();
    assert.equal(await page.locator('#items .item').count(), 3);

    await page.locator('#items .item').first().focus();
    await page.keyboard.press('j');
    assert.equal(await page.locator('#items .item.current').getAttribute('data-id'), b);
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    await page.keyboard.press('a');
    await expectCount('pending', 2);
    assert.equal(await statusOf(b), 'approved');
    assert.equal(await statusOf(a), 'pending');

    await page.locator('#items .item').first().focus();
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    assert.equal(await page.locator('#selected-count').textContent(), '2 selected');
    await page.keyboard.press('Shift+R');
    await expectCount('pending', 0);
    assert.deepEqual([await statusOf(a), await statusOf(c)], ['rejected', 'rejected']);
  });

  it('when pressing ? and h, then the shortcut list and the reader history open, and Escape closes them', async () => {
    await held('One more for the history, idiot.');
    await expectCount('pending', 1);
    await page.locator('#items .item').first().focus();
    await page.keyboard.press('?');
    await page.locator('#help').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.locator('#help').waitFor({ state: 'hidden' });

    await page.locator('#items .item').first().focus();
    await page.keyboard.press('h');
    await page.locator('#drawer h2', { hasText: 'Ada Author' }).waitFor();
    assert.ok((await page.locator('#drawer .history li').count()) >= 5);
    await page.screenshot({ path: await artifact('moderation-page.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await page.locator('#drawer').waitFor({ state: 'hidden' });
  });

  it('when filtering by post and switching tabs with the mouse and the arrow keys, then only matching items are listed', async () => {
    const otherPost = await buildPost(env.db, site.siteId);
    await storeComment(env.db, {
      siteId: site.siteId,
      postId: otherPost,
      authorId,
      status: 'pending',
      body: 'On another post.',
    });
    await expectCount('pending', 2);
    await page.locator('#items .item').nth(1).waitFor();
    await page.fill('#filter-post', otherPost);
    await page.click('#filters button[type=submit]');
    await waitFor(async () => (await page.locator('#items .item').count()) === 1, { what: 'the filtered list' });
    assert.match((await page.locator('#items .item .body').textContent()) ?? '', /On another post/);
    await page.fill('#filter-post', '');
    await page.click('#filters button[type=submit]');
    await page.click('#tab-rejected');
    await waitFor(async () => (await page.locator('#tab-rejected').getAttribute('aria-selected')) === 'true', {
      what: 'the rejected tab',
    });
    await waitFor(async () => (await page.locator('#items .item').count()) === 3, {
      what: 'the three rejected comments',
    });
    await page.locator('#tab-rejected').focus();
    await page.keyboard.press('ArrowRight');
    await waitFor(async () => (await page.locator('#tab-approved').getAttribute('aria-selected')) === 'true', {
      what: 'the approved tab, by arrow key',
    });
    await waitFor(async () => (await page.locator('#items .item').count()) === 2, {
      what: 'the two approved comments',
    });
    assert.deepEqual(cspViolations, [], 'the page runs under its CSP without violations');
  });

  it('when the queue is switched while the previous list is still on its way, then that older list does not replace the new one', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pendingList = /\/moderation\/queues\/pending\?/;
    await page.route(pendingList, async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    await page.click('#tab-pending');
    await page.click('#tab-rejected');
    await waitFor(async () => (await page.locator('#items .item').count()) === 3, {
      what: 'the three rejected comments',
    });
    const pendingAnswered = page.waitForResponse((r) => pendingList.test(r.url()));
    release();
    await pendingAnswered;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    assert.equal(await page.locator('#tab-rejected').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#items .item').count(), 3, 'the rejected list stays');
    await page.unroute(pendingList);
  });

  it('when axe-core checks the page with items and with the history open, then it finds no serious or critical WCAG 2 A/AA violation', async () => {
    await page.click('#tab-pending');
    await page.locator('#items .item').first().waitFor();
    // Evaluated through the debugging protocol, which the page's CSP does not govern.
    await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const check = async () => {
      const result = (await page.evaluate(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })`)) as {
        violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
      };
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id}: ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(', ')}`,
        );
    };
    assert.deepEqual(await check(), []);
    await page.locator('#items .item').first().focus();
    await page.keyboard.press('h');
    await page.locator('#drawer .history li').first().waitFor();
    assert.deepEqual(await check(), []);
    await page.keyboard.press('Escape');
  });
});

describe('the moderation page, first-use fixes', () => {
  it("when a held comment's reason states its score, then the score is printed once", async () => {
    const body = 'A fresh one: idiot.';
    await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId,
      status: 'pending',
      body,
      reasons: [
        {
          rule: 'toxicity',
          detail: 'TOXICITY 1.00 ≥ hold threshold 0.7',
          score: 1,
          attribute: 'TOXICITY',
          span: { start: body.indexOf('idiot'), end: body.indexOf('idiot') + 5, text: 'idiot' },
        },
      ],
    });
    await page.click('#tab-pending');
    const reason = page.locator('#items .item', { hasText: 'A fresh one' }).locator('.reasons li');
    await reason.waitFor();
    assert.equal((await reason.textContent())?.trim(), 'toxicity TOXICITY 1.00 ≥ hold threshold 0.7');
  });

  it('when the page is 390 px wide, then the queue tabs wrap inside it and every tab can be seen and clicked', async () => {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    try {
      await phone.goto(`${base}/moderate`);
      await phone.fill('#signin-site', site.siteId);
      await phone.fill('#signin-email', mod.email);
      await phone.fill('#signin-password', STAFF_PASSWORD);
      await phone.click('button[type=submit]');
      await phone.locator('#tab-approved .count').filter({ hasText: /^\d+$/ }).waitFor();
      const layout = await phone.evaluate(() => {
        const tabs = document.getElementById('tabs')!;
        return {
          page: document.documentElement.scrollWidth,
          tabsOverflow: tabs.scrollWidth - tabs.clientWidth,
          rights: [...tabs.querySelectorAll('[role=tab]')].map((t) => t.getBoundingClientRect().right),
        };
      });
      assert.ok(layout.page <= 390, `the page is ${layout.page} px wide`);
      assert.equal(layout.tabsOverflow, 0, 'the tab row does not overflow');
      for (const right of layout.rights) assert.ok(right <= 390, `a tab ends at ${right} px`);
      await phone.click('#tab-approved');
      await waitFor(async () => (await phone.locator('#tab-approved').getAttribute('aria-selected')) === 'true', {
        what: 'the approved tab at 390 px',
      });
      await phone.screenshot({ path: await artifact('moderation-page-390.png'), fullPage: true });
    } finally {
      await phone.context().close();
    }
  });

  it('when an admin of a site that is not the operator site signs in, then no "Queue dashboard" button is shown', async () => {
    const elsewhere = await buildSite(env.db);
    const admin = await buildStaff(env.db, api.app, elsewhere.siteId, 'admin', 'Otto Admin');
    const other = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    try {
      const asked = other.waitForResponse((r) => r.url().endsWith('/api/v1/admin/queue-dashboard'));
      await other.goto(`${base}/moderate`);
      await other.fill('#signin-site', elsewhere.siteId);
      await other.fill('#signin-email', admin.email);
      await other.fill('#signin-password', STAFF_PASSWORD);
      await other.click('button[type=submit]');
      assert.deepEqual(await (await asked).json(), { available: false });
      await other.locator('#who').filter({ hasText: 'Otto Admin · admin' }).waitFor();
      assert.equal(await other.locator('#dashboard').isVisible(), false);
    } finally {
      await other.context().close();
    }
  });
});

describe('featuring from the moderation page', () => {
  it("when a moderator features an approved comment, then its button shows it and the public thread lists it among the Editors' picks", async () => {
    const id = await storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId,
      status: 'approved',
      body: 'A comment worth featuring.',
    });
    await page.click('#tab-approved');
    const item = page.locator(`#items .item[data-id="${id}"]`);
    await item.waitFor();
    const button = item.locator('button[data-act=feature]');
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    await button.click();
    await waitFor(async () => (await button.getAttribute('aria-pressed')) === 'true', { what: 'featured' });
    const thread = await getThread(server, site.siteId, postId);
    assert.deepEqual(
      thread.featured.map((c) => c.id),
      [id],
    );
    await button.click();
    await waitFor(async () => (await button.getAttribute('aria-pressed')) === 'false', { what: 'unfeatured' });
    assert.deepEqual((await getThread(server, site.siteId, postId)).featured, []);
  });
});

describe('the queue dashboard from the moderation page', () => {
  it('when an admin signs in and opens the queue dashboard, then Bull Board loads in a new tab with both queues, under its cookie', async () => {
    const admin = await buildStaff(env.db, api.app, site.siteId, 'admin', 'Ari Admin');
    await page.click('#signout');
    await page.locator('#signin-form').waitFor();
    await page.fill('#signin-site', site.siteId);
    await page.fill('#signin-email', admin.email);
    await page.fill('#signin-password', STAFF_PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    const [board] = await Promise.all([page.context().waitForEvent('page'), page.click('#dashboard')]);
    await board.waitForLoadState();
    await board.getByText('moderation-tasks').first().waitFor({ timeout: 15_000 });
    await board.getByText('comments').first().waitFor();
    assert.match(board.url(), /\/admin\/queues\/$/);
    const cookies = await page.context().cookies(`${base}/admin/queues/`);
    assert.deepEqual(
      cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path]),
      [['queues_session', true, 'Strict', '/admin/queues']],
    );
    assert.equal(await page.evaluate('document.cookie'), '', 'the moderation page cannot read it');
    await board.screenshot({ path: await artifact('queue-dashboard.png') });
    await board.close();
  });
});

async function artifact(name: string): Promise<string> {
  await mkdir('test-artifacts', { recursive: true });
  return `test-artifacts/${name}`;
}
