import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { axeViolations, launchChromium, listen, newDeskPage } from '../support/browser.js';
import { buildSite, type BuiltSite } from '../support/builders.js';
import { buildStaff, STAFF_PASSWORD, type SignedIn } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Two-factor sign-in on the moderation page, in headless Chromium against the real API: a site that
 * requires it takes an unenrolled moderator through setting up an authenticator, and later sign-ins
 * ask for the app's code.
 */

let env: TestEnv;
let api: TestApi;
let http: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let page: Page;
let site: BuiltSite;
let mod: SignedIn;
const cspViolations: string[] = [];

/** The code of the time step `steps` away from now. */
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
/** A code that is not `code`. */
const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  http = await listen(api.app);
  site = await buildSite(env.db);
  const admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
  await request(api.app)
    .patch(`/api/v1/sites/${site.siteId}/settings`)
    .set('Authorization', `Bearer ${admin.accessToken}`)
    .send({ staffTotpRequired: true })
    .expect(200);
  mod = await buildStaff(env.db, api.app, site.siteId, 'moderator', 'Tove Twofactor');
  browser = await launchChromium();
  page = await newDeskPage(browser, cspViolations);
});
after(async () => {
  await browser?.close();
  await http?.close();
  await api?.close();
  await env?.close();
});

async function signIn(password = STAFF_PASSWORD): Promise<void> {
  await page.fill('#signin-site', site.siteId);
  await page.fill('#signin-email', mod.email);
  await page.fill('#signin-password', password);
  await page.click('#signin-form button[type=submit]');
}

describe('two-factor sign-in on the moderation page', () => {
  it('when the site requires two-factor sign-in and a moderator has not set it up, then signing in leads through setting up an app, and later sign-ins ask for its code', async () => {
    await page.goto(`${http.origin}/moderate`);
    await signIn();
    await page.locator('#enrol').waitFor();
    assert.equal(await page.locator('#workspace').isHidden(), true, 'no queue before two-factor is on');
    const secret = ((await page.locator('#enrol-secret').textContent()) ?? '').replace(/\s/g, '');
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    assert.match((await page.locator('#enrol-link').getAttribute('href')) ?? '', /^otpauth:\/\/totp\//);
    assert.deepEqual(await axeViolations(page), []);

    await page.fill('#enrol-code', wrongCode(await codeAt(secret)));
    await page.click('#enrol-form button[type=submit]');
    await page.locator('#enrol-error').filter({ hasText: 'wrong or expired' }).waitFor();
    await page.fill('#enrol-code', await codeAt(secret));
    await page.click('#enrol-form button[type=submit]');
    await page.locator('#workspace').waitFor();
    await page.locator('#count-pending').filter({ hasText: '0' }).waitFor();
    assert.match((await page.locator('#who').textContent()) ?? '', /Tove Twofactor/);

    const version = async () =>
      (await env.db.query<{ v: number }>('SELECT token_version AS v FROM users WHERE id = $1', [mod.user.id])).rows[0]!
        .v;
    const before = await version();
    await page.click('#signout');
    await page.locator('#signin').waitFor();
    // Signing out ends the session on the server too: its token, and any other of the account, no longer works.
    await waitFor(async () => (await version()) > before, { what: 'the account’s tokens revoked at sign-out' });
    assert.equal(
      await page.locator('#signin-code-row').isHidden(),
      true,
      'the code field waits for an account that needs it',
    );
    await signIn();
    await page.locator('#signin-error').filter({ hasText: 'Enter the code your authenticator app shows' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'signin-code');
    // The enrolment used this step's code: a sign-in needs a later one.
    const code = await codeAt(secret, 1);
    await page.fill('#signin-code', wrongCode(code));
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-error').filter({ hasText: 'Wrong password or code' }).waitFor();
    await page.fill('#signin-code', code);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#workspace').waitFor();
    await page.locator('#count-pending').filter({ hasText: '0' }).waitFor();
    assert.deepEqual(cspViolations, []);
  });
});
