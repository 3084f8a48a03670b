/**
 * `npm run bench [-- options]`: load-tests the API and the worker as separate processes against a
 * private database and Redis prefix, and prints one markdown table (also bench-results/latest.md).
 *
 * Loads (all by default; `--only a,b` for a subset):
 *   a   GET the first page (?limit=50) of a post with 1,000 approved comments (served from the thread cache), 50
 *       connections; measured right after a0, a bare Express 5 app sending the same bytes (the target is a ratio)
 *   a2  the same GET with the thread cache off (THREAD_CACHE_TTL_MS=0): the Postgres path, to compare data sizes
 *   t   thread size: with the thread cache off (the Postgres path), the first page, a deep "load more" page (the
 *       middle of the thread) in the default and in the "most reacted" order, and a replies page of a post with
 *       100,000 approved comments (2,000 replies under one), against the same four of a post with 1,000 (100
 *       replies under one); 50 connections each
 *   l   live readers: --streams N (default 20,000) SSE streams on one post, opened by separate client processes
 *       (tests/bench/sse-client.ts, raw sockets) against the API process(es); memory per idle stream, then
 *       comments posted at 2/s and each one's delivery to every stream (Postgres decided_at → received)
 *   b   authenticated POST of comments (1,000 distinct readers, 20 posts), 50 connections; worker running
 *   c   pipeline throughput: POST as fast as 50 connections go (or --c-rate) for 30 s; comments persisted per
 *       second in Postgres over the window, backlog at the end, and the worker's drain rate once POSTs stop
 *   c2  worker capacity alone: 20,000 jobs added straight to the paused queue (as the API adds them), then
 *       the time the worker(s) take to store them all
 *   d   end-to-end latency at a steady 200 comments/s: 190/s over 20 posts, each POST sent when it is due
 *       (runSteady in loads.ts, open loop, not autocannon -R, which sends each second's share as one burst),
 *       plus a probe that POSTs 10/s to its own post and polls GET until the comment is in the first page (POST → visible);
 *       also accepted → decided (comments.decided_at − created_at) for every comment of the window
 *   e   pipeline with a remote scorer: the site scores with Perspective, whose endpoint is a fake on
 *       127.0.0.1 answering in 100 ms; one run per --e-rates value of PERSPECTIVE_RATE (tests/bench/remote-scorer.ts)
 *   w   the widget in Chromium on the demo article page: embed.js loaded → first thread of 50 comments
 *       rendered (the demo publisher on its own origin, a fresh browser context per run; see widget-render.ts)
 *
 * Several API processes (--api N) listen on consecutive free ports; autocannon is given one url per
 * process and spreads its connections over them round-robin, so one result covers them all.
 */
import { configSchema } from '#shared/config.js';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Queue } from 'bullmq';
import { createPool, type Pool } from '#shared/db/pool.js';
import { createRedis, type RedisClient } from '#shared/redis.js';
import { commentJobId, commentJobOptions, createCommentsQueue, type CommentJob } from '#shared/queues.js';
import { newId } from '#shared/ids.js';
import { encodeCursor } from '#api/comments/thread.js';
import {
  freePort,
  hardFileLimit,
  rssOf,
  killAllNow,
  liveChildren,
  sleep,
  SERVICE_NODE_OPTIONS,
  startChild,
  startSampler,
  stopChildren,
  waitHealthy,
  type Child,
  type ResourceReport,
} from './procs.js';
import { describeCannon, percentile, runCannon, runProbe, runSteady, stopCannon, type CannonSpec } from './loads.js';
import { loadRemoteScorer } from './remote-scorer.js';
import { startPgBouncer, type TestPgBouncer } from '../support/pgbouncer.js';
import { measureWidgetRender } from './widget-render.js';
import {
  createSite,
  dropDatabase,
  recreateDatabase,
  registerPosts,
  seedBulk,
  seedHotPost,
  seedReplies,
  settle,
  signInReaders,
  type BenchSite,
  type Reader,
} from './seed.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ALL_LOADS = ['a', 'a2', 't', 'l', 'b', 'b2', 'c', 'c2', 'd', 'e', 'w'] as const;
type LoadKey = (typeof ALL_LOADS)[number];

const HELP = `usage: npm run bench -- [options]
  --api N          API processes (default 1), each on its own port
  --workers M      worker processes (default 1)
  --only LIST      comma-separated subset of ${ALL_LOADS.join(',')} (default: all)
  --duration S     seconds of every load (default: a, a2, b 10 s; c 30 s; d 20 s)
  --comments N     seed N more approved comments over N/100 posts before the loads (e.g. 10000000)
  --streams N      live streams load l opens (default 20000), spread over the API processes
  --readers N      distinct readers signed in through SSO for the POST loads (default 1000)
  --posts N        posts the POST loads spread over (default 20; 1 = one hot post)
  --c-rate R       fixed POST rate for load c (default 0: as fast as 50 connections go)
  --d-rate R       total comment rate of load d (default 200)
  --e-rates LIST   PERSPECTIVE_RATE values (requests/s) load e runs at (default 50,150,1000)
  --env K=V        extra environment for the API and worker processes (repeatable), e.g. --env WORKER_CONCURRENCY=64
  --node-arg X     extra node option for the API and worker processes (repeatable), e.g. --node-arg=--cpu-prof
  --database NAME  database the bench creates and drops (default comments_bench); another name lets two checkouts bench in turn without dropping each other's
  --keep-db        keep the bench database afterwards (default: dropped)
  --write-docs     also write the results into docs/benchmarks.md (done anyway when every load ran)
  --pgbouncer N    the services reach Postgres through a PgBouncer started by the bench (transaction mode,
                   default_pool_size N), configured as for PgBouncer < 1.21: DATABASE_PREPARED_STATEMENTS=false,
                   DATABASE_STATEMENT_TIMEOUT_MS=0 (default 0: straight to Postgres)
Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (default redis://127.0.0.1:6379).`;

