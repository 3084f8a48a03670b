import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { PACKAGE_ROOT } from '#shared/package-root.js';

/** infra/migrations, beside package.json in the checkout and in the image alike. */
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'infra/migrations');

/** Creates the database named in the URL when it does not exist yet (first run on a fresh machine). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (err) {
    // Created meanwhile by another process: 42P04 once it exists, 23505 when both create it at the same moment.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await admin.end();
  }
}

/** How long one migration statement waits for a table's lock before it fails (the run is repeated later). */
export const MIGRATION_LOCK_TIMEOUT_MS = 10_000;
/** The advisory lock node-pg-migrate itself takes, so runs of every version of this command exclude each other. */
const MIGRATION_LOCK_ID = '7241865325823964';

/**
 * Applies pending migrations under a Postgres advisory lock, so two deploys starting at once cannot both migrate:
 * the second waits for the lock as long as the first takes, then finds nothing left to apply. The lock is held on a
 * connection of its own, without the migrations' lock timeout, which would end that wait too.
 */
export async function migrate(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<void> {
  await ensureDatabase(databaseUrl);
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await runner({
      // A migration that waits for a table lock (behind an export, a long import) gives up after a while instead of
      // making every query that asks for the table after it wait too; the Job (or the operator) runs it again.
      databaseUrl: { connectionString: databaseUrl, options: `-c lock_timeout=${MIGRATION_LOCK_TIMEOUT_MS}` },
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      log,
      checkOrder: true,
      noLock: true,
    });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}
