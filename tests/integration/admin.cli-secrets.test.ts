import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, uniq, type BuiltSite } from '../support/builders.js';
import { runAdmin } from '../support/processes.js';

/** The operator CLI keeps secrets out of terminals, shell histories and over-powered keys. */

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
});
after(async () => {
  await api?.close();
  await env?.close();
});

const PASSWORD_IN_URL = 'db-Passw0rd-never-printed';
const unreachable = { DATABASE_URL: `postgres://postgres:${PASSWORD_IN_URL}@127.0.0.1:1/comments` };

describe('the CLI and secrets', () => {
  it('when the database cannot be reached, then the error names it without its password', async () => {
    const cmd = await runAdmin({ ...env.childEnv, ...unreachable }, ['keys:create', '--site', site.siteId]);
    assert.equal(cmd.code, 1);
    assert.match(cmd.stderr, /cannot reach the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1/);
    assert.ok(!`${cmd.stdout}${cmd.stderr}`.includes(PASSWORD_IN_URL), cmd.stderr);
    const migrate = await runAdmin({ ...env.childEnv, ...unreachable }, ['migrate']);
    assert.equal(migrate.code, 1);
    assert.ok(!`${migrate.stdout}${migrate.stderr}`.includes(PASSWORD_IN_URL), migrate.stderr);
  });

  it('when the CLI and migrate run in production without JWT_SECRET, which they do not use, then they work', async () => {
    const noSecret: NodeJS.ProcessEnv = { ...env.childEnv };
    for (const key of ['NODE_ENV', 'JWT_SECRET', 'JWT_SECRET_FILE']) delete noSecret[key];
    const migrate = await runAdmin(noSecret, ['migrate']);
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.deepEqual(JSON.parse(migrate.stdout), { migrated: true });
    const key = await runAdmin(noSecret, ['keys:create', '--site', site.siteId]);
    assert.equal(key.code, 0, key.stderr);
    assert.equal(JSON.parse(key.stdout).siteId, site.siteId);
  });

  it('when Redis cannot be reached, then jobs:retry-failed says so and exits instead of waiting', async () => {
    const cmd = await Promise.race([
      runAdmin({ ...env.childEnv, REDIS_URL: 'redis://127.0.0.1:1' }, ['jobs:retry-failed']),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the CLI did not exit')), 60_000).unref()),
    ]);
    assert.equal(cmd.code, 1);
    assert.match(cmd.stderr, /cannot reach Redis/);
  });

  it('when users:create gets --password-stdin, then the password read from standard input signs in', async () => {
    const email = `${uniq('staff')}@example.com`;
    const password = 'typed into a pipe, not argv';
    const cmd = await runAdmin(
      env.childEnv,
      ['users:create', '--site', site.siteId, '--email', email, '--role', 'moderator', '--password-stdin'],
      `${password}\n`,
    );
    assert.equal(cmd.code, 0, cmd.stderr);
    const login = await request(api.app).post('/api/v1/auth/login').send({ siteId: site.siteId, email, password });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.role, 'moderator');
  });

  it('when sites:create or keys:create runs without --scope, then the key has comments:read and posts:write only; with --scope, those asked for', async () => {
    const plain = await runAdmin(env.childEnv, ['sites:create', '--id', uniq('cms'), '--name', 'CMS']);
    assert.equal(plain.code, 0, plain.stderr);
    const out = JSON.parse(plain.stdout);
    assert.deepEqual(out.apiKeyScopes, ['comments:read', 'posts:write']);
    const stored = await env.db.query<{ scopes: string[] }>('SELECT scopes FROM api_keys WHERE site_id = $1', [out.id]);
    assert.deepEqual(stored.rows[0]!.scopes, ['comments:read', 'posts:write']);
    const hooks = await runAdmin(env.childEnv, [
      'sites:create',
      '--id',
      uniq('hooks'),
      '--name',
      'Hooks',
      '--scope',
      'webhooks:manage',
    ]);
    assert.deepEqual(JSON.parse(hooks.stdout).apiKeyScopes, ['webhooks:manage']);
    // keys:create has the same default.
    const key = await runAdmin(env.childEnv, ['keys:create', '--site', out.id]);
    assert.equal(key.code, 0, key.stderr);
    assert.deepEqual(JSON.parse(key.stdout).scopes, ['comments:read', 'posts:write']);
  });

  it('when a key is asked for the moderation:write scope, which no route honours, then it is refused', async () => {
    const cmd = await runAdmin(env.childEnv, ['keys:create', '--site', site.siteId, '--scope', 'moderation:write']);
    assert.equal(cmd.code, 1);
    assert.match(cmd.stderr, /unknown scope moderation:write/);
    const admin = await runAdmin(env.childEnv, [
      'sites:create',
      '--id',
      uniq('m'),
      '--name',
      'M',
      '--scope',
      'moderation:write',
    ]);
    assert.equal(admin.code, 1);
  });
});