const { values: flags } = parseArgs({
  options: {
    api: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    only: { type: 'string' },
    duration: { type: 'string' },
    comments: { type: 'string', default: '0' },
    readers: { type: 'string', default: '1000' },
    streams: { type: 'string', default: '20000' },
    posts: { type: 'string', default: '20' },
    'c-rate': { type: 'string', default: '0' },
    'd-rate': { type: 'string', default: '200' },
    'e-rates': { type: 'string', default: '50,150,1000' },
    database: { type: 'string', default: 'comments_bench' },
    'keep-db': { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    pgbouncer: { type: 'string', default: '0' },
    env: { type: 'string', multiple: true, default: [] },
    'node-arg': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (flags.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

function intFlag(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name}: expected an integer from ${min} to ${max}\n${HELP}\n`);
    process.exit(2);
  }
  return n;
}
const API_COUNT = intFlag('api', flags.api, 1, 8);
const WORKER_COUNT = intFlag('workers', flags.workers, 1, 8);
const PGBOUNCER_POOL = intFlag('pgbouncer', flags.pgbouncer, 0, 200);
const SEED_COMMENTS = intFlag('comments', flags.comments, 0, 50_000_000);
const READERS = intFlag('readers', flags.readers, 1, 20_000);
const STREAMS = intFlag('streams', flags.streams, 1, 200_000);
const WRITE_POSTS = intFlag('posts', flags.posts, 1, 1000);
const C_RATE = intFlag('c-rate', flags['c-rate'], 0, 100_000);
const D_RATE = intFlag('d-rate', flags['d-rate'], 20, 10_000);
const E_RATES = (flags['e-rates'] ?? '').split(',').map((r) => intFlag('e-rates', r.trim(), 1, 100_000));
const DURATION = flags.duration === undefined ? null : intFlag('duration', flags.duration, 1, 600);
const SELECTED = new Set<LoadKey>(
  (flags.only ?? ALL_LOADS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((k) => {
      if (!(ALL_LOADS as readonly string[]).includes(k)) {
        process.stderr.write(`--only: unknown load ${k} (expected ${ALL_LOADS.join(', ')})\n`);
        process.exit(2);
      }
      return k as LoadKey;
    }),
);
const dur = (def: number) => DURATION ?? def;
const SERVICE_ENV: Record<string, string> = Object.fromEntries(
  (flags.env ?? []).map((kv) => {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) {
      process.stderr.write(`--env: expected KEY=VALUE, got ${kv}\n`);
      process.exit(2);
    }
    return [m[1]!, m[2]!];
  }),
);

const PG_SERVER = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
for (const u of [PG_SERVER, REDIS_URL]) {
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname)) {
    process.stderr.write(`refusing a non-local target: ${u}\n`);
    process.exit(2);
  }
}
const DB_NAME = flags.database ?? 'comments_bench';
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(DB_NAME) || ['postgres', 'template0', 'template1'].includes(DB_NAME)) {
  process.stderr.write(
    `--database: expected a plain lower-case name other than postgres and the templates, got ${DB_NAME}\n`,
  );
  process.exit(2);
}
const TAG = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const QUEUE_PREFIX = `{bench-${TAG}}`;
/** The API processes share it (tokens one issues, another verifies); random per run. */
const JWT_SECRET = randomBytes(32).toString('base64url');
const SITE_ID = 'bench';
const HOT_POST = 'hot-1000';
const HOT_COUNT = 1000;
const OUT_DIR = path.join(ROOT, 'bench-results');
const DOCS_START = '<!-- bench:start -->';
const DOCS_END = '<!-- bench:end -->';
const LOG_DIR = path.join(OUT_DIR, 'logs');

const log = (msg: string) => process.stdout.write(`${msg}\n`);

// ---------------------------------------------------------------------------------------------
// State shared with cleanup.

let dbUrl = '';
let bouncer: TestPgBouncer | null = null;
let pool: Pool | null = null;
let redis: RedisClient | null = null;
let queueRedis: RedisClient | null = null;
let queue: Queue<CommentJob> | null = null;
let apis: Child[] = [];
/** Each API process's metrics port (API_METRICS_PORT), by index in `apis`. */
let apiMetricsPorts: number[] = [];
let workers: Child[] = [];
let apiEnvExtra: Record<string, string> = {};
let interrupted = false;
let cleaning: Promise<void> | null = null;

function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: bouncer ? bouncer.via(dbUrl) : dbUrl,
    ...(bouncer
      ? { MIGRATION_DATABASE_URL: dbUrl, DATABASE_PREPARED_STATEMENTS: 'false', DATABASE_STATEMENT_TIMEOUT_MS: '0' }
      : {}),
    REDIS_URL,
    QUEUE_PREFIX,
    JWT_SECRET,
    RATE_LIMITS: 'off',
    // A production build under load from one address: the limits would measure themselves, not the service.
    RATE_LIMITS_OFF_IN_PRODUCTION: 'true',
    LOG_LEVEL: 'warn',
    ...SERVICE_ENV,
  };
}

async function startApis(extra: Record<string, string>): Promise<void> {
  if (apis.length > 0) await stopChildren(apis);
  apiEnvExtra = extra;
  apis = [];
  apiMetricsPorts = [];
  for (let i = 0; i < API_COUNT; i++) {
    const port = await freePort();
    const metricsPort = await freePort();
    apiMetricsPorts.push(metricsPort);
    apis.push(
      startChild({
        name: `api-${i}`,
        kind: 'api',
        entry: 'services/api/src/main.ts',
        cwd: ROOT,
        logDir: LOG_DIR,
        port,
        env: { ...baseEnv(), PORT: String(port), API_METRICS_PORT: String(metricsPort), ...extra },
        nodeArgs: flags['node-arg'],
      }),
    );
  }
  await Promise.all(apis.map((a) => waitHealthy(a, `http://127.0.0.1:${a.port}/readyz`)));
}

async function startWorkers(extra: Record<string, string> = {}): Promise<void> {
  if (workers.length > 0) await stopChildren(workers);
  workers = [];
  for (let i = 0; i < WORKER_COUNT; i++) {
    const port = await freePort();
    workers.push(
      startChild({
        name: `worker-${i}`,
        kind: 'worker',
        entry: 'services/worker/src/main.ts',
        cwd: ROOT,
        logDir: LOG_DIR,
        port,
        env: { ...baseEnv(), WORKER_METRICS_PORT: String(port), ...extra },
        nodeArgs: flags['node-arg'],
      }),
    );
  }
  await Promise.all(workers.map((w) => waitHealthy(w, `http://127.0.0.1:${w.port}/healthz`)));
}

const bases = () => apis.map((a) => `http://127.0.0.1:${a.port}`);

/** Requests each API process has answered so far (its own /metrics, on its metrics port), to show how the load was shared. */
async function answeredPerApi(): Promise<number[]> {
  return Promise.all(
    apiMetricsPorts.map(async (port) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return text
        .split('\n')
        .filter((l) => l.startsWith('http_request_duration_seconds_count'))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    }),
  );
}

/** ", shared 50/50 % by the API processes" when there are several. */
async function shareNote(before: number[]): Promise<string> {
  if (apis.length < 2) return '';
  const after = await answeredPerApi();
  const d = after.map((n, i) => n - (before[i] ?? 0));
  const total = d.reduce((a, b) => a + b, 0) || 1;
  return `; answered ${d.map((n) => Math.round((100 * n) / total)).join('/')} % by the ${apis.length} API processes`;
}

/** Fails the run if a child died (its log tail is shown). */
function assertChildrenAlive(): void {
  for (const c of [...apis, ...workers]) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) {
      throw new Error(`${c.name} exited (${c.proc.exitCode ?? c.proc.signalCode}); see ${c.logFile}`);
    }
  }
}

async function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopCannon();
    await stopChildren(liveChildren()).catch(() => killAllNow());
    if (queue) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
    }
    if (redis) {
      // Our own keys under the prefix (rate limits are off; idempotency keys, if any).
      let cursor = '0';
      for (let i = 0; i < 10_000; i++) {
        const [next, keys] = await redis
          .scan(cursor, 'MATCH', `${QUEUE_PREFIX}*`, 'COUNT', 1000)
          .catch(() => ['0', [] as string[]] as const);
        if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
        cursor = next;
        if (cursor === '0') break;
      }
    }
    await Promise.allSettled([redis?.quit(), queueRedis?.quit(), pool?.end()]);
    await bouncer?.stop().catch(() => undefined);
    if (dbUrl && !flags['keep-db'])
      await dropDatabase(PG_SERVER, DB_NAME).catch((err) =>
        log(`could not drop ${DB_NAME}: ${(err as Error).message}`),
      );
  })();
  return cleaning;
}

process.on('exit', () => killAllNow());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) {
      killAllNow();
      process.exit(130);
    }
    interrupted = true;
    log(`\n${sig}: stopping the load and the services…`);
    void cleanup().finally(() => process.exit(130));
  });
}

function checkInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

// ---------------------------------------------------------------------------------------------
// Results.

interface Row {
  key: string;
  load: string;
  reqPerSec: string;
  p50: string;
  p99: string;
  errors: string;
  result: string;
  res: ResourceReport | null;
  target: string;
  verdict: string;
}
const rows: Row[] = [];
const commands: string[] = [];
const notes: string[] = [];

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : Math.round(n).toString()) : '–');

function errorsOf(r: {
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count?: number }>;
}): string {
  const codes = Object.entries(r.statusCodeStats ?? {})
    .filter(([c]) => !c.startsWith('2'))
    .map(([c, v]) => `${c}×${v.count ?? 0}`);
  return `${r.errors} err${r.timeouts ? ` (${r.timeouts} timeouts)` : ''} / ${r.non2xx} non-2xx${codes.length ? ` (${codes.join(', ')})` : ''}`;
}

const cpuText = (r: ResourceReport) =>
  `api ${r.cpu.api.toFixed(2)} · worker ${r.cpu.worker.toFixed(2)} · pg ${r.cpu.postgres.toFixed(2)} · redis ${r.cpu.redis.toFixed(2)} · bench ${r.cpu.bench.toFixed(2)} · other ${r.cpu.other.toFixed(2)} (of ${os.cpus().length})`;
const rssText = (mb: number, total: number, count: number) => (count > 1 ? `${mb} (Σ ${total})` : `${mb}`);

