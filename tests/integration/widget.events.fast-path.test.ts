import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, type BuiltSite } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';
import { startServerPair, withoutRetry, type ServerPair } from '../support/server-pair.js';
import { encodeThreadChange, threadChannel } from '#shared/redis.js';

/**
 * Live-update streams opened by the API server before Express (live-streams-first.ts): the same
 * answer as the app's own route, headers included, and every refusal left to that route.
 */

const ORIGIN = 'https://news.example';
let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let pair: ServerPair;
let fast: http.Server;
let fastBase: string;
let plainBase: string;

before(async () => {
  env = await createTestEnv({ SSE_MAX_PER_IP: '2', SSE_HEARTBEAT_S: '1' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  await env.db.query(`UPDATE sites SET origins = $2 WHERE id = $1`, [site.siteId, [ORIGIN]]);
  pair = await startServerPair(api);
  ({ fast, fastBase, plainBase } = pair);
});
after(async () => {
  await pair?.close();
  await api.close();
  await env.close();
});

function openStream(url: string, headers: Record<string, string> = {}) {
  let text = '';
  let status = 0;
  let resHeaders: http.IncomingHttpHeaders = {};
  let ended = false;
  const req = http.get(url, { headers }, (res) => {
    status = res.statusCode ?? 0;
    resHeaders = res.headers;
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      text += d;
    });
    res.on('end', () => {
      ended = true;
    });
  });
  req.on('error', () => undefined);
  return {
    text: () => text,
    status: () => status,
    headers: () => resHeaders,
    ended: () => ended,
    close: () => req.destroy(),
  };
}

/** The headers that differ by request by design (a fresh request id, the clock). */
const comparable = (h: http.IncomingHttpHeaders) => {
  const { date: _date, 'x-request-id': id, ...rest } = h;
  assert.match(String(id), /^[0-9a-f-]{36}$/, 'a request id');
  return rest;
};

