import { wordListPhase } from './word-list.js';

/** A word or phrase from the site's suspect list holds the comment for a moderator. */
export const suspectWords = wordListPhase('suspect', 'pending', 'suspect_word');