function tableMarkdown(): string {
  const head = [
    'Load',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors / non-2xx',
    'result',
    `API RSS peak MB${API_COUNT > 1 ? ' (per proc, Σ)' : ''}`,
    `worker RSS peak MB${WORKER_COUNT > 1 ? ' (per proc, Σ)' : ''}`,
    'CPU cores used',
    'target',
    '',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    lines.push(
      `| ${[
        `**${r.key}** ${r.load}`,
        r.reqPerSec,
        r.p50,
        r.p99,
        r.errors,
        r.result,
        r.res ? rssText(r.res.apiRssMb, r.res.apiRssTotalMb, API_COUNT) : '',
        r.res ? rssText(r.res.workerRssMb, r.res.workerRssTotalMb, WORKER_COUNT) : '',
        r.res ? cpuText(r.res) : '',
        r.target,
        r.verdict,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Loads.

const postsOf = (prefix: string) => Array.from({ length: WRITE_POSTS }, (_, i) => `${prefix}-${i}`);
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
// Comments as readers write them: each one different, as real threads are (the repeat rule rejects
// a reader's identical texts and the campaign rule holds near-identical texts from many accounts, so
// a handful of fixed sentences would measure those rules instead of the pipeline).
const OPENERS = [
  'I think',
  'Honestly,',
  'As a reader in the area,',
  'Good piece, but',
  'Does anyone know why',
  'It seems to me that',
  'Thanks for this;',
  'My question is whether',
];
const WORDS = (
  'council budget street school transit hospital library mayor election report figure timeline interview ' +
  'district winter flooding neighbour route decision meeting document paragraph newsroom province policy housing rent ' +
  'teacher nurse bridge market harbour farmer river station parking bicycle bakery festival museum archive survey vote ' +
  'candidate debate ballot audit contract tender deadline season forecast rainfall summer autumn village county grant ' +
  'clinic pharmacy ferry tunnel highway airport runway garden playground stadium arena orchestra theatre column editor ' +
  'should could would might clearly rarely often never always quickly slowly carefully openly fairly really quite ' +
  'new old local public private small large early late better worse cheaper safer quieter busier fewer more less'
).split(' ');
const sentence = () => {
  const n = 10 + Math.floor(Math.random() * 10);
  return `${pick(OPENERS)} ${Array.from({ length: n }, () => pick(WORDS)).join(' ')}.`;
};
const commentBody = () => JSON.stringify({ body: sentence() });

function postSpec(
  title: string,
  readers: Reader[],
  posts: string[],
  connections: number,
  duration: number,
  overallRate?: number,
): CannonSpec {
  const samplePost = posts[0]!;
  return {
    title,
    bases: bases(),
    method: 'POST',
    path: `/api/v1/sites/${SITE_ID}/posts/${samplePost}/comments`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer <reader access token>' },
    body: commentBody(),
    connections,
    duration,
    ...(overallRate ? { overallRate } : {}),
    vary: () => ({
      path: `/api/v1/sites/${SITE_ID}/posts/${pick(posts)}/comments`,
      headers: { authorization: `Bearer ${pick(readers).token}` },
      body: commentBody(),
    }),
    varyNote: `random reader of ${readers.length} (own SSO access token), random post of ${posts.length} (${posts[0]}…${posts[posts.length - 1]}), body a random 10–19-word sentence of a ${WORDS.length}-word clean vocabulary`,
  };
}

async function warmup(spec: CannonSpec, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  await runCannon({
    ...spec,
    title: `${spec.title} (warm-up)`,
    duration: seconds,
    connections: Math.min(spec.connections, 10),
  });
}

async function loadGet(key: 'a' | 'a2'): Promise<void> {
  const cacheOff = key === 'a2';
  const want: Record<string, string> = cacheOff ? { THREAD_CACHE_TTL_MS: '0' } : {};
  if (JSON.stringify(want) !== JSON.stringify(apiEnvExtra)) {
    log(
      `  restarting ${API_COUNT} API process(es) with ${cacheOff ? 'THREAD_CACHE_TTL_MS=0' : 'the default thread cache'}`,
    );
    await startApis(want);
  }
  const spec: CannonSpec = {
    title: key,
    bases: bases(),
    method: 'GET',
    path: `/api/v1/sites/${SITE_ID}/posts/${HOT_POST}/comments?limit=50`,
    connections: 50,
    duration: dur(10),
  };
  commands.push(
    `**${key}**: ${describeCannon(spec)}${cacheOff ? '\n    # API processes started with THREAD_CACHE_TTL_MS=0' : ''}`,
  );
  // The yardstick, measured in the same minute: bare Express sending the same bytes.
  const bare = cacheOff ? null : await loadBareExpress(spec);
  await warmup(spec, 2);
  checkInterrupted();
  const shares0 = await answeredPerApi();
  const sampler = startSampler();
  const r = await runCannon(spec);
  const res = sampler.stop();
  assertChildrenAlive();
  const shared = await shareNote(shares0);
  const rps = r['2xx'] / r.duration;
  rows.push({
    key,
    load: cacheOff
      ? `GET page 1 of a ${HOT_COUNT}-comment post, thread cache **off** (Postgres path), 50 conn`
      : `GET page 1 of a ${HOT_COUNT}-comment post (thread cache), 50 conn`,
    reqPerSec: f0(rps),
    p50: ms(r.latency.p50),
    p99: ms(r.latency.p99),
    errors: errorsOf(r),
    result: `${f0(r.requests.total)} requests in ${f1(r.duration)} s; ${f1(r.throughput.average / 1e6)} MB/s${shared}`,
    res,
    target: cacheOff ? '(diagnostic)' : '≥ 0.9 × bare Express (a0), p99 ≤ 25 ms',
    verdict: cacheOff
      ? ''
      : bare && rps >= 0.9 * bare.rps && r.latency.p99 <= 25 && r.non2xx === 0
        ? `✅ ${(rps / (bare?.rps ?? NaN)).toFixed(2)} ×`
        : `❌ ${(rps / (bare?.rps ?? NaN)).toFixed(2)} ×`,
  });
}

const LIVE_POST = 'live-0';
/** Streams the bench's h2c client puts on one connection (the server allows H2C_STREAMS_PER_CONNECTION). */
const H2C_PER_CONNECTION = 500;

/**
 * l: SSE_STREAMS-many live streams on one post, opened by client processes of their own (each
 * holding at most what the file limit allows), the API processes restarted with stream limits
 * that admit them and the file limit raised as far as the hard limit allows (ulimit -n). Reports
 * the API's RSS per idle stream, then posts comments at 2/s and measures, for every stream and
 * every approved comment, Postgres decided_at → the stream received its `comments` event.
 */
async function loadLive(readers: Reader[], protocol: 'h2c' | 'http1'): Promise<void> {
  const h2c = protocol === 'h2c';
  const hard = hardFileLimit();
  // Over HTTP/1.1 each stream is a socket (a file): the process's own files, Postgres and Redis take the last 200.
  // Over h2c, H2C_PER_CONNECTION streams share a socket.
  const perProcess = h2c ? STREAMS : hard - 200;
  const want = STREAMS;
  const capacity = perProcess * API_COUNT;
  const n = Math.min(want, capacity);
  const limits = { SSE_MAX_STREAMS: String(perProcess), SSE_MAX_PER_IP: String(perProcess) };
  const key = h2c ? 'l' : 'l1';
  log(
    `  restarting ${API_COUNT} API process(es) with ${JSON.stringify(limits)}, ulimit -n ${hard}${h2c ? ', LIVE_H2C_PORT' : ''}`,
  );
  await stopChildren(apis);
  apis = [];
  apiMetricsPorts = [];
  const h2cPorts: number[] = [];
  for (let i = 0; i < API_COUNT; i++) {
    const port = await freePort();
    const metricsPort = await freePort();
    const h2cPort = h2c ? await freePort() : 0;
    apiMetricsPorts.push(metricsPort);
    h2cPorts.push(h2cPort);
    apis.push(
      startChild({
        name: `api-${i}`,
        kind: 'api',
        entry: 'services/api/src/main.ts',
        cwd: ROOT,
        logDir: LOG_DIR,
        port,
        env: {
          ...baseEnv(),
          PORT: String(port),
          API_METRICS_PORT: String(metricsPort),
          LIVE_H2C_PORT: String(h2cPort),
          ...limits,
        },
        nodeArgs: flags['node-arg'],
        nofile: hard,
      }),
    );
  }
  apiEnvExtra = limits;
  await Promise.all(apis.map((a) => waitHealthy(a, `http://127.0.0.1:${a.port}/readyz`)));
  const path = `/api/v1/sites/${SITE_ID}/posts/${LIVE_POST}/events`;
  // Warm the post lookup, then the baseline memory of each idle API process.
  for (const b of bases()) {
    const ctl = new AbortController();
    const r = await fetch(`${b}${path}`, { signal: ctl.signal });
    ctl.abort();
    if (r.status !== 200) throw new Error(`l: GET ${path} answered ${r.status}`);
  }
  await sleep(1000);
  const rss0 = apis.map((a) => rssOf(a.pid));
  // One client process holds what its file limit allows over HTTP/1.1; over h2c one holds them all.
  const clientCount = h2c ? 1 : Math.ceil(n / perProcess);
  const clients: Child[] = [];
  const opened = await Promise.all(
    Array.from({ length: clientCount }, (_, i) => {
      const streams = h2c ? n : Math.min(perProcess, n - i * perProcess);
      const c = startChild({
        name: `sse-client-${i}`,
        kind: 'load',
        entry: 'tests/bench/sse-client.ts',
        cwd: ROOT,
        logDir: LOG_DIR,
        port: 0,
        env: {
          PATH: process.env.PATH,
          SSE_BASES: apis.map((a, j) => `127.0.0.1:${h2c ? h2cPorts[j] : a.port}`).join(','),
          SSE_STREAMS: String(streams),
          SSE_PATH: path,
          ...(h2c ? { SSE_H2_PER_CONNECTION: String(H2C_PER_CONNECTION) } : {}),
        },
        nofile: hard,
        ipc: true,
      });
      clients.push(c);
      return new Promise<{ opened: number; failed: number }>((resolve, reject) => {
        c.proc.once('message', (m) => resolve(m as { opened: number; failed: number }));
        void c.exited.then(() => reject(new Error(`${c.name} exited; see ${c.logFile}`)));
      });
    }),
  );
  try {
    const open = opened.reduce((s, o) => s + o.opened, 0);
    const failed = opened.reduce((s, o) => s + o.failed, 0);
    await sleep(3000);
    const rss1 = apis.map((a) => rssOf(a.pid));
    const kbPerStream = open > 0 ? rss1.reduce((s, r, i) => s + r - (rss0[i] ?? 0), 0) / open : NaN;
    log(
      `  ${f0(open)} streams open (${f0(failed)} failed); API RSS ${rss0.map((r) => f0(r / 1024)).join('/')} → ${rss1.map((r) => f0(r / 1024)).join('/')} MB`,
    );

    // Comments at a steady 2/s, each by another reader (all approved: clean text, established readers).
    const duration = dur(10);
    const ids: string[] = [];
    let postErrors = 0;
    const sampler = startSampler();
    const t0 = performance.now();
    for (let i = 0; i < duration * 2; i++) {
      const due = t0 + i * 500;
      if (due > performance.now()) await sleep(due - performance.now());
      void fetch(`${bases()[i % API_COUNT]}/api/v1/sites/${SITE_ID}/posts/${LIVE_POST}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${readers[i % readers.length]!.token}` },
        body: commentBody(),
      })
        .then(async (r) => {
          const body = (await r.json()) as { id?: string };
          if (r.status === 202 && body.id) ids.push(body.id);
          else postErrors++;
        })
        .catch(() => postErrors++);
    }
    // Every comment decided, then time for the last events to arrive.
    for (let i = 0; i < 100; i++) {
      const done = await pool!.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE id = ANY($1)', [
        ids,
      ]);
      if (done.rows[0]!.n >= ids.length && ids.length + postErrors >= duration * 2) break;
      await sleep(100);
    }
    await sleep(3000);
    const res = sampler.stop();
    const decided = (
      await pool!.query<{ ms: number }>(
        `SELECT (extract(epoch FROM decided_at) * 1000)::float8 AS ms FROM comments
          WHERE id = ANY($1) AND status = 'approved' ORDER BY decided_at`,
        [ids],
      )
    ).rows.map((r) => r.ms);
    const received = (
      await Promise.all(
        clients.map(
          (c) =>
            new Promise<number[][]>((resolve) => {
              c.proc.once('message', (m) => resolve((m as { received: number[][] }).received));
              c.proc.send?.({ type: 'report' });
            }),
        ),
      )
    ).flat();
    const latencies: number[] = [];
    let missed = 0;
    for (const times of received) {
      for (let i = 0; i < decided.length; i++) {
        const t = times?.[i];
        if (t === undefined) missed++;
        else latencies.push(t - decided[i]!);
      }
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const how = h2c
      ? `node:http2, ${f0(Math.ceil(n / H2C_PER_CONNECTION))} connections × ${H2C_PER_CONNECTION} streams, to each API's LIVE_H2C_PORT`
      : 'raw sockets, one connection per stream, waves of 500';
    commands.push(
      `**${key}**: ${clientCount} × tests/bench/sse-client.ts (${how}) open ${f0(n)} × GET ${path} over ${API_COUNT} API process(es) (each started with ulimit -n ${hard}, SSE_MAX_STREAMS=SSE_MAX_PER_IP=${perProcess}); then POST a comment to ${LIVE_POST} every 500 ms for ${duration} s (a different reader each); latency = receipt of the stream's i-th \`event: comments\` − decided_at of the i-th approved comment (by decided_at)`,
    );
    rows.push({
      key,
      load: `${f0(n)} live streams (SSE) on one post over ${API_COUNT} API process(es), idle, ${h2c ? `over h2c (${H2C_PER_CONNECTION} streams a connection, as behind an HTTP/2 load balancer)` : 'over HTTP/1.1 (a connection each, as from browsers directly)'}`,
      reqPerSec: '',
      p50: '',
      p99: '',
      errors: `${f0(failed)} failed to open`,
      result: `**${f0(open)} open; ${f1(kbPerStream)} KB API RSS per idle stream** (RSS ${rss0.map((r) => f0(r / 1024)).join('/')} → ${rss1.map((r) => f0(r / 1024)).join('/')} MB)${want > capacity ? `; ${f0(want)} asked, capped at ${f0(perProcess)} per process by the hard open-file limit (${hard})` : ''}`,
      res: null,
      target: h2c ? '≥ 20,000 per process, ≤ 10 KB per stream' : '(reference: a file per stream)',
      // The target is per process: several processes share the streams they hold.
      verdict: h2c ? (open / API_COUNT >= 20_000 && kbPerStream <= 10 ? '✅' : '❌') : '',
    });
    rows.push({
      key: `${key}′`,
      load: `a comment every 500 ms for ${duration} s reaching all ${f0(open)} streams: decided_at → event received`,
      reqPerSec: '',
      p50: ms(p50),
      p99: ms(p99),
      errors: `${postErrors} POST errors; ${f0(missed)} deliveries missing`,
      result: `${f0(latencies.length)} deliveries of ${decided.length} approved comments; max ${ms(latencies.reduce((m, x) => Math.max(m, x), -Infinity))} ms`,
      res,
      target: 'p99 ≤ 2,000 ms, none missing',
      verdict: p99 <= 2000 && missed === 0 && decided.length > 0 ? '✅' : '❌',
    });
  } finally {
    for (const c of clients) c.proc.send?.({ type: 'stop' });
    await stopChildren(clients);
    await startApis({});
  }
}

