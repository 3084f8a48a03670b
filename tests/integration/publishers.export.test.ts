import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { buildPost, buildSite, type BuiltSite } from '../support/builders.js';
import { exited, freePort, startService } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';
import { newId } from '#shared/ids.js';

const COMMENTS = 100_000;

let env: TestEnv;
let api: ReturnType<typeof startService>;
let base: string;
let big: BuiltSite;
let small: BuiltSite;

/** Resident memory of a process, from /proc (Linux), in bytes. */
const rssOf = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

before(async () => {
  env = await createTestEnv();
  big = await buildSite(env.db);
  small = await buildSite(env.db);
  const author = newId();
  await env.db.query(
    `INSERT INTO users (id, site_id, external_id, display_name) VALUES ($1, $2, 'bulk', 'Bulk "Reader" <3')`,
    [author, big.siteId],
  );
  await env.db.query(
    `INSERT INTO posts (site_id, id, title, url) SELECT $1, 'p' || g, 'Post ' || g, 'https://n.example/' || g FROM generate_series(0, 99) g`,
    [big.siteId],
  );
  // One statement: 100,000 comments of about 1 KiB each (about 120 MB of NDJSON).
  const client = await env.db.connect();
  await client.query('SET statement_timeout = 0');
  await client.query(
    `INSERT INTO comments (id, site_id, post_id, author_id, root_id, body, status, created_at)
     SELECT x.id, $1, 'p' || (x.g % 100), $2, x.id, repeat(md5(x.g::text), 32), 'approved', now() - x.g * interval '1 second'
       FROM (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $3::int) g) x`,
    [big.siteId, author, COMMENTS],
  );
  await client.query('RESET statement_timeout');
  client.release();
  await buildPost(env.db, small.siteId, { id: 'only' });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = startService('services/api/src/main.ts', {
    ...env.childEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_POOL_MAX: '4',
  });
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, {
    what: 'api ready',
    timeoutMs: 30_000,
  });
});
after(async () => {
  if (api) {
    api.kill('SIGTERM');
    await exited(api);
  }
  await env.close();
});

const exportOf = (s: BuiltSite, signal?: AbortSignal) =>
  fetch(`${base}/api/v1/sites/${s.siteId}/export`, { headers: { Authorization: `Bearer ${s.apiKey}` }, signal });

describe('NDJSON export', () => {
  it("when a site with 100,000 comments is exported, then every line arrives and the API's memory stays flat", async (t) => {
    // Warm up code paths and pools so the baseline is the steady state.
    for (let i = 0; i < 3; i++) await (await exportOf(small)).text();
    const baseline = rssOf(api.pid!);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(api.pid!));
    }, 20);
    const counts = { site: 0, post: 0, comment: 0, end: 0 };
    let end: unknown = null;
    let bytes = 0;
    try {
      const res = await exportOf(big);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/x-ndjson/);
      const decoder = new TextDecoder();
      let rest = '';
      for await (const chunk of res.body!) {
        bytes += chunk.length;
        const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          const row = JSON.parse(line) as { type: keyof typeof counts };
          counts[row.type]++;
          if (row.type === 'end') end = row;
        }
      }
      assert.equal(rest, '', 'the export ends with a newline');
    } finally {
      clearInterval(sampler);
    }
    assert.deepEqual(counts, { site: 1, post: 100, comment: COMMENTS, end: 1 });
    assert.deepEqual(end, { type: 'end', posts: 100, comments: COMMENTS }, 'the last line says the export is whole');
    const growth = peak - baseline;
    t.diagnostic(
      `export: ${(bytes / 1e6).toFixed(0)} MB sent; API RSS ${(baseline / 1e6).toFixed(0)} MB → peak ${(peak / 1e6).toFixed(0)} MB`,
    );
    assert.ok(bytes > 100e6, 'the export is larger than the memory bound, so buffering it would show');
    assert.ok(
      growth < 64e6,
      `API memory grew by ${(growth / 1e6).toFixed(0)} MB while streaming ${(bytes / 1e6).toFixed(0)} MB`,
    );
  });

  it('when clients abandon exports midway, then their connections go back and the next export is whole', async () => {
    // More abandoned exports than the API has connections: a leak would make the last one hang.
    for (let i = 0; i < 6; i++) {
      const ac = new AbortController();
      const res = await exportOf(big, ac.signal);
      const reader = res.body!.getReader();
      await reader.read();
      ac.abort();
      await reader.read().catch(() => undefined);
    }
    const res = await exportOf(small);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; id: string });
    assert.deepEqual(
      lines.map((l) => l.type),
      ['site', 'post', 'end'],
    );
    assert.equal(lines[1]!.id, 'only');
  });

  it('when the key is of another site or lacks comments:read, then 401 or 403 and no data', async () => {
    const cross = await fetch(`${base}/api/v1/sites/${big.siteId}/export`, {
      headers: { Authorization: `Bearer ${small.apiKey}` },
    });
    assert.equal(cross.status, 401);
    const writer = await buildSite(env.db, { scopes: ['posts:write'] });
    const scoped = await fetch(`${base}/api/v1/sites/${writer.siteId}/export`, {
      headers: { Authorization: `Bearer ${writer.apiKey}` },
    });
    assert.equal(scoped.status, 403);
    assert.equal(((await scoped.json()) as { error: { code: string } }).error.code, 'insufficient_scope');
  });
});
