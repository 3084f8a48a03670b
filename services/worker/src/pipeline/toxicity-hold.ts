import { crossed, thresholdReason, unscoredReasons } from './scoring.js';
import type { Phase } from './types.js';

/**
 * Holds at the site's hold thresholds, and holds when a scorer could not run (policy
 * `hold`): an unavailable check is a visible state, never a silent approval. A reader with a
 * long clean record skips holds that come only from borderline scores.
 */
export const toxicityHold: Phase = (ctx) => {
  if (ctx.unscored.length > 0) return { status: 'pending', reasons: unscoredReasons(ctx.unscored) };
  const over = crossed(ctx.scores, ctx.settings.thresholds.hold);
  if (over.length === 0) return undefined;
  const { trustedAfter } = ctx.settings.history;
  if (trustedAfter > 0 && ctx.author.approvedCount >= trustedAfter && ctx.history.rejected === 0) {
    return {
      reasons: [
        {
          rule: 'trusted_reader',
          detail: `borderline score not held: ${ctx.author.approvedCount} approved comments and no recent rejection`,
        },
      ],
    };
  }
  return { status: 'pending', reasons: over.map((o) => thresholdReason(ctx.spans, o, 'hold')) };
};
