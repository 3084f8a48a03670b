// Run by the Compose service `init-secrets` before anything else starts (`node init-secrets.mjs STORE OUT`).
// Generates each random secret once into STORE (the `secrets` volume, which only this service mounts), with the
// connection URLs that carry them, then copies to each consumer's own volume under OUT only what it needs:
//   OUT/postgres  the superuser's password and those of the two roles it creates (infra/postgres/init-roles.sql)
//   OUT/redis     Redis's password
//   OUT/app       what the API and the worker connect and sign with: the DML-only role's URL, Redis's, the token key
//   OUT/migrate   the data-only role's URL, Redis's and the owner's URL (no token key: it signs none), for the one
//                 process that changes tables
//   OUT/demo      the app's and the demo site's SSO secret
// Copies are rewritten at every start, so a secret changed in STORE reaches its consumers on the next start, and a
// file a consumer no longer needs is removed from its volume.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const [store, out] = process.argv.slice(2);
if (!store || !out) {
  process.stderr.write('usage: node init-secrets.mjs STORE OUT\n');
  process.exit(2);
}

const random = () => randomBytes(48).toString('base64url');
/** Passwords the postgres and redis images read as their own users: readable by all in their own volumes. */
const SHARED = 0o444;
/** Read by the app's user (node, the owner of what this service writes) alone. */
const OWN = 0o400;

const put = (name, value, mode) => {
  const path = join(store, name);
  if (!existsSync(path)) writeFileSync(path, typeof value === 'function' ? value() : value, { mode });
};
const read = (name) => readFileSync(join(store, name), 'utf8');

for (const name of ['jwt_secret', 'demo_sso_secret']) put(name, random, OWN);
for (const name of ['postgres_password', 'db_owner_password', 'db_app_password', 'redis_password'])
  put(name, random, SHARED);
put(
  'migration_database_url',
  () => `postgres://comments_owner:${read('db_owner_password')}@postgres:5432/comments`,
  OWN,
);
put('database_url', () => `postgres://comments_app:${read('db_app_password')}@postgres:5432/comments`, OWN);
put('redis_url', () => `redis://:${read('redis_password')}@redis:6379`, OWN);

const APP = ['database_url', 'redis_url', 'jwt_secret'];
const CONSUMERS = {
  postgres: ['postgres_password', 'db_owner_password', 'db_app_password'],
  redis: ['redis_password'],
  app: APP,
  migrate: ['database_url', 'redis_url', 'migration_database_url'],
  demo: [...APP, 'demo_sso_secret'],
};
for (const [consumer, names] of Object.entries(CONSUMERS)) {
  const dir = join(out, consumer);
  mkdirSync(dir, { recursive: true });
  // What an earlier release gave this consumer and it no longer needs is taken back.
  for (const held of readdirSync(dir)) if (!names.includes(held)) rmSync(join(dir, held), { force: true });
  for (const name of names) {
    const target = join(dir, name);
    if (existsSync(target)) chmodSync(target, 0o600);
    copyFileSync(join(store, name), target);
    chmodSync(target, names === CONSUMERS.postgres || names === CONSUMERS.redis ? SHARED : OWN);
  }
}
