import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
    const init = [services['init-secrets']?.command ?? []].flat().join(' ');
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
    const init = [services['init-secrets']?.command ?? []].flat().join(' ');
    assert.match(init, /'database_url',\(\)=>'postgres:\/\/comments_app:/);
    assert.match(init, /'migration_database_url',\(\)=>'postgres:\/\/comments_owner:/);
    assert.ok(services.postgres!.volumes!.some((v) => v.endsWith(':/docker-entrypoint-initdb.d/init-roles.sql:ro')));
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
