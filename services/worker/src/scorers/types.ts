/** Attributes every scorer reports, each a probability-like score in [0, 1]. */
export type Attribute = 'TOXICITY' | 'SEVERE_TOXICITY' | 'IDENTITY_ATTACK' | 'INSULT' | 'PROFANITY' | 'THREAT' | 'SPAM';

export interface ScoreResult {
  attributes: Partial<Record<Attribute, number>>;
  provider: string;
  model: string;
  latencyMs: number;
}

export interface ScoreContext {
  siteId: string;
  language?: string;
}

/**
 * One way of scoring a comment. Implementations throw when they cannot score (timeout,
 * outage); the pipeline then holds the comment: an unavailable check never approves.
 */
export interface Scorer {
  readonly name: string;
  score(text: string, ctx: ScoreContext): Promise<ScoreResult>;
}
