import type { Queryable } from './pool.js';

/** Appeals against moderation decisions in a range: received, and decided each way. */
export interface AppealFigures {
  received: number;
  /** Decided, the first decision kept. */
  upheld: number;
  /** Decided, the first decision reversed. */
  reversed: number;
}

/**
 * The one source of the analytics' appeal figures. Authors' complaints against decisions are
 * recorded by the complaint-handling feature; a deployment without it has received none, so
 * every figure is 0. The complaint records answer here (same signature), and nothing else in the
 * analytics changes.
 */
export async function appealFigures(
  _db: Queryable,
  _q: { siteId: string; from: Date; to: Date },
): Promise<AppealFigures> {
  return { received: 0, upheld: 0, reversed: 0 };
}
