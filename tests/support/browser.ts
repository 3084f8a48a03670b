import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing that reaches the network by itself. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
}

/** Serves an Express app (or a plain handler) on a free 127.0.0.1 port; returns its origin and a closer. */
export async function listen(app: Express | http.RequestListener): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(app as http.RequestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[];
}

/**
 * The page's serious and critical axe-core violations, each named with up to three of its elements.
 * axe is injected once per page by evaluation (a page's CSP cannot refuse it); `runOnly` limits the
 * rules to those tags (e.g. `['wcag2a', 'wcag2aa']`), otherwise every rule runs.
 */
export async function axeViolations(page: Page, o: { runOnly?: string[] } = {}): Promise<string[]> {
  if ((await page.evaluate('typeof axe')) === 'undefined')
    await page.evaluate(await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const options = o.runOnly ? { runOnly: o.runOnly } : { resultTypes: ['violations'] };
  const result = await page.evaluate(
    (opts) =>
      (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe.run(document, opts),
    options,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

/** A page of a new context, for the moderation page: what the console says of the CSP goes into `cspViolations`. */
export async function newDeskPage(
  browser: Browser,
  cspViolations: string[],
  viewport = { width: 1366, height: 900 },
): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return page;
}

/** Opens the demo article served at `origin` in a new page, collecting CSP violations and page errors. */
export async function openDemoPage(
  ctx: BrowserContext,
  origin: string,
  query = '',
): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  await page.goto(`${origin}/${query}`);
  await page.locator('#comments h2').waitFor();
  return { page, problems };
}

/** Signs in with the demo page's own sign-in button and waits for the comment box. */
export async function signInAsDemoReader(page: Page): Promise<void> {
  await page.click('#demo-signin');
  await page.locator('#comments textarea').first().waitFor();
}
