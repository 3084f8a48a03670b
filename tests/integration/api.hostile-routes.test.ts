import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { createApiServer } from '#api/server.js';
import { rawClient, type RawClient } from '../support/raw-http.js';
import { CRED_KINDS, buildTwoSites, leaks, restoreWorld, type TwoSites } from '../support/two-sites.js';
import { ROUTES, anyCase, caseOf, headerValue } from '../support/route-requests.js';
import { holds, newTally, sendAndCheck, type Tally } from '../support/route-fuzz.js';
import { deeplyNested, hostileSegment, hostileString, percentEncode, type BodySpec } from '../support/hostile.js';

/**
 * Every route of the OpenAPI registry (so a route added later is covered by itself) under
 * generated hostile requests, through the API's HTTP server in this process: hostile path
 * parameters, query strings, bodies, repeated headers and credentials of every kind, with ids
 * of two seeded sites. Never a 5xx, always the error shape, and nothing of a site the caller
 * does not hold a credential of. FC_SEED replays a run.
 */

const SEED = 20261125;
let env: TestEnv;
let api: TestApi;
let server: http.Server;
let client: RawClient;
let world: TwoSites;
const tally: Tally = newTally();

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  // The server as main.ts runs it: cached thread pages and live streams are answered before the app.
  server = createApiServer(api.app, api.deps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = rawClient(base);
  world = await buildTwoSites(env.db, api.app, env.config.JWT_SECRET);
});
after(async () => {
  const statuses = [...tally.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  process.stdout.write(
    `# hostile input (every route): ${tally.tried} requests tried over ${tally.routes.size} routes; ${tally.ok2xx} answered 2xx; ${tally.crossSite} named the other site's records; statuses ${statuses}\n`,
  );
  client?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await api?.close();
  await env?.close();
});

const bodySpec = (bytes: string | Buffer, contentType: string | null, label: string): BodySpec => ({
  bytes: Buffer.from(bytes),
  contentType,
  label,
});

describe('hostile input on every declared route', () => {
  it('when the registry is read, then it declares every kind of route this file must reach', () => {
    assert.ok(ROUTES.length >= 50, `only ${ROUTES.length} routes declared`);
    for (const p of [
      '/api/v1/sites/:siteId/posts/:postId/comments',
      '/embed.js',
      '/login',
      '/moderate',
      '/docs',
      '/healthz',
      '/readyz',
      '/api/v1/openapi.json',
      '/api/v1/sites/:siteId/posts/:postId/events',
    ]) {
      assert.ok(
        ROUTES.some((r) => r.path === p),
        `${p} is declared`,
      );
    }
  });

  it("when each route is called with each kind of credential (none, garbage, forged, expired, alg none, another audience, revoked or scopeless key, a reader where staff is needed), then no 5xx and no other site's data", async () => {
    for (const route of ROUTES) {
      for (const cred of CRED_KINDS) {
        const [c] = fc.sample(caseOf(route, world, { cred }), { seed: SEED + tally.tried, numRuns: 1 });
        await sendAndCheck(client, world, c!, tally);
      }
    }
  });

  it('when each route gets a body nested 10,000+ deep, over the size limit, not UTF-8, or not JSON, then a 4xx and never a 5xx', async () => {
    // Each with the status it must get, whatever the route: the body is read before routing and authentication.
    const specials: [BodySpec, number[]][] = [
      [bodySpec(deeplyNested(12_000), 'application/json', 'array nested 12,000 deep'), [400, 401, 403, 404]],
      [bodySpec(deeplyNested(10_500, 'object'), 'application/json', 'object nested 10,500 deep'), [400, 401, 403, 404]],
      [
        bodySpec(
          `{"body":${deeplyNested(10_000)},"title":${deeplyNested(6_000, 'object')}}`,
          'application/json',
          'fields nested 10,000 and 6,000 deep',
        ),
        [400, 401, 403, 404],
      ],
      [bodySpec(JSON.stringify({ body: 'x'.repeat(70 * 1024) }), 'application/json', 'over 64 KiB'), [413]],
      // Decoded with U+FFFD in place of the bad bytes (as body-parser does), so it is JSON: only the general checks apply.
      [
        bodySpec(
          Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0xc0, 0xaf, 0x22, 0x7d]),
          'application/json',
          'invalid UTF-8',
        ),
        [200, 201, 202, 204, 400, 401, 403, 404, 409, 422],
      ],
      [bodySpec('{"body":"x"}', 'text/html', 'HTML content type'), [415]],
      [bodySpec('{"body":"x"}', null, 'no content type'), [415]],
    ];
    const withBody = ROUTES.filter((r) => r.method !== 'get');
    assert.ok(withBody.length >= 20);
    for (const route of withBody) {
      for (const [body, expected] of specials) {
        for (const cred of ['admin', 'apiKey', 'reader'] as const) {
          const [c] = fc.sample(caseOf(route, world, { cred, body: fc.constant(body) }), {
            seed: SEED + tally.tried,
            numRuns: 1,
          });
          // The route's own method and path, and no other hostile header, so the body alone decides.
          const clean = {
            ...c!,
            method: route.method.toUpperCase(),
            path: c!.path.split('?')[0]!,
            headers: c!.headers.filter(
              ([k], i, all) =>
                (k === 'Authorization' || k === 'Content-Type') && all.findIndex(([k2]) => k2 === k) === i,
            ),
          };
          const res = await sendAndCheck(client, world, clean, tally);
          // A sign-out revokes the credential it was sent with: sign its holder in again.
          if (route.path === '/api/v1/auth/logout' && res.status === 204) await restoreWorld(env.db, api.app, world);
          const parserRefused = res.status === 431 || (res.status === 400 && res.text === '');
          if (!parserRefused && (res.status !== 404 || !/no such endpoint/.test(res.text))) {
            assert.ok(
              expected.includes(res.status),
              `${route.method} ${clean.path.slice(0, 200)} with ${body.label} → ${res.status} ${res.text.slice(0, 200)}`,
            );
          }
        }
      }
    }
  });

  it('when an admin PATCHes settings with an object nested 10,500 deep, then 400 validation_failed (the merge patch once overflowed the stack: 500)', async () => {
    // The generated bodies before may have banned or erased the admin.
    await restoreWorld(env.db, api.app, world);
    for (const body of [
      deeplyNested(10_500, 'object'),
      `{"thresholds":${deeplyNested(10_000, 'object')}}`,
      `{"bannedWords":${deeplyNested(12_000)}}`,
      deeplyNested(33, 'object'),
    ]) {
      const res = await client.send({
        method: 'PATCH',
        path: `/api/v1/sites/${world.a.siteId}/settings`,
        headers: [
          ['Authorization', `Bearer ${world.a.creds.admin}`],
          ['Content-Type', 'application/json'],
        ],
        body: Buffer.from(body),
      });
      tally.tried++;
      assert.equal(res.status, 400, res.text.slice(0, 200));
      assert.equal(JSON.parse(res.text).error.code, 'validation_failed');
    }
    const shallow = await client.send({
      method: 'PATCH',
      path: `/api/v1/sites/${world.a.siteId}/settings`,
      headers: [
        ['Authorization', `Bearer ${world.a.creds.admin}`],
        ['Content-Type', 'application/json'],
      ],
      body: Buffer.from(deeplyNested(32, 'object')),
    });
    tally.tried++;
    assert.match(
      JSON.parse(shallow.text).error.message,
      /Unrecognized key/,
      'a body 32 levels deep reaches the settings schema',
    );
  });

  it('when thousands of generated requests hit random routes, then never a 5xx, always the error shape, and nothing crosses sites', async () => {
    let n = 0;
    await holds(
      fc.asyncProperty(anyCase(world), async (c) => {
        if (++n % 300 === 0) await restoreWorld(env.db, api.app, world);
        const res = await sendAndCheck(client, world, c, tally);
        if (c.route.path === '/api/v1/auth/logout' && res.status === 204) await restoreWorld(env.db, api.app, world);
      }),
      { numRuns: 2200, seed: SEED },
    );
    assert.ok(tally.ok2xx >= 300, `only ${tally.ok2xx} requests were valid enough to succeed`);
    assert.ok(
      tally.crossSite >= 300,
      `only ${tally.crossSite} requests named the other site's records with a site's credential`,
    );
  });

  it('when paths outside the declared routes are hostile (traversal, encodings, the queue dashboard), then a 4xx or a redirect, never a file', async () => {
    const prefix = fc.constantFrom(
      '',
      '/api/v1',
      '/api/v1/sites',
      '/embed.js',
      '/moderate',
      '/admin/queues',
      '/login',
      '/docs',
      '/api',
      '//',
      '/api/v1/comments',
    );
    // The dashboard's session cookie, forged every way: a bearer token in its place, alg none, garbage, twice.
    const cookie = fc.constantFrom(
      `queues_session=${world.a.creds.admin}`,
      `queues_session=${world.a.creds.algNone}`,
      `queues_session=${world.a.creds.forged}`,
      'queues_session=',
      'queues_session=a.b.c; queues_session=x',
      `queues_session=${'a'.repeat(3000)}`,
      'queues_session',
      '=;=;;',
    );
    await holds(
      fc.asyncProperty(
        prefix,
        fc.array(hostileSegment, { minLength: 1, maxLength: 4 }),
        cookie,
        async (p, segments, c) => {
          const path = `${p}/${segments.join('/')}`;
          const res = await client.send({ method: 'GET', path, headers: [['Cookie', c]] });
          tally.tried++;
          assert.ok(res.status < 500, `GET ${path} → ${res.status} ${res.text.slice(0, 200)}`);
          // No site is the dashboard's here: it refuses everyone.
          if (path.startsWith('/admin/queues'))
            assert.ok(res.status >= 300, `GET ${path} with ${c.slice(0, 40)} → ${res.status}`);
          assert.doesNotMatch(
            res.text,
            /root:x:0:0|"devDependencies"|DATABASE_URL|BEGIN [A-Z ]*PRIVATE KEY/,
            `GET ${path} served a file`,
          );
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });

  it('when the sign-in popup is asked for hostile sites, origins and languages, then it answers 200 or 400 with nothing of the query as markup', async () => {
    const origin = fc.oneof(
      fc.constant('http://localhost:8080'),
      fc.constantFrom(
        'http://localhost:8080/"><script>alert(1)</script>',
        'javascript:alert(1)//',
        "http://localhost:8080'onload='x",
        'http://a"b.example',
        'http://[::1]:8080',
        'https://xn--e1awd7f.example',
        'data:text/html,<script>',
      ),
      hostileString,
    );
    const site = fc.oneof(fc.constantFrom(world.a.siteId, world.b.siteId), hostileString);
    const lang = fc.oneof(fc.constantFrom('en', 'fr', 'de', '"><script>'), hostileString);
    await holds(
      fc.asyncProperty(site, origin, lang, async (s, o, l) => {
        const path = `/login?site=${percentEncode(s)}&origin=${percentEncode(o)}&lang=${percentEncode(l)}`;
        const res = await client.send({ method: 'GET', path });
        tally.tried++;
        if (res.status === 431) return; // a query over Node's 16 KiB header limit: refused before the app
        assert.ok(
          res.status === 200 || res.status === 400,
          `GET ${path.slice(0, 300)} → ${res.status} ${res.text.slice(0, 200)}`,
        );
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
        const tags = [...res.text.matchAll(/<([a-z]+)[\s>]/gi)].map((m) => m[1]!.toLowerCase());
        assert.ok(tags.filter((t) => t === 'script').length <= 1, `GET ${path}: ${res.text}`);
        assert.doesNotMatch(
          res.text,
          /<script>|onload=|onerror=|javascript:|<img/i,
          `GET ${path}: ${res.text.slice(0, 400)}`,
        );
        if (res.status === 200) assert.equal(s === world.a.siteId || s === world.b.siteId, true);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('when a reader posts comments with hostile, repeated or reused Idempotency-Keys, then 202, 400 or 422, and a key never stands for two bodies', async () => {
    // Reused keys (a small set), keys at and over the length limit, non-ASCII, empty, and a second header.
    const key = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('k1', 'k2', 'k3', 'k'.repeat(255), '../x', '*', "'--") },
      { weight: 1, arbitrary: fc.constantFrom('k'.repeat(256), ' ', '', 'a b', '\u00ff', 'é', '%00') },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    );
    const seen = new Map<string, { body: string; id: string }>();
    let accepted = 0;
    await restoreWorld(env.db, api.app, world);
    await holds(
      fc.asyncProperty(
        key,
        fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: key }),
        fc.constantFrom('one', 'two'),
        async (k1, k2, text) => {
          const w = world.a;
          const body = Buffer.from(JSON.stringify({ body: `Idempotent ${text}` }));
          const headers: [string, string][] = [
            ['Authorization', `Bearer ${w.creds.reader}`],
            ['Content-Type', 'application/json'],
            ['Idempotency-Key', headerValue(k1)],
          ];
          if (k2 !== undefined) headers.push(['Idempotency-Key', headerValue(k2)]);
          const res = await client.send({
            method: 'POST',
            path: `/api/v1/sites/${w.siteId}/posts/${w.postIds[0]}/comments`,
            headers,
            body,
          });
          tally.tried++;
          assert.ok(
            [202, 400, 422].includes(res.status),
            `key ${JSON.stringify([k1, k2])} → ${res.status} ${res.text.slice(0, 200)}`,
          );
          if (res.status === 202) accepted++;
          if (res.status === 202 && k2 === undefined) {
            const id = JSON.parse(res.text).id as string;
            const before = seen.get(k1);
            if (before)
              assert.equal(
                before.body === text ? before.id : 'refused',
                id,
                `key ${JSON.stringify(k1)} stood for two bodies`,
              );
            else seen.set(k1, { body: text, id });
          }
          if (res.status === 422 && k2 === undefined)
            assert.notEqual(seen.get(k1)?.body, text, `the same key and body were refused: ${res.text}`);
        },
      ),
      { numRuns: 150, seed: SEED },
    );
    assert.ok(accepted >= 30, `only ${accepted} comments were accepted`);
  });

  it("when a reader replies to ids of every kind (the other site's comments, held ones, other posts), then only a visible comment of the same post is a parent", async () => {
    await restoreWorld(env.db, api.app, world);
    const ids = [
      ...world.a.pool,
      ...world.b.pool,
      ...world.a.hidden,
      ...world.b.hidden,
      ...world.a.privateIds,
      ...world.b.privateIds,
    ];
    let accepted = 0;
    // A third of the time a visible comment of the first post (a good parent there); else any id.
    const parent = (side: number) =>
      fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(...world.sites[side]!.pool.slice(0, 2)) },
        { weight: 2, arbitrary: fc.constantFrom(...ids) },
      );
    await holds(
      fc.asyncProperty(
        fc.nat(1).chain((side) => fc.tuple(fc.constant(side), parent(side))),
        fc.nat(1),
        async ([side, parentId], postIndex) => {
          const w = world.sites[side]!;
          const res = await client.send({
            method: 'POST',
            path: `/api/v1/sites/${w.siteId}/posts/${w.postIds[postIndex]}/comments`,
            headers: [
              ['Authorization', `Bearer ${w.creds.reader}`],
              ['Content-Type', 'application/json'],
            ],
            body: Buffer.from(JSON.stringify({ body: 'A reply', parentId })),
          });
          tally.tried++;
          const sameSite = w.pool.includes(parentId) || w.hidden.includes(parentId) || w.privateIds.includes(parentId);
          if (res.status === 202) {
            accepted++;
            assert.ok(sameSite, `a reply on ${w.siteId} to ${parentId} of the other site was accepted`);
          } else {
            assert.ok(
              [400, 404, 409, 422].includes(res.status),
              `reply to ${parentId} → ${res.status} ${res.text.slice(0, 200)}`,
            );
          }
        },
      ),
      { numRuns: 120, seed: SEED },
    );
    assert.ok(accepted >= 8, `only ${accepted} replies were accepted`);
  });

  it("when the generated run is over, then no stored row and no queued comment ties one site to another site's rows", async () => {
    const crossed = await env.db.query(`
      SELECT 'audit actor' AS what, a.id::text FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE u.site_id <> a.site_id
      UNION ALL SELECT 'audit reader', a.id::text FROM audit_log a JOIN users u ON u.id = a.reader_id WHERE u.site_id <> a.site_id
      UNION ALL SELECT 'audit comment', a.id::text FROM audit_log a JOIN comments c ON c.id = a.comment_id WHERE c.site_id <> a.site_id
      UNION ALL SELECT 'report reporter', r.comment_id::text FROM reports r JOIN users u ON u.id = r.reporter_id WHERE u.site_id <> r.site_id
      UNION ALL SELECT 'report comment', r.comment_id::text FROM reports r JOIN comments c ON c.id = r.comment_id WHERE c.site_id <> r.site_id
      UNION ALL SELECT 'comment author', c.id::text FROM comments c JOIN users u ON u.id = c.author_id WHERE u.site_id <> c.site_id
      UNION ALL SELECT 'comment parent', c.id::text FROM comments c JOIN comments p ON p.id = c.parent_id WHERE p.site_id <> c.site_id OR p.post_id <> c.post_id`);
    assert.deepEqual(crossed.rows, []);
    const jobs = await env.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    assert.ok(jobs.length >= 25, `only ${jobs.length} comments were queued`);
    for (const job of jobs) {
      const { siteId, postId, authorId, parentId } = job.data;
      const author = await env.db.query('SELECT site_id FROM users WHERE id = $1', [authorId]);
      assert.equal(author.rows[0]?.site_id, siteId, `queued comment ${job.data.commentId} by a user of another site`);
      if (parentId) {
        const parent = await env.db.query('SELECT site_id, post_id FROM comments WHERE id = $1', [parentId]);
        assert.deepEqual(
          parent.rows[0],
          { site_id: siteId, post_id: postId },
          `queued reply ${job.data.commentId} to a comment elsewhere`,
        );
      }
    }
  });

  it("when a response carries another site's private text or ids, then the leak check reports it (the check itself can fail)", () => {
    const { a, b } = world;
    const check = (owner: typeof a | null, publicRoute: boolean, received: string, sent = '') =>
      leaks(world, { owner, publicRoute, sent, received });
    assert.notDeepEqual(check(a, false, `{"body":"Pending ${b.privateMarkers[4]}"}`), []);
    assert.notDeepEqual(check(a, true, `{"email":"${b.privateMarkers[0]}@example.com"}`), []);
    assert.notDeepEqual(
      check(a, false, `{"comments":[{"body":"${b.publicMarkers[2]}"}]}`),
      [],
      'public text on an authenticated route',
    );
    assert.notDeepEqual(check(null, true, `{"id":"${a.privateIds[0]}"}`), [], 'an anonymous caller gets a private id');
    assert.deepEqual(
      check(a, true, `{"comments":[{"body":"${b.publicMarkers[2]}","id":"${b.publicIds[0]}"}]}`),
      [],
      'public data on a public route',
    );
    assert.deepEqual(
      check(a, false, `{"error":{"message":"no comment ${b.privateIds[0]}"}}`, `/api/v1/comments/${b.privateIds[0]}`),
      [],
      'an echo of the request',
    );
    assert.deepEqual(check(a, false, JSON.stringify(a)), [], "the caller's own site");
  });

  it('when the run is over, then no generated body polluted Object.prototype', () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
