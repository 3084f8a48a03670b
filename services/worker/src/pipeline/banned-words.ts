import { wordListPhase } from './word-list.js';

/** A word or phrase from the site's banned list rejects the comment (after normalisation, on word boundaries). */
export const bannedWords = wordListPhase('banned', 'rejected', 'banned_word');
