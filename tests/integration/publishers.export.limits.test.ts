import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { openApiDocument } from '../support/openapi.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { buildPost, buildSite, type BuiltSite } from '../support/builders.js';
import { exited, freePort, startService } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';
import { newId } from '#shared/ids.js';

/** Exports held open by clients that stop reading, probed as an outside reviewer did, against a real API process. */

const COMMENTS = 20_000; // about 24 MB of NDJSON per site: far more than the sockets' buffers hold

let env: TestEnv;
let api: ReturnType<typeof startService>;
let port: number;
let base: string;
let bigA: BuiltSite;
let bigB: BuiltSite;
let bigC: BuiltSite;
let small: BuiltSite;
const sockets: net.Socket[] = [];

async function fill(site: BuiltSite): Promise<void> {
  const author = newId();
  await env.db.query(`INSERT INTO users (id, site_id, external_id, display_name) VALUES ($1, $2, 'bulk', 'Bulk')`, [
    author,
    site.siteId,
  ]);
  await env.db.query(
    `INSERT INTO posts (site_id, id, title, url) SELECT $1, 'p' || g, 'Post ' || g, 'https://n.example/' || g FROM generate_series(0, 9) g`,
    [site.siteId],
  );
  await env.db.query(
    `INSERT INTO comments (id, site_id, post_id, author_id, root_id, body, status, created_at)
     SELECT x.id, $1, 'p' || (x.g % 10), $2, x.id, repeat(md5(x.g::text), 32), 'approved', now() - x.g * interval '1 second'
       FROM (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $3::int) g) x`,
    [site.siteId, author, COMMENTS],
  );
}

before(async () => {
  env = await createTestEnv();
  [bigA, bigB, bigC, small] = [
    await buildSite(env.db),
    await buildSite(env.db),
    await buildSite(env.db),
    await buildSite(env.db),
  ];
  for (const s of [bigA, bigB, bigC]) await fill(s);
  await buildPost(env.db, small.siteId, { id: 'only' });
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = startService('services/api/src/main.ts', {
    ...env.childEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_POOL_MAX: '4',
    EXPORT_MAX_CONCURRENT: '2',
    EXPORT_STALL_TIMEOUT_MS: '4000',
    EXPORT_MAX_DURATION_S: '8',
  });
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, {
    what: 'api ready',
    timeoutMs: 30_000,
  });
});
after(async () => {
  for (const s of sockets) s.destroy();
  if (api) {
    api.kill('SIGTERM');
    await exited(api);
  }
  await env.close();
});

/** An export request from a client that reads the status line and then stops reading. */
function slowExport(site: BuiltSite): { status: Promise<number>; closed: () => boolean } {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
  });
  const status = new Promise<number>((resolve) => {
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0));
    });
  });
  socket.write(
    `GET /api/v1/sites/${site.siteId}/export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${site.apiKey}\r\n\r\n`,
  );
  return { status, closed: () => closed };
}

const idleInTransaction = async () =>
  Number(
    (
      await env.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`,
      )
    ).rows[0]!.n,
  );

describe('export limits', () => {
  it('when ten clients open exports and stop reading, then one per site and two per process stream, the rest get 429, and every other request and /readyz still answer', async () => {
    const sameSite = Array.from({ length: 10 }, () => slowExport(bigA));
    const statuses = await Promise.all(sameSite.map((e) => e.status));
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 9, statuses.join(','));

    const other = slowExport(bigB);
    assert.equal(await other.status, 200);
    const third = slowExport(bigC);
    assert.equal(await third.status, 429, 'two exports per process at most');
    const smallExport = await fetch(`${base}/api/v1/sites/${small.siteId}/export`, {
      headers: { Authorization: `Bearer ${small.apiKey}` },
    });
    assert.equal(smallExport.status, 429, 'both export slots are taken by the stalled readers');
    assert.equal(smallExport.headers.get('content-type')?.startsWith('application/json'), true);
    assert.equal(((await smallExport.json()) as { error: { code: string } }).error.code, 'rate_limited');
    // An answer the route gives is one its documentation names.
    const documented = (openApiDocument().paths as Record<string, { get: { responses: Record<string, unknown> } }>)[
      '/api/v1/sites/{siteId}/export'
    ]!.get.responses;
    assert.ok(documented['429'], 'the export documents its 429');

    // Everyone else is served meanwhile, on the requests' own pool.
    for (let i = 0; i < 10; i++) {
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      const thread = await fetch(`${base}/api/v1/sites/${small.siteId}/posts/only/comments`);
      assert.equal(thread.status, 200);
    }
  });

  it('when a client stops reading for EXPORT_STALL_TIMEOUT_MS, then its export is ended, its transaction with it, and the slot is free again', async () => {
    const again = await waitFor(
      async () => {
        const res = await fetch(`${base}/api/v1/sites/${small.siteId}/export`, {
          headers: { Authorization: `Bearer ${small.apiKey}` },
        });
        if (res.status === 200) return res;
        await res.body?.cancel();
        return null;
      },
      { what: 'an export slot freed by the stalled readers', timeoutMs: 30_000 },
    );
    await waitFor(async () => (await idleInTransaction()) === 0, {
      what: 'no export transaction left open',
      timeoutMs: 30_000,
    });
    const lines = (await again.text())
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    assert.deepEqual(lines, ['site', 'post', 'end'], 'the site line, its one post and the end line');
  });

  it('when a client reads steadily but slowly, never stalling, then its export is ended at EXPORT_MAX_DURATION_S, its transaction with it', async () => {
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    // A moment's reading every tenth of a second: never a stall, on either side, and too slow to finish 24 MB in time.
    let read = 0;
    socket.on('data', (chunk: Buffer) => {
      read += chunk.length;
      socket.pause();
      setTimeout(() => socket.resume(), 100).unref();
    });
    const exporting = async () =>
      (
        await env.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%''type'', ''comment''%'`,
        )
      ).rowCount! > 0;
    const started = Date.now();
    socket.write(
      `GET /api/v1/sites/${bigA.siteId}/export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bigA.apiKey}\r\n\r\n`,
    );
    await waitFor(exporting, { what: 'the export reading comments' });
    await waitFor(async () => !(await exporting()), { what: 'the export’s connection gone', timeoutMs: 60_000 });
    const took = Date.now() - started;
    socket.destroy();
    assert.ok(read > 0 && read < 24_000_000, `read ${read} bytes while it went on`);
    assert.ok(took >= 7_000 && took < 30_000, `the export's connection ended after ${took} ms (limit 8 s)`);
  });
});
