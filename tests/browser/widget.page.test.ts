/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { axeViolations, launchChromium, listen, openDemoPage, signInAsDemoReader } from '../support/browser.js';
import { buildSite, signSso } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';
import { ROOT } from '../support/processes.js';
import { createDemoApp } from '#demo/app.js';
import { ensureDemoSite } from '#demo/bootstrap.js';
import { ARTICLE } from '#demo/article.js';
import { changeCommentStatus, findComment, insertDecidedComment } from '#shared/db/comments.js';
import { insertPostIfAbsent, upsertPost } from '#shared/db/posts.js';
import {
  findUser,
  insertPasswordUser,
  markEmailVerified,
  setEmailVerification,
  setPasswordReset,
  upsertSsoUser,
} from '#shared/db/users.js';
import { verificationHash } from '#api/auth/email-verification.js';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '#shared/passwords.js';
import { newId } from '#shared/ids.js';
import { encodeThreadChange, threadChannel } from '#shared/redis.js';

const SITE = 'demo';
const SSO_SECRET = 'browser-test-sso-secret-0123456789abcdef';
const POST = ARTICLE.postId;
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

let env: TestEnv;
let api: TestApi;
let worker: { close(): Promise<void> };
let apiServer: { origin: string; close(): Promise<void> };
let demo: { origin: string; close(): Promise<void> };
let plainHost: { origin: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let moderatorToken: string;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  apiServer = await listen(api.app);
  // The demo publisher on its own origin (another port), as real embeds are.
  let demoOrigin = '';
  demo = await listen((req: http.IncomingMessage, res: http.ServerResponse) => app(req, res));
  demoOrigin = demo.origin;
  const app = createDemoApp({ apiUrl: apiServer.origin, publicUrl: demoOrigin, siteId: SITE, ssoSecret: SSO_SECRET });
  // A publisher page without SSO: the widget offers the service's own sign-in popup. /p/<postId> embeds that post.
  plainHost = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
    const postId = /^\/p\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? 'plain-1';
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><title>Plain host</title></head><body><main><h1>Plain host</h1>
      <div id="comments" data-site="${SITE}" data-post="${postId}" data-title="Plain host article" data-url="${plainHost.origin}/"></div>
      <script src="${apiServer.origin}/embed.js" async></script></main></body></html>`);
  });
  await ensureDemoSite(env.db, {
    siteId: SITE,
    name: 'The Harbour Ledger (demo)',
    origin: demoOrigin,
    ssoSecret: SSO_SECRET,
  });
  await env.db.query(`UPDATE sites SET origins = array_append(origins, $2) WHERE id = $1`, [SITE, plainHost.origin]);
  // Every comment is held for a moderator here (pre-moderation, not a score: the widget's "may be held"
  // prompt stays out of these paths), so the test decides when it is approved.
  await env.db.query(`UPDATE sites SET settings = '{"premod":"all"}' WHERE id = $1`, [SITE]);
  await insertPasswordUser(env.db, {
    id: newId(),
    siteId: SITE,
    email: 'moderator@ledger.example',
    passwordHash: await hashPassword('moderator password'),
    displayName: 'Moderator',
    role: 'moderator',
  });
  const login = await fetch(`${apiServer.origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      siteId: SITE,
      email: 'moderator@ledger.example',
      password: 'moderator password',
      use: 'moderation',
    }),
  });
  moderatorToken = ((await login.json()) as { accessToken: string }).accessToken;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([demo?.close(), plainHost?.close(), apiServer?.close()]);
  await worker?.close();
  await api?.close();
  await env?.close();
});

const openDemo = (ctx: BrowserContext = context, query = '') => openDemoPage(ctx, demo.origin, query);

/** Waits until the worker stored the comment (held, here), then a moderator decides it through the moderation API. */
async function decide(id: string, status: 'approved' | 'rejected'): Promise<void> {
  await waitFor(async () => (await findComment(env.db, id))?.status === 'pending', {
    what: `comment ${id} held by the worker`,
  });
  const res = await fetch(`${apiServer.origin}/api/v1/comments/${id}/moderation`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${moderatorToken}` },
    body: JSON.stringify(
      status === 'approved' ? { action: 'approve' } : { action: 'reject', reason: 'personal attack' },
    ),
  });
  assert.equal(res.status, 200, await res.text());
}

/** The demo post's count of published comments, as the database has it. */
const findPostCount = async () =>
  (
    await env.db.query<{ n: number }>('SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2', [
      SITE,
      POST,
    ])
  ).rows[0]?.n;

/** Another reader posts through the API (not the browser). */
async function postAsOther(body: string, name = 'Other Reader'): Promise<string> {
  await insertPostIfAbsent(env.db, { siteId: SITE, id: POST, title: ARTICLE.headline, url: `${demo.origin}/` });
  const sso = await fetch(`${apiServer.origin}/api/v1/auth/sso`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ siteId: SITE, token: await signSso(SSO_SECRET, { name }) }),
  });
  const { accessToken } = (await sso.json()) as { accessToken: string };
  const res = await fetch(`${apiServer.origin}/api/v1/sites/${SITE}/posts/${POST}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ body }),
  });
  assert.equal(res.status, 202);
  return ((await res.json()) as { id: string }).id;
}

