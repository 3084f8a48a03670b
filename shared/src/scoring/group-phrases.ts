import { ownMatches } from './quotation.js';

/**
 * Three forms of hate against a protected group that have a grammar a bag of words reads poorly:
 *
 * - stereotype: a trait given to the whole group, as a statement, an opinion or a question — "immigrants are
 *   all lazy", "i think muslims are violent", "why are women so hysterical?", "jews always lie";
 * - dehumanisation: the group is said to be vermin, animals, a disease or less than human — "muslims are
 *   rats", "immigrants are nothing but parasites", "gay people are a disease", "jews are not human";
 * - negated respect: the writer refuses the group trust, respect or a place, or denies it is equal —
 *   "i don't trust jews", "i will never respect women", "trans people are not real women",
 *   "immigrants are not welcome here", "black people should not be allowed to vote".
 *
 * The group must be a protected one named in the plural ("muslims", "gay people", "women"), not a
 * possessive ("women's football"), and the match must not sit inside a quotation the comment reports or
 * rejects (`quotation.ts`). Politicians, fans or "people who litter" are not a
 * protected group and are left to the model. A negation of the whole ("it is wrong to say jews are rats")
 * is not read: the model scores those, and a moderator sees the span.
 */

export interface GroupSpan {
  /** UTF-16 offsets into the text. */
  start: number;
  end: number;
}

const A = "['’]";
const W = '\\s+';

/** Protected groups, as the plural noun phrase a generalisation uses. */
const GROUP = [
  'muslims',
  'moslems',
  'jews',
  'blacks',
  'black\\s+(?:people|folks|men|women)',
  'africans',
  'african\\s+americans',
  'gays',
  'gay\\s+(?:people|men|couples)',
  'lesbians',
  'homosexuals',
  'queers',
  'bisexuals',
  'trans(?:gender)?\\s+(?:people|women|men|folks)',
  'transgenders',
  'immigrants',
  'migrants',
  'refugees',
  'asylum\\s+seekers',
  'foreigners',
  'women',
  'females',
  'mexicans',
  'latinos',
  'hispanics',
  'arabs',
  'asians',
  'chinese\\s+people',
  'indians',
  'pakistanis',
  'hindus',
  'sikhs',
  'christians',
  'catholics',
  'atheists',
  'roma',
  'gypsies',
  'disabled\\s+people',
  'the\\s+disabled',
  'autistic\\s+people',
  'deaf\\s+people',
  'blind\\s+people',
  'indigenous\\s+people',
  'native\\s+americans',
  'aboriginals',
  'white\\s+people',
  'whites',
].join('|');
/** "all", "most", "these", "those", "the" before the group; "all" or "of them" after. */
const GROUP_NP = `\\b(?:(?:all|most|these|those|the|you|u)${W})?(?:${GROUP})\\b(?!${A}s?)(?:${W}all)?`;
// Groups are named in the plural: "is" after one belongs to a larger subject ("the view of women is …").
const IS = `(?:are|r|${A}re)`;

/** What a dehumanising predicate calls people. */
const VERMIN = [
  'an\\s+abomination|abominations|animals|vermin|rats|cockroaches|roaches|parasites|leeches|insects',
  'locusts|maggots|worms|lice|termites|pests|savages|beasts|subhuman|sub-human|subhumans|untermenschen',
  'apes|monkeys|gorillas|baboons|pigs|swine|dogs|mongrels|rodents|snakes|scum|filth|trash|garbage',
  'rubbish|vermin|a\\s+(?:disease|plague|cancer|virus|pestilence|infestation|parasite|blight|stain',
  'scourge|sickness|mental\\s+illness)|diseased|a\\s+lower\\s+(?:form|species)',
  'a\\s+different\\s+species|not\\s+(?:even\\s+)?(?:human|people|persons)|less\\s+than\\s+human',
  'barely\\s+human',
].join('|');
const LIKE = `(?:${W}(?:just|nothing${W}but|no${W}better${W}than|little${W}more${W}than|basically|literally|simply|all|like|a${W}bunch${W}of|a${W}pack${W}of|a${W}horde${W}of|a${W}swarm${W}of|worse${W}than|the${W}same${W}as|really|truly|such|filthy|dirty|disgusting|stinking|fucking|vile)){0,3}`;