describe('live streams opened before the app', () => {
  it('when a stream is opened, with or without a registered Origin, then the answer is the one the app route gives, headers and all', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/events`;
    for (const headers of [{}, { Origin: ORIGIN }] as Record<string, string>[]) {
      const before = pair.toApp();
      const a = openStream(`${fastBase}${path}`, headers);
      const b = openStream(`${plainBase}${path}`, headers);
      try {
        await waitFor(() => a.text().includes(': live') && b.text().includes(': live'), { what: 'both streams open' });
        assert.equal(pair.toApp(), before, 'the server opened it without the app');
        assert.equal(a.status(), 200);
        assert.deepEqual(comparable(a.headers()), comparable(b.headers()));
        assert.equal(withoutRetry(a.text()), withoutRetry(b.text()));
        if ('Origin' in headers) assert.equal(a.headers()['access-control-allow-origin'], ORIGIN);
      } finally {
        a.close();
        b.close();
      }
      await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'both streams removed' });
    }
  });

  it('when readers open streams, then each is told its own reconnection delay, so a restart does not bring them all back at once', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const delays: number[] = [];
    // Two at a time: the address's limit (SSE_MAX_PER_IP) is 2.
    for (let i = 0; i < 4; i++) {
      const a = openStream(`${fastBase}/api/v1/sites/${site.siteId}/posts/${postId}/events`);
      const b = openStream(`${plainBase}/api/v1/sites/${site.siteId}/posts/${postId}/events`);
      try {
        await waitFor(() => a.text().includes(': live') && b.text().includes(': live'), { what: 'both streams open' });
        for (const s of [a, b]) {
          withoutRetry(s.text());
          delays.push(Number(/^retry: (\d+)$/m.exec(s.text())![1]));
        }
      } finally {
        a.close();
        b.close();
      }
      await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'both streams removed' });
    }
    assert.equal(delays.length, 8);
    assert.ok(new Set(delays).size > 1, `eight streams told the same delay: ${delays.join()}`);
  });

  it('when a change is announced, then streams opened before the app get it and their heartbeats; a closed one is removed', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const s = openStream(`${fastBase}/api/v1/sites/${site.siteId}/posts/${postId}/events`);
    try {
      await waitFor(() => s.text().includes(': live'), { what: 'the stream open' });
      await env.redis.publish(
        threadChannel(env.config.QUEUE_PREFIX),
        encodeThreadChange({ siteId: site.siteId, postId, post: false }),
      );
      await waitFor(() => s.text().includes('event: comments'), { what: 'a comments event' });
      await waitFor(() => s.text().includes(': ping'), { what: 'a heartbeat' });
      assert.equal(api.deps.threadEvents.openCount(), 1);
    } finally {
      s.close();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'the stream removed' });
  });

  it('when the stream would be refused (unknown post, unregistered origin, invalid path, too many from one address), then the app route answers as it always did', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/events`;
    const cases: { url: string; headers?: Record<string, string>; status: number; code?: string }[] = [
      { url: `/api/v1/sites/${site.siteId}/posts/no-such-post/events`, status: 404, code: 'post_not_found' },
      { url: path, headers: { Origin: 'https://elsewhere.example' }, status: 403, code: 'origin_not_allowed' },
      { url: `/api/v1/sites/${site.siteId}/posts/a%20b/events`, status: 400 },
      { url: `/api/v1/sites/no-such-site/posts/${postId}/events`, status: 404 },
    ];
    for (const c of cases) {
      const [a, b] = await Promise.all(
        [fastBase, plainBase].map((base) => fetch(`${base}${c.url}`, { headers: c.headers ?? {} })),
      );
      assert.equal(a!.status, c.status, c.url);
      assert.equal(b!.status, c.status);
      const [ja, jb] = await Promise.all([a!.json(), b!.json()]);
      assert.deepEqual(ja, jb);
      if (c.code) assert.equal((ja as { error: { code: string } }).error.code, c.code);
      assert.deepEqual(comparable(Object.fromEntries(a!.headers)), comparable(Object.fromEntries(b!.headers)));
    }
    assert.equal(api.deps.threadEvents.openCount(), 0, 'no slot kept by a refused stream');

    const open = [openStream(`${fastBase}${path}`), openStream(`${fastBase}${path}`)];
    try {
      await waitFor(() => open.every((s) => s.status() === 200), { what: 'two streams (SSE_MAX_PER_IP)' });
      const before = pair.toApp();
      const refused = await fetch(`${fastBase}${path}`);
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limited');
      assert.equal(pair.toApp(), before + 1, 'the app refused it');
    } finally {
      for (const s of open) s.close();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'streams removed' });
  });

  it('when the reader leaves while the post is being looked up, then no stream is opened, its slot is released and the app is not called', async () => {
    const postId = await buildPost(env.db, site.siteId);
    // Hold the post look-up: the posts table locked by another session until the reader has gone.
    const locker = await env.db.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE posts IN ACCESS EXCLUSIVE MODE');
      const before = pair.toApp();
      let gone = false;
      fast.once('request', (_req, res: http.ServerResponse) => res.once('close', () => (gone = true)));
      const s = openStream(`${fastBase}/api/v1/sites/${site.siteId}/posts/${postId}/events`);
      await waitFor(() => api.deps.threadEvents.openCount() === 1, { what: 'the slot reserved during the look-up' });
      s.close();
      await waitFor(() => gone, { what: 'the server to see the reader gone' });
      await locker.query('COMMIT');
      await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'the slot released' });
      assert.equal(pair.toApp(), before, 'the app was not called for the request');
      assert.equal(s.status(), 0, 'nothing was answered');
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
    }
  });

  it('when the server ends its streams (shutdown), then they end cleanly and the request metric counts them as the app route would', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const s = openStream(`${fastBase}/api/v1/sites/${site.siteId}/posts/${postId}/events`);
    await waitFor(() => s.text().includes(': live'), { what: 'the stream open' });
    const count = async () => {
      const m = (await api.deps.metrics.registry.getSingleMetricAsString('http_request_duration_seconds'))
        .split('\n')
        .find(
          (l) =>
            l.startsWith('http_request_duration_seconds_count') && l.includes('/events') && l.includes('status="200"'),
        );
      return Number(m?.split(' ').at(-1) ?? 0);
    };
    const before = await count();
    api.deps.threadEvents.closeAll();
    await waitFor(() => s.ended(), { what: 'the stream to end' });
    await waitFor(async () => (await count()) === before + 1, { what: 'the request counted' });
  });
});
