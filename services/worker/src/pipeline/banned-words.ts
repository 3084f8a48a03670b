import { siteWordMatcher } from '../rules/site-words.js';
import type { Phase } from './types.js';

/** A word or phrase from the site's banned list rejects the comment (after normalisation, on word boundaries). */
export const bannedWords: Phase = ({ comment, settings, settingsVersion }) => {
  if (settings.bannedWords.length === 0) return undefined;
  const found = siteWordMatcher(comment.siteId, 'banned', settingsVersion, settings.bannedWords).match(comment.body);
  if (found.length === 0) return undefined;
  return {
    status: 'rejected',
    reasons: found.map((m) => ({ rule: 'banned_word', detail: `contains the banned word "${m.word}"`, span: { start: m.start, end: m.end, text: comment.body.slice(m.start, m.end) } })),
  };
};
