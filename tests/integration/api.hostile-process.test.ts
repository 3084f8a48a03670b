import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { exited, freePort, startService } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';
import { rawClient, rawSocket, statusOf, type RawClient } from '../support/raw-http.js';
import { buildTwoSites, type TwoSites } from '../support/two-sites.js';
import { anyCase } from '../support/route-requests.js';
import { holds, newTally, sendAndCheck, type Tally } from '../support/route-fuzz.js';

/**
 * The API as a real process (rate limits on, as in production) under a slice of the generated
 * hostile requests and under bytes no HTTP client would send: repeated Content-Length,
 * smuggling, broken chunking, raw non-UTF-8 bytes, oversized request lines and headers,
 * bodies cut off mid-way, too many live streams. Afterwards it must still be alive and
 * healthy, and its log must hold no unhandled error.
 */

const SEED = 20261125;
let env: TestEnv;
let api: ReturnType<typeof startService>;
let base: string;
let client: RawClient;
let world: TwoSites;
const tally: Tally = newTally();

before(async () => {
  env = await createTestEnv();
  const port = await freePort();
  api = startService('services/api/src/main.ts', {
    ...env.childEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, {
    what: 'api ready',
    timeoutMs: 30_000,
  });
  client = rawClient(base);
  world = await buildTwoSites(env.db, base, env.config.JWT_SECRET);
});
after(async () => {
  const statuses = [...tally.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  process.stdout.write(
    `# hostile input (API process): ${tally.tried} requests tried over ${tally.routes.size} routes; statuses ${statuses}\n`,
  );
  client?.close();
  if (api && api.exitCode === null) {
    api.kill('SIGTERM');
    await exited(api);
  }
  await env?.close();
});

/** Raw requests, each on its own connection, with what must (not) happen. */
const RAW: [string, string | Buffer][] = [
  [
    'Content-Length twice, disagreeing',
    'POST /api/v1/auth/sso HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{}',
  ],
  [
    'Content-Length with Transfer-Encoding (smuggling)',
    'POST /api/v1/auth/sso HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n',
  ],
  [
    'broken chunk sizes',
    'POST /api/v1/auth/sso HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  ],
  [
    'chunked body over the size limit',
    `POST /api/v1/auth/sso HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${`10000\r\n${'x'.repeat(0x10000)}\r\n`}${`10000\r\n${'x'.repeat(0x10000)}\r\n`}0\r\n\r\n`,
  ],
  [
    'body shorter than its Content-Length, then the connection closes',
    'POST /api/v1/auth/sso HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"siteId":"',
  ],
  [
    'raw bytes 0x80-0xFF in the path',
    Buffer.concat([
      Buffer.from('GET /api/v1/sites/'),
      Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
      Buffer.from('/posts/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ]),
  ],
  [
    'raw bytes 0x80-0xFF in header values',
    Buffer.concat([
      Buffer.from('GET /api/v1/comments/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer '),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from('\r\nOrigin: http://'),
      Buffer.from([0xe2, 0x80, 0xae]),
      Buffer.from('\r\nConnection: close\r\n\r\n'),
    ]),
  ],
  ['NUL in a header value', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\u0000b\r\nConnection: close\r\n\r\n'],
  [
    'a header line without a colon',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nthis is not a header\r\nConnection: close\r\n\r\n',
  ],
  [
    'a 20 KB request line',
    `GET /api/v1/sites/${'a'.repeat(20_000)}/posts/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  ],
  [
    '2,000 headers',
    `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2000 }, (_, i) => `X-H${i}: v\r\n`).join('')}Connection: close\r\n\r\n`,
  ],
  [
    'Authorization three times',
    'GET /api/v1/sites/none/settings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\nAuthorization: Basic c\r\nConnection: close\r\n\r\n',
  ],
  [
    'an absolute URI to another host',
    'GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n',
  ],
  ['an unknown HTTP version', 'GET /healthz HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['HTTP/0.9', 'GET /healthz\r\n\r\n'],
  ['garbage', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 256))],
  [
    'pipelined requests, one of them broken',
    'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  ],
  [
    'Expect: 100-continue with a body never sent',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n',
  ],
  [
    'an unknown Content-Encoding',
    'POST /api/v1/auth/sso HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: br, zstd, x-evil\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
  ],
  [
    'gzip that is not gzip',
    'POST /api/v1/auth/sso HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
  ],
];

describe('hostile input against a real API process', () => {
  it('when generated hostile requests hit every route, then never a 5xx and nothing crosses sites', async () => {
    await holds(
      fc.asyncProperty(anyCase(world), async (c) => {
        await sendAndCheck(client, world, c, tally);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  for (const [name, bytes] of RAW) {
    it(`when a client sends ${name}, then the answer (if any) is not a 5xx and the process lives on`, async () => {
      const raw = await rawSocket(base, bytes, 3000);
      tally.tried++;
      for (const m of raw.matchAll(/HTTP\/1\.[01] (\d{3})/g))
        assert.ok(Number(m[1]) < 500, `${name} → ${raw.slice(0, 300)}`);
      assert.doesNotMatch(raw, /process_cpu|nodejs_/, `${name}: a smuggled request reached /metrics`);
      if (/^HTTP/.test(raw) && statusOf(raw) >= 400 && /content-type: application\/json/i.test(raw)) {
        assert.match(raw, /\{"error":\{"code":"[a-z_]+","message":/, `${name} → ${raw.slice(0, 300)}`);
      }
      assert.equal(api.exitCode, null, `the API exited after ${name}:\n${api.output().slice(-2000)}`);
    });
  }

  it('when one address opens more live streams than allowed, then the extra ones get 429 and closing them frees the slots', async () => {
    const post = world.a.postIds[0]!;
    const controllers = Array.from({ length: 24 }, () => new AbortController());
    const opened = await Promise.all(
      controllers.map((c) =>
        fetch(`${base}/api/v1/sites/${world.a.siteId}/posts/${post}/events`, { signal: c.signal })
          .then((r) => r.status)
          .catch(() => 0),
      ),
    );
    tally.tried += opened.length;
    assert.ok(
      opened.every((s) => s === 200 || s === 429),
      `statuses ${opened.join(',')}`,
    );
    assert.ok(opened.includes(429), 'the per-address limit applied');
    for (const c of controllers) c.abort();
    await waitFor(
      async () => {
        const c = new AbortController();
        const res = await fetch(`${base}/api/v1/sites/${world.a.siteId}/posts/${post}/events`, { signal: c.signal });
        c.abort();
        return res.status === 200;
      },
      { what: 'a stream slot to free up' },
    );
  });

  it('when it is all over, then the process is alive, healthy and ready, and logged no unhandled error', async () => {
    assert.equal(api.exitCode, null, api.output().slice(-2000));
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, `${path} → ${res.status}`);
    }
    // Metrics are labelled by route pattern: hostile paths and methods add no series.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.ok(metrics.split('\n').length < 5000, `/metrics grew to ${metrics.split('\n').length} lines`);
    assert.doesNotMatch(metrics, /%2e|%00|\.\.\/|zq[a-z]+[0-9a-f]{10}/i);
    const out = api.output();
    const severe = out
      .split('\n')
      .filter((l) => /"level":(50|60)|uncaught|unhandled|RangeError|TypeError|FATAL/i.test(l));
    assert.deepEqual(severe, [], 'the API logged errors');
  });
});
