import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { WorkerMetrics } from '../metrics.js';
import { RemoteFailure } from './http.js';
import type { RequestSlots } from './rate-limit.js';
import { ScorerError } from '#shared/scoring/types.js';

export interface ResilienceOptions {
  provider: string;
  slots: RequestSlots;
  metrics: Pick<WorkerMetrics, 'scorerDuration' | 'scorerErrors' | 'scorerCircuit' | 'scorerDeferrals'>;
  /** Retries after transient failures (5xx, timeouts, network); a 429 does not use one. */
  retries: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** Longest one call waits for request slots and short Retry-Afters before deferring its comment. */
  rateWaitMs: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
}

/** Longest Retry-After we pass on to the queue; beyond it the provider's hint is not believed. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RemoteCaller {
  /** Runs one request under the quota, retries and circuit breaker; throws only ScorerError. */
  call<T>(request: () => Promise<T>): Promise<T>;
  readonly breaker: CircuitBreakerPolicy;
}

/**
 * What every remote scorer shares: a slot from the fleet-wide quota before each request,
 * retries with exponential backoff and full jitter on transient failures, 429s waited out
 * without using a retry (Retry-After honoured up to the wait budget; beyond it the comment is
 * deferred in the queue), and a circuit breaker that fails calls at once while the provider is
 * down. Whatever happens, callers see a ScorerError, never anything else.
 */
export function createRemoteCaller(o: ResilienceOptions): RemoteCaller {
  const { provider, metrics } = o;
  const breaker = circuitBreaker(
    // 429 and "unsupported text" say nothing about the provider's health.
    handleWhen((err) => err instanceof RemoteFailure && (err.kind === 'transient' || err.kind === 'fatal')),
    { halfOpenAfter: Math.max(1, o.breakerHalfOpenMs), breaker: new ConsecutiveBreaker(o.breakerFailures) },
  );
  const stateValue = {
    [CircuitState.Closed]: 0,
    [CircuitState.Open]: 1,
    [CircuitState.HalfOpen]: 2,
    [CircuitState.Isolated]: 1,
  };
  metrics.scorerCircuit.set({ provider }, 0);
  breaker.onStateChange((s) => metrics.scorerCircuit.set({ provider }, stateValue[s]));

  const fail = (kind: ScorerError['kind'], label: string, message: string, retryAfterMs?: number) => {
    metrics.scorerErrors.inc({ provider, kind: label });
    if (kind === 'rate_limited') metrics.scorerDeferrals.inc({ provider });
    return new ScorerError(kind, provider, message, retryAfterMs);
  };

  async function call<T>(request: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + o.rateWaitMs;
    let retriesUsed = 0;
    for (;;) {
      try {
        await o.slots.acquire(deadline);
      } catch (err) {
        if (err instanceof ScorerError) throw fail(err.kind, err.kind, err.message, err.retryAfterMs);
        throw fail('unavailable', 'internal', `${provider}: ${(err as Error).message}`);
      }
      const started = performance.now();
      try {
        const result = await breaker.execute(() => request());
        metrics.scorerDuration.observe({ provider, outcome: 'ok' }, (performance.now() - started) / 1000);
        return result;
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          throw fail(
            'unavailable',
            'circuit_open',
            `${provider} circuit open after repeated failures; next trial within ${o.breakerHalfOpenMs} ms`,
          );
        }
        if (!(err instanceof RemoteFailure))
          throw fail('unavailable', 'internal', `${provider}: ${(err as Error).message}`);
        metrics.scorerDuration.observe({ provider, outcome: err.label }, (performance.now() - started) / 1000);
        if (err.kind === 'unsupported') throw fail('unsupported', err.label, err.message);
        if (err.kind === 'fatal') throw fail('unavailable', err.label, err.message);
        if (err.kind === 'throttled') {
          metrics.scorerErrors.inc({ provider, kind: err.label });
          const wait = Math.min(err.retryAfterMs ?? backoff(0), MAX_RETRY_AFTER_MS);
          // Every process holds off, not just this one.
          if (err.retryAfterMs && wait > 0) await o.slots.pause(wait);
          if (Date.now() + wait > deadline) {
            throw fail('rate_limited', 'rate_limited', `${err.message}; retry in ${wait} ms`, wait);
          }
          await sleep(wait);
          continue;
        }
        // transient
        metrics.scorerErrors.inc({ provider, kind: err.label });
        if (retriesUsed >= o.retries) {
          throw fail('unavailable', 'retries_exhausted', `${err.message} (after ${retriesUsed + 1} attempts)`);
        }
        await sleep(Math.min(o.backoffMaxMs, Math.max(backoff(retriesUsed), err.retryAfterMs ?? 0)));
        retriesUsed++;
      }
    }
  }

  /** Full jitter: a random delay up to base·2^n, capped. */
  function backoff(n: number): number {
    return Math.random() * Math.min(o.backoffMaxMs, o.backoffMs * 2 ** n);
  }

  return { call, breaker };
}
