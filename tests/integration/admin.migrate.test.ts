import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '#admin/migrate.js';
import { TEST_PG_URL } from '../support/env.js';

/** Migrations as deploys run them: two at once, and again when there is nothing left to do. */

describe('migrate', () => {
  it('when two deploys migrate one database at once, then one waits for the other and both succeed, each migration applied once', async () => {
    const name = `comments_test_migrate_${randomBytes(4).toString('hex')}`;
    const url = new URL(TEST_PG_URL);
    url.pathname = `/${name}`;
    try {
      await Promise.all([migrate(url.toString()), migrate(url.toString())]);
      await migrate(url.toString());
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      try {
        const twice = await db.query('SELECT name FROM pgmigrations GROUP BY name HAVING count(*) > 1');
        assert.deepEqual(twice.rows, []);
        assert.ok(((await db.query('SELECT 1 FROM pgmigrations')).rowCount ?? 0) > 20);
      } finally {
        await db.end();
      }
    } finally {
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  });
});
