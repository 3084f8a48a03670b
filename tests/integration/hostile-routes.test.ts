import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { rawClient, type RawClient } from '../support/raw-http.js';
import { CRED_KINDS, buildTwoSites, refreshReaders, type TwoSites } from '../support/two-sites.js';
import { ROUTES, anyCase, caseOf, holds, newTally, sendAndCheck, type Tally } from '../support/route-fuzz.js';
import { deeplyNested, hostileSegment, type BodySpec } from '../support/hostile.js';

/**
 * Every route of the OpenAPI registry (so a route added later is covered by itself) under
 * generated hostile requests, through a real HTTP server in this process: hostile path
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
  server = http.createServer(api.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = rawClient(base);
  world = await buildTwoSites(env.db, api.app, env.config.JWT_SECRET);
});
after(async () => {
  const statuses = [...tally.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  process.stdout.write(`# hostile input (every route): ${tally.tried} requests tried over ${tally.routes.size} routes; ${tally.ok2xx} answered 2xx; statuses ${statuses}\n`);
  client?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await api?.close();
  await env?.close();
});

const bodySpec = (bytes: string | Buffer, contentType: string | null, label: string): BodySpec => ({ bytes: Buffer.from(bytes), contentType, label });

describe('hostile input on every declared route', () => {
  it('when the registry is read, then it declares every kind of route this file must reach', () => {
    assert.ok(ROUTES.length >= 50, `only ${ROUTES.length} routes declared`);
    for (const p of ['/api/v1/sites/:siteId/posts/:postId/comments', '/embed.js', '/login', '/moderate', '/docs', '/healthz', '/readyz', '/metrics', '/api/v1/openapi.json', '/api/v1/sites/:siteId/posts/:postId/events']) {
      assert.ok(ROUTES.some((r) => r.path === p), `${p} is declared`);
    }
  });

  it('when each route is called with each kind of credential (none, garbage, forged, expired, alg none, another audience, revoked or scopeless key, a reader where staff is needed), then no 5xx and no other site\'s data', async () => {
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
      [bodySpec(`{"body":${deeplyNested(10_000)},"title":${deeplyNested(6_000, 'object')}}`, 'application/json', 'fields nested 10,000 and 6,000 deep'), [400, 401, 403, 404]],
      [bodySpec(JSON.stringify({ body: 'x'.repeat(70 * 1024) }), 'application/json', 'over 64 KiB'), [413]],
      // Decoded with U+FFFD in place of the bad bytes (as body-parser does), so it is JSON: only the general checks apply.
      [bodySpec(Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0xc0, 0xaf, 0x22, 0x7d]), 'application/json', 'invalid UTF-8'), [200, 201, 202, 204, 400, 401, 403, 404, 409, 422]],
      [bodySpec('{"body":"x"}', 'text/html', 'HTML content type'), [415]],
      [bodySpec('{"body":"x"}', null, 'no content type'), [415]],
    ];
    const withBody = ROUTES.filter((r) => r.method !== 'get');
    assert.ok(withBody.length >= 20);
    for (const route of withBody) {
      for (const [body, expected] of specials) {
        for (const cred of ['admin', 'apiKey', 'reader'] as const) {
          const [c] = fc.sample(caseOf(route, world, { cred, body: fc.constant(body) }), { seed: SEED + tally.tried, numRuns: 1 });
          // The route's own method and path, and no other hostile header, so the body alone decides.
          const clean = { ...c!, method: route.method.toUpperCase(), path: c!.path.split('?')[0]!,
            headers: c!.headers.filter(([k], i, all) => (k === 'Authorization' || k === 'Content-Type') && all.findIndex(([k2]) => k2 === k) === i) };
          const res = await sendAndCheck(client, world, clean, tally);
          const parserRefused = res.status === 431 || (res.status === 400 && res.text === '');
          if (!parserRefused && (res.status !== 404 || !/no such endpoint/.test(res.text))) {
            assert.ok(expected.includes(res.status), `${route.method} ${clean.path.slice(0, 200)} with ${body.label} → ${res.status} ${res.text.slice(0, 200)}`);
          }
        }
      }
    }
  });

  it('when an admin PATCHes settings with an object nested 10,500 deep, then 400 validation_failed (the merge patch once overflowed the stack: 500)', async () => {
    for (const body of [deeplyNested(10_500, 'object'), `{"thresholds":${deeplyNested(10_000, 'object')}}`, `{"bannedWords":${deeplyNested(12_000)}}`, deeplyNested(33, 'object')]) {
      const res = await client.send({ method: 'PATCH', path: `/api/v1/sites/${world.a.siteId}/settings`,
        headers: [['Authorization', `Bearer ${world.a.creds.admin}`], ['Content-Type', 'application/json']], body: Buffer.from(body) });
      tally.tried++;
      assert.equal(res.status, 400, res.text.slice(0, 200));
      assert.equal(JSON.parse(res.text).error.code, 'validation_failed');
    }
    const shallow = await client.send({ method: 'PATCH', path: `/api/v1/sites/${world.a.siteId}/settings`,
      headers: [['Authorization', `Bearer ${world.a.creds.admin}`], ['Content-Type', 'application/json']], body: Buffer.from(deeplyNested(32, 'object')) });
    tally.tried++;
    assert.match(JSON.parse(shallow.text).error.message, /Unrecognized key/, 'a body 32 levels deep reaches the settings schema');
  });

  it('when thousands of generated requests hit random routes, then never a 5xx, always the error shape, and nothing crosses sites', async () => {
    let n = 0;
    await holds(fc.asyncProperty(anyCase(world), async (c) => {
      if (++n % 300 === 0) await refreshReaders(env.db, api.app, world);
      await sendAndCheck(client, world, c, tally);
    }), { numRuns: 2500, seed: SEED });
    assert.ok(tally.ok2xx >= 300, `only ${tally.ok2xx} requests were valid enough to succeed`);
  });

  it('when paths outside the declared routes are hostile (traversal, encodings, the queue dashboard), then a 4xx or a redirect, never a file', async () => {
    const prefix = fc.constantFrom('', '/api/v1', '/api/v1/sites', '/embed.js', '/moderate', '/admin/queues', '/login', '/docs', '/api', '//', '/api/v1/comments');
    await holds(fc.asyncProperty(prefix, fc.array(hostileSegment, { minLength: 1, maxLength: 4 }), async (p, segments) => {
      const path = `${p}/${segments.join('/')}`;
      const res = await client.send({ method: 'GET', path, headers: [['Cookie', 'qd_session=forged']] });
      tally.tried++;
      assert.ok(res.status < 500, `GET ${path} → ${res.status} ${res.text.slice(0, 200)}`);
      assert.doesNotMatch(res.text, /root:x:0:0|"devDependencies"|DATABASE_URL|BEGIN [A-Z ]*PRIVATE KEY/, `GET ${path} served a file`);
    }), { numRuns: 300, seed: SEED });
  });

  it('when the run is over, then no generated body polluted Object.prototype', () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