/** Verbs of respect, trust or acceptance the writer denies the group. */
const RESPECT = 'respect|trust|like|accept|tolerate|stand|value|employ|hire|rent\\s+to|serve';
// What follows a group that is not the object of the verb itself ("i don't accept women being paid less").
const NOT_OBJECT_END = `(?!${W}(?:to|being|who|that|which|when|if|because|as|in|from|for|on|with|are|is|\\w+ing|\\w+ed)\\b)`;
const DENY = `\\b(?:i|we)(?:${W}(?:do${W}not|don${A}?t|dont|will${W}never|won${A}?t|wont|would${W}never|never|cannot|can${A}?t|cant|could${W}never|refuse${W}to|shall${W}never|will${W}not|am${W}not${W}going${W}to|${A}m${W}not${W}going${W}to)|${A}ll${W}never|${A}d${W}never)(?:${W}(?:ever|really|fully|even))?${W}(?:${RESPECT})`;
/** What the group is said not to be. */
const NOT_EQUAL = `human|humans|people|persons|welcome${W}(?:here|in${W}(?:this|our|my)\\b)|our${W}equals|equal${W}to${W}us|real${W}(?:women|men|people|americans|citizens|britons)|trustworthy|to${W}be${W}trusted|civilised|civilized|normal|natural|capable${W}of${W}\\w+|fit${W}to${W}\\w+|worth${W}(?:anything|saving|respecting|it)|as${W}(?:smart|intelligent|good|capable)${W}as${W}\\w+`;
const NOT = `(?:${W}not|n${A}?t|${W}never)`;
// …to vote, to marry, to work; not "allowed to drown" or "let down", which pity them.
const NOT_ALLOWED = `(?:should|must|need${W}to|ought${W}to)(?:${W}not|n${A}?t|${W}never)${W}be${W}(?:(?:allowed|permitted)${W}to${W}(?!(?:die|drown|suffer|starve|freeze|sleep|go${W}hungry|fall|struggle|be${W}(?:harmed|hurt|abused|attacked|exploited|mistreated|left|forgotten|treated))\\b)|trusted\\b|given${W}rights\\b)`;

/** Traits a stereotype gives a whole group ("lazy", "criminals", "a burden"), and a denial takes back. */
const TRAIT = [
  'terrorists|extremists|fanatics|radicals|criminals|criminal|thugs|gangsters|rapists|thieves|liars',
  'murderers|killers|paedophiles|pedophiles|predators|perverts|perverted|degenerates|degenerate',
  'invaders|parasites|leeches|scroungers|freeloaders|animals|vermin|savages|savage|barbaric',
  'bloodthirsty|primitive|backward|backwards|uncivili[sz]ed|subhuman|inferior|the\\s+enemy',
  'our\\s+enemies|enemies|a\\s+threat|a\\s+danger|dangerous|violent|aggressive|evil|stupid|dumb|idiots',
  'ignorant|illiterate|retarded|lazy|useless|worthless|incompetent|incapable|unfit|hysterical',
  'brainwashed|filthy|smelly|disgusting|ugly|greedy|dishonest|untrustworthy|deceitful|sneaky',
  'diseased|trash|scum|filth|the\\s+problem|to\\s+blame|a\\s+burden|bad\\s+people',
  'less\\s+(?:intelligent|capable|human)|breeding\\s+like\\s+\\w+',
].join('|');
/** What makes a trait a generalisation: "all", "so", "always", "just", "naturally" … */
const GENERALLY = `(?:${W}(?:all|so|always|just|really|such|mostly|generally|naturally|basically|inherently|genetically|too|very|more|far${W}more|much${W}more|simply|clearly|obviously|a${W}bunch${W}of|nothing${W}but|full${W}of|by${W}nature|of${W}course)){0,3}`;

const SHAPES: readonly string[] = [
  // stereotype: GROUP are [all, so, naturally] lazy; why are GROUP so violent; why do GROUP always lie
  `${GROUP_NP}${W}${IS}${GENERALLY}${W}(?:${TRAIT})\\b`,
  `\\bwhy${W}(?:are|r)${W}${GROUP_NP}${W}(?:so|always|all|such)${GENERALLY}${W}(?:${TRAIT})\\b`,
  `(?:\\bwhy${W}do${W})?${GROUP_NP}${W}(?:always|all|just)${W}(?:lie|steal|cheat|rape|breed|whine|scrounge|riot|stink|smell)\\b`,
  // dehumanisation: GROUP are [nothing but] vermin
  `${GROUP_NP}${W}${IS}${LIKE}${W}(?:${VERMIN})\\b`,
  // negated respect: i don't trust GROUP
  `${DENY}${W}${GROUP_NP}${NOT_OBJECT_END}`,
  // GROUP are not human / welcome / real women
  `${GROUP_NP}${W}(?:are|r)${NOT}${W}(?:really${W}|even${W}|fully${W})?(?:${NOT_EQUAL})\\b`,
  `${GROUP_NP}${W}(?:aren${A}?t|arent)${W}(?:really${W}|even${W}|fully${W})?(?:${NOT_EQUAL})\\b`,
  // GROUP should not be allowed to vote / trusted
  `${GROUP_NP}${W}${NOT_ALLOWED}`,
  `${GROUP_NP}${W}(?:can${A}?t|cannot|cant)${W}be${W}trusted\\b`,
];

