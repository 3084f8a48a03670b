import type { Phase, PhaseResult } from './types.js';

/**
 * Scores the comment with the site's scorers and compares the worst toxicity with the site's
 * thresholds. A scorer that fails holds the comment for a moderator: never fail open.
 */
export const toxicity: Phase = async ({ comment, settings, scorers }) => {
  const scores: Record<string, number> = {};
  const unavailable: string[] = [];
  await Promise.all(scorers.map(async (scorer) => {
    try {
      const result = await scorer.score(comment.body, { siteId: comment.siteId });
      for (const [attr, value] of Object.entries(result.attributes)) {
        scores[`${scorer.name}.${attr}`] = value;
        scores[attr] = Math.max(scores[attr] ?? 0, value);
      }
    } catch {
      unavailable.push(scorer.name);
    }
  }));
  if (unavailable.length > 0) {
    return { status: 'pending', scores, reasons: [{ code: 'check_unavailable', message: `could not score with ${unavailable.join(', ')}` }] };
  }
  const worst = Math.max(scores.TOXICITY ?? 0, scores.SEVERE_TOXICITY ?? 0);
  const result: PhaseResult = { scores };
  if (worst >= settings.rejectThreshold) {
    result.status = 'rejected';
    result.reasons = [{ code: 'toxic', message: `toxicity ${worst.toFixed(2)} ≥ reject threshold ${settings.rejectThreshold}` }];
  } else if (worst >= settings.holdThreshold) {
    result.status = 'pending';
    result.reasons = [{ code: 'toxic', message: `toxicity ${worst.toFixed(2)} ≥ hold threshold ${settings.holdThreshold}` }];
  }
  return result;
};
