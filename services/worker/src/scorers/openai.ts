import type { WorkerMetrics } from '../metrics.js';
import { RemoteFailure, postJson, probability } from './http.js';
import type { RemoteCaller } from './resilience.js';
import { ScorerError, type Attribute, type ScoreResult, type Scorer } from '#shared/scoring/types.js';

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
  TOXICITY: [
    'harassment',
    'harassment/threatening',
    'hate',
    'hate/threatening',
    'illicit/violent',
    'self-harm/intent',
    'self-harm/instructions',
    'sexual/minors',
  ],
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

/** Comments that will share one request; open to more until the request is sent. */
interface Batch {
  items: Pending[];
  /** The request has started (or the call ended): the batch takes no more comments. */
  sealed: boolean;
  dispatched: boolean;
  timer: NodeJS.Timeout | null;
}

/**
 * `POST {base}/v1/moderations` with `omni-moderation-latest`. Comments scored at about the same
 * time in this process (a worker runs many jobs at once) share one request: the first waits up
 * to `batchWaitMs` for others, a full batch goes at once, and a batch waiting for a slot of the
 * quota keeps taking comments until its request is sent. One request is one slot of the quota.
 */
export function createOpenAiScorer(o: OpenAiOptions): Scorer {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/v1/moderations`;
  let open: Batch | null = null;

  function dispatch(batch: Batch) {
    if (batch.timer) {
      clearTimeout(batch.timer);
      batch.timer = null;
    }
    if (batch.dispatched) return;
    batch.dispatched = true;
    const seal = () => {
      batch.sealed = true;
      if (open === batch) open = null;
    };
    o.caller
      .call(async () => {
        seal();
        o.metrics.scorerBatchSize.observe({ provider: 'openai' }, batch.items.length);
        return parse(
          await postJson({
            provider: 'openai',
            url,
            timeoutMs: o.timeoutMs,
            headers: { authorization: `Bearer ${o.apiKey}` },
            body: { model: o.model, input: batch.items.map((p) => p.text) },
          }),
          batch.items.length,
        );
      })
      .then(
        (results) => {
          seal();
          batch.items.forEach((p, i) => p.resolve(results[i]!));
        },
        (err: unknown) => {
          seal();
          const e = err instanceof ScorerError ? err : new ScorerError('unavailable', 'openai', (err as Error).message);
          for (const p of batch.items) p.reject(e);
        },
      );
  }

  return {
    name: 'openai',
    score(text) {
      const started = performance.now();
      return new Promise<Pick<ScoreResult, 'attributes' | 'model'>>((resolve, reject) => {
        if (!open || open.sealed || open.items.length >= o.batchMax) {
          const batch: Batch = { items: [], sealed: false, dispatched: false, timer: null };
          batch.timer = setTimeout(() => dispatch(batch), o.batchWaitMs);
          open = batch;
        }
        const batch = open;
        batch.items.push({ text, resolve, reject });
        if (batch.items.length >= o.batchMax) {
          open = null;
          dispatch(batch);
        }
      }).then((r) => ({ ...r, provider: 'openai', latencyMs: performance.now() - started }));
    },
  };
}

function parse(json: unknown, expected: number): Pick<ScoreResult, 'attributes' | 'model'>[] {
  const { results, model } = (json ?? {}) as { results?: unknown; model?: unknown };
  if (!Array.isArray(results) || results.length !== expected) {
    throw new RemoteFailure(
      'fatal',
      'malformed',
      `openai answered ${Array.isArray(results) ? results.length : 'no'} results for ${expected} inputs`,
    );
  }
  return results.map((r) => {
    const scores = (r as { category_scores?: Record<string, unknown> })?.category_scores;
    if (!scores || typeof scores !== 'object')
      throw new RemoteFailure('fatal', 'malformed', 'openai answered a result without category_scores');
    const attributes: Partial<Record<Attribute, number>> = {};
    for (const [attribute, categories] of Object.entries(CATEGORY_MAP) as [Attribute, string[]][]) {
      const present = categories.filter((c) => c in scores);
      if (present.length === 0) continue;
      attributes[attribute] = Math.max(...present.map((c) => probability('openai', scores[c], `${c} score`)));
    }
    if (attributes.TOXICITY === undefined)
      throw new RemoteFailure('fatal', 'malformed', 'openai answered without harassment or hate scores');
    return { attributes, model: typeof model === 'string' && model.length <= 100 ? model : 'unknown' };
  });
}