describe('the widget on the demo article page', () => {
  it('when a demo reader signs in and posts, then the comment shows "Awaiting review" until a moderator approves it, then as a normal comment', async () => {
    const { page, problems } = await openDemo();
    assert.notEqual(new URL(demo.origin).port, new URL(apiServer.origin).port);
    await page.getByText('0 comments').waitFor();
    await page.getByText('Log in to leave a comment.').waitFor();
    // The post did not exist: the widget's first load created it from the page's origin.
    await waitFor(
      async () =>
        (await env.db.query(`SELECT 1 FROM posts WHERE site_id = $1 AND id = $2`, [SITE, POST])).rowCount === 1,
      { what: 'the post created on first load' },
    );

    await signInAsDemoReader(page);
    await page.locator('#comments textarea').fill('The deferral makes sense until the grant is confirmed.');
    await page.getByRole('button', { name: 'Post comment' }).click();
    const pending = page.locator('#comments li.pending');
    await pending.getByText('Awaiting review').waitFor();
    await page.getByText('Your comment was sent and is awaiting review.').waitFor({ state: 'attached' });
    const id = (await pending.getAttribute('data-id'))!;

    await decide(id, 'approved');
    const approved = page.locator(`#comments li[data-id="${id}"]:not(.pending)`);
    await approved.waitFor();
    assert.equal(await approved.getByText('Awaiting review').count(), 0);
    await approved.getByText('The deferral makes sense until the grant is confirmed.').waitFor();
    await page.getByText('1 comment', { exact: true }).waitFor();
    // Its own approval is not announced to its author as a "new comment".
    assert.equal(await page.locator('#comments button.new').isVisible(), false);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('when the list is read again just after my held comment was approved, then it shows once, and the count once', async () => {
    const { page } = await openDemo();
    await signInAsDemoReader(page);
    await page.locator('#comments textarea').fill('Approved while the list was being read again.');
    await page.getByRole('button', { name: 'Post comment' }).click();
    const pending = page.locator('#comments li.pending');
    await pending.getByText('Awaiting review').waitFor();
    const id = (await pending.getAttribute('data-id'))!;
    await decide(id, 'approved');
    // Another order at once: the list is read from the server, which lists it now.
    await page.getByLabel('Sort by').selectOption('oldest');
    const copies = page.locator(`#comments li[data-id="${id}"]`);
    await page.locator(`#comments li[data-id="${id}"]:not(.pending)`).waitFor();
    // Past the widget's own follow-up of the comment.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await copies.count(), 1);
    const total = (await findPostCount()) ?? -1;
    assert.equal(await page.locator('#comments h2').textContent(), `${total} comment${total === 1 ? '' : 's'}`);
    await page.getByLabel('Sort by').selectOption('newest');
    await page.close();
  });

  it('when another reader\'s comment is approved, then it arrives live behind "1 new comment" and the page does not jump', async () => {
    const { page } = await openDemo();
    await page.locator('#comments li.comment').first().waitFor();
    const before = await page.locator('#comments li.comment').count();
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const id = await postAsOther('Ferreira is right, an exit clause would protect taxpayers.');
    await decide(id, 'approved');
    const button = page.getByRole('button', { name: '1 new comment' });
    await button.waitFor();
    assert.equal(await page.locator('#comments li.comment').count(), before, 'nothing inserted before the reader asks');
    assert.equal(await page.evaluate(() => window.scrollY), scrollBefore);
    await button.click();
    await page.locator(`#comments li[data-id="${id}"]`).waitFor();
    assert.equal(await button.isVisible(), false);
    // Focus moves to the comment that arrived.
    const focused = await page.evaluate(() =>
      document.querySelector('#comments')!.shadowRoot!.activeElement?.closest('li')?.getAttribute('data-id'),
    );
    assert.equal(focused, id);
    await page.close();
  });

  // It ends every live stream of the API, as a restart does (and the hub's heartbeat with them).
  it('when the live stream drops and a comment is approved before it is back, then the widget looks again on reconnecting and shows it as new', async () => {
    const { page } = await openDemo();
    await page.locator('#comments li.comment').first().waitFor();
    await waitFor(() => api.deps.threadEvents.openCount() > 0, { what: 'the widget’s live stream' });
    // Kept from coming back until the approval has been announced: only a look on reconnecting can find it.
    await page.route(/\/events$/, (route) => route.abort());
    api.deps.threadEvents.closeAll();
    const id = await postAsOther('Approved while the live stream was down.');
    await decide(id, 'approved');
    await page.unroute(/\/events$/);
    await page.getByRole('button', { name: '1 new comment' }).waitFor({ timeout: 20_000 });
    await page.close();
  });

  it('when a reader replies to a comment, then the reply waits under it marked "Awaiting review" and focus returns to Reply', async () => {
    const parentId = await postAsOther('A comment that will get a reply.');
    await decide(parentId, 'approved');
    const { page } = await openDemo();
    await signInAsDemoReader(page);
    const first = page.locator(`#comments li[data-id="${parentId}"]`);
    const replyButton = first.locator(':scope > article .actions button').first();
    await replyButton.click();
    await first.locator('textarea').fill('A reply to the first comment.');
    await first.getByRole('button', { name: 'Post reply' }).click();
    const reply = page.locator(`#comments li[data-id="${parentId}"] > ol.replies > li.pending`);
    await reply.getByText('Awaiting review').waitFor();
    await reply.getByText('A reply to the first comment.').waitFor();
    assert.equal(await first.locator('textarea').count(), 0, 'the reply box closed');
    const focused = await page.evaluate(() =>
      document.querySelector('#comments')!.shadowRoot!.activeElement?.getAttribute('aria-expanded'),
    );
    assert.equal(focused, 'false');
    await decide((await reply.getAttribute('data-id'))!, 'approved');
    await page
      .locator(`#comments li[data-id="${parentId}"] > ol.replies > li:not(.pending)`)
      .getByText('A reply to the first comment.')
      .waitFor();
    await page.close();
  });

  it('when a reader writes, then the composer says one thing about the text as it is now: typing clears "Write something first.", an over-long paste is named in words with Post disabled, and a posted comment leaves no message', async () => {
    const { page, problems } = await openDemo();
    await signInAsDemoReader(page);
    const form = page.locator('#comments form.composer').first();
    const post = form.getByRole('button', { name: 'Post comment' });
    const alert = form.locator('p.error');
    await post.click();
    await form.getByText('Write something first.').waitFor();
    await form.locator('textarea').pressSequentially('A');
    assert.equal(await alert.textContent(), '');

    await form.locator('textarea').fill('x'.repeat(5005));
    await form.getByText('5 characters too many').waitFor();
    await form.getByText('Comments can be at most 5000 characters long.').waitFor();
    assert.equal(await post.isDisabled(), true);
    assert.equal(await form.getByText('Write something first.').count(), 0);

    await form.locator('textarea').fill('Short enough now, and worth saying.');
    assert.equal(await post.isDisabled(), false);
    assert.equal(await alert.textContent(), '');
    await post.click();
    await page.getByText('Your comment was sent and is awaiting review.').waitFor({ state: 'attached' });
    assert.equal(await alert.textContent(), '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('when a reader opens the report menu, then no reason is chosen for them, and sending without one asks for a reason', async () => {
    const target = await postAsOther('A comment someone may want to report.');
    await decide(target, 'approved');
    const { page } = await openDemo();
    await page.evaluate(
      async (token) => {
        await (window as unknown as { Comments: { login(t: string): Promise<void> } }).Comments.login(token);
      },
      await signSso(SSO_SECRET, { sub: `undecided-${Date.now()}`, name: 'Undecided Reader' }),
    );
    const li = page.locator(`#comments li[data-id="${target}"]`);
    await li.getByRole('button', { name: 'Report comment by Other Reader' }).click();
    for (const name of ['Spam or advertising', 'Off topic']) assert.equal(await li.getByLabel(name).isChecked(), false);
    await li.getByRole('button', { name: 'Send report' }).click();
    await li.getByText('Choose a reason first.').waitFor();
    const rows = await env.db.query('SELECT 1 FROM reports WHERE comment_id = $1', [target]);
    assert.equal(rows.rowCount, 0);
    await page.close();
  });

  it('when a reader reports a comment, then the reason reaches the moderators; reporting it again says so', async () => {
    const target = await postAsOther('A comment someone will find off topic.');
    await decide(target, 'approved');
    const reporter = { sub: `reporter-${Date.now()}`, name: 'Careful Reader' };
    const report = async (): Promise<Page> => {
      const { page } = await openDemo();
      // The host page's own sign-in, as a publisher with SSO does it: Comments.login(ssoToken).
      const sso = await signSso(SSO_SECRET, reporter);
      await page.evaluate(async (token) => {
        await (window as unknown as { Comments: { login(t: string): Promise<void> } }).Comments.login(token);
      }, sso);
      const li = page.locator(`#comments li[data-id="${target}"]`);
      await li.getByRole('button', { name: 'Report comment by Other Reader' }).click();
      await li.getByLabel('Off topic').check();
      await li.getByLabel('Details (optional)').fill('Not about the transit pass.');
      await li.getByRole('button', { name: 'Send report' }).click();
      return page;
    };
    const first = await report();
    await first.getByText('Thank you. The moderators will look at this comment.').waitFor();
    const rows = await env.db.query(`SELECT reason, note FROM reports WHERE comment_id = $1`, [target]);
    assert.deepEqual(rows.rows, [{ reason: 'off_topic', note: 'Not about the transit pass.' }]);
    await first.close();
    const second = await report();
    await second.getByText('You have already reported this comment.').waitFor();
    await second.close();
  });

  it('when a comment is rejected, then its author is told it was not published and why', async () => {
    const { page } = await openDemo();
    await signInAsDemoReader(page);
    await page.locator('#comments textarea').fill('A comment the moderators will turn down.');
    await page.getByRole('button', { name: 'Post comment' }).click();
    const pending = page.locator('#comments li.pending');
    await pending.getByText('Awaiting review').waitFor();
    await decide((await pending.getAttribute('data-id'))!, 'rejected');
    await pending.getByText('Not published', { exact: true }).waitFor();
    // The reason category's sentence, from GET /comments/:id.
    await pending.getByText(/^Your comment was not published\. \S/).waitFor();
    await page.close();
  });

  it('when a reader uses only the keyboard, then they can sign in, write and post, and focus stays in the comment box', async () => {
    const { page } = await openDemo();
    await page.focus('#demo-signin');
    await page.keyboard.press('Enter');
    await page.locator('#comments textarea').waitFor();
    const inTextarea = () =>
      page.evaluate(() => document.querySelector('#comments')!.shadowRoot!.activeElement?.tagName === 'TEXTAREA');
    for (let i = 0; i < 15 && !(await inTextarea()); i++) await page.keyboard.press('Tab');
    assert.ok(await inTextarea(), 'Tab reaches the comment box');
    await page.keyboard.type('Typed and posted with the keyboard alone.');
    await page.keyboard.press('Tab');
    const focusedButton = await page.evaluate(
      () => document.querySelector('#comments')!.shadowRoot!.activeElement?.textContent,
    );
    assert.equal(focusedButton, 'Post comment');
    await page.keyboard.press('Enter');
    await page.locator('#comments li.pending').getByText('Typed and posted with the keyboard alone.').waitFor();
    await waitFor(
      () =>
        page.evaluate(() => document.querySelector('#comments')!.shadowRoot!.querySelector('textarea')!.value === ''),
      { what: 'the box emptied' },
    );
    const focusAfter = await page.evaluate(
      () => document.querySelector('#comments')!.shadowRoot!.activeElement?.tagName,
    );
    assert.ok(
      focusAfter === 'BUTTON' || focusAfter === 'TEXTAREA',
      `focus stays in the comment box (on ${focusAfter})`,
    );
    await page.close();
  });

  it('when comment bodies are hostile, then they render inert, both approved and while awaiting review', async () => {
    const hostile =
      '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> [click](javascript:window.__pwned=3) "><svg onload="window.__pwned=4"> <a href="https://example.org" onclick="window.__pwned=5">site</a>';
    await decide(await postAsOther(hostile, '<b onmouseover="window.__pwned=6">Mallory</b>'), 'approved');
    const { page } = await openDemo();
    await signInAsDemoReader(page);
    await page.locator('#comments textarea').fill(hostile);
    await page.getByRole('button', { name: 'Post comment' }).click();
    await page.locator('#comments li.pending').waitFor();
    await page.getByText('<b onmouseover="window.__pwned=6">Mallory</b>').first().waitFor();
    const report = await page.evaluate(() => {
      const root = document.querySelector('#comments')!.shadowRoot!;
      return {
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        // The widget's own bell icon is the one SVG allowed.
        dangerous: root.querySelectorAll(
          'img, script, svg:not(button.bell > svg), iframe, object, [onerror], [onload], [onclick], [onmouseover]',
        ).length,
        badLinks: [...root.querySelectorAll('a')].filter(
          (a) => !/^(https?:|mailto:)/.test(a.getAttribute('href') ?? ''),
        ).length,
        userLinks: [...root.querySelectorAll('.body a')].map(
          (a) => `${a.getAttribute('rel')}|${a.getAttribute('target')}`,
        ),
        text: root.textContent ?? '',
      };
    });
    for (const el of await page.locator('#comments li.comment').all()) await el.hover().catch(() => undefined);
    assert.equal(report.pwned, null);
    assert.equal(report.dangerous, 0);
    assert.equal(report.badLinks, 0);
    assert.ok(
      report.userLinks.length > 0 && report.userLinks.every((l) => l === 'nofollow ugc noopener|_blank'),
      JSON.stringify(report.userLinks),
    );
    assert.match(report.text, /<img src=x onerror/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null), null);
    await page.close();
  });

  it('when the host page has aggressive global CSS, then the widget still looks and works as designed, and its styles do not leak out', async () => {
    const { page } = await openDemo(
      await browser.newContext({ viewport: { width: 1000, height: 900 }, bypassCSP: true }),
    );
    await page.addStyleTag({
      content: `*, *::before, *::after { color: rgb(255, 0, 0) !important; font: 31px/1 fantasy !important; display: inline !important;
        visibility: hidden !important; background: lime !important; border: 9px dotted red !important; padding: 40px !important; }
        button, textarea, select, ol, li, h2 { display: none !important; }
        div { position: absolute !important; opacity: 0 !important; }`,
    });
    const signin = page.locator('#demo-signin');
    await signin.evaluate((b) => (b as HTMLButtonElement).click());
    await page.locator('#comments textarea').waitFor({ state: 'attached' });
    const styles = await page.evaluate(() => {
      const root = document.querySelector('#comments')!.shadowRoot!;
      const box = root.querySelector('textarea')!;
      const h2 = root.querySelector('h2')!;
      return {
        textareaDisplay: getComputedStyle(box).display,
        textareaVisible: getComputedStyle(box).visibility,
        hostOpacity: getComputedStyle(document.querySelector('#comments')!).opacity,
        h2Color: getComputedStyle(h2).color,
        h2Font: getComputedStyle(h2).fontFamily,
        h2Size: getComputedStyle(h2).fontSize,
        postButton: getComputedStyle(root.querySelector('button.primary')!).display,
        pageP: getComputedStyle(document.querySelector('.story p:not(.section-tag)')!).fontFamily,
      };
    });
    assert.equal(styles.textareaDisplay, 'block');
    assert.equal(styles.textareaVisible, 'visible');
    assert.equal(styles.hostOpacity, '1');
    assert.notEqual(styles.h2Color, 'rgb(255, 0, 0)');
    assert.doesNotMatch(styles.h2Font, /fantasy/);
    assert.notEqual(styles.h2Size, '31px');
    assert.notEqual(styles.postButton, 'none');
    // The page's own text keeps the page's rules: nothing of the widget's styles leaked out.
    assert.match(styles.pageP, /fantasy/);
    await page.locator('#comments textarea').fill('Still works under hostile page styles.');
    await page.locator('#comments button.primary').click({ force: true });
    await page
      .locator('#comments li.pending')
      .getByText('Still works under hostile page styles.')
      .waitFor({ state: 'attached' });
    await page.context().close();
  });

  it('when axe-core checks the page, light and dark, then there is no serious or critical violation; screenshots are saved', async () => {
    const axe = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    await mkdir(ARTIFACTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({
        viewport: { width: 1000, height: 900 },
        colorScheme: scheme,
        bypassCSP: true,
      });
      const { page } = await openDemo(ctx);
      await page.locator('#comments li.comment').first().waitFor();
      await signInAsDemoReader(page);
      // The report menu open too, so its controls are checked.
      await page.locator('#comments button.report').first().click();
      await page.locator('#comments form.menu').waitFor();
      await page.addScriptTag({ content: axe });
      const violations = await page.evaluate(async () => {
        const r = await (
          window as unknown as {
            axe: {
              run(
                ctx: Document,
                o: object,
              ): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }>;
            };
          }
        ).axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
      });
      assert.deepEqual(violations, [], `${scheme}: ${violations.join('\n')}`);
      await page.locator('#comments form.menu button', { hasText: 'Cancel' }).click();
      await page.screenshot({ path: path.join(ARTIFACTS, `demo-page-${scheme}.png`), fullPage: true });
      await ctx.close();
    }
  });

  it('when the page is French, then the widget speaks French', async () => {
    const { page } = await openDemo(context, '?lang=fr');
    await page.getByText('Connectez-vous pour laisser un commentaire.').waitFor();
    await page.getByText(/^\d+ commentaires?$/).waitFor();
    await page.close();
  });
});

/** The publisher page without SSO, and the service's sign-in popup its "Log in" opens. */
async function openSignInPopup(): Promise<{ page: Page; popup: Page }> {
  const page = await context.newPage();
  await page.goto(`${plainHost.origin}/`);
  await page.getByText('0 comments').waitFor();
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Log in' }).click()]);
  return { page, popup };
}

describe('the widget on a publisher page without SSO', () => {
  it("when a reader logs in through the service's popup, then the token comes back by postMessage and the comment box opens", async () => {
    const { page, popup } = await openSignInPopup();
    await popup.waitForLoadState();
    assert.equal(new URL(popup.url()).origin, apiServer.origin);
    await popup.getByRole('button', { name: /Create one/ }).click();
    const email = `popup-${Date.now()}@example.org`;
    await popup.getByLabel('Display name').fill('Popup Reader');
    await popup.getByLabel('Email').fill(email);
    await popup.getByLabel('Password').fill('a long enough password');
    // A new account confirms its address first: the popup says so and turns to sign-in.
    await popup.getByRole('button', { name: 'Create account' }).click();
    await popup.getByText('a link to confirm it is on its way').waitFor();
    // The reader follows the mailed link (the product's own confirmation, as the link does).
    const user = await env.db.query<{ id: string }>('SELECT id FROM users WHERE site_id = $1 AND email = $2', [
      SITE,
      email,
    ]);
    await markEmailVerified(env.db, SITE, user.rows[0]!.id);
    await Promise.all([popup.waitForEvent('close'), popup.getByRole('button', { name: 'Sign in' }).click()]);
    await page.getByText('Signed in as Popup Reader').waitFor();
    await page.locator('#comments textarea').waitFor();
    // Nothing of the sign-in is kept where another script or a later visit could read it.
    const stored = await page.evaluate(() => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      url: location.href,
    }));
    assert.deepEqual(stored, { local: 0, session: 0, cookie: '', url: `${plainHost.origin}/` });
    await page.close();
  });

  it('when a reader forgot their password, then the popup sends a link, and the page it leads to sets a new one (axe clean)', async () => {
    const email = `forgot-${Date.now()}@example.org`;
    const user = await insertPasswordUser(env.db, {
      id: newId(),
      siteId: SITE,
      email,
      passwordHash: await hashPassword('the password I forgot'),
      displayName: 'Forgetful Reader',
      role: 'commenter',
    });
    await markEmailVerified(env.db, SITE, user!.id);
    const { page, popup } = await openSignInPopup();
    assert.deepEqual(await axeViolations(popup), []);
    await popup.getByRole('button', { name: 'Forgot your password?' }).click();
    assert.equal(await popup.getByLabel('Password').isVisible(), false);
    await popup.getByLabel('Email').fill(email);
    await popup.getByRole('button', { name: 'Send me a link' }).click();
    await popup.getByText('a link to choose a new password is on its way').waitFor();
    await waitFor(
      async () =>
        (await env.db.query('SELECT 1 FROM users WHERE id = $1 AND password_reset_hash IS NOT NULL', [user!.id]))
          .rowCount === 1,
      { what: 'the reset link recorded' },
    );
    const token = await mailedLinkToken(setPasswordReset, user!.id);
    const reset = await context.newPage();
    await reset.goto(`${apiServer.origin}/password-reset?token=${token}`);
    await reset.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    assert.equal(new URL(reset.url()).search, '', 'the token leaves the address bar');
    assert.deepEqual(await axeViolations(reset), []);
    await reset.getByLabel(/New password/).fill('my brand new passphrase');
    await reset.getByRole('button', { name: 'Save the new password' }).click();
    await reset.getByText('Your password was changed.').waitFor();
    await popup.getByRole('button', { name: /Have an account/ }).click();
    await popup.getByLabel('Password').fill('my brand new passphrase');
    await Promise.all([popup.waitForEvent('close'), popup.getByRole('button', { name: 'Sign in' }).click()]);
    await page.getByText('Signed in as Forgetful Reader').waitFor();
    await reset.close();
    await page.close();
  });

  it('when a reader opens the link that confirms their address, then nothing is confirmed until they click, and the page says so (axe clean)', async () => {
    const user = await insertPasswordUser(env.db, {
      id: newId(),
      siteId: SITE,
      email: `confirm-${Date.now()}@example.org`,
      passwordHash: await hashPassword('a long enough passphrase'),
      displayName: 'New Reader',
      role: 'commenter',
    });
    const token = await mailedLinkToken(setEmailVerification, user!.id);
    const page = await context.newPage();
    await page.goto(`${apiServer.origin}/verify-email?token=${token}`);
    await page.getByRole('heading', { name: 'Confirm your email address' }).waitFor();
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    assert.deepEqual(await axeViolations(page), []);
    assert.equal((await findUser(env.db, SITE, user!.id))?.emailVerified, false, 'opening the page confirms nothing');
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByText('Your address is confirmed.').waitFor();
    assert.equal((await findUser(env.db, SITE, user!.id))?.emailVerified, true);
    await page.close();
  });

  it('when the sign-in page is opened for an origin the site did not register, then it refuses and offers no form', async () => {
    const page = await context.newPage();
    await page.goto(`${apiServer.origin}/login?site=${SITE}&origin=${encodeURIComponent('https://evil.example')}`);
    await page.getByText(/not registered/).waitFor();
    assert.equal(await page.locator('form').count(), 0);
    await page.close();
  });
});

