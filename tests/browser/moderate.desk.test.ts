import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { launchChromium, listen } from '../support/browser.js';
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
const require = createRequire(import.meta.url);

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

async function axeViolations(): Promise<string[]> {
  if ((await page.evaluate('typeof axe')) === 'undefined')
    await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = (await page.evaluate(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })`)) as {
    violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  http = await listen(api.app);
  site = await buildSite(env.db);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
  postId = await buildPost(env.db, site.siteId);
  authorId = (await signInReader(api.app, site, { name: 'Ada Author' })).user.id;
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
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
    assert.deepEqual(await axeViolations(), []);
    assert.deepEqual(cspViolations, []);
    await page.click('#analytics-button');
    assert.equal(await page.isHidden('#analytics'), true);
    assert.equal(await statusOf(held), 'pending');
  });
});
