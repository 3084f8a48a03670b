import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { launchChromium, listen } from '../support/browser.js';
import { buildPost, buildSite, establishReader, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment, STAFF_PASSWORD, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import { applyWaitingEdit, waitingEdit } from '../support/edits.js';

/**
 * The moderation page keeps its lists true while comments arrive and decisions are taken elsewhere: a burst
 * larger than one read, new decisions on the newest-first tabs, a comment kept in For review, a decision taken
 * from the search results. Each test has a site of its own; the page polls the counts every 3 s.
 */

let env: TestEnv;
let api: TestApi;
let http: Awaited<ReturnType<typeof listen>>;
let browser: Browser;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  http = await listen(api.app);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await http?.close();
  await api?.close();
  await env?.close();
});

/** A site with a moderator, a post and an author, and the page signed in as the moderator. */
async function desk(): Promise<{
  site: BuiltSite;
  mod: SignedIn;
  page: Page;
  store(status: 'pending' | 'approved', body?: string): Promise<string>;
}> {
  const site = await buildSite(env.db);
  const mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Mona Moderator');
  const postId = await buildPost(env.db, site.siteId);
  const authorId = (await signInReader(api.app, site, { name: 'Ada Author' })).user.id;
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const store = (status: 'pending' | 'approved', body = 'A remark about the harbour.') =>
    storeComment(env.db, {
      siteId: site.siteId,
      postId,
      authorId,
      status,
      body,
      reasons: status === 'pending' ? [{ rule: 'toxicity', detail: 'TOXICITY above the hold level' }] : [],
    });
  return {
    site,
    mod,
    page,
    store,
  };
}

async function signIn(page: Page, site: BuiltSite, mod: SignedIn): Promise<void> {
  await page.goto(`${http.origin}/moderate`);
  await page.fill('#signin-site', site.siteId);
  await page.fill('#signin-email', mod.email);
  await page.fill('#signin-password', STAFF_PASSWORD);
  await page.click('#signin-form button[type=submit]');
}

