/**
 * What one idle live-update stream costs the API process: opens N streams (default 2,000) on one
 * post of a fresh test database through the API as main.ts serves it (in this process), with the
 * load generator of bench load l in a process of its own, and prints the growth of RSS, the V8 heap
 * (after a full GC) and external memory per stream.
 *   node --expose-gc --import tsx tests/bench/sse-memory.ts [N]
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createApiServer } from '#api/server.js';
import { createTestEnv } from '../support/env.js';
import { startTestApi } from '../support/app.js';
import { buildPost, buildSite } from '../support/builders.js';

const n = Number(process.argv[2] ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const env = await createTestEnv({ SSE_MAX_STREAMS: String(n + 10), SSE_MAX_PER_IP: String(n + 10), LOG_LEVEL: 'warn' });
const api = await startTestApi(env);
const site = await buildSite(env.db);
const postId = await buildPost(env.db, site.siteId);
const server = createApiServer(api.app, api.deps);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const path = `/api/v1/sites/${site.siteId}/posts/${postId}/events`;

// Warm-up: the post look-up cached, the route's code compiled.
for (let i = 0; i < 3; i++) {
  const ctl = new AbortController();
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: ctl.signal });
  ctl.abort();
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
}
const settle = async () => {
  await new Promise((r) => setTimeout(r, 500));
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  return process.memoryUsage();
};
const before = await settle();
const snapshots = process.env.SSE_HEAP_SNAPSHOTS;
if (snapshots) (await import('node:v8')).writeHeapSnapshot(`${snapshots}/before.heapsnapshot`);
const client = fork(fileURLToPath(new URL('./sse-client.ts', import.meta.url)), {
  execArgv: ['--import', 'tsx'],
  env: { PATH: process.env.PATH, SSE_BASES: `127.0.0.1:${port}`, SSE_STREAMS: String(n), SSE_PATH: path },
});
const opened = await new Promise<{ opened: number; failed: number }>((resolve) =>
  client.once('message', (m) => resolve(m as { opened: number; failed: number })),
);
const afterOpen = await settle();
if (snapshots) (await import('node:v8')).writeHeapSnapshot(`${snapshots}/after.heapsnapshot`);
const per = (k: keyof NodeJS.MemoryUsage) =>
  ((afterOpen[k] - before[k]) / 1024 / Math.max(1, opened.opened)).toFixed(2);
console.log(
  JSON.stringify({
    streams: opened.opened,
    failed: opened.failed,
    open: api.deps.threadEvents.openCount(),
    kbPerStream: {
      rss: per('rss'),
      heapUsed: per('heapUsed'),
      external: per('external'),
      arrayBuffers: per('arrayBuffers'),
    },
    rssMB: [(before.rss / 2 ** 20).toFixed(0), (afterOpen.rss / 2 ** 20).toFixed(0)],
  }),
);
client.send({ type: 'stop' });
await new Promise((r) => client.once('exit', r));
server.closeAllConnections();
await new Promise((r) => server.close(r));
await api.close();
await env.close();
