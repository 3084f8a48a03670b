import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DEV_JWT_SECRET, loadConfig } from '../../shared/src/config.js';
import { configTable } from '../../shared/src/config-docs.js';

describe('configuration', () => {
  it('when nothing is set, then defaults work for a local Postgres and Redis', () => {
    const c = loadConfig({});
    assert.equal(c.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/comments');
    assert.equal(c.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.deepEqual(c.RATE_LIMIT_COMMENT_USER, { points: 10, duration: 60 });
    assert.equal(c.RATE_LIMITS, true);
  });
  it('when values are bad, then the error names every bad key', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty', RATE_LIMIT_COMMENT_IP: 'lots', SCORER_MAX_DEFER_S: '-1' }), (err: Error) =>
      /PORT/.test(err.message) && /RATE_LIMIT_COMMENT_IP/.test(err.message) && /SCORER_MAX_DEFER_S/.test(err.message));
  });
  it('when RATE_LIMITS=off, then limits are disabled', () => {
    assert.equal(loadConfig({ RATE_LIMITS: 'off' }).RATE_LIMITS, false);
  });
  it('when running in production with the development JWT secret, then start-up fails', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET }), /JWT_SECRET/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'change-me-in-production-0123456789abcdef' }), /JWT_SECRET/);
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).NODE_ENV, 'production');
  });
  it('when JWT_SECRET_FILE names a file, then the secret is read from it; a missing file is a clear error', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/cfg-`);
    await writeFile(`${dir}/jwt`, `${'s'.repeat(48)}\n`);
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET_FILE: `${dir}/jwt` }).JWT_SECRET, 's'.repeat(48));
    assert.throws(() => loadConfig({ JWT_SECRET_FILE: `${dir}/missing` }), /JWT_SECRET_FILE/);
  });
  it('when the README is read, then its configuration table is the generated one', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(configTable()), 'README configuration table is stale: run `npm run docs:config` and paste it');
  });
});