describe('a misconfigured embed', () => {
  /** Serves a page whose embed element carries only the attributes given in the query. */
  let host: { origin: string; close(): Promise<void> };
  let otherSite: string;
  before(async () => {
    host = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
      const q = new URL(req.url ?? '/', 'http://host').searchParams;
      const attrs = ['site', 'post', 'api']
        .filter((k) => q.has(k))
        .map((k) => ` data-${k}="${q.get(k)}"`)
        .join('');
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><head><title>Misconfigured</title></head><body><main>
        <div id="comments"${attrs}></div><script src="${apiServer.origin}/embed.js" async></script></main></body></html>`);
    });
    // This page's origin is registered for another site, not for the demo site.
    otherSite = (await buildSite(env.db)).siteId;
    await env.db.query(`UPDATE sites SET origins = ARRAY[$2] WHERE id = $1`, [otherSite, host.origin]);
  });
  after(() => host?.close());

  /** Opens the page and returns what the widget tells its reader and what it logs for the developer. */
  async function openEmbed(query: string, expected: string): Promise<{ reader: string; console: string[] }> {
    const page = await context.newPage();
    const logged: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().startsWith('Comments:')) logged.push(m.text());
    });
    await page.goto(`${host.origin}/?${query}`);
    await page.locator('#comments .status').getByText(expected).waitFor();
    await waitFor(async () => logged.length > 0, { what: `the console error for ${query}` });
    const reader = (await page.locator('#comments .root').textContent()) ?? '';
    await page.close();
    return { reader, console: logged };
  }

  it('when the embed names no post, an unknown site, a bad post id or a site that did not register the origin, then the console says which and how to fix it, and the reader reads "Comments are unavailable.", never "0 comments"', async () => {
    const cases = [
      { query: 'site=demo', says: 'data-post is missing on the embed element' },
      { query: 'site=no-such-site&post=p-1', says: "site 'no-such-site' does not exist" },
      {
        query: 'site=demo&post=p-1',
        says: `this page's origin ${host.origin} is not registered for site 'demo' — add it with sites:create`,
      },
      {
        query: `site=${otherSite}&post=bad%20id`,
        says: 'data-site or data-post is not valid: invalid path: postId: post ids are',
      },
    ];
    for (const c of cases) {
      const { reader, console } = await openEmbed(c.query, 'Comments are unavailable.');
      assert.ok(
        console.some((line) => line.includes(c.says)),
        `${c.query}: ${console.join(' | ')}`,
      );
      assert.doesNotMatch(reader, /0 comments|could not be loaded|Log in/, c.query);
    }
  });

  it('when the comment service cannot be reached, then the console names its address, and the reader is told comments could not be loaded, with Try again', async () => {
    const unreachable = 'http://127.0.0.1:1';
    const { reader, console } = await openEmbed(
      `site=demo&post=p-1&api=${encodeURIComponent(unreachable)}`,
      'Comments could not be loaded.',
    );
    assert.ok(console.some((line) => line.includes(`the comment service at ${unreachable} could not be reached`)));
    assert.match(reader, /Try again/);
    assert.doesNotMatch(reader, /0 comments/);
  });
});

