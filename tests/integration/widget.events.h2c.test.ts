import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, type BuiltSite } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';
import { withoutRetry } from '../support/server-pair.js';
import { createLiveH2cServer, type LiveH2cServer } from '#api/widget/live-streams-h2c.js';
import { encodeThreadChange, threadChannel } from '#shared/redis.js';

/**
 * Live-update streams over h2c (`LIVE_H2C_PORT`, live-streams-h2c.ts): many readers' streams on one
 * HTTP/2 connection, each answered, limited and fed as the HTTP/1.1 route answers, limits and feeds it.
 */

const ORIGIN = 'https://news.example';
let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let h2c: LiveH2cServer;
let h2Base: string;
let plain: http.Server;
let plainBase: string;

before(async () => {
  env = await createTestEnv({
    SSE_MAX_PER_IP: '2',
    SSE_MAX_STREAMS: '60',
    SSE_HEARTBEAT_S: '1',
    // The balancer is on loopback: each stream's reader address comes from its X-Forwarded-For.
    TRUST_PROXY: 'loopback',
  });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  await env.db.query(`UPDATE sites SET origins = $2 WHERE id = $1`, [site.siteId, [ORIGIN]]);
  h2c = createLiveH2cServer(api.app, api.deps);
  await new Promise<void>((r) => h2c.server.listen(0, '127.0.0.1', r));
  h2Base = `http://127.0.0.1:${(h2c.server.address() as AddressInfo).port}`;
  plain = http.createServer(api.app);
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});
after(async () => {
  plain?.closeAllConnections();
  await new Promise((r) => plain?.close(r));
  await h2c?.close();
  await api.close();
  await env.close();
});

interface H2Stream {
  status(): number;
  headers(): http2.IncomingHttpHeaders;
  text(): string;
  ended(): boolean;
  close(): void;
}

function request(session: http2.ClientHttp2Session, path: string, headers: Record<string, string> = {}): H2Stream {
  let status = 0;
  let resHeaders: http2.IncomingHttpHeaders = {};
  let text = '';
  let ended = false;
  const s = session.request({ ':method': 'GET', ':path': path, ...headers });
  s.setEncoding('utf8');
  s.on('response', (h) => {
    status = Number(h[':status']);
    resHeaders = h;
  });
  s.on('data', (d: string) => (text += d));
  s.on('end', () => (ended = true));
  s.on('error', () => undefined);
  return {
    status: () => status,
    headers: () => resHeaders,
    text: () => text,
    ended: () => ended,
    close: () => s.close(),
  };
}

function connect(): http2.ClientHttp2Session {
  const session = http2.connect(h2Base);
  session.on('error', () => undefined);
  return session;
}

/** An HTTP/1.1 GET to the app's own route: status, headers, body so far (the stream is then dropped). */
async function viaApp(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.get(`${plainBase}${path}`, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const done = () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        req.destroy();
      };
      res.on('data', (d: string) => {
        text += d;
        if (res.statusCode === 200 && text.includes(': live')) done();
      });
      res.on('end', done);
    });
    req.on('error', reject);
  });
}

/** Headers that differ by request by design (request id, clock) or exist only in HTTP/1.1 (RFC 9113 §8.2.2). */
const comparable = (h: Record<string, unknown>) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) {
    if (
      k.startsWith(':') ||
      ['date', 'x-request-id', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)
    )
      continue;
    out[k] = v;
  }
  assert.match(String(h['x-request-id']), /^[0-9a-f-]{36}$/, 'a request id');
  return out;
};