const SIZE_POSTS = [
  { id: 'size-1k', comments: 1000, replies: 100 },
  { id: 'size-100k', comments: 100_000, replies: 2000 },
] as const;

/**
 * t: the Postgres path of a thread page as threads grow: seeds the two SIZE_POSTS (top-level
 * comments, then replies under the newest), restarts the API with the thread cache off, and
 * measures four pages of each, the 1,000-comment post's first.
 */
async function loadThreadSize(readers: Reader[]): Promise<void> {
  const authors = readers.map((r) => r.userId);
  // Seeding 100,000 rows in one statement may outlast the services' statement timeout on a busy machine.
  const seeder = createPool({ url: dbUrl, max: 1, statementTimeoutMs: 0, onError: () => undefined });
  const pages: { post: (typeof SIZE_POSTS)[number]; what: string; path: string }[] = [];
  for (const post of SIZE_POSTS) {
    const t0 = performance.now();
    await seedHotPost(seeder, SITE_ID, post.id, authors, post.comments);
    const newest = await seeder.query<{ id: string }>(
      'SELECT id FROM comments WHERE site_id = $1 AND post_id = $2 AND parent_id IS NULL ORDER BY id DESC LIMIT 1',
      [SITE_ID, post.id],
    );
    const parentId = newest.rows[0]!.id;
    await seedReplies(seeder, { siteId: SITE_ID, postId: post.id, parentId, authorIds: authors, count: post.replies });
    const middle = await seeder.query<{ id: string }>(
      'SELECT id FROM comments WHERE site_id = $1 AND post_id = $2 AND parent_id IS NULL ORDER BY id DESC OFFSET $3 LIMIT 1',
      [SITE_ID, post.id, Math.floor(post.comments / 2)],
    );
    const cursor = encodeCursor(middle.rows[0]!.id);
    const middleReacted = await seeder.query<{ id: string; n: number }>(
      `SELECT id, CASE WHEN status = 'approved' AND deleted_at IS NULL THEN reaction_count ELSE 0 END AS n
         FROM comments WHERE site_id = $1 AND post_id = $2 AND parent_id IS NULL
        ORDER BY n DESC, id DESC OFFSET $3 LIMIT 1`,
      [SITE_ID, post.id, Math.floor(post.comments / 2)],
    );
    const reactedCursor = encodeCursor(middleReacted.rows[0]!.id, middleReacted.rows[0]!.n);
    const base = `/api/v1/sites/${SITE_ID}/posts/${post.id}/comments`;
    pages.push(
      { post, what: 'first page', path: `${base}?limit=50` },
      {
        post,
        what: `"load more" at comment ${(post.comments / 2).toLocaleString('en-US')}`,
        path: `${base}?limit=50&cursor=${cursor}`,
      },
      {
        post,
        what: `"most reacted" order, "load more" at comment ${(post.comments / 2).toLocaleString('en-US')}`,
        path: `${base}?sort=reacted&limit=50&cursor=${reactedCursor}`,
      },
      {
        post,
        what: `replies page (of ${post.replies.toLocaleString('en-US')})`,
        path: `${base}/${parentId}/replies?limit=50`,
      },
    );
    log(
      `  seeded ${post.id}: ${post.comments.toLocaleString('en-US')} comments + ${post.replies} replies in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  await seeder.end();
  await settle(dbUrl, log);
  log('  restarting the API process(es) with THREAD_CACHE_TTL_MS=0');
  await startApis({ THREAD_CACHE_TTL_MS: '0' });
  const small = new Map<string, number>();
  for (const p of pages) {
    checkInterrupted();
    const spec: CannonSpec = {
      title: 't',
      bases: bases(),
      method: 'GET',
      path: p.path,
      connections: 50,
      duration: dur(5),
    };
    commands.push(
      `**t** (${p.post.id}, ${p.what}): ${describeCannon(spec)}\n    # API processes started with THREAD_CACHE_TTL_MS=0`,
    );
    await warmup(spec, 1);
    const sampler = startSampler();
    const r = await runCannon(spec);
    const res = sampler.stop();
    assertChildrenAlive();
    const total = await pool!.query<{ n: number }>(
      'SELECT comment_count AS n FROM posts WHERE site_id = $1 AND id = $2',
      [SITE_ID, p.post.id],
    );
    const firstBody = (await (await fetch(`${bases()[0]}${p.path}`)).json()) as { total?: number; comments: unknown[] };
    const isSmall = p.post.comments === SIZE_POSTS[0].comments;
    if (isSmall) small.set(p.what.split(' ')[0]!, r.latency.p99);
    const ref = small.get(p.what.split(' ')[0]!) ?? NaN;
    const within = r.latency.p99 <= 1.5 * ref;
    const countExact = firstBody.total === undefined || firstBody.total === total.rows[0]!.n;
    rows.push({
      key: 't',
      load: `${p.post.id} (${p.post.comments.toLocaleString('en-US')} comments): ${p.what}, thread cache off, 50 conn`,
      reqPerSec: f0(r['2xx'] / r.duration),
      p50: ms(r.latency.p50),
      p99: ms(r.latency.p99),
      errors: errorsOf(r),
      result: `${firstBody.comments.length} comments a page${firstBody.total !== undefined ? `; total ${f0(firstBody.total)} (posts.comment_count ${f0(total.rows[0]!.n)})` : ''}`,
      res,
      target: isSmall ? '(reference)' : 'p99 ≤ 1.5 × the 1,000-comment post; total exact',
      verdict: isSmall
        ? ''
        : within && countExact && r.non2xx === 0
          ? `✅ ${(r.latency.p99 / ref).toFixed(2)} ×`
          : `❌ ${(r.latency.p99 / ref).toFixed(2)} ×`,
    });
  }
  await startApis({});
}

