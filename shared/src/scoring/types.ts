import type { Attribute, ScorerName } from '#shared/settings.js';

export type { Attribute } from '#shared/settings.js';

export interface ScoreResult {
  attributes: Partial<Record<Attribute, number>>;
  provider: string;
  model: string;
  latencyMs: number;
  /** Matched text for highlighting (UTF-16 offsets into the text scored), when the scorer can tell. */
  spans?: { start: number; end: number; attribute: Attribute }[];
  /** Set when the site's adapter gave TOXICITY. */
  adapter?: boolean;
  /**
   * Set when the scorer could not read the text though it scored it (the embedded scorer reads English: "it reads
   * English, and this comment reads as German"): its scores say little, so the comment is held unless another scorer
   * read it.
   */
  unreadable?: string;
}

export interface ScoreContext {
  siteId: string;
  /** Languages of the site (BCP 47), for scorers that accept a hint. */
  languages?: string[];
}

/**
 * One way of scoring a comment. Implementations throw a ScorerError when they cannot score;
 * the toxicity phase then applies the site's policy: an unavailable check never approves.
 */
export interface Scorer {
  /** Which settings name selects this scorer. */
  readonly name: ScorerName;
  score(text: string, ctx: ScoreContext): Promise<ScoreResult>;
}

/** The scorers a worker has, by the name sites choose them with (remote ones only when configured). */
export type ScorerSet = Partial<Record<ScorerName, Scorer>> & { embedded: Scorer };

/**
 * Why a scorer could not score:
 * - `unavailable`: timeouts, 5xx, 429 after retries, an open circuit, malformed answers, 410 Gone;
 *   the site's `onScorerUnavailable` policy applies.
 * - `unsupported`: the provider refused this text (e.g. its language); the embedded scorer stands in.
 * - `rate_limited`: no request slot within the scorer's wait; the job is delayed in the queue
 *   (without burning an attempt) and scored later, until `SCORER_MAX_DEFER_S` runs out.
 */
export class ScorerError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'unsupported' | 'rate_limited',
    readonly provider: string,
    message: string,
    /** For rate_limited: when a slot is expected. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ScorerError';
  }
}
