import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { createApiServer } from '#api/server.js';
import { buildPost, buildSite, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { waitFor } from '../support/wait-for.js';
import { encodeThreadChange, threadChannel } from '#shared/redis.js';
import { findPost } from '#shared/db/posts.js';

const ORIGIN = 'http://localhost:8080';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let other: BuiltSite;
let server: http.Server;
let base: string;

before(async () => {
  env = await createTestEnv({
    LOOKUP_CACHE_TTL_MS: '0',
    SSE_MAX_PER_IP: '3',
    SSE_HEARTBEAT_S: '1',
    RATE_LIMIT_POST_CREATE_IP: '4/3600',
  });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  other = await buildSite(env.db);
  await env.db.query(`UPDATE sites SET origins = '{https://other.example}' WHERE id = $1`, [other.siteId]);
  // The server as main.ts runs it: live streams are opened before the app (live-streams-first.ts).
  server = createApiServer(api.app, api.deps).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await api.close();
  await env.close();
});

describe('CORS for the widget', () => {
  it('when a registered origin sends a preflight, then 204 allows it, with Vary: Origin and no credentials', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const res = await request(api.app)
      .options(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
    assert.match(res.headers['access-control-allow-headers']!, /Authorization/);
    assert.match(res.headers['access-control-allow-headers']!, /Idempotency-Key/);
    assert.match(res.headers.vary!, /Origin/);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
  });

  it('when a GET comes from a registered origin, then the answer names that origin and exposes Retry-After and ETag', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const res = await request(base).get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`).set('Origin', ORIGIN);
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
    assert.match(res.headers['access-control-expose-headers']!, /ETag/);
  });

  it('when the origin belongs to another site or to none, then 403 origin_not_allowed, readable by the page but exposing nothing else, and the preflight fails', async () => {
    const postId = await buildPost(env.db, site.siteId);
    for (const origin of ['https://other.example', 'https://evil.example', 'null']) {
      const res = await request(base)
        .get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Origin', origin);
      assert.equal(res.status, 403, origin);
      assert.equal(res.body.error.code, 'origin_not_allowed');
      assert.equal(res.body.error.message, `the origin ${origin} is not registered for site ${site.siteId}`);
      // Readable, so the widget can tell the page's developer which origin to register.
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers['access-control-expose-headers'], undefined);
      assert.match(res.headers.vary!, /Origin/);
    }
    const preflight = await request(api.app)
      .options(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  it('when a browser calls a site that does not exist, then 404 site_not_found names it, readable by the page', async () => {
    const res = await request(base).get('/api/v1/sites/no-such-site/posts/p-1/comments').set('Origin', ORIGIN);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body.error, { code: 'site_not_found', message: "site 'no-such-site' does not exist" });
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
  });

  it("when a path has no site (sign-in, a comment's status), then any site's origin passes the preflight; sign-in checks the body's site", async () => {
    const pre = await request(api.app)
      .options('/api/v1/auth/sso')
      .set('Origin', 'https://other.example')
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(pre.status, 204);
    const foreign = await request(api.app)
      .post('/api/v1/auth/sso')
      .set('Origin', 'https://other.example')
      .send({ siteId: site.siteId, token: await signSso(site.ssoSecret) });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'origin_not_allowed');
    const own = await request(api.app)
      .post('/api/v1/auth/sso')
      .set('Origin', ORIGIN)
      .send({ siteId: site.siteId, token: await signSso(site.ssoSecret) });
    assert.equal(own.status, 200);
    assert.equal(own.headers['access-control-allow-origin'], ORIGIN);
  });

  it("when a caller sends no Origin (a publisher's server) or the API's own origin, then CORS does not apply", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const plain = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${postId}`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['access-control-allow-origin'], undefined);
    const same = await fetch(`${base}/api/v1/sites/${site.siteId}/posts/${postId}`, { headers: { Origin: base } });
    assert.equal(same.status, 200);
    assert.equal(same.headers.get('access-control-allow-origin'), null);
    // Behind a TLS proxy the browser says https while the API sees http: the host decides.
    const proxied = await fetch(`${base}/api/v1/sites/${site.siteId}/posts/${postId}`, {
      headers: { Origin: base.replace('http:', 'https:') },
    });
    assert.equal(proxied.status, 200);
  });
});

