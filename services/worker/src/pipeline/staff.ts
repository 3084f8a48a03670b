import { scoringOutcome } from './scoring.js';
import type { Phase } from './types.js';

/**
 * Moderators and admins are not held (they still pass every reject rule before this phase).
 * A scorer that could not run is still recorded, so the decision says the comment was not
 * fully screened.
 */
export const staff: Phase = (ctx) => {
  const { author } = ctx;
  if (author.role === 'commenter') return undefined;
  const unscored = scoringOutcome(ctx).unavailable.map((u) => ({ rule: 'scorer_unavailable', detail: `${u.scorer} could not score: ${u.error}` }));
  return { status: 'approved', reasons: [...unscored, { rule: 'staff', detail: `author is a site ${author.role}; holds do not apply` }] };
};