/** A reader of the demo site, known by its SSO id, who wrote the comments a test seeds. */
function seedAuthor(externalId: string, name: string) {
  return upsertSsoUser(env.db, { id: newId(), siteId: SITE, externalId, name, email: null, iat: 1 });
}

/**
 * The token of a link the service mails (a password reset, an address confirmation): this deployment has no mail
 * transport, so the test records one it knows with the store the service uses.
 */
async function mailedLinkToken(
  store: (
    db: TestEnv['db'],
    v: { siteId: string; userId: string; tokenHash: string; expiresAt: Date },
  ) => Promise<void>,
  userId: string,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store(env.db, {
    siteId: SITE,
    userId,
    tokenHash: verificationHash(token),
    expiresAt: new Date(Date.now() + 60_000),
  });
  return token;
}

/** Stores approved comments as the worker would (oldest first, a millisecond apart); returns their ids. */
async function storeApproved(
  postId: string,
  authorId: string,
  n: number,
  parentId: string | null = null,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId();
    await insertDecidedComment(
      env.db,
      {
        id,
        siteId: SITE,
        postId,
        authorId,
        parentId,
        body: `${parentId ? 'Reply' : 'Comment'} number ${i + 1}`,
        createdAt: new Date(Date.now() - (n - i) * 1000),
      },
      { status: 'approved', reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
    );
    ids.push(id);
  }
  return ids;
}

