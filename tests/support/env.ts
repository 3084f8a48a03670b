import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Cluster } from 'ioredis';
import { loadConfig, type Config } from '#shared/config.js';
import { createPool, databaseOf, migrationUrlOf, type Pool } from '#shared/db/pool.js';
import { migrate } from '#admin/migrate.js';
import { createRedis, type RedisClient } from '#shared/redis.js';
import { createCommentsQueue } from '#shared/queues.js';
import { createLogger, type Logger } from '#shared/logger.js';
import type { Queue } from 'bullmq';
import type { CommentJob } from '#shared/queues.js';
import { waitFor } from './wait-for.js';

/** Postgres server tests use (a fresh database is made on it per test file). */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestEnv {
  config: Config;
  /** Environment variables that make a child process use this env's database and queue prefix. */
  childEnv: NodeJS.ProcessEnv;
  db: Pool;
  redis: RedisClient;
  queueRedis: RedisClient;
  queue: Queue<CommentJob>;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * A private world for one test file: its own database (created and migrated, dropped at the
 * end) and its own Redis key prefix, so files run in parallel and never touch a developer's data.
 */
export async function createTestEnv(
  overrides: Record<string, string> = {},
  opts: {
    /** The services' DATABASE_URL from the direct one (e.g. through a pooler); migrations still go direct. */
    databaseUrlVia?: (directUrl: string) => string;
  } = {},
): Promise<TestEnv> {
  const tag = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dbName = `comments_test_${tag}`;
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${dbName}`;
  const vars: Record<string, string> = {
    NODE_ENV: 'test',
    // A strong secret of its own, as production needs: the test environment does not relax the rule.
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_URL: opts.databaseUrlVia ? opts.databaseUrlVia(url.toString()) : url.toString(),
    ...(opts.databaseUrlVia ? { MIGRATION_DATABASE_URL: url.toString() } : {}),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `{test-${tag}}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WORKER_METRICS_PORT: '0',
    API_METRICS_PORT: '0',
    JOB_BACKOFF_MS: '200',
    JOB_BACKOFF_MAX_MS: '2000',
    ...overrides,
  };
  const config = loadConfig(vars);
  await migrate(migrationUrlOf(config));
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'test' });
  const db = createPool({ ...databaseOf(config), max: 10, onError: () => undefined });
  const redis = createRedis(config.REDIS_URL, () => undefined);
  const queueRedis = createRedis(config.REDIS_URL, () => undefined, { forQueue: true });
  const queue = createCommentsQueue(queueRedis, config.QUEUE_PREFIX);
  queue.on('error', () => undefined);
  // A cluster connection refuses commands until it has learnt the slots (no offline queue).
  if (redis instanceof Cluster)
    await waitFor(() => redis.status === 'ready', { timeoutMs: 10_000, what: 'the Redis Cluster connection' });

  return {
    config,
    db,
    redis,
    queueRedis,
    queue,
    logger,
    childEnv: { ...process.env, ...vars },
    async close() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      // Our own keys (idempotency, rate limits) under this prefix.
      const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
      for (const node of nodes) {
        const keys = await node.keys(`${config.QUEUE_PREFIX}*`);
        // One slot (the prefix's hash tag), so one DEL even on a cluster node.
        if (keys.length > 0) await node.del(...keys);
      }
      await Promise.allSettled([redis.quit(), queueRedis.quit()]);
      await db.end();
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
      await admin.end();
    },
  };
}
