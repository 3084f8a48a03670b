/**
 * Load w: the widget in Chromium on the demo article page. The demo publisher runs in this
 * process on its own origin; the page embeds embed.js from the first API process. Each run is a
 * fresh browser context (no HTTP cache), so embed.js, the post and the thread are fetched anew.
 * Measured in the page: from the end of embed.js's download (Resource Timing) to the widget's
 * `comments:rendered` mark, set once the first thread page (50 top-level comments) is in the DOM. The page
 * reports the mark as a console message: nothing from the bench runs in it until the mark is set.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Pool } from '#shared/db/pool.js';
import { createDemoApp } from '#demo/app.js';
import { ARTICLE } from '#demo/article.js';
import { seedHotPost } from './seed.js';

export interface WidgetRenderResult {
  /** embed.js downloaded → first thread rendered, ms, per run. */
  afterLoad: number[];
  /** embed.js starts executing → first thread rendered, ms, per run. */
  afterExec: number[];
  /** Navigation start → first thread rendered, ms, per run. */
  fromNavigation: number[];
  comments: number;
}

export async function measureWidgetRender(o: {
  apiBase: string;
  db: Pool;
  siteId: string;
  ssoSecret: string;
  authorIds: string[];
  runs: number;
  comments: number;
}): Promise<WidgetRenderResult> {
  const app = createDemoApp({
    apiUrl: o.apiBase,
    publicUrl: 'http://127.0.0.1',
    siteId: o.siteId,
    ssoSecret: o.ssoSecret,
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await o.db.query(`UPDATE sites SET origins = array_append(origins, $2) WHERE id = $1`, [o.siteId, origin]);
  await o.db.query(`INSERT INTO posts (site_id, id, title, url) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
    o.siteId,
    ARTICLE.postId,
    ARTICLE.headline,
    `${origin}/`,
  ]);
  await seedHotPost(o.db, o.siteId, ARTICLE.postId, o.authorIds, o.comments);

  const browser = await chromium.launch({
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
  const out: WidgetRenderResult = { afterLoad: [], afterExec: [], fromNavigation: [], comments: o.comments };
  try {
    // One warm-up run: the API bundles embed.js on its first request.
    for (let i = 0; i <= o.runs; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
      const page = await ctx.newPage();
      // Told by the page itself: polling from here (waitForFunction) would run Playwright's scripts on the
      // page's main thread during the very time measured.
      await page.addInitScript(() => {
        new PerformanceObserver((list, observer) => {
          if (list.getEntriesByName('comments:rendered').length === 0) return;
          observer.disconnect();
          console.debug('comments:rendered');
        }).observe({ type: 'mark' });
      });
      const rendered = page.waitForEvent('console', {
        predicate: (m) => m.text() === 'comments:rendered',
        timeout: 15_000,
      });
      await Promise.all([rendered, page.goto(`${origin}/`, { waitUntil: 'domcontentloaded' })]);
      const t = await page.evaluate(() => {
        const script = performance
          .getEntriesByType('resource')
          .find((e) => e.name.endsWith('/embed.js')) as PerformanceResourceTiming;
        const rendered = performance.getEntriesByName('comments:rendered')[0]!.startTime;
        const exec = performance.getEntriesByName('comments:script')[0]!.startTime;
        const shown = document.querySelector('#comments')!.shadowRoot!.querySelectorAll('ol.thread > li').length;
        return { loaded: script.responseEnd, exec, rendered, shown };
      });
      if (t.shown < o.comments) throw new Error(`the widget showed ${t.shown} of ${o.comments} comments`);
      if (i > 0) {
        out.afterLoad.push(t.rendered - t.loaded);
        out.afterExec.push(t.rendered - t.exec);
        out.fromNavigation.push(t.rendered);
      }
      await ctx.close();
    }
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  return out;
}