const listed = (page: Page) =>
  page.locator('#items .item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id!));

describe('the moderation page while the queues change', () => {
  it('when more comments are held at once than one read brings, then the rest wait behind "Load more"', async () => {
    const { site, mod, page, store } = await desk();
    for (let i = 0; i < 10; i++) await store('pending');
    await signIn(page, site, mod);
    await waitFor(async () => (await listed(page)).length === 10, { what: 'the ten held comments' });
    const burst: string[] = [];
    for (let i = 0; i < 95; i++) burst.push(await store('pending'));
    await waitFor(async () => (await listed(page)).length === 100, { what: 'the first hundred', timeoutMs: 20_000 });
    await page.locator('#more').waitFor();
    await page.click('#more');
    await waitFor(async () => (await listed(page)).length === 105, { what: 'all 105 after Load more' });
    assert.deepEqual((await listed(page)).slice(10), burst, 'oldest first, each once');
    await page.close();
  });

  it('when an older comment joins Pending (readers report it past the threshold) while one there is decided, then it comes in its place without switching tabs', async () => {
    const { site, mod, page, store } = await desk();
    // Written first, published: it is older than every held comment.
    const older = await store('approved', 'Published a while ago, reported later.');
    const held = [await store('pending'), await store('pending'), await store('pending')];
    await env.db.query(`UPDATE sites SET settings = settings || '{"reportThreshold": 1}'::jsonb WHERE id = $1`, [
      site.siteId,
    ]);
    await signIn(page, site, mod);
    await waitFor(async () => (await listed(page)).length === 3, { what: 'the three held comments' });
    const reader = await signInReader(api.app, site, { name: 'Rita Reporter' });
    await establishReader(env.db, reader.user.id);
    // In the same moment another moderator decides one of the three: the count does not move.
    await Promise.all([
      request(api.app)
        .post(`/api/v1/comments/${older}/reports`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ reason: 'off_topic' })
        .expect(201),
      request(api.app)
        .post(`/api/v1/comments/${held[1]}/moderation`)
        .set('Authorization', `Bearer ${mod.accessToken}`)
        .send({ action: 'approve' })
        .expect(200),
    ]);
    await waitFor(async () => (await listed(page))[0] === older, {
      what: 'the reported comment first, oldest first',
      timeoutMs: 60_000,
    });
    await page.close();
  });

  it('when comments are approved while the Approved tab shows its first page, then each takes its place, and no older one is listed as new', async () => {
    const { site, mod, page, store } = await desk();
    for (let i = 0; i < 40; i++) await store('approved');
    const held = await store('pending');
    await signIn(page, site, mod);
    await page.locator('#items .item').first().waitFor();
    await page.click('#tab-approved');
    await waitFor(async () => (await listed(page)).length === 25, { what: 'the first page' });
    const before = await listed(page);
    const fresh = await store('approved');
    await waitFor(async () => (await listed(page))[0] === fresh, { what: 'the new approval first', timeoutMs: 20_000 });
    assert.deepEqual(await listed(page), [fresh, ...before]);
    // A moderator elsewhere approves the held comment, written before `fresh`: it comes second, where it belongs.
    await request(api.app)
      .post(`/api/v1/comments/${held}/moderation`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ action: 'approve' })
      .expect(200);
    await waitFor(async () => (await listed(page))[1] === held, {
      what: 'the approval in its place',
      timeoutMs: 20_000,
    });
    assert.deepEqual(await listed(page), [fresh, held, ...before]);
    await page.close();
  });

  it('when a moderator keeps a comment in For review, then it stays listed with its reports closed', async () => {
    const { site, mod, page, store } = await desk();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = await store('approved');
      const reader = await signInReader(api.app, site);
      await request(api.app)
        .post(`/api/v1/comments/${id}/reports`)
        .set('Authorization', `Bearer ${reader.accessToken}`)
        .send({ reason: 'abuse' })
        .expect(201);
      ids.push(id);
    }
    await signIn(page, site, mod);
    await page.locator('#count-review').filter({ hasText: '2' }).waitFor();
    await page.click('#tab-review');
    await waitFor(async () => (await listed(page)).length === 2, { what: 'both reported comments' });
    const first = (await listed(page))[0]!;
    await page.locator(`#items .item[data-id="${first}"] button[data-act=approve]`).click();
    await waitFor(
      async () => {
        const res = await request(api.app)
          .get(`/api/v1/sites/${site.siteId}/moderation/queues/reported`)
          .set('Authorization', `Bearer ${mod.accessToken}`);
        return res.body.items.length === 1;
      },
      { what: 'the reports closed' },
    );
    // Past a poll of the counts, it is still listed.
    await new Promise((r) => setTimeout(r, 3500));
    assert.deepEqual((await listed(page)).sort(), [...ids].sort());
    await page.close();
  });

  it('when the author edits a held comment while it is on screen, then Approve publishes nothing, and the new text is shown to be decided', async () => {
    const { site, mod, page, store } = await desk();
    const held = await store('pending', 'The harbour master knows the timetable best.');
    await signIn(page, site, mod);
    await waitFor(async () => (await listed(page)).join() === held, { what: 'the held comment' });
    // The author rewrites it; the worker applies the edit, and it stays held.
    const editId = await waitingEdit(env.db, {
      siteId: site.siteId,
      commentId: held,
      body: 'Something nobody on the desk has read.',
    });
    assert.equal(await applyWaitingEdit(env.db, editId, 'pending'), true);
    const item = page.locator(`#items .item[data-id="${held}"]`);
    await item.locator('button[data-act=approve]').click();
    await page.locator('#status', { hasText: 'Its author edited this comment after it was shown' }).waitFor();
    await item.getByText('Something nobody on the desk has read.').waitFor();
    const status = async () =>
      (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [held])).rows[0]!.status;
    assert.equal(await status(), 'pending');
    await item.locator('button[data-act=approve]').click();
    await waitFor(async () => (await status()) === 'approved', { what: 'the new text approved' });
    await page.close();
  });

  it('when a moderator approves a held comment from the search results, then it leaves the Pending list', async () => {
    const { site, mod, page, store } = await desk();
    const held = await store('pending', 'The dredging tender was rigged, says the council.');
    const other = await store('pending', 'The ferry is late again.');
    await signIn(page, site, mod);
    await waitFor(async () => (await listed(page)).length === 2, { what: 'the two held comments' });
    await page.fill('#search-value', 'dredging');
    await page.selectOption('#search-by', 'q');
    await page.click('#search-form button[type=submit]');
    await page.locator(`#search-items .item[data-id="${held}"] button[data-act=approve]`).click();
    await waitFor(async () => (await listed(page)).join() === other, {
      what: 'the approved comment gone from Pending',
    });
    await page.close();
  });
});
