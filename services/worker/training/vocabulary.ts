import { INSULTS as LEXICON_INSULTS } from '#shared/scoring/lexicon.js';

/**
 * Sentences written for training, from general knowledge of how readers insult each other in news
 * comments, which tweets collected by slur keywords (Davidson) or political keywords (OLID) show
 * little of. Each insulting frame has a civil twin with the same words around a neutral one, so the
 * insult, not the frame ("you are a …", "the mayor is …"), is what is learned.
 */

/** Nouns and adjectives aimed at a person. */
export const INSULTS: readonly string[] = [
  // The lexicon's words aimed at a person (lexicon.ts), so the model knows them in a sentence too.
  ...[...LEXICON_INSULTS].filter((w) => !['retard', 'spastic', 'dyke'].includes(w)),
  'idiot',
  'moron',
  'imbecile',
  'cretin',
  'fool',
  'loser',
  'clown',
  'jerk',
  'creep',
  'scumbag',
  'lowlife',
  'degenerate',
  'dimwit',
  'halfwit',
  'nitwit',
  'dumbass',
  'jackass',
  'asshole',
  'douchebag',
  'buffoon',
  'hypocrite',
  'liar',
  'coward',
  'parasite',
  'pig',
  'rat',
  'snake',
  'troll',
  'bigot',
  'sleazebag',
  'dope',
  'numbskull',
  'airhead',
  'bonehead',
  'pervert',
  'piece of garbage',
  'piece of trash',
  'waste of space',
  'sack of shit',
  'pathetic excuse for a human',
];
export const INSULT_ADJECTIVES: readonly string[] = [
  'stupid',
  'dumb',
  'idiotic',
  'moronic',
  'brainless',
  'clueless',
  'pathetic',
  'worthless',
  'useless',
  'disgusting',
  'ignorant',
  'retarded',
  'braindead',
  'spineless',
  'gutless',
  'vile',
  'despicable',
  'repulsive',
  'deranged',
  'delusional',
];
const NEUTRAL_NOUNS = [
  'teacher',
  'neighbour',
  'reader',
  'voter',
  'student',
  'friend',
  'writer',
  'parent',
  'nurse',
  'citizen',
  'taxpayer',
  'fan',
  'farmer',
  'manager',
  'engineer',
  'good person',
  'kind man',
  'smart woman',
  'decent guy',
  'fair critic',
];
const NEUTRAL_ADJECTIVES = [
  'right',
  'wrong',
  'mistaken',
  'late',
  'kind',
  'honest',
  'busy',
  'careful',
  'reasonable',
  'smart',
  'thoughtful',
  'correct',
  'generous',
  'patient',
  'fair',
  'polite',
  'brave',
  'tired',
  'confused',
  'sincere',
];

const NOUN_FRAMES = [
  'you are a {x}',
  'what a {x}',
  'you {x}',
  'he is such a {x}',
  'the mayor is a {x}',
  'only a {x} would write this',
  'shut up you {x}',
  'the author is a total {x}',
  'my opponent is a {x}',
  'this senator is a {x}',
];
const ADJ_FRAMES = [
  'you are {x}',
  'how {x} can you be',
  'the author is {x}',
  'you are so {x}',
  'people who vote for him are {x}',
  'what a {x} thing to say',
  'this commenter is {x}',
  'your comment is {x}',
];

const an = (s: string) => s.replace(/\ba ([aeiou])/g, 'an $1');

/** [text, label] pairs: insults toxic (1), the same frames with neutral words not (0). */
export function insultSentences(): [string, 0 | 1][] {
  const out: [string, 0 | 1][] = [];
  NOUN_FRAMES.forEach((f, i) => {
    for (const x of INSULTS) out.push([an(f.replace('{x}', x)), 1]);
    for (let k = 0; k < INSULTS.length; k++)
      out.push([an(f.replace('{x}', NEUTRAL_NOUNS[(k + i) % NEUTRAL_NOUNS.length]!)), 0]);
  });
  ADJ_FRAMES.forEach((f, i) => {
    for (const x of INSULT_ADJECTIVES) out.push([f.replace('{x}', x), 1]);
    for (let k = 0; k < INSULT_ADJECTIVES.length; k++)
      out.push([f.replace('{x}', NEUTRAL_ADJECTIVES[(k + i) % NEUTRAL_ADJECTIVES.length]!), 0]);
  });
  return out;
}
