import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { createApiServer } from '#api/server.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let server: http.Server;
let base: string;
let port: number;

before(async () => {
  // No look-up cache: every stream request awaits the database before it would open.
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0', SSE_MAX_PER_IP: '3', TRUST_PROXY: 'loopback' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  // The server as main.ts runs it: live streams are opened before the app (live-streams-first.ts).
  server = createApiServer(api.app, api.deps).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await api.close();
  await env.close();
});

describe('live-update stream limits', () => {
  it('when one address opens a burst of streams at once, then no more than SSE_MAX_PER_IP open and the rest get 429', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/events`;
    // Twelve connections made first, then every request written in one go: the server reads them all
    // before the first post look-up can answer.
    const sockets = await Promise.all(
      Array.from(
        { length: 12 },
        () =>
          new Promise<net.Socket>((resolve, reject) => {
            const s = net.connect(port, '127.0.0.1', () => resolve(s));
            s.once('error', reject);
          }),
      ),
    );
    const replies = sockets.map((s) => {
      let text = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => {
        text += d;
      });
      s.on('error', () => undefined);
      return () => /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
    });
    for (const s of sockets) s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    try {
      await waitFor(() => replies.every((r) => r() !== undefined), { what: 'an answer to every request' });
      const statuses = replies.map((r) => r());
      assert.equal(statuses.filter((s) => s === '200').length, 3, `statuses: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === '429').length, 9);
      assert.equal(api.deps.threadEvents.openCount(), 3);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'streams and reservations released' });
  });

  it('when one subscriber opens streams from many addresses of its IPv6 /64, post and notification streams alike, then they count as one address', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site);
    const controllers: AbortController[] = [];
    const open = async (i: number, path: string, headers: Record<string, string> = {}) => {
      const c = new AbortController();
      controllers.push(c);
      const res = await fetch(`${base}${path}`, {
        headers: { 'X-Forwarded-For': `2001:db8:7:1::${(i + 1).toString(16)}`, ...headers },
        signal: c.signal,
      });
      return res.status;
    };
    try {
      const statuses = [];
      for (let i = 0; i < 2; i++) statuses.push(await open(i, `/api/v1/sites/${site.siteId}/posts/${postId}/events`));
      for (let i = 2; i < 5; i++)
        statuses.push(
          await open(i, `/api/v1/sites/${site.siteId}/notifications/events`, {
            Authorization: `Bearer ${reader.accessToken}`,
          }),
        );
      statuses.push(await open(5, `/api/v1/sites/${site.siteId}/posts/${postId}/events`));
      assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    } finally {
      for (const c of controllers) c.abort();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'streams released' });
  });

  it('when readers leave before their notification stream opens, then no stream is left counted', async () => {
    const reader = await signInReader(api.app, site);
    const request =
      `GET /api/v1/sites/${site.siteId}/notifications/events HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${reader.accessToken}\r\n\r\n`;
    for (let i = 0; i < 5; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      // Gone while the server checks the token (the look-up cache is off: that waits for the database).
      s.write(request, () => setImmediate(() => s.destroy()));
    }
    // Long enough for every check to finish and, without the guard, register a stream nobody would remove.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(api.deps.threadEvents.openCount(), 0);
  });

  it('when a stream is refused because its post does not exist, then its slot is given back', async () => {
    const path = `/api/v1/sites/${site.siteId}/posts/missing-post/events`;
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${base}${path}`)).status, 404);
    assert.equal(api.deps.threadEvents.openCount(), 0);
  });
});