describe('posts created on first load', () => {
  const discover = (
    postId: string,
    body: object,
    origin: string | null = ORIGIN,
    siteId = site.siteId,
    ip = '198.51.100.1',
  ) => {
    const r = request(api.app).post(`/api/v1/sites/${siteId}/posts/${postId}/discover`).set('X-Forwarded-For', ip);
    return (origin ? r.set('Origin', origin) : r).send(body);
  };

  it('when the widget loads an unknown post from a site origin, then it is created (201); loading it again answers it (200) unchanged', async () => {
    const postId = uniq('auto');
    const created = await discover(postId, { title: '  Council   vote ', url: `${ORIGIN}/news/${postId}` });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.post, {
      id: postId,
      title: 'Council vote',
      url: `${ORIGIN}/news/${postId}`,
      closed: false,
      commentCount: 0,
      titleVerified: false,
    });
    const again = await discover(postId, { title: 'Another title', url: `${ORIGIN}/elsewhere` });
    assert.equal(again.status, 200);
    assert.equal(again.body.post.title, 'Council vote');
    assert.equal((await findPost(env.db, site.siteId, postId))!.url, `${ORIGIN}/news/${postId}`);
  });

  it('when the request has no Origin or another one, then 403 and nothing is created', async () => {
    const postId = uniq('auto');
    const body = { title: 'T', url: `${ORIGIN}/x` };
    assert.equal((await discover(postId, body, null)).status, 403);
    assert.equal((await discover(postId, body, 'https://other.example')).status, 403);
    assert.equal(await findPost(env.db, site.siteId, postId), null);
  });

  it('when the url is not on a site origin, or title/url are invalid, then 422 or 400 and nothing is created', async () => {
    const postId = uniq('auto');
    const offsite = await discover(postId, { title: 'T', url: 'https://evil.example/x' });
    assert.equal(offsite.status, 422);
    assert.equal(offsite.body.error.code, 'url_not_allowed');
    for (const body of [
      { title: '', url: `${ORIGIN}/x` },
      { title: 'T', url: 'javascript:alert(1)' },
      { title: 'T' },
      { title: 'x'.repeat(600), url: `${ORIGIN}/x` },
    ]) {
      const res = await discover(postId, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    assert.equal(await findPost(env.db, site.siteId, postId), null);
  });

  it('when the site turned autoCreatePosts off, then 403 auto_create_disabled', async () => {
    const s = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"autoCreatePosts":false}' WHERE id = $1`, [s.siteId]);
    const res = await discover('article-9', { title: 'T', url: `${ORIGIN}/a9` }, ORIGIN, s.siteId);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'auto_create_disabled');
  });

  it('when one address creates more posts than its limit, then 429 with Retry-After', async () => {
    const s = await buildSite(env.db);
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await discover(`p-${i}`, { title: 'T', url: `${ORIGIN}/p${i}` }, ORIGIN, s.siteId, '203.0.113.9');
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 201, 429]);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    // Another address still may.
    assert.equal(
      (await discover('p-9', { title: 'T', url: `${ORIGIN}/p9` }, ORIGIN, s.siteId, '203.0.113.10')).status,
      201,
    );
  });
});

/** Opens an SSE stream and collects what arrives. */
function openStream(path: string, headers: Record<string, string> = {}) {
  let text = '';
  let status = 0;
  let resHeaders: http.IncomingHttpHeaders = {};
  const req = http.get(`${base}${path}`, { headers }, (res) => {
    status = res.statusCode ?? 0;
    resHeaders = res.headers;
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      text += d;
    });
  });
  req.on('error', () => undefined);
  return { text: () => text, status: () => status, headers: () => resHeaders, close: () => req.destroy() };
}

