import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { MIGRATION_LOCK_TIMEOUT_MS, migrate } from '#admin/migrate.js';
import { TEST_PG_URL } from '../support/env.js';
import { ROOT } from '../support/processes.js';

/** Migrations as deploys run them: two at once, and again when there is nothing left to do. */

/** Runs `fn` with the URL of a database of its own (created by the first migrate), dropped afterwards. */
async function onScratchDatabase(fn: (url: string) => Promise<void>): Promise<void> {
  const name = `comments_test_migrate_${randomBytes(4).toString('hex')}`;
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  try {
    await fn(url.toString());
  } finally {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  }
}

describe('migrate', () => {
  it('when two deploys migrate one database at once, then one waits for the other and both succeed, each migration applied once', async () => {
    await onScratchDatabase(async (url) => {
      await Promise.all([migrate(url), migrate(url)]);
      await migrate(url);
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const twice = await db.query('SELECT name FROM pgmigrations GROUP BY name HAVING count(*) > 1');
        assert.deepEqual(twice.rows, []);
        assert.ok(((await db.query('SELECT 1 FROM pgmigrations')).rowCount ?? 0) > 20);
      } finally {
        await db.end();
      }
    });
  });

  it('when a migration waits for a table a long transaction holds, then it gives up after MIGRATION_LOCK_TIMEOUT_MS instead of blocking every query behind it, and applies on the next run', async () => {
    await onScratchDatabase(async (url) => {
      const holder = new pg.Client({ connectionString: url });
      try {
        await migrate(url);
        // The last migration undone, so the next run has one to apply; a transaction holds the tables it changes.
        await holder.connect();
        const last = (await holder.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id DESC LIMIT 1'))
          .rows[0]!.name;
        const sql = await readFile(path.join(ROOT, 'infra/migrations', `${last}.sql`), 'utf8');
        await holder.query(sql.slice(sql.indexOf('-- Down Migration')));
        await holder.query('DELETE FROM pgmigrations WHERE name = $1', [last]);
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE webhook_deliveries, comments, posts, users, api_keys IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        await assert.rejects(migrate(url), /lock timeout/);
        assert.ok(Date.now() - started < MIGRATION_LOCK_TIMEOUT_MS * 3);
        await holder.query('ROLLBACK');
        await migrate(url);
      } finally {
        await holder.end().catch(() => undefined);
      }
    });
  });

  it('when another run holds the migration lock longer than a statement may wait for a table, then the second run still waits for it', async () => {
    await onScratchDatabase(async (url) => {
      const first = new pg.Client({ connectionString: url });
      let release: NodeJS.Timeout | undefined;
      try {
        await migrate(url);
        await first.connect();
        // As a first run would: node-pg-migrate's lock, held past MIGRATION_LOCK_TIMEOUT_MS.
        await first.query(`SELECT pg_advisory_lock(7241865325823964)`);
        release = setTimeout(
          () => void first.query(`SELECT pg_advisory_unlock(7241865325823964)`),
          MIGRATION_LOCK_TIMEOUT_MS + 1_000,
        );
        const started = Date.now();
        await migrate(url);
        assert.ok(Date.now() - started >= MIGRATION_LOCK_TIMEOUT_MS, 'it waited for the lock');
      } finally {
        clearTimeout(release);
        await first.end().catch(() => undefined);
      }
    });
  });
});