describe('long and closed threads', () => {
  it('when changes to a post arrive without pause, then the widget still re-reads it and shows what is new', async () => {
    await upsertPost(env.db, { siteId: SITE, id: 'steady-1', title: 'Steady', url: `${plainHost.origin}/p/steady-1` });
    const author = await seedAuthor('steady-author', 'Steady Author');
    await storeApproved('steady-1', author.id, 1);
    const page = await context.newPage();
    const streams = api.deps.threadEvents.openCount();
    await page.goto(`${plainHost.origin}/p/steady-1`);
    await page.getByText('1 comment', { exact: true }).waitFor();
    await waitFor(() => api.deps.threadEvents.openCount() > streams, { what: 'the live stream open' });
    // A comment stored without its own announcement, then a change announced every 100 ms (reactions on a busy post).
    await storeApproved('steady-1', author.id, 1);
    const change = encodeThreadChange({ siteId: SITE, postId: 'steady-1', post: false });
    const ticker = setInterval(() => void env.redis.publish(threadChannel(env.config.QUEUE_PREFIX), change), 100);
    try {
      await page.getByRole('button', { name: '1 new comment' }).waitFor({ timeout: 5_000 });
    } finally {
      clearInterval(ticker);
    }
    await page.close();
  });

  it('when a post has more comments and replies than a page holds, then "load more" and "show more replies" bring the rest, under a removed comment too', async () => {
    await upsertPost(env.db, { siteId: SITE, id: 'busy-1', title: 'Busy', url: `${plainHost.origin}/p/busy-1` });
    const author = await seedAuthor('seeded-author', 'Seeded Author');
    const top = await storeApproved('busy-1', author.id, 55);
    await storeApproved('busy-1', author.id, 25, top[54]!);
    const page = await context.newPage();
    await page.goto(`${plainHost.origin}/p/busy-1`);
    await page.getByText('80 comments').waitFor();
    const topLevel = page.locator('#comments ol.thread > li');
    await waitFor(async () => (await topLevel.count()) === 50, { what: 'the first page of 50' });
    // Newest first: comment 55 leads, with its first 20 replies and a button for the other 5.
    await page.getByRole('button', { name: 'Show 5 more replies' }).click();
    await waitFor(
      async () => (await page.locator(`#comments li[data-id="${top[54]}"] ol.replies > li`).count()) === 25,
      { what: 'all 25 replies' },
    );
    await page.getByRole('button', { name: 'Load more comments' }).click();
    await waitFor(async () => (await topLevel.count()) === 55, { what: 'all 55 comments' });
    assert.equal(await page.getByRole('button', { name: 'Load more comments' }).isVisible(), false);
    await page.getByLabel('Sort by').selectOption('oldest');
    await waitFor(async () => (await topLevel.first().getAttribute('data-id')) === top[0], { what: 'oldest first' });

    // A removed comment with as many replies keeps its place as a placeholder, and its button for the rest.
    await upsertPost(env.db, { siteId: SITE, id: 'busy-2', title: 'Busy', url: `${plainHost.origin}/p/busy-2` });
    const [removed] = await storeApproved('busy-2', author.id, 1);
    await storeApproved('busy-2', author.id, 25, removed!);
    await env.db.query(`UPDATE comments SET status = 'rejected' WHERE id = $1`, [removed]);
    await page.goto(`${plainHost.origin}/p/busy-2`);
    const placeholder = page.locator(`#comments li.removed[data-id="${removed}"]`);
    await placeholder.getByText('Comment removed.').waitFor();
    await placeholder.getByRole('button', { name: 'Show 5 more replies' }).click();
    await waitFor(async () => (await placeholder.locator(':scope > ol.replies > li').count()) === 25, {
      what: 'all 25 replies under the removed comment',
    });

    // A removed reply kept as a placeholder (it has a reply of its own) takes a place on the page without counting:
    // the button still offers the reply it pushed off the first page.
    await upsertPost(env.db, { siteId: SITE, id: 'busy-3', title: 'Busy', url: `${plainHost.origin}/p/busy-3` });
    const [root] = await storeApproved('busy-3', author.id, 1);
    const [gone] = await storeApproved('busy-3', author.id, 1, root!);
    const rest = await storeApproved('busy-3', author.id, 20, root!);
    // Its own reply comes later, so the first page's 20 replies are the placeholder and 19 of the 20 others.
    await storeApproved('busy-3', author.id, 1, gone!);
    await changeCommentStatus(env.db, {
      id: gone!,
      siteId: SITE,
      status: 'rejected',
      reason: { rule: 'moderator', detail: 'rejected by a moderator' },
    });
    await page.goto(`${plainHost.origin}/p/busy-3`);
    const rootItem = page.locator(`#comments li[data-id="${root}"]`);
    await rootItem.locator(`li.removed[data-id="${gone}"]`).waitFor();
    await rootItem.locator(':scope > button.more', { hasText: 'Show 1 more reply' }).click();
    await page.locator(`#comments li[data-id="${rest.at(-1)}"]`).waitFor();
    await page.close();
  });

  it('when the order changes while "load more" is on its way, then its late page is dropped and the next page is read in the new order', async () => {
    await upsertPost(env.db, { siteId: SITE, id: 'sorted-2', title: 'Sorted', url: `${plainHost.origin}/p/sorted-2` });
    const author = await seedAuthor('sorted-2-author', 'Sorted Author');
    const ids = await storeApproved('sorted-2', author.id, 110);
    const page = await context.newPage();
    await page.goto(`${plainHost.origin}/p/sorted-2`);
    await page.getByText('110 comments').waitFor();
    const topLevel = page.locator('#comments ol.thread > li');
    await waitFor(async () => (await topLevel.count()) === 50, { what: 'the first page of 50' });
    // The newest order's second page is held back until the oldest order's first page is on screen.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/sort=newest.*cursor=/, async (route) => {
      await held;
      await route.continue();
    });
    const cursors: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('cursor=')) cursors.push(new URL(req.url()).searchParams.get('sort')!);
    });
    await page.getByRole('button', { name: 'Load more comments' }).click();
    await waitFor(() => cursors.length === 1, { what: 'the newest order’s next page asked for' });
    await page.getByLabel('Sort by').selectOption('oldest');
    await waitFor(async () => (await topLevel.first().getAttribute('data-id')) === ids[0], { what: 'oldest first' });
    release();
    await page.waitForResponse(/sort=newest.*cursor=/);
    await new Promise((r) => setTimeout(r, 500));
    const oldestFirst = async () => topLevel.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')));
    assert.deepEqual(await oldestFirst(), ids.slice(0, 50));
    await page.getByRole('button', { name: 'Load more comments' }).click();
    await waitFor(async () => (await topLevel.count()) === 100, { what: 'the oldest order’s second page' });
    assert.deepEqual(await oldestFirst(), ids.slice(0, 100));
    assert.deepEqual(cursors, ['newest', 'oldest']);
    await page.unroute(/sort=newest.*cursor=/);
    await page.close();
  });

  it('when the list cannot be read in another order, then the list on screen stays with its order and its "load more"', async () => {
    await upsertPost(env.db, { siteId: SITE, id: 'sorted-3', title: 'Sorted', url: `${plainHost.origin}/p/sorted-3` });
    const author = await seedAuthor('sorted-3-author', 'Sorted Author');
    const ids = await storeApproved('sorted-3', author.id, 60);
    const page = await context.newPage();
    await page.goto(`${plainHost.origin}/p/sorted-3`);
    const topLevel = page.locator('#comments ol.thread > li');
    await waitFor(async () => (await topLevel.count()) === 50, { what: 'the first page of 50' });
    const failing = /sort=oldest/;
    await page.route(failing, (route) => route.abort('connectionrefused'));
    await page.getByLabel('Sort by').selectOption('oldest');
    await waitFor(async () => (await page.getByLabel('Sort by').inputValue()) === 'newest', {
      what: 'the order control back on the order shown',
    });
    await page.unroute(failing);
    assert.equal(await topLevel.first().getAttribute('data-id'), ids.at(-1));
    await page.getByRole('button', { name: 'Load more comments' }).click();
    await waitFor(async () => (await topLevel.count()) === 60, { what: 'the rest, newest first' });
    assert.equal(await topLevel.last().getAttribute('data-id'), ids[0]);
    await page.close();
  });

  it('when a reader reads the thread oldest first and something changes, then comments never loaded are not offered as new', async () => {
    await upsertPost(env.db, { siteId: SITE, id: 'sorted-1', title: 'Sorted', url: `${plainHost.origin}/p/sorted-1` });
    const author = await seedAuthor('sorted-author', 'Sorted Author');
    await storeApproved('sorted-1', author.id, 55);
    const page = await context.newPage();
    const streams = api.deps.threadEvents.openCount();
    await page.goto(`${plainHost.origin}/p/sorted-1`);
    await page.getByText('55 comments').waitFor();
    await waitFor(() => api.deps.threadEvents.openCount() > streams, { what: 'the live stream open' });
    await page.getByLabel('Sort by').selectOption('oldest');
    await page.locator('#comments ol.thread > li').first().getByText('Comment number 1', { exact: true }).waitFor();
    // A change that adds nothing (a reaction, say): the five newest, never loaded in this order, are not news.
    await api.deps.announceThread({ siteId: SITE, postId: 'sorted-1', post: false });
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await page.locator('#comments button.new').isVisible(), false);
    // A comment written now is news, in this order too: the widget was listening all along.
    await storeApproved('sorted-1', author.id, 1);
    await api.deps.announceThread({ siteId: SITE, postId: 'sorted-1', post: false });
    await page.getByRole('button', { name: '1 new comment' }).waitFor();
    await page.close();
  });

  it('when the live stream drops and the post is closed before it is back, then the widget reads the post again on reconnecting', async () => {
    await upsertPost(env.db, { siteId: SITE, id: 'reopen-1', title: 'Reopen', url: `${plainHost.origin}/p/reopen-1` });
    const page = await context.newPage();
    const streams = api.deps.threadEvents.openCount();
    await page.goto(`${plainHost.origin}/p/reopen-1`);
    await page.getByText('Log in to leave a comment.').waitFor();
    await waitFor(() => api.deps.threadEvents.openCount() > streams, { what: 'the live stream open' });
    await page.route(/\/events$/, (route) => route.abort());
    api.deps.threadEvents.closeAll();
    await env.db.query(`UPDATE posts SET closed = true WHERE site_id = $1 AND id = 'reopen-1'`, [SITE]);
    await api.deps.announceThread({ siteId: SITE, postId: 'reopen-1', post: true });
    await page.unroute(/\/events$/);
    await page.getByText('Comments are closed.').waitFor({ timeout: 20_000 });
    await page.close();
  });

  it("when a reader is signed out, then Reply and Report are offered and lead to sign-in: the popup, or the publisher's login URL", async () => {
    await upsertPost(env.db, {
      siteId: SITE,
      id: 'signed-out-1',
      title: 'Out',
      url: `${plainHost.origin}/p/signed-out-1`,
    });
    const author = await seedAuthor('signed-out-author', 'Quiet Author');
    await storeApproved('signed-out-1', author.id, 1);
    const page = await context.newPage();
    await page.goto(`${plainHost.origin}/p/signed-out-1`);
    const reply = page.getByRole('button', { name: 'Reply to Quiet Author' });
    const report = page.getByRole('button', { name: 'Report comment by Quiet Author', exact: true });
    await reply.waitFor();
    assert.ok(await report.isVisible());
    for (const action of [reply, report]) {
      const [popup] = await Promise.all([page.waitForEvent('popup'), action.click()]);
      assert.equal(new URL(popup.url()).pathname, '/login');
      await popup.close();
    }
    await page.close();
    // The demo names its own sign-in (data-login-url="#demo-login"): Reply goes there, as "Log in" does.
    await insertPostIfAbsent(env.db, { siteId: SITE, id: POST, title: ARTICLE.headline, url: `${demo.origin}/` });
    await storeApproved(POST, author.id, 1);
    const { page: demoPage } = await openDemo();
    await demoPage.locator('#comments li.comment .actions button').first().click();
    await waitFor(async () => new URL(demoPage.url()).hash === '#demo-login', { what: 'the demo sign-in' });
    await demoPage.close();
  });

  it('when the first load fails, then Try again reads the post and the thread anew and shows them', async () => {
    await upsertPost(env.db, { siteId: SITE, id: 'retry-1', title: 'Retry', url: `${plainHost.origin}/p/retry-1` });
    const author = await seedAuthor('retry-author', 'Patient Author');
    await storeApproved('retry-1', author.id, 2);
    const page = await context.newPage();
    // The service unreachable for the post's reads, as in a network outage, until the reader tries again.
    const outage = `${apiServer.origin}/api/v1/sites/${SITE}/posts/retry-1**`;
    await page.route(outage, (route) => route.abort('connectionrefused'));
    await page.goto(`${plainHost.origin}/p/retry-1`);
    await page.locator('#comments .status').getByText('Comments could not be loaded.').waitFor();
    await page.unroute(outage);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByText('2 comments').waitFor();
    assert.equal(await page.locator('#comments ol.thread > li').count(), 2);
    assert.equal(await page.getByText('Comments could not be loaded.').count(), 0);
    await page.close();
  });

  it('when a post is closed, then the widget says "Comments are closed." and offers no box', async () => {
    await upsertPost(env.db, {
      siteId: SITE,
      id: 'closed-1',
      title: 'Closed',
      url: `${plainHost.origin}/p/closed-1`,
      closed: true,
    });
    const page = await context.newPage();
    await page.goto(`${plainHost.origin}/p/closed-1`);
    await page.getByText('Comments are closed.').waitFor();
    assert.equal(await page.locator('#comments textarea').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Log in' }).count(), 0);
    await page.close();
  });
});