/**
 * a0: a bare Express 5 app (tests/bench/bare-express.ts, its own process) sending the very bytes
 * the API answers to spec's GET, with the same connections and duration.
 */
async function loadBareExpress(spec: CannonSpec): Promise<{ rps: number }> {
  const res0 = await fetch(`${spec.bases[0]}${spec.path}`);
  const page = Buffer.from(await res0.arrayBuffer());
  if (res0.status !== 200) throw new Error(`a0: the API answered ${res0.status} to ${spec.path}`);
  const file = path.join(OUT_DIR, 'bare-page.json');
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(file, page);
  const port = await freePort();
  const child = startChild({
    name: 'bare-express',
    kind: 'api',
    entry: 'tests/bench/bare-express.ts',
    cwd: ROOT,
    logDir: LOG_DIR,
    port,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), BARE_PAGE_FILE: file },
  });
  try {
    await waitHealthy(child, `http://127.0.0.1:${port}/healthz`);
    const bare: CannonSpec = { ...spec, title: 'a0', bases: [`http://127.0.0.1:${port}`], path: '/page' };
    commands.push(
      `**a0**: ${describeCannon(bare)}\n    # tests/bench/bare-express.ts: Express 5, one route, res.end(the ${page.length.toLocaleString('en-US')} bytes the API answered to ${spec.path})`,
    );
    await warmup(bare, 2);
    checkInterrupted();
    const sampler = startSampler();
    const r = await runCannon(bare);
    const res = sampler.stop();
    const rps = r['2xx'] / r.duration;
    rows.push({
      key: 'a0',
      load: `bare Express 5 sending the same ${f1(page.length / 1024)} KB page, 50 conn (the yardstick of a)`,
      reqPerSec: f0(rps),
      p50: ms(r.latency.p50),
      p99: ms(r.latency.p99),
      errors: errorsOf(r),
      result: `${f0(r.requests.total)} requests in ${f1(r.duration)} s; ${f1(r.throughput.average / 1e6)} MB/s`,
      res,
      target: '(yardstick)',
      verdict: '',
    });
    return { rps };
  } finally {
    await stopChildren([child]);
  }
}

async function queueBacklog(): Promise<{ waiting: number; active: number; delayed: number; failed: number }> {
  const c = await queue!.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  return {
    waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
    active: c.active ?? 0,
    delayed: c.delayed ?? 0,
    failed: c.failed ?? 0,
  };
}
const backlogTotal = (b: { waiting: number; active: number; delayed: number }) => b.waiting + b.active + b.delayed;

/** Discards waiting jobs and waits (bounded) for active ones, so the next load starts with an empty queue. */
async function emptyQueue(): Promise<number> {
  const before = backlogTotal(await queueBacklog());
  await queue!.drain(true);
  for (let i = 0; i < 300; i++) {
    const b = await queueBacklog();
    if (backlogTotal(b) === 0) break;
    await sleep(100);
  }
  return before;
}

/**
 * Comments stored on these posts: approved ones from posts.comment_count (kept by the worker in the
 * insert's transaction, so O(posts) to read) plus held or rejected ones (few, through comments_site_held).
 */
async function persistedOn(posts: string[]): Promise<number> {
  const r = await pool!.query<{ n: string }>(
    `SELECT (SELECT COALESCE(sum(comment_count), 0) FROM posts WHERE site_id = $1 AND id = ANY($2))
          + (SELECT count(*) FROM comments WHERE site_id = $1 AND status IN ('pending', 'rejected') AND post_id = ANY($2)) AS n`,
    [SITE_ID, posts],
  );
  return Number(r.rows[0]!.n);
}

