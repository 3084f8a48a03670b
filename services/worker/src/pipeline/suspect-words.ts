import { siteWordMatcher } from '../rules/site-words.js';
import type { Phase } from './types.js';

/** A word or phrase from the site's suspect list holds the comment for a moderator. */
export const suspectWords: Phase = ({ comment, settings, settingsVersion }) => {
  if (settings.suspectWords.length === 0) return undefined;
  const found = siteWordMatcher(comment.siteId, 'suspect', settingsVersion, settings.suspectWords).match(comment.body);
  if (found.length === 0) return undefined;
  return {
    status: 'pending',
    reasons: found.map((m) => ({ rule: 'suspect_word', detail: `contains the suspect word "${m.word}"`, span: { start: m.start, end: m.end, text: comment.body.slice(m.start, m.end) } })),
  };
};
