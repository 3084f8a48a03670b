import type { Worker } from 'bullmq';
import { createCommentWorker } from '../../services/worker/src/create-worker.js';
import { createWorkerMetrics } from '../../services/worker/src/metrics.js';
import { createLexiconScorer } from '../../services/worker/src/scorers/lexicon.js';
import type { ScorerSet } from '../../services/worker/src/scorers/types.js';
import { createRedis } from '../../shared/src/redis.js';
import type { TestEnv } from './env.js';

/** A real BullMQ worker in this process, on the test env's database and queue. */
export async function startTestWorker(env: TestEnv, opts: { scorers?: Partial<ScorerSet> } = {}): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
  const worker = createCommentWorker({
    config: env.config, db: env.db, redis: env.redis, logger: env.logger,
    metrics: createWorkerMetrics(), scorers: { embedded: createLexiconScorer(), ...opts.scorers },
  }, connection);
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await connection.quit().catch(() => undefined);
    },
  };
}