/** b: POSTs with the worker storing them meanwhile; b2: the same with the queue paused (the API alone). */
async function loadB(readers: Reader[], key: 'b' | 'b2' = 'b'): Promise<void> {
  const posts = postsOf('b');
  const spec = postSpec('b', readers, posts, 50, dur(10));
  commands.push(
    `**${key}**: ${describeCannon(spec)}${key === 'b2' ? '\n      # queue paused (queue.pause()) during the load: workers take nothing, so the API has the machine' : ''}`,
  );
  await warmup(spec, 2);
  await emptyQueue();
  checkInterrupted();
  if (key === 'b2') await queue!.pause();
  const persisted0 = await persistedOn(posts);
  const sampler = startSampler();
  const r = await runCannon(spec);
  const res = sampler.stop();
  assertChildrenAlive();
  const persisted = (await persistedOn(posts)) - persisted0;
  const discarded = await emptyQueue();
  if (key === 'b2') await queue!.resume();
  const rps = r['2xx'] / r.duration;
  rows.push({
    key,
    load: `POST comment (202), ${readers.length} readers, ${posts.length} posts, 50 conn; ${key === 'b' ? 'worker running' : 'queue paused (API alone)'}`,
    reqPerSec: f0(rps),
    p50: ms(r.latency.p50),
    p99: ms(r.latency.p99),
    errors: errorsOf(r),
    result: `${f0(r['2xx'])} accepted of ${f0(r.requests.total)} answered; worker stored ${f0(persisted)} meanwhile (${f0(persisted / r.duration)}/s); ${f0(discarded)} left queued, discarded`,
    res,
    target: '≥ 3,000 req/s, p99 ≤ 30 ms',
    verdict: rps >= 3000 && r.latency.p99 <= 30 && r.non2xx === 0 ? '✅' : '❌',
  });
}

async function loadC(readers: Reader[]): Promise<void> {
  const posts = postsOf('c');
  const duration = dur(30);
  const spec = postSpec('c', readers, posts, 50, duration, C_RATE || undefined);
  commands.push(
    `**c**: ${describeCannon(spec)}\n    # persisted/s = Δ stored comments of the c posts (sum(posts.comment_count) + held/rejected rows) over the window`,
  );
  await emptyQueue();
  checkInterrupted();
  const p0 = await persistedOn(posts);
  const perSecond: number[] = [];
  let sampling = true;
  const sampleLoop = (async () => {
    let last = p0;
    for (let i = 0; sampling && i < duration + 5; i++) {
      await sleep(1000);
      const now = await persistedOn(posts);
      perSecond.push(now - last);
      last = now;
    }
  })();
  const shares0 = await answeredPerApi();
  const sampler = startSampler();
  const t0 = performance.now();
  const r = await runCannon(spec);
  const window = (performance.now() - t0) / 1000;
  const res = sampler.stop();
  const shared = await shareNote(shares0);
  sampling = false;
  const p1 = await persistedOn(posts);
  const backlog = await queueBacklog();
  await sampleLoop;
  assertChildrenAlive();

  // Worker alone: how fast the backlog drains once POSTs stop (bounded to 15 s).
  let drainRate = NaN;
  let drainNote = 'no backlog to speak of';
  if (backlogTotal(backlog) > 1000) {
    const d0 = performance.now();
    let dn = p1;
    for (let i = 0; i < 150; i++) {
      await sleep(100);
      if (backlogTotal(await queueBacklog()) === 0 || performance.now() - d0 > 15_000) break;
    }
    dn = await persistedOn(posts);
    const secs = (performance.now() - d0) / 1000;
    drainRate = (dn - p1) / secs;
    drainNote = `worker alone drained ${f0(drainRate)}/s over ${f1(secs)} s after POSTs stopped`;
  }
  const discarded = await emptyQueue();
  const persistedRate = (p1 - p0) / window;
  const accepted = r['2xx'];
  const steady = perSecond.slice(2, Math.max(2, perSecond.length - 1));
  rows.push({
    key: 'c',
    load: `pipeline: POST ${C_RATE ? `at ${C_RATE}/s` : 'at max rate'} for ${duration} s, 50 conn, ${posts.length} posts`,
    reqPerSec: f0(r['2xx'] / r.duration),
    p50: ms(r.latency.p50),
    p99: ms(r.latency.p99),
    errors: errorsOf(r),
    result:
      `**${f0(persistedRate)} comments/s persisted** (${f0(p1 - p0)} of ${f0(accepted)} accepted; per-second min ${f0(Math.min(...steady))} / median ${f0(percentile(steady, 50))} / max ${f0(Math.max(...steady))}); ` +
      `${shared ? `${shared.slice(2)}; ` : ''}backlog at end ${f0(backlogTotal(backlog))} (waiting ${f0(backlog.waiting)}, active ${backlog.active}, delayed ${backlog.delayed}, failed ${backlog.failed}); ${drainNote}${discarded ? `; ${f0(discarded)} then discarded` : ''}`,
    res,
    target: '≥ 1,500 comments/s',
    verdict: persistedRate >= 1500 ? '✅' : '❌',
  });
}

/**
 * Worker capacity without the API competing for CPU: pause the queue, add jobs exactly as the API
 * does (same data shape, job id and options), resume, and time until all are stored (bounded).
 */
async function loadC2(readers: Reader[]): Promise<void> {
  const posts = postsOf('c2');
  const jobs = 20_000;
  const limitS = Math.max(30, dur(30) * 2);
  await emptyQueue();
  checkInterrupted();
  const p0 = await persistedOn(posts);
  await queue!.pause();
  for (let i = 0; i < jobs; i += 1000) {
    await queue!.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, (_, _j) => {
        const id = newId();
        const data: CommentJob = {
          commentId: id,
          siteId: SITE_ID,
          postId: pick(posts),
          authorId: pick(readers).userId,
          parentId: null,
          body: sentence(),
          acceptedAt: new Date().toISOString(),
        };
        return { name: 'moderate', data, opts: { ...commentJobOptions({ attempts: 30 }), jobId: commentJobId(id) } };
      }),
    );
  }
  commands.push(
    `**c2**: queue.pause(); queue.addBulk(${jobs.toLocaleString('en-US')} × {name: 'moderate', data: CommentJob over ${posts.length} posts, opts: commentJobOptions + jobId}); queue.resume(); poll stored comments every 100 ms until all ${jobs.toLocaleString('en-US')} are stored (at most ${limitS} s)`,
  );
  const sampler = startSampler();
  const t0 = performance.now();
  await queue!.resume();
  let stored = 0;
  for (let i = 0; i < limitS * 10; i++) {
    await sleep(100);
    stored = (await persistedOn(posts)) - p0;
    if (stored >= jobs || interrupted) break;
    if (i % 10 === 9 && backlogTotal(await queueBacklog()) === 0) break;
  }
  const secs = (performance.now() - t0) / 1000;
  const res = sampler.stop();
  assertChildrenAlive();
  await emptyQueue();
  // Jobs whose comment is stored may still be finishing in BullMQ: what counts is what is not stored.
  const left = Math.max(0, jobs - stored);
  const rate = stored / secs;
  // What a comment costs, whatever else the machine is doing meanwhile (the rate depends on that).
  const cpuMs = (cores: number) => (stored > 0 ? ((cores * secs * 1000) / stored).toFixed(2) : '–');
  rows.push({
    key: 'c2',
    load: `worker capacity alone: ${jobs.toLocaleString('en-US')} jobs added to the paused queue, then resumed`,
    reqPerSec: '',
    p50: '',
    p99: '',
    errors: left ? `${f0(left)} not stored in ${limitS} s` : '',
    result: `**${f0(rate)} comments/s stored** (${f0(stored)} in ${f1(secs)} s, ${WORKER_COUNT} worker process(es) × WORKER_CONCURRENCY ${SERVICE_ENV.WORKER_CONCURRENCY ?? configSchema.shape.WORKER_CONCURRENCY.parse(undefined)}); CPU per stored comment: worker ${cpuMs(res.cpu.worker)} ms, Postgres ${cpuMs(res.cpu.postgres)} ms, Redis ${cpuMs(res.cpu.redis)} ms`,
    res,
    target: '≥ 2,000 comments/s',
    verdict: rate >= 2000 && left === 0 ? '✅' : '❌',
  });
}

