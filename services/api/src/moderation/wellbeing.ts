import { ATTRIBUTES, type SiteSettings } from '#shared/settings.js';

/** Attributes that measure harm a moderator reads (spam does not hurt to read). */
const HARM = ATTRIBUTES.filter((a) => a !== 'SPAM');

/**
 * Whether a comment's text is severe enough to blur in the queue: its highest harm score, from any
 * scorer (`TOXICITY` or `<provider>.TOXICITY`), above the site's `wellbeing.blurAbove`.
 */
export function isSevere(scores: Record<string, number>, settings: Pick<SiteSettings, 'wellbeing'>): boolean {
  const level = settings.wellbeing.blurAbove;
  if (level >= 1) return false;
  return Object.entries(scores).some(
    ([key, v]) => HARM.some((a) => key === a || key.endsWith(`.${a}`)) && typeof v === 'number' && v > level,
  );
}
