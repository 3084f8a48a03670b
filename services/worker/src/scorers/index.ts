import type { RedisClient } from '#shared/redis.js';
import type { Config } from '#shared/config.js';
import type { WorkerMetrics } from '../metrics.js';
import { createEmbeddedScorer } from '#shared/scoring/embedded.js';
import { createOpenAiScorer } from './openai.js';
import { createPerspectiveScorer } from './perspective.js';
import { createRequestSlots, createShadowSlots } from './rate-limit.js';
import { createRemoteCaller } from './resilience.js';
import type { ScorerSet } from '#shared/scoring/types.js';

/**
 * The worker's scorers: the embedded one always; a remote one only when the operator gave its
 * key (a site that chooses an unconfigured scorer is held with `scorer_unavailable`). With `shadow`, the set shadow
 * scoring uses: the remote ones take a share of the same quotas (`SHADOW_QUOTA_SHARE`) and never delay live scoring.
 */
export function createScorers(
  config: Config,
  redis: RedisClient,
  metrics: WorkerMetrics,
  o: { shadow?: boolean } = {},
): ScorerSet {
  const scorers: ScorerSet = { embedded: createEmbeddedScorer() };
  const caller = (provider: string, rate: Config['PERSPECTIVE_RATE']) => {
    const quota = { redis, prefix: config.QUEUE_PREFIX, provider, rate };
    const common = {
      metrics,
      backoffMs: config.SCORER_BACKOFF_MS,
      backoffMaxMs: config.SCORER_BACKOFF_MAX_MS,
      breakerFailures: config.SCORER_BREAKER_FAILURES,
      breakerHalfOpenMs: config.SCORER_BREAKER_HALF_OPEN_MS,
    };
    return o.shadow
      ? // Shadow scoring: a share of the same quota, taken without waiting, no retries, and a circuit breaker of its
        // own (its failures say nothing of the provider's live answers); metrics under `<provider>-shadow`.
        createRemoteCaller({
          ...common,
          provider: `${provider}-shadow`,
          slots: createShadowSlots({ ...quota, share: config.SHADOW_QUOTA_SHARE }),
          retries: 0,
          rateWaitMs: 0,
        })
      : createRemoteCaller({
          ...common,
          provider,
          slots: createRequestSlots(quota),
          retries: config.SCORER_RETRIES,
          rateWaitMs: config.SCORER_RATE_WAIT_MS,
        });
  };
  if (config.PERSPECTIVE_API_KEY) {
    scorers.perspective = createPerspectiveScorer({
      url: config.PERSPECTIVE_URL,
      apiKey: config.PERSPECTIVE_API_KEY,
      timeoutMs: config.PERSPECTIVE_TIMEOUT_MS,
      caller: caller('perspective', config.PERSPECTIVE_RATE),
    });
  }
  if (config.OPENAI_API_KEY) {
    scorers.openai = createOpenAiScorer({
      baseUrl: config.OPENAI_BASE_URL,
      apiKey: config.OPENAI_API_KEY,
      model: config.OPENAI_MODEL,
      timeoutMs: config.OPENAI_TIMEOUT_MS,
      batchMax: config.OPENAI_BATCH_MAX,
      batchWaitMs: config.OPENAI_BATCH_WAIT_MS,
      caller: caller('openai', config.OPENAI_RATE),
      metrics,
    });
  }
  return scorers;
}
