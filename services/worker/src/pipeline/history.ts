import type { Phase } from './types.js';

/** Fewer recent comments than this say too little about a reader. */
export const MIN_HISTORY = 3;

/** A reader whose recent comments were rejected more often than the site tolerates is held. */
export const history: Phase = ({ settings, history: h }) => {
  const { rejectRate, windowDays } = settings.history;
  if (h.total < MIN_HISTORY) return undefined;
  const rate = h.rejected / h.total;
  if (rate <= rejectRate) return undefined;
  return {
    status: 'pending',
    reasons: [
      {
        rule: 'history',
        score: rate,
        detail: `${h.rejected} of the reader's last ${h.total} comments in ${windowDays} days were rejected`,
      },
    ],
  };
};
