import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { startServerPair, type ServerPair } from '../support/server-pair.js';
import { plainQuery } from '#api/comments/cached-read.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { withTransaction } from '#shared/db/pool.js';
import { newId } from '#shared/ids.js';
import { threadQuery } from '#api/comments/thread-query.js';
import querystring from 'node:querystring';
import pino from 'pino';

/**
 * Cached thread pages answered by the API server before the app (comments/cached-read.ts): for
 * every request, the same status, headers (names, values and order) and bytes as the app's own
 * route gives, and every request that path is not sure of left to the app.
 */

const ORIGIN = 'https://news.example';
let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let authorId: string;
let pair: ServerPair;
let fastBase: string;
let plainBase: string;

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
  site = await buildSite(env.db);
  await env.db.query('UPDATE sites SET origins = $2 WHERE id = $1', [site.siteId, [ORIGIN]]);
  ({
    user: { id: authorId },
  } = await signInReader(api.app, site, { name: 'Ada' }));
  pair = await startServerPair(api);
  ({ fastBase, plainBase } = pair);
});
after(async () => {
  await pair?.close();
  await api.close();
  await env.close();
});

async function store(postId: string, parentId: string | null = null): Promise<string> {
  const id = newId();
  await withTransaction(env.db, (tx) =>
    insertDecidedComment(
      tx,
      { id, siteId: site.siteId, postId, authorId, parentId, body: `comment ${id}`, createdAt: new Date() },
      { status: 'approved', reasons: [], scores: {}, scoredBy: [], settingsVersion: null },
    ),
  );
  return id;
}

interface Answer {
  status: number;
  /** Header names as sent and values, in order; Date's value and a generated request id blanked. */
  headers: [string, string][];
  body: string;
}

/** One request on its own connection, answered as the wire carries it. */
function ask(
  base: string,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      { method: o.method ?? 'GET', headers: o.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!;
            const value = res.rawHeaders[i + 1]!;
            const lc = name.toLowerCase();
            const generated = lc === 'x-request-id' && o.headers?.['X-Request-Id'] !== value;
            if (generated) assert.match(value, /^[0-9a-f-]{36}$/, 'a fresh request id');
            headers.push([name, lc === 'date' || generated ? '' : value]);
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('latin1') });
        });
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** The fast server's and the app's answers to one request, which must be the same; and whether the app saw it. */
async function both(path: string, o: Parameters<typeof ask>[2] = {}): Promise<{ answer: Answer; viaApp: boolean }> {
  const before = pair.toApp();
  const a = await ask(fastBase, path, o);
  const viaApp = pair.toApp() > before;
  const b = await ask(plainBase, path, o);
  const what = `${o.method ?? 'GET'} ${path} ${JSON.stringify(o.headers ?? {})}`;
  assert.equal(a.status, b.status, what);
  // Node writes Content-Length after its own headers for the app's end(body), before them for writeHead.
  const order = (h: [string, string][]) => h.filter(([n]) => n !== 'Content-Length');
  assert.deepEqual(order(a.headers), order(b.headers), what);
  assert.deepEqual(
    a.headers.find(([n]) => n === 'Content-Length'),
    b.headers.find(([n]) => n === 'Content-Length'),
  );
  assert.equal(a.body, b.body, what);
  return { answer: a, viaApp };
}

const header = (a: Answer, name: string) => a.headers.find(([n]) => n.toLowerCase() === name)?.[1];