const GROUP_RE = new RegExp(SHAPES.map((s) => `(?:${s})`).join('|'), 'gi');
// A name of a group at least (a cheap test before the patterns).
const MAY_NAME_GROUP = new RegExp(`\\b(?:${GROUP})\\b`, 'i');
// Words just before it that report or reject the statement: "it is a lie that", "stop saying", "they claim".
const REPORTED_BEFORE =
  /\b(?:wrong|false|myths?|lie|lies|(?<!\bnot\s+)(?:racist|bigoted|bigotry|hateful)|nonsense|absurd|ridiculous|appalling|shameful|not\s+true|claim|claims|claiming|claimed|says|saying|said|called|calling|tweeted|wrote|chanted|shouted|idea|notion|misconception|stereotype|prejudice|(?:don['’]?t|do\s+not|doesn['’]?t)\s+(?:think|believe))\b(?:\W+\w+){0,4}\W*$|\b(?:not|never)\s+$/i;
// The sentence a match is in: what comes before it in that sentence.
const SENTENCE_START = /[.!?;:\n][^.!?;:\n]*$/;

/** The dehumanising or respect-denying statements about a protected group a text makes. */
export function findGroupHate(text: string): GroupSpan[] {
  if (!MAY_NAME_GROUP.test(text)) return [];
  const found: GroupSpan[] = [];
  for (const m of ownMatches(GROUP_RE, text)) {
    const start = m.index;
    const window = text.slice(Math.max(0, start - 48), start);
    const sentence = SENTENCE_START.exec(window);
    if (REPORTED_BEFORE.test(sentence ? window.slice(sentence.index + 1) : window)) continue;
    found.push({ start, end: start + m[0].length });
  }
  return found;
}

/** Whole comments that only deny hate about a group: each shape must span the comment. */
const DENIALS: readonly string[] = [
  // muslims are not terrorists; not all immigrants are criminals; gay people aren't sick
  `(?:not${W}all${W})?${GROUP_NP}${W}(?:are${W}not|aren${A}?t|arent|are${W}never)${W}(?:all${W})?(?:${TRAIT})`,
  `not${W}all${W}(?:${GROUP})${W}are${W}(?:${TRAIT})`,
  // i don't hate jews; i have nothing against trans people; there is nothing wrong with being gay
  `(?:i|we)${W}(?:do${W}not|don${A}?t|dont|never|would${W}never|could${W}never)${W}(?:hate|despise|fear|dislike|mind)${W}${GROUP_NP}`,
  `(?:i|we)${W}(?:have|${A}ve${W}got|have${W}got)${W}nothing${W}against${W}${GROUP_NP}`,
  `there${A}?s?${W}(?:is${W})?nothing${W}wrong${W}with${W}(?:being${W}(?:gay|lesbian|bisexual|trans|transgender|queer|black|muslim|jewish|disabled|autistic|an${W}immigrant|a${W}refugee)|${GROUP_NP})`,
  // stop blaming immigrants
  `(?:stop|quit)${W}(?:blaming|hating|attacking|demonising|demonizing|scapegoating|bashing)${W}${GROUP_NP}`,
];
const DENIAL_RE = new RegExp(
  `^\\W*(?:${DENIALS.map((s) => `(?:${s})`).join('|')})(?:${W}(?:at${W}all|either|anymore|period|full${W}stop|whatsoever))?[\\s.!?…🙂😊]*$`,
  'i',
);

/**
 * Whether the whole comment only denies hate about a protected group ("Muslims are not terrorists.",
 * "Not all immigrants are criminals", "I don't hate gay people", "Stop blaming refugees!"). A bag of words
 * reads the group and the smear and not the denial; the embedded scorer keeps such a comment under the
 * default hold (comment.ts) unless something else in it — a slur, an insult, a threat — holds it.
 */
export function onlyDeniesHate(text: string): boolean {
  return text.length <= 200 && DENIAL_RE.test(text);
}
