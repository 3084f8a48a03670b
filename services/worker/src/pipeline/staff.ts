import { unscoredReasons } from './scoring.js';
import type { Phase } from './types.js';

/**
 * Moderators and admins are not held (they still pass every reject rule before this phase).
 * A scorer that could not run is still recorded, so the decision says the comment was not
 * fully screened.
 */
export const staff: Phase = (ctx) => {
  const { author } = ctx;
  if (author.role === 'commenter') return undefined;
  return {
    status: 'approved',
    reasons: [
      ...unscoredReasons(ctx.unscored),
      { rule: 'staff', detail: `author is a site ${author.role}; holds do not apply` },
    ],
  };
};
