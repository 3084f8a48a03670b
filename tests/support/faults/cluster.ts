import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createPool, type Pool } from '#shared/db/pool.js';
import { migrate } from '#admin/migrate.js';
import { COMMENTS_QUEUE } from '#shared/queues.js';
import { freePort, killAllNow, sleep, startChild, tail, waitHealthy, type Child } from '../../bench/procs.js';
import { ROOT } from '../processes.js';
import { buildSite, signSso, type BuiltSite } from '../builders.js';
import {
  createPostgres,
  createRedisServer,
  killServersNow,
  type AppendFsync,
  type PostgresServer,
  type RedisServer,
} from './servers.js';

/**
 * The whole system on one machine, every part a process the test may kill: a private Postgres
 * cluster and Redis (AOF), the API and two workers, started as `npm run start:api` / `start:worker`
 * start them, with the product's defaults except where FAULT_ENV says otherwise.
 */

/** What the suite changes from the defaults, and why (the README's fault-injection section repeats it). */
export const FAULT_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  // No scraper here; several API processes on one host would otherwise contend for the metrics port.
  API_METRICS_PORT: '0',
  // Readers post from one address at a steady rate: the per-IP and per-reader limits (the defaults
  // are for browsers) are raised, not switched off, so the limiter's Redis calls stay in the path.
  RATE_LIMIT_COMMENT_IP: '1000000/60',
  RATE_LIMIT_COMMENT_USER: '100000/60',
  RATE_LIMIT_AUTH_IP: '100000/60',
  // A killed worker's jobs come back after its lock lapses: 4 s instead of 30 s keeps a scenario short.
  WORKER_LOCK_DURATION_MS: '4000',
  WORKER_STALLED_INTERVAL_MS: '2000',
  // Retries during an outage: 0.5 s doubling to 4 s instead of 1 s to 60 s (same 30 attempts).
  JOB_BACKOFF_MS: '500',
  JOB_BACKOFF_MAX_MS: '4000',
  SHUTDOWN_TIMEOUT_MS: '5000',
};

export interface ClusterOptions {
  /** Names the temp dir and, on failure, test-artifacts/faults/<name>/ where the logs are kept. */
  name: string;
  appendfsync?: AppendFsync;
  /** Extra environment for the API and the workers. */
  env?: Record<string, string>;
}

export interface Cluster {
  pg: PostgresServer;
  redis: RedisServer;
  /** The test's own pool on the comments database (never used by the services). */
  db: Pool;
  apiUrl: string;
  api(): Child;
  workers(): Child[];
  workerMetricsUrl(i: number): string;
  /** SIGKILL the API; resolves once it is gone. */
  killApi(): Promise<void>;
  /** Starts the API again on the same port; resolves once /readyz answers 200. */
  startApi(): Promise<void>;
  killWorker(i: number): Promise<void>;
  startWorker(i: number): Promise<void>;
  /** A BullMQ handle on the comments queue, for counting jobs (closed with the cluster). */
  queue(): Queue;
  /** Creates a site with its SSO secret. */
  site(id: string, settings?: Record<string, unknown>): Promise<BuiltSite>;
  /** A reader of the site signed in through the API's SSO endpoint, as the widget does it. */
  signIn(site: BuiltSite, sub: string): Promise<string>;
  /** Last lines of every log, for a failure message. */
  logs(): string;
  /** Kills everything it started and removes the temp dir; keeps the logs when failed. */
  close(opts?: { failed?: boolean }): Promise<void>;
}

