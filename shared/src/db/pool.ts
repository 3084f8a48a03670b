import pg from 'pg';
import type { Config } from '../config.js';

/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;
export type Pool = pg.Pool;

export interface PoolOptions {
  url: string;
  max: number;
  onError: (err: Error) => void;
  /**
   * Named (server-side prepared) statements for the hot queries; default on. Off behind a
   * transaction pooler that cannot carry them from one server connection to the next.
   */
  preparedStatements?: boolean;
  /** Sent as a startup parameter (default 15 s); 0 sends none, for poolers that refuse it. */
  statementTimeoutMs?: number;
}

/** The pool options the configuration decides (every process connects the same way). */
export const databaseOf = (
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_PREPARED_STATEMENTS' | 'DATABASE_STATEMENT_TIMEOUT_MS'>,
) => ({
  url: config.DATABASE_URL,
  preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
});

/** Where migrations run: straight to Postgres (they hold a session advisory lock). */
export const migrationUrlOf = (config: Pick<Config, 'DATABASE_URL' | 'MIGRATION_DATABASE_URL'>): string =>
  config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL;

export function createPool(opts: PoolOptions): pg.Pool {
  const timeout = opts.statementTimeoutMs ?? 15000;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    // Bound every statement so a stuck query cannot hold a job or a request forever.
    ...(timeout > 0 ? { statement_timeout: timeout } : {}),
  });
  pool.on('error', opts.onError);
  if (opts.preparedStatements === false) pool.on('connect', sendStatementsUnnamed);
  return pool;
}

/**
 * Drops the `name` of every query this client sends, so each is parsed as an unnamed statement:
 * through PgBouncer in transaction mode the next transaction may run on another server
 * connection, where a statement prepared on the last one does not exist.
 */
function sendStatementsUnnamed(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const unnamed = (config: unknown, ...rest: unknown[]) => {
    const named = typeof config === 'object' && config !== null && 'name' in config && !('submit' in config);
    return query(named ? { ...config, name: undefined } : config, ...rest);
  };
  Object.assign(client, { query: unnamed });
}

/** Runs fn in a transaction (`begin` opens it: a plain BEGIN unless given); rolls back on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (tx: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Runs `fn` in a read-only REPEATABLE READ transaction on one connection: reads that see one snapshot and take one
 * of the pool's connections however many queries they make.
 */
export const withReadOnlySnapshot = <T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> =>
  withTransaction(pool, fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