describe('live updates (server-sent events)', () => {
  it("when an approved comment is announced for the post, then its open streams get a comments event; other posts' streams do not", async () => {
    const postId = await buildPost(env.db, site.siteId);
    const otherPost = await buildPost(env.db, site.siteId);
    const a = openStream(`/api/v1/sites/${site.siteId}/posts/${postId}/events`, { Origin: ORIGIN });
    const b = openStream(`/api/v1/sites/${site.siteId}/posts/${otherPost}/events`, { Origin: ORIGIN });
    try {
      await waitFor(() => a.text().includes(': live') && b.text().includes(': live'), { what: 'streams open' });
      assert.equal(a.status(), 200);
      assert.match(String(a.headers()['content-type']), /^text\/event-stream/);
      assert.equal(a.headers()['access-control-allow-origin'], ORIGIN);
      await env.redis.publish(
        threadChannel(env.config.QUEUE_PREFIX),
        encodeThreadChange({ siteId: site.siteId, postId, post: false }),
      );
      await waitFor(() => a.text().includes('event: comments'), { what: 'a comments event' });
      assert.match(a.text(), new RegExp(`data: \\{"siteId":"${site.siteId}","postId":"${postId}"\\}`));
      await env.redis.publish(
        threadChannel(env.config.QUEUE_PREFIX),
        encodeThreadChange({ siteId: site.siteId, postId, post: true }),
      );
      await waitFor(() => a.text().includes('event: post'), { what: 'a post event' });
      // Heartbeats keep the idle stream open (SSE_HEARTBEAT_S=1 here).
      await waitFor(() => b.text().includes(': ping'), { what: 'a heartbeat' });
      assert.doesNotMatch(b.text(), /event:/);
    } finally {
      a.close();
      b.close();
    }
    await waitFor(() => api.deps.threadEvents.openCount() === 0, { what: 'streams cleaned up after disconnect' });
  });

  it('when one address opens more streams than SSE_MAX_PER_IP, then 429; closing one makes room again', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/events`;
    const streams = [openStream(path), openStream(path), openStream(path)];
    try {
      await waitFor(() => streams.every((s) => s.status() === 200), { what: 'three streams' });
      const refused = await fetch(`${base}${path}`);
      assert.equal(refused.status, 429);
      assert.equal((await refused.json()).error.code, 'rate_limited');
      streams.shift()!.close();
      await waitFor(() => api.deps.threadEvents.openCount() === 2, { what: 'one stream closed' });
      const again = openStream(path);
      streams.push(again);
      await waitFor(() => again.status() === 200, { what: 'a stream again' });
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('when the post does not exist or the path is invalid, then 404 or 400, not a stream', async () => {
    const missing = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/nope-${uniq()}/events`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'post_not_found');
    const bad = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${encodeURIComponent('a b')}/events`);
    assert.equal(bad.status, 400);
  });
});

describe('embed.js and the sign-in popup', () => {
  it('when embed.js is requested, then the bundle is served gzipped, readable cross-origin, with an ETag that answers 304', async () => {
    const res = await fetch(`${base}/embed.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /javascript/);
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    const raw = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(`${base}/embed.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ headers: r.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
    assert.equal(raw.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(raw.body).toString(), /Comments/);
    const etag = res.headers.get('etag')!;
    const cached = await request(api.app).get('/embed.js').set('If-None-Match', etag);
    assert.equal(cached.status, 304);
  });

  it('when the sign-in page is opened for a registered origin, then it answers with a strict CSP and an opener it can post to', async () => {
    const res = await request(api.app).get('/login').query({ site: site.siteId, origin: ORIGIN, lang: 'fr' });
    assert.equal(res.status, 200);
    assert.match(res.text, /data-origin="http:&#47;&#47;localhost:8080"|data-origin="http:\/\/localhost:8080"/);
    assert.match(res.text, /lang="fr"/);
    assert.match(res.headers['content-security-policy']!, /script-src 'self'/);
    assert.match(res.headers['content-security-policy']!, /frame-ancestors 'none'/);
    assert.equal(res.headers['cross-origin-opener-policy'], 'unsafe-none');
    assert.doesNotMatch(res.text, /<script>/);
    const js = await request(api.app).get('/login.js');
    assert.equal(js.status, 200);
    assert.match(js.text, /postMessage\(\{ type: 'comments:signed-in'/);
  });

  it('when the sign-in page is opened for an origin the site did not register, or a bad site, then 400 and no form', async () => {
    for (const q of [
      { site: site.siteId, origin: 'https://evil.example' },
      { site: 'no-such-site', origin: ORIGIN },
      { site: site.siteId, origin: 'javascript:alert(1)' },
      {},
    ]) {
      const res = await request(api.app).get('/login').query(q);
      assert.equal(res.status, 400, JSON.stringify(q));
      assert.doesNotMatch(res.text, /<form/);
    }
  });
});
