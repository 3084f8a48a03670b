import type { Queue } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import type { CommentJob } from '#shared/queues.js';
import type { ModerationTask } from '#shared/moderation-tasks.js';
import type { ApiMetrics } from './http/metrics.js';
import type { Limiters } from './http/rate-limit.js';
import type { Lookups } from './comments/lookups.js';
import type { ThreadCache } from './comments/thread-cache.js';
import type { Events } from '#shared/webhooks/events.js';
import type { ThreadEvents } from './widget/thread-events.js';
import type { BrowserAssets } from './assets/store.js';

/** Everything the API's handlers use, built once in main.ts (or by a test) and passed down. */
export interface ApiDeps {
  config: Config;
  db: Pool;
  redis: RedisClient;
  queue: Queue<CommentJob>;
  /** Background moderation work (a ban that rejects a reader's comments), run by the worker. */
  tasks: Queue<ModerationTask>;
  logger: Logger;
  metrics: ApiMetrics;
  limiters: Limiters;
  lookups: Lookups;
  threadCache: ThreadCache;
  /** Webhook events (post.created, and whatever a route emits). */
  events: Events;
  /** Open live-update streams, fed by the process's one thread-change subscription. */
  threadEvents: ThreadEvents;
  /** The built browser apps; main.ts loads them at start-up. Left out, the app loads them itself. */
  assets?: BrowserAssets;
}
