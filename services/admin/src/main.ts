import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '#shared/config.js';
import { createPool, databaseOf, migrationUrlOf } from '#shared/db/pool.js';
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
  sites:create --id ID --name NAME [--origin URL ...]
  sites:rotate-sso-secret --site ID
  users:create --site ID --email EMAIL --password PASSWORD [--role admin|moderator] [--name NAME]
  keys:create --site ID [--label LABEL] [--scope SCOPE ...]
  sso:token --site ID --sub READER_ID --name NAME [--email EMAIL] [--ttl SECONDS]
  jobs:retry-failed
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
const config = loadConfigOrExit();
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
    role: { type: 'string' },
    label: { type: 'string' },
    scope: { type: 'string', multiple: true },
    sub: { type: 'string' },
    ttl: { type: 'string' },
    file: { type: 'string' },
  },
});
const command = positionals[0];

if (command === 'migrate') {
  await migrate(migrationUrlOf(config), (msg) => process.stderr.write(`${msg}\n`));
  process.stdout.write(`${JSON.stringify({ migrated: true })}\n`);
  process.exit(0);
}
if (!command || !(command in COMMANDS)) {
  process.stderr.write(`${command ? `unknown command ${command}\n` : ''}${USAGE}\n`);
  process.exit(2);
}

const db = createPool({ ...databaseOf(config), max: 2, onError: () => undefined });
let redis: RedisClient | undefined;
const deps: CliDeps = {
  db,
  redis: () => (redis ??= createRedis(config.REDIS_URL, () => undefined, { forQueue: true })),
  queuePrefix: config.QUEUE_PREFIX,
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
          ? `cannot reach the database at ${config.DATABASE_URL}`
          : (err as Error).message;
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
} finally {
  await db.end();
  await redis?.quit();
}
