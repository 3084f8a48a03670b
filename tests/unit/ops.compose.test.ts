import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configSchema } from '#shared/config.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  profiles?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  ulimits?: { nofile?: { soft: number; hard: number } };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const env = (name: string) => services[name]?.environment ?? {};
const APP = ['api', 'worker', 'demo'];

describe('the Compose stack', () => {
  it('when it is read, then no password has a default: Postgres and Redis take generated ones from files', () => {
    const text = read('docker-compose.yml');
    assert.doesNotMatch(text, /POSTGRES_PASSWORD(?!_FILE)/, 'no POSTGRES_PASSWORD, only POSTGRES_PASSWORD_FILE');
    assert.doesNotMatch(text, /postgres:\/\/[^@\s'+]*:[^@\s'+]+@/, 'no password written in a URL');
    assert.equal(env('postgres').POSTGRES_PASSWORD_FILE, '/run/comments/postgres_password');
    const redis = [services.redis?.command ?? []].flat().join(' ');
    assert.match(redis, /--requirepass "\$\$\(cat \/run\/comments\/redis_password\)"/);
    assert.match(services.redis!.healthcheck!.test.join(' '), /REDISCLI_AUTH/);
    const init = read('infra/compose/init-secrets.mjs');
    for (const f of ['postgres_password', 'db_owner_password', 'db_app_password', 'redis_password', 'jwt_secret'])
      assert.match(init, new RegExp(f), `init-secrets generates ${f}`);
  });

  it('when the services connect, then they use the DML-only role and only migrations use the owner', () => {
    for (const name of APP) {
      const e = env(name);
      assert.equal(e.DATABASE_URL, undefined, `${name} takes no literal DATABASE_URL`);
      assert.equal(e.DATABASE_URL_FILE, '/run/comments/database_url', name);
      assert.equal(e.MIGRATION_DATABASE_URL_FILE, undefined, `${name} never has the owner's URL`);
      assert.equal(e.REDIS_URL_FILE, '/run/comments/redis_url', name);
      assert.equal(e.NODE_ENV, 'production', name);
    }
    assert.equal(env('migrate').MIGRATION_DATABASE_URL_FILE, '/run/comments/migration_database_url');
    assert.equal(env('migrate').JWT_SECRET_FILE, undefined, 'migrate has no access-token key');
    const init = read('infra/compose/init-secrets.mjs');
    assert.match(init, /put\(\s*'database_url',\s*\(\) =>\s*`postgres:\/\/comments_app:/);
    assert.match(init, /put\(\s*'migration_database_url',\s*\(\) =>\s*`postgres:\/\/comments_owner:/);
    assert.ok(services.postgres!.volumes!.some((v) => v.endsWith(':/docker-entrypoint-initdb.d/init-roles.sql:ro')));
  });

  it('when the secrets are given out, then each service mounts a volume holding only what it needs, and only init-secrets the store', () => {
    const mounts = (name: string) =>
      (services[name]?.volumes ?? []).filter((v) => v.includes(':/run/comments')).map((v) => v.split(':')[0]);
    for (const [name, s] of Object.entries(services))
      if (name !== 'init-secrets')
        assert.ok(!(s.volumes ?? []).some((v) => v.startsWith('secrets:')), `${name} does not mount the store`);
    assert.deepEqual(mounts('api'), ['app-secrets']);
    assert.deepEqual(mounts('worker'), ['app-secrets']);
    assert.deepEqual(mounts('migrate'), ['migrate-secrets']);
    assert.deepEqual(mounts('demo'), ['demo-secrets']);
    assert.deepEqual(mounts('postgres'), ['postgres-secrets']);
    assert.deepEqual(mounts('redis'), ['redis-secrets']);
    // What init-secrets writes into each, run as Compose runs it.
    const dir = mkdtempSync(path.join(tmpdir(), 'init-secrets-'));
    try {
      const store = path.join(dir, 'store');
      const out = path.join(dir, 'out');
      mkdirSync(store);
      const run = () =>
        execFileSync(process.execPath, [fileURLToPath(new URL('infra/compose/init-secrets.mjs', root)), store, out]);
      run();
      const held = (consumer: string) => readdirSync(path.join(out, consumer)).sort();
      assert.deepEqual(held('app'), ['database_url', 'jwt_secret', 'redis_url']);
      // migrate signs no tokens: it runs without the access-token key.
      assert.deepEqual(held('migrate'), ['database_url', 'migration_database_url', 'redis_url']);
      assert.deepEqual(held('demo'), ['database_url', 'demo_sso_secret', 'jwt_secret', 'redis_url']);
      assert.deepEqual(held('postgres'), ['db_app_password', 'db_owner_password', 'postgres_password']);
      assert.deepEqual(held('redis'), ['redis_password']);
      assert.match(readFileSync(path.join(out, 'app', 'database_url'), 'utf8'), /^postgres:\/\/comments_app:/);
      assert.equal(statSync(path.join(out, 'app', 'jwt_secret')).mode & 0o777, 0o400);
      assert.equal(statSync(path.join(out, 'postgres', 'postgres_password')).mode & 0o777, 0o444);
      // A second start keeps every secret, and its copies follow the store; what a consumer no longer needs (the
      // token key an earlier release gave migrate) is taken back.
      const before = readFileSync(path.join(store, 'jwt_secret'), 'utf8');
      writeFileSync(path.join(out, 'migrate', 'jwt_secret'), before, { mode: 0o400 });
      run();
      assert.equal(readFileSync(path.join(out, 'app', 'jwt_secret'), 'utf8'), before);
      assert.deepEqual(held('migrate'), ['database_url', 'migration_database_url', 'redis_url']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the roles are created, then the owner owns the schema and the services role gets data privileges only', () => {
    const sql = read('infra/postgres/init-roles.sql').replace(/--.*$/gm, '');
    assert.match(sql, /CREATE ROLE comments_owner LOGIN PASSWORD :'owner_password'/);
    assert.match(sql, /CREATE ROLE comments_app LOGIN PASSWORD :'app_password'/);
    assert.match(sql, /ALTER SCHEMA public OWNER TO comments_owner/);
    assert.match(sql, /REVOKE ALL ON SCHEMA public FROM PUBLIC/);
    const grants = [...sql.matchAll(/GRANT ([A-Z, ]+) ON (\w+)[^;]* TO comments_app/g)].map((m) => [
      m[2],
      m[1]!.trim(),
    ]);
    assert.deepEqual(grants, [
      ['DATABASE', 'CONNECT, TEMPORARY'],
      ['SCHEMA', 'USAGE'],
      // Those a volume created before the roles already holds…
      ['ALL', 'SELECT, INSERT, UPDATE, DELETE'],
      ['ALL', 'USAGE, SELECT'],
      ['ALL', 'EXECUTE'],
      // …and those the migrations create from now on.
      ['TABLES', 'SELECT, INSERT, UPDATE, DELETE'],
      ['SEQUENCES', 'USAGE, SELECT'],
      ['FUNCTIONS', 'EXECUTE'],
    ]);
    assert.doesNotMatch(sql, /comments_app[^;]*(SUPERUSER|CREATEDB|CREATEROLE)|GRANT (ALL|CREATE)[^;]*comments_app/);
  });

  it("when the API holds as many live readers' streams as it admits by default, then its open-file limit has room for them", () => {
    const admitted = configSchema.parse({ JWT_SECRET: 'x'.repeat(32) }).SSE_MAX_STREAMS;
    const nofile = services.api?.ulimits?.nofile;
    assert.ok(nofile, 'the API sets its open-file limit');
    assert.ok(nofile.soft >= admitted + 1000, `${nofile.soft} files for ${admitted} streams and the rest`);
  });

  it('when the stack starts without a profile, then the demo publisher is not part of it', () => {
    assert.deepEqual(services.demo?.profiles, ['demo']);
    for (const [name, s] of Object.entries(services))
      if (name !== 'demo') assert.equal(s.profiles, undefined, `${name} runs in every deployment`);
  });
});