async function metric(name: string, series: string, match: string[]): Promise<number> {
  const text = await api.deps.metrics.registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((l) => l.startsWith(`${series}{`) && match.every((m) => l.includes(m)));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('cached thread pages answered before the app', () => {
  it('when a cached page is asked for without an Origin, from a registered one, or with a validator it matches, then the server answers it, as the app would', async () => {
    const postId = await buildPost(env.db, site.siteId);
    const parent = await store(postId);
    await store(postId, parent);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/comments`;
    const replies = `${path}/${parent}/replies?limit=5`;
    // Not cached yet: the app answers, and caches the page (and learns the site's origins).
    assert.equal((await both(`${path}?limit=50`)).viaApp, true);
    assert.equal((await both(replies)).viaApp, true);
    assert.equal((await both(`${path}?limit=50`, { headers: { Origin: ORIGIN } })).viaApp, true);

    for (const headers of [{}, { Origin: ORIGIN }, { 'X-Request-Id': 'edge-42' }] as Record<string, string>[]) {
      const { answer, viaApp } = await both(`${path}?limit=50`, { headers });
      assert.equal(viaApp, false, JSON.stringify(headers));
      assert.equal(answer.status, 200);
      assert.equal(header(answer, 'access-control-allow-origin'), headers.Origin);
      assert.equal(header(answer, 'cross-origin-resource-policy'), 'cross-origin');
      assert.equal(header(answer, 'x-content-type-options'), 'nosniff');
      assert.equal(header(answer, 'vary'), 'Origin');
      if (headers['X-Request-Id']) assert.equal(header(answer, 'x-request-id'), 'edge-42');
      const etag = header(answer, 'etag') ?? '';
      const notModified = await both(`${path}?limit=50`, { headers: { ...headers, 'If-None-Match': etag } });
      assert.equal(notModified.viaApp, false);
      assert.equal(notModified.answer.status, 304);
      assert.equal(notModified.answer.body, '');
    }
    // An id that is no plain token is replaced, by both.
    assert.equal((await both(`${path}?limit=50`, { headers: { 'X-Request-Id': 'a b' } })).viaApp, false);
    const r = await both(replies);
    assert.equal(r.viaApp, false);
    assert.equal(r.answer.status, 200);
  });

  it('when the page is cached but the request is one the server is not sure of, then the app answers it (refusals included)', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/comments`;
    for (const q of ['', '?limit=50', '?sort=oldest&limit=50']) await both(`${path}${q}`);
    const cases: [string, Parameters<typeof ask>[2], number][] = [
      // An origin the site has not registered, or a registered one written otherwise: the app's CORS check.
      [`${path}?limit=50`, { headers: { Origin: 'https://evil.example' } }, 403],
      [`${path}?limit=50`, { headers: { Origin: 'null' } }, 403],
      [`${path}?limit=50`, { headers: { Origin: `${ORIGIN}/` } }, 403],
      [`${path}?limit=50`, { headers: { Origin: ORIGIN.toUpperCase() } }, 403],
      [`${path}?limit=50`, { headers: { Origin: `${ORIGIN}:443` } }, 403],
      [`${path}?limit=50`, { headers: { Origin: `${ORIGIN}.evil.example` } }, 403],
      // Credentials: the whole middleware stack.
      [`${path}?limit=50`, { headers: { Authorization: 'Bearer not-a-token' } }, 200],
      // Methods other than GET.
      [`${path}?limit=50`, { method: 'HEAD' }, 200],
      [
        `${path}?limit=50`,
        { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' } },
        204,
      ],
      // A body, which the app reads (and may refuse) even on a GET.
      [
        `${path}?limit=50`,
        { headers: { 'Content-Type': 'application/json', 'Content-Length': '5' }, body: '{"a":' },
        400,
      ],
      [`${path}?limit=50`, { headers: { 'Content-Type': 'text/plain', 'Content-Length': '1' }, body: 'x' }, 415],
      // Queries the schema refuses, or that the server does not read plainly.
      [`${path}?limit=0`, {}, 400],
      [`${path}?sort=bogus`, {}, 400],
      [`${path}?cursor=not-a-cursor`, {}, 400],
      [`${path}?limit=50&limit=50`, {}, 400],
      [`${path}?limit[]=50`, {}, 200],
      [`${path}?limit=%35%30`, {}, 200],
      [`${path}?limit=50&utm_source=x`, {}, 200],
      [`${path}?limit=+50`, {}, 200],
      [`${path}?limit=50&`, {}, 200],
      [`${path}?limit=5%00`, {}, 400],
      [`${path}?limit=50&cursor=${'A'.repeat(200)}`, {}, 400],
      // Paths written otherwise than canonically.
      [`${path}/?limit=50`, {}, 200],
      [`/api/v1/SITES/${site.siteId}/posts/${postId}/comments?limit=50`, {}, 200],
      [
        `/api/v1/sites/${site.siteId}/posts/${encodeURIComponent(postId).replace(/-/g, '%2D')}/comments?limit=50`,
        {},
        200,
      ],
      // A page not cached.
      [`${path}?limit=7`, {}, 200],
    ];
    for (const [p, o, status] of cases) {
      const { answer, viaApp } = await both(p, o);
      assert.equal(viaApp, true, `${p} ${JSON.stringify(o)}`);
      assert.equal(answer.status, status, `${p} ${JSON.stringify(o)}`);
    }
  });

  it('when requests come pipelined on one connection, or with a chunked body, then each gets the app’s answer, in order', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/comments`;
    await both(`${path}?limit=50`);
    // A body sent chunked, with no Content-Length: the app reads it, and refuses its type.
    const chunked = await both(`${path}?limit=50`, {
      headers: { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' },
      body: 'x',
    });
    assert.equal(chunked.viaApp, true);
    assert.equal(chunked.answer.status, 415);
    // Three requests in one write: the server answers the cached one at once, the app the others
    // later; the connection must still carry the three answers in the order asked.
    const paths = [`${path}?limit=7`, `${path}?limit=50`, `${path}?limit=8`];
    const before = pair.toApp();
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(Number(new URL(fastBase).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
      socket.write(
        paths
          .map(
            (p, i) =>
              `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n${i === paths.length - 1 ? 'Connection: close\r\n' : ''}\r\n`,
          )
          .join(''),
      );
    });
    assert.equal(pair.toApp() - before, 2, 'the two pages not cached went to the app');
    const answers: { status: number; body: string }[] = [];
    for (let at = 0; at < raw.length; ) {
      const end = raw.indexOf('\r\n\r\n', at);
      const head = raw.subarray(at, end).toString('latin1');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      answers.push({
        status: Number(head.split(' ')[1]),
        body: raw.subarray(end + 4, end + 4 + length).toString('latin1'),
      });
      at = end + 4 + length;
    }
    assert.equal(answers.length, 3);
    for (const [i, p] of paths.entries()) {
      const expected = await ask(plainBase, p);
      assert.equal(answers[i]!.status, expected.status, p);
      assert.equal(answers[i]!.body, expected.body, p);
    }
  });

  it('when debug logging is on, then the app answers cached pages too, so its request log sees every read', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/comments?limit=50`;
    await both(path);
    assert.equal((await both(path)).viaApp, false, 'cached, at the configured level: the server answers');
    // The logger's own stream, caught for the while: what the request log writes for each request.
    const stream = (api.deps.logger as unknown as Record<symbol, { write: (line: string) => boolean }>)[
      pino.symbols.streamSym
    ]!;
    const { write } = stream;
    const lines: string[] = [];
    const level = api.deps.logger.level;
    stream.write = (line) => lines.push(line) > 0;
    api.deps.logger.level = 'debug';
    try {
      const { answer, viaApp } = await both(path);
      assert.equal(viaApp, true);
      assert.equal(answer.status, 200);
    } finally {
      api.deps.logger.level = level;
      stream.write = write;
    }
    const logged = lines
      .map((l) => JSON.parse(l) as { msg: string; req?: { url: string }; res?: { statusCode: number } })
      .filter((l) => l.msg === 'request completed' && l.req?.url === path);
    assert.equal(logged.length, 2, 'the fast server’s request and the plain one’s, each logged by the app');
    assert.ok(logged.every((l) => l.res?.statusCode === 200));
    assert.equal((await both(path)).viaApp, false, 'and again once debug is off');
  });

  it('when the server answers a page, then the request metric and the cache counter count it as the route would', async () => {
    const postId = await buildPost(env.db, site.siteId);
    await store(postId);
    const path = `/api/v1/sites/${site.siteId}/posts/${postId}/comments`;
    const first = await both(path);
    const route = 'route="/api/v1/sites/:siteId/posts/:postId/comments"';
    const count = (status: string) =>
      metric('http_request_duration_seconds', 'http_request_duration_seconds_count', [route, `status="${status}"`]);
    const hits = () => metric('thread_cache_requests_total', 'thread_cache_requests_total', ['result="hit"']);
    const unchanged = () =>
      metric('thread_cache_requests_total', 'thread_cache_requests_total', ['result="not_modified"']);
    const before = { ok: await count('200'), nm: await count('304'), hits: await hits(), unchanged: await unchanged() };
    assert.equal((await ask(fastBase, path)).status, 200);
    const etag = header(first.answer, 'etag') ?? '';
    assert.equal((await ask(fastBase, path, { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal(await count('200'), before.ok + 1);
    assert.equal(await count('304'), before.nm + 1);
    assert.equal(await hits(), before.hits + 1);
    assert.equal(await unchanged(), before.unchanged + 1);
  });

  it('when a registered origin is removed after its pages were cached, then once the lookup lapses the app refuses it, not the server', async () => {
    // A process whose site look-ups live 300 ms, so the removal is seen within the test.
    const shortApi = await startTestApi(env, { LOOKUP_CACHE_TTL_MS: '300' });
    const shortPair = await startServerPair(shortApi);
    try {
      const other = await buildSite(env.db);
      const from = 'https://soon-gone.example';
      await env.db.query('UPDATE sites SET origins = $2 WHERE id = $1', [other.siteId, [from]]);
      const postId = await buildPost(env.db, other.siteId);
      const path = `/api/v1/sites/${other.siteId}/posts/${postId}/comments?limit=50`;
      const viaApp = async (headers: Record<string, string>) => {
        const before = shortPair.toApp();
        const answer = await ask(shortPair.fastBase, path, { headers });
        return { answer, viaApp: shortPair.toApp() > before };
      };
      assert.equal((await viaApp({ Origin: from })).viaApp, true);
      const cached = await viaApp({ Origin: from });
      assert.equal(cached.viaApp, false);
      assert.equal(header(cached.answer, 'access-control-allow-origin'), from);

      await env.db.query("UPDATE sites SET origins = '{}' WHERE id = $1", [other.siteId]);
      await new Promise((r) => setTimeout(r, 400));
      const refused = await viaApp({ Origin: from });
      assert.equal(refused.viaApp, true);
      assert.equal(refused.answer.status, 403);
      assert.match(refused.answer.body, /origin_not_allowed/);
      assert.doesNotMatch(refused.answer.body, /"comments"/);
      // The cached page itself is still served to readers who send no Origin.
      assert.equal((await viaApp({})).answer.status, 200);
    } finally {
      await shortPair.close();
      await shortApi.close();
    }
  });
});

describe('the query as the server reads it', () => {
  it('when a query is read plainly, then it is what Express gives the route (node:querystring), and the schema reads both alike', () => {
    const plainOnes = [
      '',
      'limit=50',
      'sort=oldest&limit=20',
      'cursor=&limit=1',
      'cursor=MjAyNi0xMi0wNHxhYmM',
      'limit=050',
    ];
    for (const q of plainOnes) {
      const mine = plainQuery(q);
      assert.notEqual(mine, null, q);
      assert.deepEqual({ ...mine }, { ...querystring.parse(q) }, q);
      const a = threadQuery.safeParse(mine);
      const b = threadQuery.safeParse(querystring.parse(q));
      assert.deepEqual(a.success ? a.data : null, b.success ? b.data : null, q);
    }
    const others = [
      'limit=50&limit=50',
      'limit[]=50',
      'limit=%35%30',
      'limit=+50',
      'limit=50&',
      '&limit=50',
      'limit',
      'utm_source=x',
      '__proto__=x',
      'limit=50;sort=oldest',
      'sort=old est',
      'limit=5%00',
    ];
    for (const q of others) assert.equal(plainQuery(q), null, q);
  });
});