async function loadD(readers: Reader[]): Promise<void> {
  const posts = postsOf('d');
  const duration = dur(20);
  const probeEveryMs = 100;
  const probeRate = 1000 / probeEveryMs;
  const rate = D_RATE - probeRate;
  const spec = postSpec('d', readers, posts, 20, duration);
  commands.push(
    `**d**: tests/bench/loads.ts runSteady: POST ${spec.path.replace(posts[0]!, '<post>')} at a steady ${rate}/s for ${duration} s (open loop: request i sent at i/${rate} s whatever the answers, latency from that moment), at most 20 keep-alive connections per API process\n    # per request: ${spec.varyNote}\n    # plus the probe: every ${probeEveryMs} ms POST a random sentence to d-probe, then GET ?sort=newest&limit=20 every 10 ms (other API process when --api > 1) until the id shows; timeout 5 s`,
  );
  await emptyQueue();
  checkInterrupted();
  const since = new Date(Date.now() - 1);
  const sampler = startSampler();
  const [r, probe] = await Promise.all([
    runSteady({
      bases: bases(),
      rate,
      durationS: duration,
      connections: 20,
      next: () => {
        const v = spec.vary!();
        return { path: v.path!, headers: { ...spec.headers, ...v.headers }, body: v.body! };
      },
    }),
    runProbe({
      bases: bases(),
      siteId: SITE_ID,
      postId: 'd-probe',
      tokens: readers.slice(0, 50).map((x) => x.token),
      durationMs: duration * 1000,
      intervalMs: probeEveryMs,
      pollMs: 10,
      timeoutMs: 5000,
      body: (i) => `${sentence()} (${i})`,
    }),
  ]);
  const res = sampler.stop();
  assertChildrenAlive();
  // Let the last comments of the window be decided (bounded), then read every row of the window.
  for (let i = 0; i < 100 && backlogTotal(await queueBacklog()) > 0; i++) await sleep(100);
  const db = await pool!.query<{ n: string; p50: number; p99: number; max: number }>(
    `SELECT count(*) AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at) * 1000) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at) * 1000) AS p99,
            max(extract(epoch FROM decided_at - created_at) * 1000) AS max
       FROM comments WHERE site_id = $1 AND post_id = ANY($2) AND created_at >= $3`,
    [SITE_ID, [...posts, 'd-probe'], since],
  );
  const d = db.rows[0]!;
  const accepted = r.ok + probe.accept.length;
  const stored = Number(d.n);
  const vis50 = percentile(probe.visible, 50);
  const vis99 = percentile(probe.visible, 99);
  rows.push({
    key: 'd',
    load: `end-to-end at ${D_RATE} comments/s for ${duration} s: POST → visible in GET (probe, ${probeRate}/s of the ${D_RATE}/s)`,
    reqPerSec: f0((r.ok + probe.accept.length) / r.durationS),
    p50: ms(vis50),
    p99: ms(vis99),
    errors: `${errorsOf({ errors: r.errors, timeouts: 0, non2xx: r.non2xx, statusCodeStats: Object.fromEntries(Object.entries(r.codes).map(([c, n]) => [c, { count: n }])) })}; probe ${probe.errors} err, ${probe.timeouts} not visible in 5 s`,
    result: `${probe.visible.length} probes; POST→202 p50 ${ms(percentile(probe.accept, 50))} / p99 ${ms(percentile(probe.accept, 99))} ms (the steady POSTs: p50 ${ms(percentile(r.latencies, 50))} / p99 ${ms(percentile(r.latencies, 99))} ms)`,
    res,
    target: 'p99 ≤ 250 ms',
    verdict: Number.isFinite(vis99) && vis99 <= 250 && probe.timeouts === 0 ? '✅' : '❌',
  });
  rows.push({
    key: 'd′',
    load: `same window, every comment: accepted → decided (DB: decided_at − created_at)`,
    reqPerSec: '',
    p50: ms(Number(d.p50)),
    p99: ms(Number(d.p99)),
    errors: '',
    result: `${f0(stored)} comments stored (${f0(accepted)} 202s received; ${f0(r.sent + probe.accept.length + probe.errors)} POSTs sent); max ${ms(Number(d.max))} ms`,
    res: null,
    target: '(diagnostic)',
    verdict: '',
  });
}

async function loadW(site: BenchSite, readers: Reader[]): Promise<void> {
  const runs = 20;
  const r = await measureWidgetRender({
    apiBase: bases()[0]!,
    db: pool!,
    siteId: site.siteId,
    ssoSecret: site.ssoSecret,
    authorIds: readers.map((x) => x.userId),
    runs,
    comments: 50,
  });
  commands.push(
    `**w**: Chromium (${runs} runs after one warm-up, a fresh context each) opens the demo article (demo publisher in the bench process, its own origin) whose widget loads ${r.comments} approved top-level comments from the API; in-page: embed.js responseEnd (Resource Timing) → the widget's \`comments:rendered\` mark`,
  );
  const p = (xs: number[], q: number) => ms(percentile(xs, q));
  rows.push({
    key: 'w',
    load: `widget on the demo page: embed.js loaded → first thread of ${r.comments} comments rendered (Chromium)`,
    reqPerSec: '',
    p50: p(r.afterLoad, 50),
    p99: p(r.afterLoad, 99),
    errors: '',
    result: `${r.afterLoad.length} page loads; script start → rendered p50 ${p(r.afterExec, 50)} ms; navigation → rendered p50 ${p(r.fromNavigation, 50)} / p99 ${p(r.fromNavigation, 99)} ms`,
    res: null,
    target: '≤ 300 ms',
    verdict: percentile(r.afterLoad, 50) <= 300 ? '✅' : '❌',
  });
}

