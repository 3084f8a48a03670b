import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, STAFF_PASSWORD, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import { savedBeforeGroupContext } from '../support/adapter-states.js';
import { createAdapter } from '#shared/scoring/model/adapter.js';
import { sharedModelVersion } from '#shared/scoring/model/index.js';
import { adapterStats } from '#worker/tasks/learn-decisions.js';

/**
 * The moderation page's use of the scores, in headless Chromium against the real API: the risk
 * order, the likely-fine lane with its measured precision, and the site admin's learning panel.
 */

let env: TestEnv;
let api: TestApi;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;
let site: BuiltSite;
let admin: SignedIn;
let postId: string;
let authorId: string;

const held = (body: string, toxicity: number) =>
  storeComment(env.db, {
    siteId: site.siteId,
    postId,
    authorId,
    status: 'pending',
    body,
    scores: { TOXICITY: toxicity },
    reasons: [{ rule: 'premod', detail: 'pre-moderation' }],
  });
const listedIds = () =>
  page.locator('#items .item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  server = api.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site = await buildSite(env.db);
  admin = await buildStaff(env.db, api.app, site.siteId, 'admin', 'Ada Admin');
  postId = await buildPost(env.db, site.siteId);
  authorId = (await signInReader(api.app, site, { name: 'Rita Reader' })).user.id;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
});
after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await api?.close();
  await env?.close();
});

async function signIn() {
  await page.goto(`${base}/moderate`);
  await page.fill('#signin-site', site.siteId);
  await page.fill('#signin-email', admin.email);
  await page.fill('#signin-password', STAFF_PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('#learning').waitFor({ state: 'visible' });
}

describe('the moderation page with scores', () => {
  it('when a site admin signs in, then the learning panel shows the adapter and the scorers against moderators', async () => {
    await signIn();
    await page.locator('#adapter-state').filter({ hasText: 'not in use yet' }).waitFor();
    assert.match((await page.textContent('#adapter-counts')) ?? '', /^0 decisions learned/);
    assert.equal(await page.isHidden('#adapter-older'), true, 'a new adapter reads the words near a group');
    assert.match((await page.textContent('#agreement-figures')) ?? '', /Shadow \(none set\)/);
  });

  it('when the order is set to most likely rejected first, then the highest-scored held comment is listed first', async () => {
    const low = await held('A calm remark about the harbour.', 0.05);
    const high = await held('A remark the model thinks is abusive.', 0.92);
    const mid = await held('A remark with an edge to it.', 0.4);
    await page.selectOption('#filter-sort', 'risk');
    await page.click('#filters button[type=submit]');
    await waitFor(async () => (await listedIds()).length === 3, { what: 'three held comments' });
    assert.deepEqual(await listedIds(), [high, mid, low]);
  });

  it('when the likely-fine lane is opened and approved in bulk, then it lists only low scores and its precision counts only decisions made one at a time', async () => {
    await page.selectOption('#filter-sort', 'time');
    await page.selectOption('#filter-lane', 'likely-fine');
    await page.click('#filters button[type=submit]');
    await page.locator('#lane-info').filter({ hasText: 'not measured' }).waitFor();
    const ids = await listedIds();
    assert.equal(ids.length, 1, 'only the comment below the default level 0.1');
    await page.click('#select-all');
    await page.click('#bulk-approve');
    await page.locator('#lane-info').filter({ hasText: '1 decided in bulk is not counted' }).waitFor();
    assert.match((await page.locator('#lane-info').textContent()) ?? '', /its precision is not measured/);
    const status = await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [ids[0]]);
    assert.equal(status.rows[0]!.status, 'approved');
  });

  it("when the adapter was checked on the shared model before the one that scores now, then the page says its figures are that model's and it is checked again", async () => {
    const a = createAdapter();
    a.followModel('toxicity-lr-v4');
    for (let i = 0; i < 40; i++)
      a.learn({ index: Int32Array.of(i % 2 ? 7 : 9), value: Float32Array.of(1) }, 0, i % 2 ? 1 : 0);
    await env.db.query(
      `INSERT INTO site_adapters (site_id, state, stats, in_use) VALUES ($1, $2, $3, true)
       ON CONFLICT (site_id) DO UPDATE SET state = EXCLUDED.state, stats = EXCLUDED.stats, in_use = true`,
      [site.siteId, Buffer.from(a.serialize()), JSON.stringify(adapterStats(a))],
    );
    await signIn();
    const notice = page.locator('#adapter-rechecking');
    await notice.waitFor({ state: 'visible' });
    const text = (await notice.textContent()) ?? '';
    assert.match(
      text,
      new RegExp(`The shared model is now ${sharedModelVersion()}; these figures are toxicity-lr-v4's`),
    );
    assert.match((await page.textContent('#adapter-state')) ?? '', /not in use yet/);
  });

  it('when the admin resets an adapter started before adapters read the words near a group, then the page says so and the figures start again', async () => {
    await env.db.query(
      `INSERT INTO site_adapters (site_id, state) VALUES ($1, $2)
       ON CONFLICT (site_id) DO UPDATE SET state = EXCLUDED.state`,
      [site.siteId, Buffer.from(savedBeforeGroupContext(createAdapter().serialize()))],
    );
    await signIn();
    await page.locator('#adapter-older').waitFor({ state: 'visible' });
    page.once('dialog', (d) => void d.accept());
    await page.click('#adapter-reset');
    await page.locator('#status').filter({ hasText: 'The adapter was reset' }).waitFor();
    const reset = await env.db.query('SELECT 1 FROM site_adapters WHERE site_id = $1 AND reset_at IS NOT NULL', [
      site.siteId,
    ]);
    assert.equal(reset.rowCount, 1);
    assert.equal(await page.isHidden('#adapter-older'), true, 'the new adapter reads them');
  });
});
