/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type http from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestNotificationsWorker, startTestWorker } from '../support/worker.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { distinctText, signSso } from '../support/builders.js';
import { launchChromium, listen, axeViolations, openDemoPage, signInAsDemoReader } from '../support/browser.js';
import { waitFor } from '../support/wait-for.js';
import { ROOT } from '../support/processes.js';
import { createDemoApp } from '#demo/app.js';
import { ensureDemoSite } from '#demo/bootstrap.js';
import { findComment } from '#shared/db/comments.js';
import { insertPostIfAbsent } from '#shared/db/posts.js';
import { ARTICLE } from '#demo/article.js';

/** The reader's tools beyond posting: think before you post, notifications, mute, counts on a list page. */

const SITE = 'demo';
const SSO_SECRET = 'browser-test-sso-secret-0123456789abcdef';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

let env: TestEnv;
let api: TestApi;
let workers: { close(): Promise<void> }[];
let smtp: SmtpReceiver;
let apiServer: { origin: string; close(): Promise<void> };
let demo: { origin: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;

before(async () => {
  smtp = await startSmtpReceiver();
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0', SMTP_URL: smtp.url });
  api = await startTestApi(env);
  workers = [await startTestWorker(env), await startTestNotificationsWorker(env)];
  apiServer = await listen(api.app);
  demo = await listen((req: http.IncomingMessage, res: http.ServerResponse) => app(req, res));
  const app = createDemoApp({ apiUrl: apiServer.origin, publicUrl: demo.origin, siteId: SITE, ssoSecret: SSO_SECRET });
  await ensureDemoSite(env.db, {
    siteId: SITE,
    name: 'The Harbour Ledger (demo)',
    origin: demo.origin,
    ssoSecret: SSO_SECRET,
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([demo?.close(), apiServer?.close()]);
  for (const w of workers ?? []) await w.close();
  await api?.close();
  await env?.close();
  await smtp?.close();
});

const openDemo = (ctx: BrowserContext = context, query = '') => openDemoPage(ctx, demo.origin, query);

async function setSettings(settings: object): Promise<void> {
  await env.db.query(`UPDATE sites SET settings = $2, settings_version = settings_version + 1 WHERE id = $1`, [
    SITE,
    JSON.stringify(settings),
  ]);
}

async function promptOutcomes(choice: string): Promise<number> {
  const values = (await api.deps.metrics.registry.getSingleMetric('comment_prompt_outcomes_total')?.get())?.values;
  return values?.find((v) => v.labels.choice === choice)?.value ?? 0;
}

describe('think before you post', () => {
  it('when the site would hold a draft, then the widget asks "This may be held for review — edit it?"; Edit keeps the reader writing, Post anyway posts, and what they chose is counted', async () => {
    // A low hold threshold: whatever the reader writes may be held.
    await setSettings({ thresholds: { hold: { TOXICITY: 0.0001 }, reject: {} } });
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, bypassCSP: true });
    const { page, problems } = await openDemo(ctx);
    await signInAsDemoReader(page);
    const form = page.locator('#comments form.composer').first();
    const prompt = form.getByRole('alert').filter({ hasText: 'This may be held for review — edit it?' });
    const textarea = form.locator('textarea');
    const [edited0, unchanged0] = [await promptOutcomes('edited'), await promptOutcomes('unchanged')];

    await textarea.fill('Honestly this council is hopeless.');
    await form.getByRole('button', { name: 'Post comment' }).click();
    await prompt.waitFor();
    assert.equal(await page.locator('#comments li.pending').count(), 0, 'nothing is posted before the reader chooses');
    assert.deepEqual(await axeViolations(page), []);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-think-before-posting.png') });
    await form.getByRole('button', { name: 'Edit', exact: true }).click();
    await prompt.waitFor({ state: 'hidden' });
    assert.equal(await textarea.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), true);
    await textarea.fill('I think the council could do better on this.');
    await form.getByRole('button', { name: 'Post comment' }).click();
    const first = page.locator('#comments li.pending').first();
    await first.getByText('I think the council could do better on this.').waitFor();
    await waitFor(async () => (await promptOutcomes('edited')) === edited0 + 1, { what: 'the edit counted' });

    await textarea.fill('Honestly this council is hopeless.');
    await form.getByRole('button', { name: 'Post comment' }).click();
    await prompt.waitFor();
    await form.getByRole('button', { name: 'Post anyway' }).click();
    await page.locator('#comments li.pending').getByText('Honestly this council is hopeless.').waitFor();
    const id = (await page.locator('#comments li.pending').first().getAttribute('data-id'))!;
    await waitFor(async () => (await findComment(env.db, id))?.status === 'pending', { what: 'the worker held it' });
    assert.equal(await promptOutcomes('unchanged'), unchanged0 + 1);
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it('when the site would not hold a draft, then it is posted at once, with no prompt; in French the prompt speaks French', async () => {
    await setSettings({});
    const { page } = await openDemo();
    await signInAsDemoReader(page);
    const form = page.locator('#comments form.composer').first();
    await form.locator('textarea').fill('Thank you for the clear report on the ferry timetable.');
    await form.getByRole('button', { name: 'Post comment' }).click();
    await page.getByText('Thank you for the clear report on the ferry timetable.').waitFor();
    assert.equal(await form.locator('.prompt:not([hidden])').count(), 0);
    await page.close();

    await setSettings({ thresholds: { hold: { TOXICITY: 0.0001 }, reject: {} } });
    const fr = await openDemo(context, '?lang=fr');
    await signInAsDemoReader(fr.page);
    const frForm = fr.page.locator('#comments form.composer').first();
    await frForm.locator('textarea').fill('Le conseil pourrait mieux faire.');
    await frForm.getByRole('button', { name: 'Publier' }).click();
    await frForm.getByText('Ce commentaire pourrait être retenu pour modération — le modifier ?').waitFor();
    await frForm.getByRole('button', { name: 'Publier quand même' }).waitFor();
    await fr.page.close();
    await setSettings({});
  });
});

/** Another reader, through the API, as the publisher's SSO signs them in. */
async function otherReader(name: string): Promise<string> {
  const res = await fetch(`${apiServer.origin}/api/v1/auth/sso`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ siteId: SITE, token: await signSso(SSO_SECRET, { name }) }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** A comment posted through the API by a reader holding `token`. */
function postAs(token: string, postId: string, body: string, parentId?: string): Promise<Response> {
  return fetch(`${apiServer.origin}/api/v1/sites/${SITE}/posts/${postId}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ body, parentId }),
  });
}

/** A comment by another reader under the demo article, once the worker has approved it. */
async function approvedOnArticle(readerName: string, seed: number): Promise<{ id: string; body: string }> {
  const token = await otherReader(readerName);
  await insertPostIfAbsent(env.db, {
    siteId: SITE,
    id: ARTICLE.postId,
    title: ARTICLE.headline,
    url: `${demo.origin}/`,
  });
  const body = distinctText(seed);
  const res = await postAs(token, ARTICLE.postId, body);
  const id = ((await res.json()) as { id: string }).id;
  await waitFor(async () => (await findComment(env.db, id))?.status === 'approved', { what: 'the comment approved' });
  return { id, body };
}

describe('notifications', () => {
  it('when a reader opts in to email and someone replies to their comment, then the bell counts it live, the email arrives, and opening the bell lists it and marks it read', async () => {
    await setSettings({});
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, bypassCSP: true });
    const { page, problems } = await openDemo(ctx);
    await signInAsDemoReader(page);
    const body = distinctText(501);
    await page.locator('#comments textarea').first().fill(body);
    await page.getByRole('button', { name: 'Post comment' }).click();
    const mine = page.locator('#comments li.comment:not(.pending)').filter({ hasText: body });
    await mine.waitFor();
    const commentId = (await mine.getAttribute('data-id'))!;
    const author = (await findComment(env.db, commentId))!.authorId;

    const bellButton = page.locator('#comments button.bell');
    await bellButton.click();
    await page.getByText('No notifications yet.').waitFor();
    await page.locator('#comments .panel select').selectOption('immediate');
    await waitFor(
      async () =>
        (
          await env.db.query(`SELECT 1 FROM reader_notification_settings WHERE user_id = $1 AND email = 'immediate'`, [
            author,
          ])
        ).rowCount === 1,
      { what: 'the email choice saved' },
    );
    await bellButton.click();
    assert.equal(await bellButton.getAttribute('aria-expanded'), 'false');

    const token = await otherReader('Jordan Replier');
    const postId = (await findComment(env.db, commentId))!.postId;
    const res = await postAs(token, postId, distinctText(502), commentId);
    assert.equal(res.status, 202);
    // Live, over the reader's stream: no reload.
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
    assert.equal(await page.locator('#comments button.bell .count').textContent(), '1');
    const address = (await env.db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [author])).rows[0]!
      .email;
    const mail = await smtp.waitForMail(address, /replied to your comment/);
    assert.equal(mail.subject, 'Jordan Replier replied to your comment');

    await bellButton.click();
    await page.getByText(/Jordan Replier replied to your comment on/).waitFor();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    assert.equal(await page.locator('#comments button.bell .count').isHidden(), true);
    assert.deepEqual(await axeViolations(page), []);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-notifications.png') });
    assert.deepEqual(problems, []);
    await ctx.close();
  });
});

describe('mute', () => {
  it('when a reader mutes another, then that reader\'s comments collapse to "Comment from a muted reader — show", open on demand, and the mute is listed and removable', async () => {
    await setSettings({});
    const { id, body } = await approvedOnArticle('Noisy Neighbour', 601);

    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, bypassCSP: true });
    const { page, problems } = await openDemo(ctx);
    await signInAsDemoReader(page);
    const li = page.locator(`#comments li[data-id="${id}"]`);
    await li.getByText(body).waitFor();
    await li.getByRole('button', { name: 'Mute Noisy Neighbour' }).click();
    const show = li.getByRole('button', { name: 'Comment from a muted reader — show' });
    await show.waitFor();
    assert.equal(await li.getByText(body).isVisible(), false);
    await show.click();
    await li.getByText(body).waitFor();
    await li.getByRole('button', { name: 'Comment from a muted reader — hide' }).click();
    assert.equal(await li.getByText(body).isVisible(), false);

    // Stored on the server, for this reader.
    await waitFor(
      async () =>
        (
          await env.db.query(
            'SELECT 1 FROM reader_mutes WHERE muted_id = (SELECT author_id FROM comments WHERE id = $1)',
            [id],
          )
        ).rowCount === 1,
      { what: 'the mute stored' },
    );
    await page.locator('#comments button.bell').click();
    await page.getByRole('heading', { name: 'Muted readers' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-mute.png') });
    await page.getByRole('button', { name: 'Unmute Noisy Neighbour' }).click();
    await page.getByText('You have muted no one.').waitFor();
    await page.locator(`#comments li[data-id="${id}"]`).getByText(body).waitFor();
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it('when a reader mutes someone while the list of mutes is still loading after sign-in, then the late list does not undo the mute', async () => {
    await setSettings({});
    const { id, body } = await approvedOnArticle('Slow List Neighbour', 602);

    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, bypassCSP: true });
    const { page, problems } = await openDemo(ctx);
    // The reader's list of mutes (GET …/mutes) is answered only after the mute (PUT …/mutes/:id) has been.
    let release!: () => void;
    const muted = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/mutes$/, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      await muted;
      await route.fulfill({ response });
    });
    await signInAsDemoReader(page);
    const li = page.locator(`#comments li[data-id="${id}"]`);
    await li.getByText(body).waitFor();
    await li.getByRole('button', { name: 'Mute Slow List Neighbour' }).click();
    const show = li.getByRole('button', { name: 'Comment from a muted reader — show' });
    await show.waitFor();
    const listAnswered = page.waitForResponse((r) => /\/mutes$/.test(r.url()) && r.request().method() === 'GET');
    release();
    await listAnswered;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    assert.equal(await show.isVisible(), true, 'the comment stays collapsed');
    assert.equal(await li.getByText(body).isVisible(), false);
    assert.deepEqual(problems, []);
    await ctx.close();
  });
});

describe('counts on a list page', () => {
  it('when a home page lists articles with data-comments-count, then embed.js fills each with its approved-comment count', async () => {
    await setSettings({});
    const list = await listen((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><head><title>Home</title></head><body><main><h1>Latest</h1><ul>
        <li><a href="/a">Story A</a> <span data-comments-count data-site="${SITE}" data-post="list-a"></span></li>
        <li><a href="/b">Story B</a> <span data-comments-count data-site="${SITE}" data-post="list-b"></span></li>
        <li><a href="/c">Story C</a> <span data-comments-count data-site="${SITE}" data-post="list-never-commented"></span></li>
      </ul><script src="${apiServer.origin}/embed.js" async></script></main></body></html>`);
    });
    await env.db.query('UPDATE sites SET origins = array_append(origins, $2) WHERE id = $1', [SITE, list.origin]);
    const token = await otherReader('Counting Reader');
    for (const [post, n] of [
      ['list-a', 2],
      ['list-b', 1],
    ] as const) {
      await insertPostIfAbsent(env.db, { siteId: SITE, id: post, title: post, url: `${demo.origin}/` });
      for (let i = 0; i < n; i++) {
        const res = await postAs(token, post, distinctText(700 + n * 10 + i));
        assert.equal(res.status, 202);
      }
    }
    await waitFor(
      async () =>
        (
          await env.db.query<{ n: number }>(
            `SELECT sum(comment_count)::int AS n FROM posts WHERE site_id = $1 AND id IN ('list-a', 'list-b')`,
            [SITE],
          )
        ).rows[0]!.n === 3,
      { what: 'the comments approved' },
    );
    const page = await context.newPage();
    await page.goto(`${list.origin}/`);
    await page.locator('[data-post="list-a"]', { hasText: '2 comments' }).waitFor();
    await page.locator('[data-post="list-b"]', { hasText: '1 comment' }).waitFor();
    await page.locator('[data-post="list-never-commented"]', { hasText: '0 comments' }).waitFor();
    await page.close();
    await list.close();

    // embed.js from a CDN (here the list page's own server), the service named on the script tag.
    const embed = await (await fetch(`${apiServer.origin}/embed.js`)).text();
    const cdn = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === '/cdn/embed.js') {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.end(embed);
        return;
      }
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><head><title>Home</title></head><body><main><h1>Latest</h1><ul>
        <li><a href="/a">Story A</a> <span data-comments-count data-site="${SITE}" data-post="list-a"></span></li>
      </ul><script src="/cdn/embed.js" data-api="${apiServer.origin}" async></script></main></body></html>`);
    });
    await env.db.query('UPDATE sites SET origins = array_append(origins, $2) WHERE id = $1', [SITE, cdn.origin]);
    const fromCdn = await context.newPage();
    await fromCdn.goto(`${cdn.origin}/`);
    await fromCdn.locator('[data-post="list-a"]', { hasText: '2 comments' }).waitFor();
    await fromCdn.close();
    await cdn.close();
  });
});