async function loadE(readers: Reader[]): Promise<void> {
  // (e) keeps its own slots (32 unless --env says otherwise), so its rate and slot bounds stay comparable.
  const concurrency = Number(SERVICE_ENV.WORKER_CONCURRENCY ?? 32);
  const { runs, command } = await loadRemoteScorer({
    pool: pool!,
    queue: queue!,
    siteId: SITE_ID,
    readers,
    posts: postsOf('e'),
    body: sentence,
    rates: E_RATES,
    duration: dur(10),
    workerCount: WORKER_COUNT,
    concurrency,
    restartWorkers: startWorkers,
    emptyQueue,
    persistedOn,
    log,
  });
  commands.push(`**e**: ${command}`);
  for (const r of runs) {
    const reqRate = r.requests / r.seconds;
    const slots = WORKER_COUNT * r.concurrency;
    // Bounded by the quota: it reaches the rate. Bounded by the slots: a job holds its slot not much longer than the scorer's 100 ms.
    const byRate = r.storedPerSecond >= r.rate * 0.8;
    const bySlots = !byRate && r.jobMs <= 150;
    rows.push({
      key: 'e',
      load: `pipeline, remote scorer (fake Perspective, 100 ms) at PERSPECTIVE_RATE=${r.rate}/1, ${WORKER_COUNT} worker × concurrency ${r.concurrency}`,
      reqPerSec: '',
      p50: '',
      p99: '',
      errors: '',
      result:
        `**${f0(r.storedPerSecond)} comments/s stored** (${f0(r.stored)} in ${f1(r.seconds)} s); scorer requests ${f0(reqRate)}/s; ` +
        `${slots} slots held ${f0(r.jobMs)} ms per job (Little's law); ` +
        (byRate
          ? 'bounded by the rate limit'
          : bySlots
            ? `bounded by the slots (${slots} / 100 ms = ${f0(slots * 10)}/s)`
            : "below both: each job takes well over the scorer's 100 ms, so the rest of the pipeline (CPU, Postgres, Redis) bounds it"),
      res: r.res,
      target: 'never above the rate; bounded by the rate or the slots',
      verdict: reqRate <= r.rate * 1.05 && (byRate || bySlots) ? '✅' : '❌',
    });
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  // The code the services run is the code at start-up.
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'services', 'shared', 'infra', 'package.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    if (dirty) commit += ' + uncommitted changes in services/shared';
  } catch {
    /* not a git checkout */
  }

  rmSync(LOG_DIR, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });

  const pgServer = new pg.Client({ connectionString: PG_SERVER });
  await pgServer.connect();
  const maxConn = Number(
    (await pgServer.query<{ max_connections: string }>('SHOW max_connections')).rows[0]!.max_connections,
  );
  const pgVersion = (await pgServer.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
  await pgServer.end();
  const needed = (API_COUNT + WORKER_COUNT) * 10 + 10;
  if (needed > maxConn - 5)
    throw new Error(
      `--api ${API_COUNT} --workers ${WORKER_COUNT} need ~${needed} Postgres connections; max_connections is ${maxConn}`,
    );

  log(
    `bench ${TAG}: database ${DB_NAME}, queue prefix ${QUEUE_PREFIX}, ${API_COUNT} API + ${WORKER_COUNT} worker process(es), loads ${[...SELECTED].join(',')}`,
  );
  dbUrl = await recreateDatabase(PG_SERVER, DB_NAME);
  if (PGBOUNCER_POOL > 0) bouncer = await startPgBouncer(PG_SERVER, { poolSize: PGBOUNCER_POOL });
  pool = createPool({ url: dbUrl, max: 4, onError: () => undefined });
  redis = createRedis(REDIS_URL, () => undefined);
  queueRedis = createRedis(REDIS_URL, () => undefined, { forQueue: true });
  queue = createCommentsQueue(queueRedis, QUEUE_PREFIX);
  queue.on('error', () => undefined);
  const site: BenchSite = await createSite(pool, SITE_ID);

  log('starting services…');
  await startWorkers();
  await startApis(SELECTED.has('a2') ? { THREAD_CACHE_TTL_MS: '0' } : {});
  const base = bases()[0]!;

  const writePosts = [
    ...postsOf('b'),
    ...postsOf('c'),
    ...postsOf('c2'),
    ...postsOf('d'),
    'd-probe',
    ...(SELECTED.has('e') ? postsOf('e') : []),
    ...(SELECTED.has('l') ? [LIVE_POST] : []),
  ];
  await registerPosts(base, site, [HOT_POST, ...(SELECTED.has('t') ? SIZE_POSTS.map((p) => p.id) : []), ...writePosts]);
  const needReaders =
    SELECTED.has('l') ||
    SELECTED.has('b') ||
    SELECTED.has('b2') ||
    SELECTED.has('c') ||
    SELECTED.has('c2') ||
    SELECTED.has('d') ||
    SELECTED.has('e');
  const t0 = performance.now();
  const readers = await signInReaders(base, site, needReaders ? READERS : 50);
  log(
    `  ${readers.length} readers signed in through POST /auth/sso in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await seedHotPost(
    pool,
    SITE_ID,
    HOT_POST,
    readers.map((r) => r.userId),
    HOT_COUNT,
  );
  let seedNote = `${HOT_COUNT} approved comments on ${HOT_POST}`;
  if (SEED_COMMENTS > 0) {
    log(`seeding ${SEED_COMMENTS.toLocaleString('en-US')} comments…`);
    const s = await seedBulk(dbUrl, SITE_ID, SEED_COMMENTS, { perPost: 100, log });
    seedNote += ` + ${SEED_COMMENTS.toLocaleString('en-US')} over ${s.posts.toLocaleString('en-US')} posts (seeded in ${s.seconds.toFixed(0)} s)`;
  }
  await settle(dbUrl, log);
  const stored = await pool.query<{ n: string; size: string }>(
    `SELECT count(*) AS n, pg_size_pretty(pg_total_relation_size('comments')) AS size FROM comments`,
  );
  seedNote += `; comments table: ${Number(stored.rows[0]!.n).toLocaleString('en-US')} rows, ${stored.rows[0]!.size} with indexes`;
  log(`  ${seedNote}`);

  const order: LoadKey[] = ['a2', 'a', 't', 'l', 'b', 'b2', 'c', 'c2', 'd', 'e', 'w'];
  for (const key of order) {
    if (!SELECTED.has(key)) continue;
    checkInterrupted();
    log(`load ${key}…`);
    const before = rows.length;
    if (key === 'a' || key === 'a2') await loadGet(key);
    else if (key === 't') await loadThreadSize(readers);
    else if (key === 'l') {
      await loadLive(readers, 'h2c');
      await loadLive(readers, 'http1');
    } else if (key === 'b') await loadB(readers);
    else if (key === 'b2') await loadB(readers, 'b2');
    else if (key === 'c') await loadC(readers);
    else if (key === 'c2') await loadC2(readers);
    else if (key === 'd') await loadD(readers);
    else if (key === 'e') await loadE(readers);
    else await loadW(site, readers);
    for (const row of rows.slice(before)) {
      log(
        `  ${row.key}: ${row.reqPerSec ? `${row.reqPerSec} req/s, ` : ''}p50 ${row.p50} ms, p99 ${row.p99} ms; ${row.errors ? `${row.errors}; ` : ''}${row.result}`,
      );
    }
  }

  const sorted = ['a0', 'a', 'a2', 't', 'l', 'l′', 'l1', 'l1′', 'b', 'b2', 'c', 'c2', 'd', 'd′', 'e', 'w'].flatMap(
    (k) => rows.filter((r) => r.key === k),
  );
  rows.splice(0, rows.length, ...sorted);
  const argv = process.argv.slice(2).join(' ');
  const md = [
    `## Benchmark ${new Date().toISOString()}`,
    '',
    `\`npm run bench${argv ? ` -- ${argv}` : ''}\` · commit ${commit} · ${API_COUNT} API + ${WORKER_COUNT} worker process(es)${bouncer ? ` · Postgres through PgBouncer (transaction mode, default_pool_size ${PGBOUNCER_POOL}; DATABASE_PREPARED_STATEMENTS=false, DATABASE_STATEMENT_TIMEOUT_MS=0)` : ''} · node ${process.version} · Postgres ${pgVersion} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB · everything (load generator, services, Postgres, Redis) on this one machine`,
    '',
    `Data: ${seedNote}. Services: node ${SERVICE_NODE_OPTIONS.join(' ')}, NODE_ENV=production, RATE_LIMITS=off (with RATE_LIMITS_OFF_IN_PRODUCTION=true), LOG_LEVEL=warn, ${
      Object.keys(SERVICE_ENV).length
        ? `**${Object.entries(SERVICE_ENV)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}**, `
        : ''
    }otherwise the default configuration.`,
    '',
    tableMarkdown(),
    '',
    "req/s counts 2xx answers only (errors and non-2xx are listed separately; their latencies are in the percentiles). Latencies are autocannon's (HdrHistogram, 1 ms resolution; for fixed-rate loads corrected for coordinated omission) except d (probe: fetch timing in the bench process, includes the 10 ms poll interval; the steady POSTs beside it are timed from each one's due time, tests/bench/loads.ts runSteady) and d′ (Postgres `decided_at − created_at`: the API stamps `created_at` when it accepts the comment, `decided_at` is `now()` of the worker's insert, so its commit, the pub/sub announcement and the cache reload are not included; both clocks are this machine's). RSS = peak VmRSS sampled every 200 ms during the measured window. CPU cores used = CPU time / wall time of each group during the window (Postgres = all postgres and pgbouncer processes; other = the rest of the machine's busy time, e.g. other test runs: a high value means the numbers are disturbed).",
    '',
    'Commands (autocannon programmatic API; equivalent CLI):',
    '',
    ...commands.map((c) => `- ${c.replace(/\n/g, '\n  ')}`),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
    `Total bench time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    '',
  ].join('\n');
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, 'latest.md'), md);
  log(`\n${md}`);
  log(`written to ${path.relative(ROOT, path.join(OUT_DIR, 'latest.md'))}`);
  if (flags.only === undefined || flags['write-docs']) {
    const docs = path.join(ROOT, 'docs', 'benchmarks.md');
    const text = readFileSync(docs, 'utf8');
    const start = text.indexOf(DOCS_START);
    const end = text.indexOf(DOCS_END);
    if (start === -1 || end < start) throw new Error(`${docs} lacks the ${DOCS_START} … ${DOCS_END} markers`);
    // Headings one level down: the page's own sections are ##.
    const section = md.replace(/^## Benchmark /, '### Latest run, ');
    writeFileSync(docs, `${text.slice(0, start + DOCS_START.length)}\n${section}\n${text.slice(end)}`);
    log(`and into ${path.relative(ROOT, docs)}`);
  }
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  if (!interrupted) {
    exitCode = 1;
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  }
} finally {
  await cleanup();
}
process.exit(interrupted ? 130 : exitCode);
