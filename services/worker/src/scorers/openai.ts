import type { WorkerMetrics } from '../metrics.js';
import { RemoteFailure, postJson, probability } from './http.js';
import type { RemoteCaller } from './resilience.js';
import { ScorerError, type Attribute, type ScoreResult, type Scorer } from './types.js';

export interface OpenAiOptions {
  /** Base URL of an OpenAI-compatible API; requests go to `{base}/v1/moderations`. */
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  /** Most comments per request. */
  batchMax: number;
  /** How long the first comment of a batch waits for others. */
  batchWaitMs: number;
  caller: RemoteCaller;
  metrics: Pick<WorkerMetrics, 'scorerBatchSize'>;
}

/**
 * OpenAI's moderation categories onto our attributes; each attribute takes the highest score
 * of the categories listed for it. Categories that describe a topic rather than an attack on
 * someone (`violence`, `violence/graphic`, `sexual`, `illicit`, `self-harm`) are left out of
 * TOXICITY: news comments discuss wars, crimes and health in earnest.
 *   TOXICITY         harassment, harassment/threatening, hate, hate/threatening, illicit/violent,
 *                    self-harm/intent, self-harm/instructions, sexual/minors
 *   SEVERE_TOXICITY  harassment/threatening, hate/threatening, sexual/minors
 *   IDENTITY_ATTACK  hate, hate/threatening
 *   INSULT           harassment
 *   PROFANITY        sexual
 *   THREAT           harassment/threatening, hate/threatening, illicit/violent
 */
export const CATEGORY_MAP: Record<Attribute, string[]> = {
  TOXICITY: ['harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit/violent', 'self-harm/intent', 'self-harm/instructions', 'sexual/minors'],
  SEVERE_TOXICITY: ['harassment/threatening', 'hate/threatening', 'sexual/minors'],
  IDENTITY_ATTACK: ['hate', 'hate/threatening'],
  INSULT: ['harassment'],
  PROFANITY: ['sexual'],
  THREAT: ['harassment/threatening', 'hate/threatening', 'illicit/violent'],
  SPAM: [],
};

interface Pending {
  text: string;
  resolve(r: Pick<ScoreResult, 'attributes' | 'model'>): void;
  reject(e: ScorerError): void;
}

/**
 * `POST {base}/v1/moderations` with `omni-moderation-latest`. Comments scored at about the same
 * time in this process (a worker runs many jobs at once) share one request: the first waits up
 * to `batchWaitMs` for others, a full batch goes at once. One request is one slot of the quota.
 */
export function createOpenAiScorer(o: OpenAiOptions): Scorer {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/v1/moderations`;
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;

  function flush() {
    if (timer) { clearTimeout(timer); timer = null; }
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    o.metrics.scorerBatchSize.observe({ provider: 'openai' }, batch.length);
    o.caller.call(async () => parse(await postJson({
      provider: 'openai', url, timeoutMs: o.timeoutMs,
      headers: { authorization: `Bearer ${o.apiKey}` },
      body: { model: o.model, input: batch.map((p) => p.text) },
    }), batch.length)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
      (err: unknown) => {
        const e = err instanceof ScorerError ? err : new ScorerError('unavailable', 'openai', (err as Error).message);
        for (const p of batch) p.reject(e);
      },
    );
  }

  return {
    name: 'openai',
    score(text) {
      const started = performance.now();
      return new Promise<Pick<ScoreResult, 'attributes' | 'model'>>((resolve, reject) => {
        queue.push({ text, resolve, reject });
        if (queue.length >= o.batchMax) flush();
        else timer ??= setTimeout(flush, o.batchWaitMs);
      }).then((r) => ({ ...r, provider: 'openai', latencyMs: performance.now() - started }));
    },
  };
}

function parse(json: unknown, expected: number): Pick<ScoreResult, 'attributes' | 'model'>[] {
  const { results, model } = (json ?? {}) as { results?: unknown; model?: unknown };
  if (!Array.isArray(results) || results.length !== expected) {
    throw new RemoteFailure('fatal', 'malformed', `openai answered ${Array.isArray(results) ? results.length : 'no'} results for ${expected} inputs`);
  }
  return results.map((r) => {
    const scores = (r as { category_scores?: Record<string, unknown> })?.category_scores;
    if (!scores || typeof scores !== 'object') throw new RemoteFailure('fatal', 'malformed', 'openai answered a result without category_scores');
    const attributes: Partial<Record<Attribute, number>> = {};
    for (const [attribute, categories] of Object.entries(CATEGORY_MAP) as [Attribute, string[]][]) {
      const present = categories.filter((c) => c in scores);
      if (present.length === 0) continue;
      attributes[attribute] = Math.max(...present.map((c) => probability('openai', scores[c], `${c} score`)));
    }
    if (attributes.TOXICITY === undefined) throw new RemoteFailure('fatal', 'malformed', 'openai answered without harassment or hate scores');
    return { attributes, model: typeof model === 'string' && model.length <= 100 ? model : 'unknown' };
  });
}
