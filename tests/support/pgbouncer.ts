import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { exited, freePort } from './processes.js';
import { waitFor } from './wait-for.js';

export interface TestPgBouncer {
  port: number;
  /** The same database URL, through PgBouncer. */
  via(directUrl: string): string;
  /** A statement on PgBouncer's admin console (`SHOW POOLS`, `SHOW STATS`…), simple protocol. */
  show(what: string): Promise<Record<string, string>[]>;
  log(): string;
  stop(): Promise<void>;
}

const NOBODY = 65534;

/**
 * A real PgBouncer (the `pgbouncer` binary) in transaction pooling mode in front of the Postgres
 * at upstreamUrl, on a free port, its configuration in a temporary directory. Started as `nobody`
 * when we are root (PgBouncer refuses to run as root). Every database name passes through.
 */
export async function startPgBouncer(upstreamUrl: string, opts: { poolSize?: number } = {}): Promise<TestPgBouncer> {
  const upstream = new URL(upstreamUrl);
  const user = decodeURIComponent(upstream.username || 'postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-'));
  const port = await freePort();
  const ini = path.join(dir, 'pgbouncer.ini');
  writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      `default_pool_size = ${opts.poolSize ?? 3}`,
      'max_client_conn = 200',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
  const child: ChildProcess = spawn('pgbouncer', [ini], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const log = () => {
    try {
      return readFileSync(path.join(dir, 'pgbouncer.log'), 'utf8') + stderr;
    } catch {
      return stderr;
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${log()}`);
        return new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        });
      },
      { timeoutMs: 10_000, what: `pgbouncer on ${port}` },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    via(directUrl) {
      const u = new URL(directUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async show(what) {
      const admin = new pg.Client({
        connectionString: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`,
      });
      await admin.connect();
      try {
        return (await admin.query<Record<string, string>>(`SHOW ${what}`)).rows;
      } finally {
        await admin.end();
      }
    },
    log,
    stop,
  };
}
