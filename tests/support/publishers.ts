import type { Scorer } from '#shared/scoring/types.js';

/**
 * An embedded scorer that decides by a marker word, so tests get each status on purpose:
 * "HOLDME" scores above the default hold threshold, "REJECTME" above the reject threshold.
 */
export const markerScorer = (): Scorer => ({
  name: 'embedded',
  score: async (text) => ({
    attributes: {
      TOXICITY: text.includes('HOLDME') ? 0.85 : 0.01,
      SEVERE_TOXICITY: text.includes('REJECTME') ? 0.99 : 0.01,
    },
    provider: 'marker',
    model: 'marker-1',
    latencyMs: 1,
  }),
});
