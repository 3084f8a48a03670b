import { parseArgs } from 'node:util';
import { orExit } from '#shared/config.js';
import { createPool, databaseOf, migrationUrlOf } from '#shared/db/pool.js';
import { loadAdminConfig } from './config.js';
import { migrate } from './migrate.js';
import { createRedis, type RedisClient } from '#shared/redis.js';
import { importDisqusCommand } from './disqus/command.js';
import {
  CliError,
  keysCreate,
  retryFailed,
  rotateSsoSecret,
  sitesCreate,
  ssoToken,
  usersCreate,
  type CliDeps,
} from './commands.js';

const USAGE = `usage: npm run admin -- <command> [flags]
  migrate
  sites:create --id ID --name NAME [--origin URL ...] [--scope SCOPE ...]  (default scopes: comments:read posts:write)
  sites:rotate-sso-secret --site ID
  users:create --site ID --email EMAIL (--password PASSWORD | --password-stdin) [--role admin|moderator|commenter] [--name NAME] [--force]
      (a new account is a moderator unless --role says otherwise; an existing staff account keeps its role and name)
  keys:create --site ID [--label LABEL] [--scope SCOPE ...]  (default scopes: comments:read posts:write)
  sso:token --site ID --sub READER_ID --name NAME [--email EMAIL] [--verified] [--ttl SECONDS (60 to SSO_MAX_TTL_S, the default)]
  jobs:retry-failed [--queue comments|notifications|moderation-tasks|all ...]  (default: comments)
  import:disqus --site ID --file EXPORT.xml`;

const COMMANDS = {
  'sites:create': sitesCreate,
  'sites:rotate-sso-secret': rotateSsoSecret,
  'users:create': usersCreate,
  'keys:create': keysCreate,
  'sso:token': ssoToken,
  'jobs:retry-failed': retryFailed,
  'import:disqus': importDisqusCommand,
} as const;

// Composition root of the operator CLI: prints one JSON object on success, a message and exit 1 on failure.
const config = orExit(() => loadAdminConfig());
const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: true,
  options: {
    id: { type: 'string' },
    name: { type: 'string' },
    origin: { type: 'string', multiple: true },
    site: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    role: { type: 'string' },
    label: { type: 'string' },
    scope: { type: 'string', multiple: true },
    sub: { type: 'string' },
    ttl: { type: 'string' },
    file: { type: 'string' },
    force: { type: 'boolean' },
    verified: { type: 'boolean' },
    queue: { type: 'string', multiple: true },
  },
});
const command = positionals[0];

/** A connection string fit to print: its password replaced. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(the DATABASE_URL)';
  }
}

if (command === 'migrate') {
  const url = migrationUrlOf(config);
  try {
    await migrate(url, (msg) => process.stderr.write(`${msg}\n`));
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = code === 'ECONNREFUSED' ? 'connection refused' : (err as Error).message;
    process.stderr.write(
      `error: cannot migrate ${withoutPassword(url)}: ${message.replaceAll(url, withoutPassword(url))}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ migrated: true })}\n`);
  process.exit(0);
}
if (!command || !(command in COMMANDS)) {
  process.stderr.write(`${command ? `unknown command ${command}\n` : ''}${USAGE}\n`);
  process.exit(2);
}

// A password typed on the command line stays in the shell history and the process list; from standard input it does not.
if (values['password-stdin']) {
  if (values.password !== undefined) {
    process.stderr.write('error: give --password or --password-stdin, not both\n');
    process.exit(2);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  values.password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const db = createPool({ ...databaseOf(config), max: 2, onError: () => undefined });
let redis: RedisClient | undefined;
const deps: CliDeps = {
  db,
  // Not a queue worker's client: a command gives up on an unreachable Redis after a few tries instead of waiting.
  redis: () => (redis ??= createRedis(config.REDIS_URL, () => undefined)),
  queuePrefix: config.QUEUE_PREFIX,
  ssoMaxTtlS: config.SSO_MAX_TTL_S,
  note: (msg) => process.stderr.write(`${msg}\n`),
};
try {
  const result = await COMMANDS[command as keyof typeof COMMANDS](deps, values);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = 0;
} catch (err) {
  const code = (err as { code?: string }).code;
  const message =
    err instanceof CliError
      ? err.message
      : code === '42P01'
        ? 'the database has no tables yet: run `npm run migrate` first'
        : code === 'ECONNREFUSED'
          ? `cannot reach the database at ${withoutPassword(config.DATABASE_URL)}`
          : (err as Error).message;
  process.stderr.write(`error: ${message.replaceAll(config.DATABASE_URL, withoutPassword(config.DATABASE_URL))}\n`);
  process.exitCode = 1;
} finally {
  await db.end();
  // QUIT waits behind commands an unreachable Redis never answered: a moment, then the socket is closed.
  if (redis) {
    const client = redis;
    await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 2000).unref())]).catch(() => undefined);
    client.disconnect();
  }
}