describe('live streams over h2c', () => {
  it('when a stream is opened, with or without a registered Origin, then it is answered as the HTTP/1.1 route answers, headers and all', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/events`;
    const session = connect();
    try {
      for (const headers of [{}, { origin: ORIGIN }] as Record<string, string>[]) {
        const a = request(session, path, headers);
        const b = await viaApp(path, headers);
        await waitFor(() => a.text().includes(': live'), { what: 'the h2c stream open' });
        assert.equal(a.status(), 200);
        assert.equal(b.status, 200);
        assert.deepEqual(comparable(a.headers()), comparable(b.headers));
        assert.equal(withoutRetry(a.text()), withoutRetry(b.text));
        if ('origin' in headers) assert.equal(a.headers()['access-control-allow-origin'], ORIGIN);
        a.close();
        await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'both streams removed' });
      }
      // The API's own pages: an Origin of the host the request names (:authority in HTTP/2) is not cross-origin.
      const own = request(session, path, { origin: h2Base });
      await waitFor(() => own.text().includes(': live'), { what: 'a same-origin stream open' });
      assert.equal(own.headers()['access-control-allow-origin'], undefined);
      own.close();
      await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'the stream removed' });
    } finally {
      session.close();
    }
  });

  it('when fifty readers share one connection, then each stream gets the change and heartbeats, and the connection closing removes them all', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const other = await buildPost(env.db, site.siteId);
    const session = connect();
    const streams = Array.from({ length: 50 }, (_, i) =>
      request(session, `/api/v1/sites/${site.siteId}/posts/${i < 49 ? postId : other}/events`, {
        'x-forwarded-for': `203.0.113.${i + 1}`,
      }),
    );
    try {
      await waitFor(() => streams.every((s) => s.text().includes(': live')), { what: 'fifty streams open' });
      assert.equal(api.deps.threadEvents.openCount(), 50);
      assert.equal(api.deps.threadEvents.openCount('203.0.113.7'), 1, 'each counted by its reader, not the balancer');
      await env.redis.publish(
        threadChannel(env.config.QUEUE_PREFIX),
        encodeThreadChange({ siteId: site.siteId, postId, post: false }),
      );
      await waitFor(() => streams.slice(0, 49).every((s) => s.text().includes('event: comments')), {
        what: 'every stream of the post gets the change',
      });
      await waitFor(() => streams.every((s) => s.text().includes(': ping')), { what: 'heartbeats on every stream' });
      assert.ok(!streams[49]!.text().includes('event: comments'), "another post's stream is not told");
    } finally {
      session.destroy();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'all fifty removed with their connection' });
  });

  it("when a stream would be refused, then the refusal is the HTTP/1.1 route's: status, body, CORS and Retry-After", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/events`;
    const cases: { path: string; headers?: Record<string, string>; status: number; code: string }[] = [
      { path: `/api/v1/sites/${site.siteId}/posts/no-such-post/events`, status: 404, code: 'post_not_found' },
      { path: `/api/v1/sites/no-such-site/posts/${postId}/events`, status: 404, code: 'post_not_found' },
      { path, headers: { origin: 'https://elsewhere.example' }, status: 403, code: 'origin_not_allowed' },
      {
        path: `/api/v1/sites/no-such-site/posts/${postId}/events`,
        headers: { origin: ORIGIN },
        status: 404,
        code: 'site_not_found',
      },
      { path: `/api/v1/sites/${site.siteId}/posts/${postId}/comments`, status: 404, code: 'not_found' },
    ];
    const session = connect();
    try {
      for (const c of cases) {
        const a = request(session, c.path, c.headers);
        await waitFor(() => a.ended(), { what: `the answer to ${c.path}` });
        const b = await viaApp(c.path, c.headers);
        assert.equal(a.status(), c.status, c.path);
        assert.equal(JSON.parse(a.text()).error.code, c.code);
        if (c.code !== 'not_found') {
          // The app route's own answer (for a path the h2c port does not serve, the app has one).
          assert.equal(b.status, c.status);
          assert.deepEqual(JSON.parse(a.text()), JSON.parse(b.text));
          assert.deepEqual(comparable(a.headers()), comparable(b.headers));
        }
      }
      const post = session.request({ ':method': 'POST', ':path': path });
      post.on('error', () => undefined);
      const status = await new Promise((r) => post.once('response', (h) => r(h[':status'])));
      post.close();
      assert.equal(status, 404, 'only GET');
      assert.equal(api.deps.threadEvents.openCount(), 0, 'no slot kept by a refused stream');

      // SSE_MAX_PER_IP (2) for one reader behind the balancer.
      const mine = [0, 1].map(() => request(session, path, { 'x-forwarded-for': '198.51.100.9' }));
      await waitFor(() => mine.every((s) => s.status() === 200), { what: 'two streams of one reader' });
      const third = request(session, path, { 'x-forwarded-for': '198.51.100.9' });
      await waitFor(() => third.ended(), { what: 'the third refused' });
      assert.equal(third.status(), 429);
      assert.equal(third.headers()['retry-after'], '30');
      assert.equal(JSON.parse(third.text()).error.code, 'rate_limited');

      // SSE_MAX_STREAMS (60) for the process.
      const many = Array.from({ length: 58 }, (_, i) =>
        request(session, path, { 'x-forwarded-for': `192.0.2.${i + 1}` }),
      );
      await waitFor(() => many.every((s) => s.status() === 200), { what: 'the process full' });
      const over = request(session, path, { 'x-forwarded-for': '192.0.2.200' });
      await waitFor(() => over.ended(), { what: 'one over the limit refused' });
      assert.equal(over.status(), 503);
      assert.equal(over.headers()['retry-after'], '30');
      assert.equal(JSON.parse(over.text()).error.code, 'unavailable');
      assert.equal(api.deps.threadEvents.openCount(), 60);
    } finally {
      session.destroy();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'streams removed' });
  });

  it('when a connection carries no stream for LIVE_H2C_IDLE_S, then it is asked to go away; while it carries one, however quiet, it stays', async () => {
    const quick = createLiveH2cServer(api.app, { ...api.deps, config: { ...api.deps.config, LIVE_H2C_IDLE_S: 1 } });
    await new Promise<void>((r) => quick.server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(quick.server.address() as AddressInfo).port}`;
    const sessions: http2.ClientHttp2Session[] = [];
    const watch = () => {
      const session = http2.connect(base);
      sessions.push(session);
      session.on('error', () => undefined);
      const seen = { goaway: false, closed: false };
      session.once('goaway', () => (seen.goaway = true));
      session.once('close', () => (seen.closed = true));
      return { session, seen };
    };
    try {
      // Never used: asked to go away about a second after it connected.
      const unused = watch();
      const connected = Date.now();
      await waitFor(() => unused.seen.goaway && unused.seen.closed, { what: 'the unused connection to go away' });
      assert.ok(Date.now() - connected >= 900, `went away after ${Date.now() - connected} ms`);

      // A stream open for three idle periods (heartbeats only): the connection stays; closed, it goes.
      const postId = await buildPost(env.db, site.siteId);
      const used = watch();
      const live = request(used.session, `/api/v1/sites/${site.siteId}/posts/${postId}/events`, {
        'x-forwarded-for': '10.8.0.1',
      });
      await waitFor(() => live.text().includes(': live'), { what: 'the stream open' });
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(used.seen, { goaway: false, closed: false });
      assert.match(live.text(), /: ping/);
      live.close();
      await waitFor(() => used.seen.goaway && used.seen.closed, { what: 'the connection to go away once idle' });
    } finally {
      for (const session of sessions) session.destroy();
      await quick.close();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'streams removed' });
  });

  it('when the API drains, then its h2c streams end and their connections go away', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const session = connect();
    let closed = false;
    session.once('close', () => (closed = true));
    const streams = [0, 1, 2].map((i) =>
      request(session, `/api/v1/sites/${site.siteId}/posts/${postId}/events`, { 'x-forwarded-for': `10.9.0.${i}` }),
    );
    await waitFor(() => streams.every((s) => s.text().includes(': live')), { what: 'three streams open' });
    // What main.ts does on shutdown.
    api.deps.threadEvents.closeAll();
    const closing = h2c.close();
    await waitFor(() => streams.every((s) => s.ended()), { what: 'the streams to end' });
    await waitFor(() => closed, { what: 'the connection to go away' });
    await closing;
    assert.equal(api.deps.threadEvents.openCount(), 0);
  });
});
