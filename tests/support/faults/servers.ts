import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { sleep } from '../../bench/procs.js';

/**
 * Private database and queue servers for the fault-injection suite: a Postgres cluster made with
 * `initdb` in a temp dir and a Redis with its AOF in a temp dir, each on a free port, each a child
 * process of the test that it can SIGKILL and start again on the same data.
 */

/**
 * Every server process started here, so an `exit` handler can end what a failure left behind: Redis
 * by SIGKILL, Postgres by SIGQUIT (immediate shutdown, which still removes its shared memory).
 */
const running = new Map<ChildProcess, NodeJS.Signals>();
export function killServersNow(): void {
  for (const [p, signal] of running) {
    try {
      if (p.exitCode === null && p.signalCode === null && p.pid !== undefined) process.kill(p.pid, signal);
    } catch {
      /* already gone */
    }
  }
}

function exitedOf(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => p.once('exit', () => resolve()));
}

function track(p: ChildProcess, endWith: NodeJS.Signals): ChildProcess {
  running.set(p, endWith);
  p.once('exit', () => running.delete(p));
  return p;
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Postgres

/** The newest Postgres under /usr/lib/postgresql (Debian's layout), or PG_BIN. */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no Postgres binaries in /usr/lib/postgresql (set PG_BIN)');
  return path.join(root, versions[0]!, 'bin');
}

/** initdb and postgres refuse to run as root: as root, they run as the `postgres` OS user. */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root and there is no postgres OS user to run Postgres as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export interface PostgresServer {
  port: number;
  /** postgres://…/<database> on 127.0.0.1. */
  url(database: string): string;
  /** Starts the postmaster on the data dir and waits until it accepts connections. */
  start(): Promise<void>;
  /** Immediate shutdown (SIGQUIT: no checkpoint; the next start runs crash recovery), as a crash does. */
  stop(): Promise<void>;
  /** SIGKILL, without waiting for anything. */
  kill(): Promise<void>;
  running(): boolean;
  logTail(): string;
}

/**
 * A cluster of its own: `initdb` into dir/pgdata, sockets in dir/pgsock, TCP on 127.0.0.1:port.
 * fsync is off: the suite kills processes, never the machine, and what a killed process wrote is in
 * the page cache either way; synchronous_commit stays on, so a commit is in the WAL before it returns.
 */
export async function createPostgres(dir: string, port: number): Promise<PostgresServer> {
  const bin = postgresBin();
  const user = postgresUser();
  const dataDir = path.join(dir, 'pgdata');
  const sockDir = path.join(dir, 'pgsock');
  mkdirSync(sockDir, { recursive: true });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(sockDir, user.uid, user.gid);
  }
  const logFile = path.join(dir, 'postgres.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const asPostgres = user ? { uid: user.uid, gid: user.gid } : {};

  const init = spawn(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asPostgres,
    },
  );
  let initOut = '';
  init.stdout.on('data', (d: Buffer) => {
    initOut += d.toString();
  });
  init.stderr.on('data', (d: Buffer) => {
    initOut += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => init.on('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`initdb failed (${code}):\n${initOut}`);

  let proc: ChildProcess | null = null;
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;

  const server: PostgresServer = {
    port,
    url,
    running: () => proc !== null && proc.exitCode === null && proc.signalCode === null,
    logTail: () => tailOf(logFile),
    async start() {
      if (server.running()) return;
      const p = track(
        spawn(
          path.join(bin, 'postgres'),
          [
            '-D',
            dataDir,
            '-p',
            String(port),
            '-k',
            sockDir,
            '-c',
            'listen_addresses=127.0.0.1',
            '-c',
            'max_connections=200',
            '-c',
            'fsync=off',
            '-c',
            'full_page_writes=off',
            '-c',
            'shared_buffers=64MB',
          ],
          { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...asPostgres },
        ),
        'SIGQUIT',
      );
      p.stdout?.pipe(log, { end: false });
      p.stderr?.pipe(log, { end: false });
      proc = p;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (p.exitCode !== null || p.signalCode !== null)
          throw new Error(`postgres exited during start-up:\n${tailOf(logFile)}`);
        const client = new pg.Client({ connectionString: url('postgres'), connectionTimeoutMillis: 1000 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT 1');
          await client.end();
          return;
        } catch {
          await client.end().catch(() => undefined);
        }
        if (Date.now() > deadline)
          throw new Error(`postgres not accepting connections after 30 s:\n${tailOf(logFile)}`);
        await sleep(100);
      }
    },
    async stop() {
      const p = proc;
      if (!p || !server.running()) return;
      p.kill('SIGQUIT');
      const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
      await exitedOf(p);
      clearTimeout(timer);
      // Backends see the postmaster go and leave at once; wait for the last before the next start.
      await waitPidFileGone(path.join(dataDir, 'postmaster.pid'));
    },
    kill: () => sigkill(proc),
  };
  return server;
}

/** SIGKILLs a child that is still running and waits for its exit. */
async function sigkill(p: ChildProcess | null): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  p.kill('SIGKILL');
  await exitedOf(p);
}

async function waitPidFileGone(file: string): Promise<void> {
  // After an immediate shutdown the postmaster removes its pid file on the way out; after a SIGKILL
  // it stays, and the next start checks the pid inside is not a live postgres.
  const deadline = Date.now() + 5000;
  while (existsSync(file) && Date.now() < deadline) await sleep(50);
}

// ---------------------------------------------------------------------------------------------
// Redis

export type AppendFsync = 'always' | 'everysec';

export interface RedisServer {
  port: number;
  url: string;
  appendfsync: AppendFsync;
  /** Starts redis-server on the same dir (so on the same AOF) and waits until it has loaded it. */
  start(): Promise<void>;
  kill(): Promise<void>;
  running(): boolean;
  logTail(): string;
}

/** redis-server with `appendonly yes`, the given fsync policy, no RDB snapshots, its files in dir/redis. */
export function createRedisServer(dir: string, port: number, appendfsync: AppendFsync): RedisServer {
  const dataDir = path.join(dir, 'redis');
  mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dir, 'redis.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  let proc: ChildProcess | null = null;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    appendfsync,
    running: () => proc !== null && proc.exitCode === null && proc.signalCode === null,
    logTail: () => tailOf(logFile),
    async start() {
      if (server.running()) return;
      const p = track(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--dir',
            dataDir,
            '--appendonly',
            'yes',
            '--appendfsync',
            appendfsync,
            '--save',
            '',
            '--maxmemory-policy',
            'noeviction',
            '--daemonize',
            'no',
          ],
          { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] },
        ),
        'SIGKILL',
      );
      p.stdout?.pipe(log, { end: false });
      p.stderr?.pipe(log, { end: false });
      proc = p;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (p.exitCode !== null || p.signalCode !== null)
          throw new Error(`redis-server exited during start-up:\n${tailOf(logFile)}`);
        // PING answers -LOADING while the AOF is read back: ready means +PONG.
        if ((await redisPing(port)) === '+PONG') return;
        if (Date.now() > deadline) throw new Error(`redis-server not ready after 30 s:\n${tailOf(logFile)}`);
        await sleep(50);
      }
    },
    kill: () => sigkill(proc),
  };
  return server;
}

/** One PING over a fresh connection; the first line of the answer, or null. */
function redisPing(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const done = (v: string | null) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(null));
    sock.on('error', () => done(null));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d: Buffer) => {
      buf += d.toString();
      const eol = buf.indexOf('\r\n');
      if (eol >= 0) done(buf.slice(0, eol));
    });
  });
}
