import http from 'node:http';
import { createRegistry, prom } from '#shared/metrics.js';
import type { Readiness } from './readiness.js';

export interface WorkerMetrics {
  registry: prom.Registry;
  jobs: prom.Counter<'outcome'>;
  moderationDuration: prom.Histogram<never>;
  acceptToPersist: prom.Histogram<never>;
  decisions: prom.Counter<'outcome' | 'rule'>;
  reasons: prom.Counter<'rule'>;
  /** Remote scorer requests by provider and outcome (ok, or the error kind). */
  scorerDuration: prom.Histogram<'provider' | 'outcome'>;
  /** Failed remote scorer requests and calls, by provider and kind (timeout, http_5xx, http_429, gone, malformed, …). */
  scorerErrors: prom.Counter<'provider' | 'kind'>;
  /** 0 closed, 1 open, 2 half-open. */
  scorerCircuit: prom.Gauge<'provider'>;
  /** Calls that found no request slot in time and sent their comment back to the queue, delayed. */
  scorerDeferrals: prom.Counter<'provider'>;
  /** Comments per remote scorer request (batching providers). */
  scorerBatchSize: prom.Histogram<'provider'>;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = createRegistry('worker');
  return {
    registry,
    jobs: new prom.Counter({
      name: 'jobs_processed_total',
      help: 'Comment jobs by outcome (approved, pending, rejected, duplicate, retry, failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    moderationDuration: new prom.Histogram({
      name: 'moderation_duration_seconds',
      help: 'Time the moderation pipeline took per comment',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    acceptToPersist: new prom.Histogram({
      name: 'comment_accept_to_persist_seconds',
      help: 'Time from the API accepting a comment to the worker storing its decision',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    decisions: new prom.Counter({
      name: 'moderation_decisions_total',
      help: 'Stored decisions by outcome and by the rule that decided (none: nothing objected)',
      labelNames: ['outcome', 'rule'] as const,
      registers: [registry],
    }),
    reasons: new prom.Counter({
      name: 'moderation_reasons_total',
      help: 'Reasons recorded on decisions, by rule (a decision may carry several)',
      labelNames: ['rule'] as const,
      registers: [registry],
    }),
    scorerDuration: new prom.Histogram({
      name: 'scorer_request_duration_seconds',
      help: 'Remote scorer HTTP requests by provider and outcome (ok or the error kind)',
      labelNames: ['provider', 'outcome'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    scorerErrors: new prom.Counter({
      name: 'scorer_errors_total',
      help: 'Remote scorer failures by provider and kind (timeout, network, http_5xx, http_429, gone, http_4xx, malformed, unsupported, circuit_open, rate_limited)',
      labelNames: ['provider', 'kind'] as const,
      registers: [registry],
    }),
    scorerCircuit: new prom.Gauge({
      name: 'scorer_circuit_state',
      help: 'Circuit breaker of each remote scorer in this process: 0 closed, 1 open, 2 half-open',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    scorerDeferrals: new prom.Counter({
      name: 'scorer_rate_limit_deferrals_total',
      help: 'Scorer calls that found no request slot within SCORER_RATE_WAIT_MS; their comments went back to the queue, delayed',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    scorerBatchSize: new prom.Histogram({
      name: 'scorer_batch_size',
      help: 'Comments sent per remote scorer request',
      labelNames: ['provider'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
  };
}

/** The worker's own small HTTP endpoint: /healthz (alive), /readyz (can do its work) and /metrics. */
export function serveMetrics(opts: {
  metrics: WorkerMetrics;
  readiness: () => Promise<Readiness>;
  port: number;
  host: string;
}): http.Server {
  const { metrics, readiness } = opts;
  return http
    .createServer(async (req, res) => {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      } else if (req.url === '/readyz') {
        const { ready, checks, details } = await readiness();
        res
          .writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ status: ready ? 'ready' : 'not_ready', checks, details }));
      } else if (req.url === '/metrics') {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(await metrics.registry.metrics());
      } else {
        res
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end('{"error":{"code":"not_found","message":"no such endpoint"}}');
      }
    })
    .listen(opts.port, opts.host);
}
