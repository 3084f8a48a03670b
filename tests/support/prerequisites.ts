import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';

/**
 * `npm test`'s first step: the programs the suite starts itself, checked before any test runs.
 * Missing ones are installed with apt when that is possible (root on Debian or Ubuntu, as CI is);
 * otherwise the run stops at once naming the exact packages, instead of a wall of cancelled tests.
 * Postgres and Redis must already be serving (the suite's databases and queues live there).
 */

interface Program {
  /** What the suite uses it for. */
  why: string;
  /** Debian package that provides it. */
  pkg: string;
  found(): boolean;
}

const onPath = (cmd: string) =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const postgresBinaries = () => {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb'));
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((v) => existsSync(path.join(root, v, 'bin', 'initdb')));
};

const PROGRAMS: Program[] = [
  {
    why: 'browser tests (Chromium through playwright-core; CHROMIUM_PATH overrides the path)',
    pkg: 'chromium',
    found: () => executable(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  { why: 'the PgBouncer transaction-mode tests', pkg: 'pgbouncer', found: () => onPath('pgbouncer') },
  {
    why: 'the Redis Cluster tests and the fault-injection suite',
    pkg: 'redis-server',
    found: () => onPath('redis-server'),
  },
  {
    why: 'the fault-injection suite (its own Postgres: initdb, pg_ctl; PG_BIN overrides the folder)',
    pkg: 'postgresql',
    found: postgresBinaries,
  },
];

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function fail(lines: string[]): never {
  process.stderr.write(`\nnpm test cannot start:\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
  process.exit(1);
}

const missing = PROGRAMS.filter((p) => !p.found());
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((p) => p.pkg))];
  const canInstall = process.getuid?.() === 0 && onPath('apt-get') && process.env.TEST_NO_INSTALL !== '1';
  if (canInstall) {
    process.stdout.write(`installing what the tests need: ${pkgs.join(' ')}\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env })
        : update;
    if (install.status !== 0) fail([`apt-get could not install: ${pkgs.join(' ')}`]);
  }
  const still = PROGRAMS.filter((p) => !p.found());
  if (still.length > 0) {
    fail([
      ...still.map((p) => `missing ${p.pkg}: needed by ${p.why}`),
      `install them with: sudo apt-get install --no-install-recommends ${[...new Set(still.map((p) => p.pkg))].join(' ')}`,
    ]);
  }
}

const pg = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const down = [
  ...((await reachable(pg.hostname, Number(pg.port || 5432)))
    ? []
    : [`PostgreSQL is not answering on ${pg.host} (TEST_DATABASE_URL)`]),
  ...((await reachable(redis.hostname, Number(redis.port || 6379)))
    ? []
    : [`Redis is not answering on ${redis.host} (TEST_REDIS_URL)`]),
];
if (down.length > 0) fail([...down, 'start them first (docs/testing.md says how)']);
