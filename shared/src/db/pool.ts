import pg from 'pg';

/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;
export type Pool = pg.Pool;

export function createPool(opts: { url: string; max: number; onError: (err: Error) => void }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    // Bound every statement so a stuck query cannot hold a job or a request forever.
    statement_timeout: 15000,
  });
  pool.on('error', opts.onError);
  return pool;
}

/** Runs fn in a transaction; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
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