let exitHookInstalled = false;

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      killAllNow();
      killServersNow();
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `faults-${o.name}-`));
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir);
  const [pgPort, redisPort, apiPort, m0, m1] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const metricsPorts = [m0!, m1!];
  let db: Pool | null = null;
  let queue: Queue | null = null;
  let api: Child | null = null;
  const workers: (Child | null)[] = [null, null];
  let pgServer: PostgresServer;
  try {
    pgServer = await createPostgres(dir, pgPort!);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const redis = createRedisServer(dir, redisPort!, o.appendfsync ?? 'always');

  const databaseUrl = pgServer.url('comments');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...FAULT_ENV,
    // A random strong secret per cluster, as production needs (only NODE_ENV=development runs without one).
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    HOST: '127.0.0.1',
    ...o.env,
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const cluster: Cluster = {
    pg: pgServer,
    redis,
    get db() {
      if (!db) throw new Error('cluster not started');
      return db;
    },
    apiUrl,
    api: () => {
      if (!api) throw new Error('no API process');
      return api;
    },
    workers: () => workers.filter((w): w is Child => w !== null),
    workerMetricsUrl: (i) => `http://127.0.0.1:${metricsPorts[i]}`,
    async killApi() {
      const a = api;
      if (!a) return;
      a.proc.kill('SIGKILL');
      await a.exited;
    },
    async startApi() {
      api = startChild({
        name: 'api',
        kind: 'api',
        entry: 'services/api/src/main.ts',
        env: { ...env, PORT: String(apiPort), PGAPPNAME: 'api' },
        port: apiPort!,
        logDir,
        cwd: ROOT,
      });
      await waitHealthy(api, `${apiUrl}/readyz`, 60_000);
    },
    async killWorker(i) {
      const w = workers[i];
      if (!w) return;
      w.proc.kill('SIGKILL');
      await w.exited;
    },
    async startWorker(i) {
      const w = startChild({
        name: `worker-${i}`,
        kind: 'worker',
        entry: 'services/worker/src/main.ts',
        // PGAPPNAME names its Postgres connections, so a test can find them in pg_stat_activity.
        env: { ...env, WORKER_METRICS_PORT: String(metricsPorts[i]), PGAPPNAME: `worker-${i}` },
        port: metricsPorts[i]!,
        logDir,
        cwd: ROOT,
      });
      workers[i] = w;
      await waitHealthy(w, `${cluster.workerMetricsUrl(i)}/healthz`, 60_000);
    },
    queue() {
      if (!queue) {
        // Connection options, not a client: the queue owns its connection and close() ends it.
        queue = new Queue(COMMENTS_QUEUE, {
          connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
          prefix: '{comments}',
        });
        queue.on('error', () => undefined);
      }
      return queue;
    },
    async site(id, settings) {
      const site = await buildSite(cluster.db, { id });
      if (settings)
        await cluster.db.query(
          'UPDATE sites SET settings = $2, settings_version = settings_version + 1 WHERE id = $1',
          [id, settings],
        );
      return site;
    },
    async signIn(site, sub) {
      const res = await fetch(`${apiUrl}/api/v1/auth/sso`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          siteId: site.siteId,
          token: await signSso(site.ssoSecret, { sub, name: `Reader ${sub}` }),
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 200) throw new Error(`sign-in of ${sub} answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    },
    logs() {
      const parts = [
        `--- postgres\n${pgServer.logTail()}`,
        `--- redis\n${redis.logTail()}`,
        ...(api ? [`--- api\n${tail(api.logFile)}`] : []),
        ...workers.filter((w): w is Child => w !== null).map((w) => `--- ${w.name}\n${tail(w.logFile)}`),
      ];
      return parts.join('\n');
    },
    async close(opts = {}) {
      // SIGKILL at once: nothing they hold is needed any more.
      const children = [api, ...workers].filter((c): c is Child => c !== null);
      for (const c of children) c.proc.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await queue?.close().catch(() => undefined);
      await db?.end().catch(() => undefined);
      await redis.kill();
      // Immediate shutdown, not SIGKILL: the postmaster then removes its shared memory on the way out.
      await pgServer.stop();
      if (opts.failed) {
        const keep = path.join(ROOT, 'test-artifacts', 'faults', o.name);
        try {
          rmSync(keep, { recursive: true, force: true });
          mkdirSync(keep, { recursive: true });
          cpSync(logDir, keep, { recursive: true });
          for (const f of ['postgres.log', 'redis.log']) cpSync(path.join(dir, f), path.join(keep, f));
        } catch {
          /* logs are a courtesy */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all([pgServer.start(), redis.start()]);
    await migrate(databaseUrl);
    db = createPool({ url: databaseUrl, max: 4, onError: () => undefined });
    await Promise.all([cluster.startApi(), cluster.startWorker(0), cluster.startWorker(1)]);
  } catch (err) {
    const logs = cluster.logs();
    await cluster.close({ failed: true });
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return cluster;
}

export { sleep };
