import { agreesWithWhatItReports, saidByTheWriter, spokenByOthers } from './quotation.js';
import { compileShapes, inGroups, ownShapeMatches, type PhraseSpan, withShortSpaces } from './shapes.js';

/**
 * Five forms of hate against a protected group that have a grammar a bag of words reads poorly:
 *
 * - stereotype: a trait given to the whole group, as a statement, an opinion or a question — "immigrants are
 *   all lazy", "i think muslims are violent", "why are women so hysterical?", "jews always lie";
 * - dehumanisation: the group is said to be vermin, animals, a disease or less than human — "muslims are
 *   rats", "immigrants are nothing but parasites", "gay people are a disease", "jews are not human";
 * - negated respect: the writer refuses the group trust, respect or a place, or denies it is equal —
 *   "i don't trust jews", "i will never respect women", "trans people are not real women",
 *   "immigrants are not welcome here", "black people should not be allowed to vote".
 * - never and not: what the group will never be or do, is not, or is good for nothing but — "disabled people will
 *   never be real athletes", "roma don't want to work", "being gay is not normal", "no woman belongs in charge", and
 *   loaded questions ("are albanians even capable of …?", "would you trust a romanian to …?") and rhetorical ones the
 *   comment leaves unanswered ("what have refugees ever done for us except …?", "since when do travellers pay council
 *   tax?", "who let these albanians in?");
 * - exclusion and the tropes of implicit derogation: the group is put in a lower place, sent away, said to
 *   replace or ruin "us", control the banks and the media, good only for one thing, unable to think, or its lives
 *   worth less — "women belong in the kitchen", "muslims don't belong here", "refugees should go back where they came
 *   from", "immigrants are replacing us", "jews control the media", "women are only good for cooking", "black lives
 *   don't matter". A policy's words are left to the model ("illegal immigrants should be deported").
 *
 * The group must be a protected one named in the plural ("muslims", "gay people", "women"), or in a few shapes
 * one of it ("no woman", "a romanian") or a way of life ("being gay"), not a possessive ("women's football"), and the match must not sit inside a quotation the comment reports or
 * rejects (`quotation.ts`). Politicians, fans or "people who litter" are not a
 * protected group and are left to the model. A negation of the whole ("it is wrong to say jews are rats")
 * is not read: the model scores those, and a moderator sees the span.
 */

const A = "['’]";
const W = '\\s+';

/** Protected groups, as the plural noun phrase a generalisation uses. */
const GROUP = [
  'muslims',
  'moslems',
  'jews',
  // not the All Blacks
  'blacks(?<!\\bthe\\s+all\\s+blacks)',
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
  'pakis',
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
  // nationalities a stereotype names in European and North American comment sections (not "poles" or "turks":
  // telegraph poles, national teams; "irish travellers", not passengers; "the deaf", not "the blind": window blinds)
  'nigerians',
  'somalis',
  'romanians',
  'albanians',
  'afghans',
  'syrians',
  'iraqis',
  'iranians',
  'kurds',
  'jamaicans',
  'filipinos',
  'bangladeshis',
  'ukrainians',
  'eritreans',
  'sudanese',
  'bulgarians',
  'lithuanians',
  'eastern\\s+europeans',
  'irish\\s+travellers',
  'mormons',
  'non-?binary\\s+people',
  'wheelchair\\s+users',
  'the\\s+deaf',
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
const RESPECT =
  'respect|trust|like|accept|tolerate|stand|value|employ|hire|rent\\s+to|serve|vote\\s+for|befriend|live\\s+(?:next\\s+to|near)|sit\\s+next\\s+to';
// What follows a group that is not the object of the verb itself ("i don't accept women being paid less").
const NOT_OBJECT_END = `(?!${W}(?:to|being|who|that|which|when|if|because|as|in|from|for|on|with|without|unless|until|while|under|legally|are|is|\\w+ing|\\w+ed)\\b)`;
/** The writer refusing: "i don't", "we will never", "i wouldn't", "i'd never", "i refuse to". */
const REFUSING = `\\b(?:i|we)(?:${W}(?:do${W}not|don${A}?t|dont|will${W}never|won${A}?t|wont|would${W}never|wouldn${A}?t|would${W}not|never|cannot|can${A}?t|cant|could${W}never|refuse${W}to|shall${W}never|will${W}not|am${W}not${W}going${W}to|${A}m${W}not${W}going${W}to)|${A}ll${W}never|${A}d${W}never)`;
const DENY = `${REFUSING}(?:${W}(?:ever|really|fully|even))?${W}(?:${RESPECT})`;
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
  // not "sick of", "sick and tired", "crazy about" (what a group is fed up with or loves)
  'sick(?!\\s+(?:of|and\\s+tired|with|after|from|because|in|to\\s+death))|mentally\\s+(?:ill|unwell|disturbed)|insane',
  'crazy(?!\\s+about)|deranged|groomers|a\\s+menace|freaks|unnatural',
].join('|');
/** What makes a trait a generalisation: "all", "so", "always", "just", "naturally" … */
const GENERALLY = `(?:${W}(?:all|so|always|just|really|such|mostly|generally|naturally|basically|inherently|genetically|too|very|more|far${W}more|much${W}more|simply|clearly|obviously|a${W}bunch${W}of|nothing${W}but|full${W}of|by${W}nature|of${W}course)){0,3}`;

// The rest of a question's sentence compares ("… but not here?", "… only to ban them from working").
const NO_COMPARISON = `(?![^.!?]*\\b(?:but|only${W}to|whereas|and${W}then)\\b)`;
/** One person of a protected group, after "a" or "an". */
const ONE_OF = `woman|muslim|moslem|jew|black${W}(?:man|woman|person|guy)|gay${W}(?:man|woman|person|guy)|lesbian|immigrant|migrant|refugee|trans${W}(?:woman|man|person)|transgender${W}(?:woman|man|person)|mexican|arab|asian|indian|african|foreigner|hindu|sikh|gypsy|disabled${W}person|nigerian|somali|romanian|albanian|afghan|syrian|iraqi|iranian|kurd|jamaican|filipino|filipina|bangladeshi|pakistani|ukrainian|traveller|deaf${W}person|blind${W}(?:man|woman|person)|wheelchair${W}user|autistic${W}person`;
/** Where a group is said to belong: confinement or a lower place. */
const CONFINED = [
  `kitchen|zoos?|cages?|camps?|concentration${W}camps?|gas${W}chambers?|ovens?|gutter|jungle|trees|fields(?!${W}of)|chains`,
  `slums?|ghettos?|the${W}back${W}of${W}the${W}bus|their${W}(?:own${W})?(?:countries|country|place|caves?)`,
].join('|');
const HOMELAND = 'country|countries|nation|town|city|neighbou?rhood|society|schools?|streets|culture|land|europe';
/** Where a group is told to go back to, or how it is to be put out (not "deported", a policy's word). */
const SENT_AWAY = [
  // not "go back home" or "to their country" once it is safe: a policy's words
  `go${W}back${W}(?:(?:to${W})?where${W}(?:they|you|u)${W}(?:came|come)${W}from|to${W}(?:their${W}(?:caves?|jungles?|deserts?|huts?|shitholes?)|africa|the${W}jungle))`,
  `stay${W}in${W}their${W}(?:place|lane|kitchens?)`,
  `know${W}their${W}place|be${W}seen${W}and${W}not${W}heard|be${W}kept${W}in${W}their${W}place`,
  `be${W}(?:shipped${W}back|thrown${W}out|kicked${W}out|rounded${W}up|sterili[sz]ed|caged|purged)`,
  `get${W}out${W}of${W}(?:our|this|my)${W}(?:${HOMELAND})`,
].join('|');
/** What a group is said to do to the writer's country: the "replacement" and "invasion" tropes. */
const TAKEOVER = [
  // not "replacing us in the labour force", "invading our golf club"
  `(?:replacing|replace)${W}us(?!${W}(?:in|at|on|as)\\b(?!${W}(?:our|this|my)${W}(?:own${W})?(?:country|nation|land|homeland)))|out-?breeding${W}us|outbreed${W}us|colonising${W}us|colonizing${W}us`,
  `(?:invading|invade)${W}(?:us|our${W}(?:country|nation|land|homeland|continent|shores|borders|towns|cities|streets|neighbou?rhoods)|this${W}(?:country|nation|land|continent)|europe|america|britain|the${W}west)\\b(?!${A})`,
  // a country, not "this city's restaurant scene" or "our newsroom"
  `(?:taking|take)${W}over${W}(?:our|this|the)${W}(?:country|nation|continent|land|west)(?!${A})`,
  `(?:ruin|ruins|ruined|ruining)${W}(?:everything|every${W}(?:place|neighbou?rhood|town|city|country)|this${W}country|our${W}(?:${HOMELAND}|way${W}of${W}life))(?!${A})`,
  `(?:destroy|destroys|destroyed|destroying|infest|infests|infested|infesting|pollute|pollutes|polluting)${W}(?:every${W}(?:neighbou?rhood|town|city|country)|this${W}country|our${W}(?:country|nation|culture|society|way${W}of${W}life))(?!${A})`,
].join('|');
/** What a group is said to be unable to do: to think at all, or to control itself ("women can't think logically"). */
const INCAPABLE = `(?:think|reason)(?:${W}(?:for${W}themselves|logically|rationally)|(?=\\s*(?:$|[.!?])))|control${W}themselves`;
/** The groups as the adjective of "lives" ("black lives"). */
const GROUP_ADJ = `black|muslim|jewish|gay|trans|immigrant|migrant|refugee|female|women${A}?s|arab|asian|mexican|palestinian|israeli|white|native|indigenous|disabled`;

/** Nationalities and faiths as adjectives, before a word for people ("somali families", "a polish builder"). */
const NATION_ADJ = `somali|nigerian|eritrean|sudanese|pakistani|bangladeshi|indian|afghan|syrian|iraqi|iranian|kurdish|arab|turkish|romanian|albanian|bulgarian|lithuanian|polish|eastern${W}european|jamaican|caribbean|african|mexican|filipino|chinese|asian|roma|gypsy|traveller|muslim|jewish|hindu|sikh|catholic`;
/** Words for people after a group's adjective. */
const FOLK = `people|folks?|families|family|men|man|women|woman|lads?|blokes?|bloke|girls?|boys?|kids|youths|workers?|students?|doctors?|nurses?|drivers?|builders?|neighbou?rs?|tenants?|teachers?|footballers?|players?|community|communities|lot|gangs?|mps?|mayor|judge|vicar|imam|priest|rabbi|colleagues?|staff`;
/**
 * After one of a group, what shows it is a person and not an adjective ("a Syrian", not "a Syrian hamster"): the
 * clause goes on with a verb or a preposition, or ends.
 */
const HEAD = `(?=\\s*(?:[.,;:!?)]|$)|${W}(?:who|that|is|was|are|were|will|would|can|could|should|has|had|have|does|did|doesn${A}?t|isn${A}?t|wasn${A}?t|in|on|at|as|with|from|to|and|or|but)\\b)`;
/** A group or one of it named in any of the ways a comment does: "immigrants", "a muslim", "the somali families". */
const NAMED = `(?:${GROUP_NP}|\\b(?:an?|the|every|each|one)${W}(?:${ONE_OF})\\b${HEAD}|\\b(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK})\\b)`;
/** Praise that presumes the group lacks it ("articulate for a …", "clean, polite, for a …"). */
const PRAISE = `articulate|clever|smart|intelligent|bright|well[\\s-]spoken|well[\\s-]mannered|well[\\s-]behaved|clean|polite|honest|hard[\\s-]?working|competent|capable|civili[sz]ed|educated|sensible|trustworthy|eloquent|law[\\s-]abiding`;
/** What a sarcastic "exception" presumes the rest of the group does not do. */
const EXCEPTION = `(?:isn${A}?t|is${W}not|wasn${A}?t|was${W}not)${W}(?:angry|on${W}benefits|on${W}the${W}(?:dole|fiddle|make|take)|a${W}(?:criminal|terrorist|thief|scrounger)|lying|stealing|begging|claiming)|(?:can|could)${W}actually${W}(?:park|drive|speak|read|write|count|cook|work|play|think)|actually${W}(?:works?|worked|pays?|paid|gave|gives|speaks?|contributes?)|pays?${W}(?:his|her|their)${W}(?:taxes|tax|way)|gave${W}(?:me${W})?(?:my|the)${W}(?:change|money|wallet)${W}back|gave${W}(?:the${W})?money${W}back|learn(?:ed|t)${W}(?:english|the${W}language)|(?:doing|did|does|do)${W}(?:an${W})?honest${W}(?:day${A}?s${W})?work|with${W}a${W}(?:gcse|degree|job|qualification)|made${W}it${W}here${W}legally`;
/** A sneer that marks an "exception" as sarcasm ("frame it", "a rare bird", "for once", "first time for everything"). */
// not "good to see", "fair play", "credit where it's due": said in earnest of someone in the news as often as not
const SNEER = `\\b(?:frame${W}it|(?:in${W}a|put${W}it${W}in${W}a)${W}museum|(?:that${A}?s|now${W}that${A}?s)${W}a${W}headline|rare${W}bird|first${W}time${W}for${W}everything|wonders${W}never${W}cease|miracles?${W}(?:do${W})?happen|who${A}?d${W}have${W}(?:thought|guessed)|didn${A}?t${W}expect${W}that|bless|gold${W}star|for${W}once|unbelievable|surprisingly)\\b`;
/** Animals and pests a group is likened to, and what they do. */
const PESTS = `ants|rabbits|rats|pigeons|locusts|cockroaches|roaches|flies|nits|lice|fleas|woodworm|termites|maggots|mice|vermin|cattle|sheep|animals|a${W}(?:virus|plague|swarm|disease|cancer|rash|herd|pack${W}of${W}(?:dogs|wolves|animals|hyenas))|an${W}infestation`;
/** "treated like animals", "housed like cattle": pity, not a likeness. */
const NOT_PITY = `(?<!\\b(?:treat|treated|treating|treats|kept|keep|housed|crammed|packed|herded|caged|hunted|slaughtered|dying|die|died|used|handled|transported|shipped|rounded${W}up|talk${W}about|talked${W}about|talks${W}about|described|portrayed|painted|spoken${W}(?:of|about)|compared|compare|compares|live|lived|living|sold|forced|drop|dropped|dropping|work|worked|working)(?:${W}(?:them|us|him|her|people|refugees|migrants|\\w+)){0,3}${W})(?<!\\b(?:really|also|do|don${A}?t|they|we|i|you|kids|children|would|to|all|both)${W})`;
/** Whom a call to put out names: the group, one of it, or "them" and "the lot" once the comment names it. */
const PUT_OUT = `every${W}(?:last${W})?(?:one${W}of${W}(?:them|the${W}\\w+(?:${W}\\w+)?)|family|(?:${ONE_OF}))|(?:them${W})?all${W}(?:of${W})?(?:them|the${W}(?:${GROUP}))|them${W}all|the${W}whole${W}lot${W}of${W}them|the${W}\\w+${W}lot|${GROUP_NP}|the${W}(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK})`;
/** Where a group is told to go: "home", "back", "on the first plane". */
const AWAY = `home|back|packing|out|off|away|on${W}(?:the${W}first|a)${W}(?:plane|flight|boat|coach|barge|bus|ferry)|onto${W}(?:a${W})?(?:barge|plane|boat)`;

/** What a group is asked why it always does: a habit said of all of it ("why do … always expect handouts?"). */
const HABIT = `need${W}special${W}treatment|make${W}everything${W}about|play${W}the${W}(?:victim|race${W}card)|cause${W}(?:trouble|problems)|commit${W}(?:crimes?|fraud)|start${W}(?:trouble|fights|wars)|surrender|whinge|whine|moan|complain|beg|scrounge|sponge|lie|cheat|steal|rob|stink|smell|riot|breed|think${W}(?:they${A}?re|they${W}are)${W}(?:better|above|special|superior|entitled|owed)|think${W}the${W}world${W}owes|expect${W}(?:special|everything|handouts|free|us${W}to|everyone|the${W}(?:world|rest${W}of${W}us|taxpayer))|shove${W}it${W}in|take${W}(?:our${W}jobs|over|advantage)|refuse${W}to${W}(?:integrate|work|learn|speak|pay)|hate${W}(?:us|men|women|the${W}west|britain|america|our)|bring${W}(?:crime|drugs|disease|trouble|violence)|get${W}away${W}with|act${W}like${W}(?:animals|savages|they${W}own)|live${W}off${W}(?:benefits|welfare|the${W}state|us|our)|milk${W}the${W}system|stick${W}together|think${W}(?:they${W}can|the${W}world${W}should|everyone${W}(?:else${W})?should)`;
/** What a group is asked why it always is: a failing said of all of it ("why are … so bad at driving?"). */
const FAILING = `obsessed${W}with${W}(?:money|power|themselves)|entitled|arrogant|rude|loud|thick|dim|ungrateful|aggressive|tight|stingy|two[\\s-]faced|sensitive${W}about|thin[\\s-]skinned|never${W}around|bad${W}at${W}(?:driving|parking|maths|math|science|leading|logic|work|english)|useless${W}at|incapable${W}of|allergic${W}to${W}(?:work|soap|water)|drunk|drunks`;
/**
 * Implicit derogation: hate that names no trait or vermin but presumes them. Most shapes name the group; a few name
 * what only a group is judged by (race, skin colour, a loyalty abroad, diversity boxes).
 * - sarcastic praise and "exceptions": "surprisingly articulate for a black footballer", "a credit to his race",
 *   "a Muslim who isn't angry about something. Frame it.";
 * - the group likened to pests or said to breed, swarm or nest: "multiplying like rabbits", "once the Albanians
 *   nest in a town", not "treated like animals", which pities them;
 * - calls to put it out: "Romanians out.", "send every last one of them home", "close the borders to Muslims",
 *   "a quota on Jews", "keep the gays away from the kids";
 * - its place and use: "what did you expect hiring an Arab", "stick to what women are good at", "fine picking
 *   lettuce", "because she's gay, not because she can play", "some jobs just aren't for them";
 * - loyalty and fitness: "his first loyalty is to Islamabad", "aren't compatible with a Western democracy", "don't
 *   share our values", "can a Catholic really be trusted";
 * - rhetorical questions the comment leaves unanswered (`leftUnanswered`): "why do … always expect handouts?", "what
 *   have … ever given us apart from crime?", "when will … go home?", "since when do … pay council tax?", "would you
 *   leave a … alone with your kids?", "who let these … in?", "should … really be allowed to vote?", "are … even human,
 *   though?", "how long until Luton is majority Muslim?"; and the trope that jews control the banks or the media.
 * Each shape comes with words it cannot match without (any one of them), and runs only in a comment that has one
 * of them and names a group.
 */
const IMPLICIT: readonly (readonly [words: string, shape: string])[] = [
  // not "articulate for a woman of ninety": her age
  [
    'for',
    `\\b(?:${PRAISE})(?:\\s*,\\s*(?:${PRAISE})){0,3}(?:\\s*,)?${W}for${W}an?${W}(?:(?:${ONE_OF})\\b${HEAD}|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK})\\b)(?!${W}(?:of${W}(?:\\d+|her|his|their|that|\\w+ty)|aged|in${W}(?:her|his|their))\\b)`,
  ],
  [
    'credit',
    `\\ba${W}credit${W}to${W}(?:his|her|their|your|the${W}\\w+)${W}race\\b(?!${W}(?:team|horse|car|day|series|meeting|track|crew)\\b)`,
  ],
  [
    'frame museum headline rare everything cease miracle miracles thought guessed expect bless gold once unbelievable surprisingly',
    `(?<!\\b(?:as|i${A}m|i${W}am|we${A}re|we${W}are)${W})\\ban?${W}(?:(?:${ONE_OF})|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}))(?:${W}\\w+){0,3}?${W}(?:who|that)${W}(?:${EXCEPTION})\\b(?=[^]{0,160}(?:${SNEER}))`,
  ],
  [
    'frame museum headline rare everything cease miracle miracles thought guessed expect bless gold once unbelievable surprisingly',
    `(?:${SNEER})[^]{0,120}?\\ban?${W}(?:(?:${ONE_OF})|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}))(?:${W}\\w+){0,3}?${W}(?:who|that)${W}(?:${EXCEPTION})\\b`,
  ],
  [
    'first',
    `\\bfirst${W}(?:(?:${ONE_OF})|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}))${W}(?:i${A}ve|i${W}have|we${A}ve)${W}(?:ever${W})?(?:seen|met|heard${W}of|come${W}across|known)(?:${W}\\w+){0,3}?${W}(?:who|that)${W}(?:${EXCEPTION})\\b`,
  ],
  // likened to pests: in the group's sentence, after it
  ['like', `${NAMED}[^.!?]{0,60}?${NOT_PITY}\\blike${W}(?:${PESTS})\\b`],
  // intransitive, as animals do ("breed like rabbits", "nest in a town"), not "breed pigeons"
  [
    'breed breeds breeding multiply multiplying multiplies swarm swarming nest nesting spawn spawning infest infesting',
    `(?:${GROUP_NP}|\\b(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK})\\b)(?:${W}(?:are|keep|just|all|still|will|always|r|${A}re)){0,2}${W}(?:breed|breeds|breeding|multiply|multiplying|multiplies|swarm|swarming|nest|nesting|spawn|spawning|infest|infesting)(?=\\s*(?:[.!?,;:]|$)|${W}(?:like|in|into|everywhere|faster|quicker|all${W}over|across|through|until|and|while|because|as|our|us${W}out)\\b)`,
  ],
  [
    'swarms droves hordes',
    `${NAMED}[^.!?]{0,40}?\\b(?:arrive|arriving|come|coming|came|pour|pouring)(?:${W}in)?${W}in${W}(?:swarms|droves${W}like|hordes)\\b`,
  ],
  ['habitat', `${NAMED}[^.!?]{0,60}?\\b(?:their|a)${W}natural${W}habitat\\b(?=[^.!?]{0,40}\\b(?:is|are|isn${A}?t)\\b)`],
  // put out
  [
    'out',
    `(?<=^|[.!?;:\\n]\\s*)(?!whites\\b)${GROUP_NP}${W}out(?!${W}and${W}about\\b)(?:${W}(?:now|already|of${W}(?:our|this|my|the)${W}(?:country|countries|town|city|streets|schools|neighbou?rhoods?|europe|britain|england|uk)))?(?=\\s*(?:[.!,;]|$|and\\b))`,
  ],
  [
    'send ship put fly kick boot throw move',
    `(?<=^|[.!?;:\\n]\\s*|\\b(?:just|we${W}should|we${W}must|let${A}s|should)${W})(?:(?:send|ship|put|kick|boot|throw)${W}(?:${PUT_OUT})(?:${W}\\w+){0,4}?${W}(?:${AWAY})|(?:fly|move)${W}(?:${PUT_OUT})(?:${W}\\w+){0,4}?${W}(?:home|back))\\b`,
  ],
  [
    'way',
    `\\b(?:give|offer|buy|get)${W}(?:them|${NAMED}|(?:every|each|all${W}the|the)${W}(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}))[^.!?]{0,50}?\\bone[\\s-]way${W}tickets?\\b`,
  ],
  // not "the plan to close the borders to refugees is cruel": reported
  [
    'border borders',
    `(?<!\\b(?:plans?|decisions?|votes?|bids?|moves?|calls?|threats?|promises?|pledges?)${W}to${W})\\b(?:close|shut)${W}(?:the|our)${W}borders?${W}to${W}${NAMED}`,
  ],
  [
    'letting',
    `\\b(?:stop|no${W}more)${W}letting${W}(?:${NAMED}${W}(?:in|into|come|settle|buy)\\b(?!${W}(?:free|before|after)\\b)|in${W}(?:any${W})?more${W}${NAMED})`,
  ],
  ['let', `\\bonly${W}let${W}${NAMED}${W}in\\b(?!${W}(?:free|before|after|for)\\b)`],
  [
    'quota quotas',
    `(?<!\\b(?:imposed|had|once|historic|historical|introduced|abolished|scrapped)${W}(?:a${W})?)\\bquotas?${W}on${W}${NAMED}`,
  ],
  [
    'mosques synagogues gurdwaras temples',
    `\\bno${W}more${W}(?:mosques|synagogues|gurdwaras|hindu${W}temples)(?=\\s*(?:[.!,;]|$)|${W}(?:in|on|here|please|full${W}stop|period)\\b)(?![^.!?]{0,40}\\bthan\\b)`,
  ],
  [
    'away',
    `\\bkeep${W}(?:the${W})?(?:${GROUP})${W}away${W}from${W}(?:the${W}|our${W}|my${W})?(?:kids|children|schools?|boys|girls)\\b`,
  ],
  // place and use
  // one of the group put in a post ("hiring an Arab", "letting a woman negotiate", "from a Muslim"); not "from refugees
  // who lost everything", which may pity them
  [
    'expect',
    `\\bwhat${W}(?:did|do|else${W}(?:did|do|would|could))${W}(?:you|we|they|anyone|people)${W}expect\\b[^.!?]{0,20}?\\b(?:(?:letting|hiring|electing|appointing)${W}${NAMED}|(?:putting|making)${W}${NAMED}${W}(?:in${W}charge|captain|manager|treasurer|boss)|from${W}(?:an?${W}(?:${ONE_OF})\\b${HEAD}|(?:${GROUP})\\b(?=\\s*[?.!])))`,
  ],
  [
    'stick',
    `(?<!\\b(?:telling|tell|told|tells)${W}\\w+${W}to${W})\\bstick${W}to${W}what${W}(?:women|they|she|girls|(?:${GROUP}))${W}(?:are|${A}re|is|${A}s)${W}good${W}at\\b`,
  ],
  [
    'picking cleaning cooking strawberries fruit lettuce harvest kitchen labour labor',
    `${NAMED}${W}(?:are|r|${A}re)${W}(?:(?:fine|useful|grand|ok|okay|alright)${W}(?:for${W})?|(?:only|just)${W}(?:good|fit|useful)${W}for${W})(?:picking(?!${W}fights?\\b)|cleaning|cooking|the${W}(?:strawberries|fruit|lettuce|harvest|cleaning|kitchen)|(?:strawberries|fruit|lettuce|labou?r))\\b`,
  ],
  ['women girls wives', `\\b(?:that${A}?s|thats|that${W}is)${W}what${W}(?:women|girls|wives)${W}are${W}for\\b`],
  // rhetorical questions (each marked `rhetorical`), read only where the comment leaves them unanswered: the same
  // questions are asked in good faith, quoted and answered ("Would you hire a refugee? Our bakery did, last year.")
  [
    'why',
    `(?<rhetorical>)\\bwhy(?:${W}the${W}(?:hell|heck))?${W}(?:do|does|did|must|will|would)${W}${NAMED}${W}(?:always|all|just|constantly|still|never|insist${W}on)${W}(?:${HABIT})\\b`,
  ],
  [
    'why',
    `(?<rhetorical>)\\bwhy(?:${W}the${W}(?:hell|heck))?${W}(?:are|were|is)${W}${NAMED}${W}(?:always|never|all|so|such)(?:${W}(?:so|such|always|bloody|damn|really))?${W}(?:${FAILING}|${TRAIT})\\b(?![^.!?]{0,30}\\b(?:in${W}(?:every|hollywood|films?|movies|the${W}(?:media|news|papers|films?|movies)|adverts?|tv|stand-up)|according${W}to|on${W}(?:tv|screen|telly))\\b)`,
  ],
  [
    'ever',
    `(?<rhetorical>)\\bwhat${W}(?:have|has|did|do)${W}${NAMED}${W}ever${W}(?:done|given|contributed|brought|added|achieved|offered|invented|built|created|produced|paid)\\b(?!${W}(?:to${W}(?:deserve|you|anyone|anybody|us|harm|hurt)|wrong)\\b)(?:[^.!?]{0,60}?\\b(?:except|apart${W}from|other${W}than|besides|bar|but)\\b|(?=[^.!?]{0,60}(?:\\?|$)))`,
  ],
  [
    'when',
    `(?<rhetorical>)\\bwhen${W}(?:will|are|do|does|is|would)${W}${NAMED}(?:${W}(?:in|from|of)${W}[\\w'’-]+(?:${W}[\\w'’-]+)?)?${W}(?:ever${W})?(?:(?:going${W}to|gonna)${W})?(?:stop${W}(?!(?:being|getting|having|feeling|living|dying|drowning|suffering|facing|needing|worrying|fearing|coming|arriving|crossing|paying)\\b)[a-z]+|start${W}(?:paying|integrating|working|contributing|learning|respecting|behaving|acting${W}like)|learn${W}(?:to${W}(?:speak|behave|integrate|drive|respect)|english|our)|go${W}(?:home|back)|integrate|assimilate|pay${W}their${W}way)\\b(?![^.!?]*\\b(?:if|unless|while|when|until|as${W}long${W}as)\\b)`,
  ],
  [
    'since',
    `(?<rhetorical>)\\bsince${W}when${W}(?:are|were|is|have|has|do|did|does|can|could)${W}${NAMED}${W}(?:been${W}|ever${W})?(?:fit${W}to|capable${W}of|qualified${W}to|(?:real|proper|normal|human|civili[sz]ed)\\b|(?:pay|paid|pays)${W}(?:tax|taxes|their${W}way|council${W}tax|for${W}anything|a${W}penny)\\b)`,
  ],
  [
    'would',
    `(?<rhetorical>)\\bwould${W}you${W}(?:trust|hire|let|want|employ|rent${W}to|vote${W}for|leave)${W}(?:a|an)${W}(?:(?:${ONE_OF})|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}|priest|priests))(?:${W}(?:pilot|doctor|surgeon|driver|babysitter|nanny|childminder|teacher|builder|mechanic|accountant|lawyer|boss|nurse|carer|neighbou?r|cabbie|taxi${W}driver|plumber|electrician|prime${W}minister|president|mayor))?(?=${W}(?:babysit|bath|look${W}after|teach|treat|operate|fly|drive|marry|date|move${W}in|(?:anywhere${W})?near|alone${W}with|with${W}(?:your|my|our))\\b)`,
  ],
  [
    'allowed permitted trusted',
    `(?<rhetorical>)\\bshould${W}${NAMED}${W}(?:really|even|actually|honestly|seriously)${W}be${W}(?:allowed|permitted|trusted)${W}to${W}(?:vote|have${W}(?:children|kids|babies)|adopt|foster|marry|teach|drive|work${W}with${W}children|be${W}(?:parents|teachers|in${W}charge))\\b`,
  ],
  [
    'human people',
    `(?<rhetorical>)\\bare${W}${NAMED}${W}(?:even|really|actually|truly)${W}(?:human|people|persons|civili[sz]ed)(?:${W}(?:though|at${W}all|anyway|tho))?(?=\\s*\\?)`,
  ],
  [
    'long',
    `(?<rhetorical>)\\bhow${W}long${W}(?:until|till|before)${W}(?:[\\w'’-]+${W}){1,5}?(?:is|are|becomes?)${W}(?:majority|mostly|all|officially)${W}(?:muslim|islamic|black|foreign|asian|immigrant|hindu|jewish)\\b|\\bhow${W}long${W}(?:until|till|before)${W}${NAMED}${W}(?:start|take${W}over|outnumber|bring${W}in)\\b|\\bhow${W}long${W}(?:until|till|before)${W}sharia\\b`,
  ],
  [
    'let',
    `(?<rhetorical>)\\bwho${W}(?:let|lets|allowed|keeps${W}letting)${W}(?:all${W})?${GROUP_NP}${W}in\\b(?!${W}(?:to|on|at|the|for)\\b)`,
  ],
  // the oldest antisemitic trope: that jews control the banks, the media, the world
  [
    'jews jewish',
    `(?:\\b(?:the${W})?jews|\\bjewish${W}(?:people|bankers|elites?|families|lobby|money))${W}(?:(?:secretly|really|basically|still|already|just|all)${W})?(?:control|controls|controlling|run|runs|running|own|owns|owning|rule|rules)${W}(?:the${W}|our${W}|all${W}the${W}|most${W}of${W}the${W})?(?:banks|banking|media|press|world|money|hollywood|finance|everything|news)\\b`,
  ],
  [
    'because',
    // not "targeted because he's Jewish, not because …": a report of a hate crime
    `(?<!\\b(?:targeted|attacked|abused|refused|sacked|fired|bullied|harassed|killed|beaten|murdered|assaulted|excluded|rejected|denied|singled${W}out|picked${W}on|stopped|searched)(?:${W}\\w+){0,3}${W})\\bbecause${W}(?:she|he|they)\\s*(?:${A}s|is|was|are|${A}re|were)${W}(?:an?${W})?(?:gay|black|asian|muslim|female|woman|trans|disabled|jewish|lesbian|indian|pakistani)\\b[,;]?${W}not${W}because\\b`,
  ],
  [
    'because',
    `\\b(?:only${W})?(?:got${W}(?:in|into${W}\\w+|the${W}(?:job|role|post|place|seat))|hired|picked|chosen|appointed|promoted|selected)${W}because${W}of${W}(?:the${W}colou?r${W}of${W}(?:his|her|their)${W}skin|(?:his|her|their)${W}(?:race|skin${W}colou?r|religion|sexuality|disability))\\b`,
  ],
  [
    'ticked',
    `\\bticked${W}(?:all${W}the|the${W}right|the|enough)${W}(?:diversity|dei|equality|woke|quota)${W}boxes\\b`,
  ],
  [
    'jobs roles posts positions',
    `\\b(?:some${W})?(?:jobs|roles|posts|positions)${W}(?:just${W}|simply${W})?(?:aren${A}?t|are${W}not)${W}for${W}(?:them|women|${GROUP})\\b(?!\\s*(?::|with\\b|who\\b))`,
  ],
  // loyalty and fitness
  [
    'loyalty loyalties',
    `${NAMED}(?:[^.!?]{0,40}?)\\b(?:first|real|true|only)${W}loyalt(?:y|ies)${W}(?:is|are|lies|lie|will${W}(?:always${W})?be)${W}(?:to|with)\\b(?!${W}(?:the${W})?(?:club|team|party|constituents|voters|family|families|fans|badge|shirt|game|sport|union|firm|company)\\b)`,
  ],
  [
    'trusted',
    `\\bcan${W}(?:an?${W})?(?:${ONE_OF}|catholic|christian|${GROUP})${W}(?:really${W}|ever${W}|actually${W}|truly${W})?be${W}trusted\\b(?!${W}to${W}(?:turn${W}up|show${W}up|attend|report|comply|pay|return|keep${W}(?:their|his|her)${W}(?:appointments|hearings)))`,
  ],
  [
    'share accept',
    `${NAMED}(?:${W}(?:in|from)${W}\\w+)?${W}(?:do${W}not|don${A}?t|dont|will${W}never|never|can${A}?t|cannot)${W}(?:share|accept)${W}our${W}(?:values|way${W}of${W}life|culture)\\b`,
  ],
  [
    'compatible incompatible',
    `${NAMED}(?:${W}(?:in|from)${W}\\w+)?${W}(?:(?:are${W}not|aren${A}?t|arent|will${W}never${W}be)${W}(?:really${W}|just${W}|simply${W})?|(?:are|${A}re)${W}(?:just${W}|simply${W})?in)compatible${W}with${W}(?:(?:a|our|the|any)${W})?(?:western${W}|modern${W}|british${W}|free${W})?(?:values|democracy|democracies|the${W}west|our${W}way|civili[sz]ation|society|freedom|culture|way${W}of${W}life)\\b`,
  ],
  [
    'outnumber',
    `${NAMED}${W}will${W}(?:soon${W})?outnumber${W}(?:us|the${W}(?:natives|locals|english|british)|white${W}people)\\b`,
  ],
  [
    'rather',
    `\\b(?:i${A}?d|i${W}would)${W}rather${W}(?:she|he|they|my${W}\\w+)${W}(?:didn${A}?t|did${W}not|never)${W}(?:bring|marry|date)(?:${W}home)?${W}(?:an?${W})?(?:(?:${ONE_OF})|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}))\\b`,
  ],
  [
    'hire employ rent want',
    `(?<=^|[.!?;:\\n]\\s*|\\b(?:i|we)${W})(?:would(?:n${A}?t|${W}not|${W}never)|won${A}?t|${A}d${W}never|don${A}?t|do${W}not)${W}(?:(?:hire|employ|rent${W}to)${W}(?:an?|any)${W}(?:(?:${ONE_OF})|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}))(?:${W}(?:myself|again|ever|as${W}(?:a|my|our)${W}\\w+)|(?=\\s*(?:[.!,;]|$)))|want${W}(?:an?|any)${W}(?:(?:${ONE_OF})|(?:${GROUP_ADJ}|${NATION_ADJ})${W}(?:${FOLK}))${W}(?:next${W}door|(?:living|moving)${W}(?:next${W}door|near|on${W}(?:my|our|this)\\b)|looking${W}after${W}(?:my|our)\\b|teaching${W}(?:my|our)\\b|near${W}(?:my|our)\\b|in${W}(?:my|our)${W}(?:family|street|road|school|class)\\b(?!${W}to\\b)|as${W}(?:a|my|our)${W}(?:neighbou?r|son[\\s-]in[\\s-]law|daughter[\\s-]in[\\s-]law|teacher|doctor|carer|boss)\\b))`,
  ],
  [
    'typical',
    `\\btypical(?:\\s*[.!,:]+\\s*|${W})(?:${ONE_OF}|${GROUP_ADJ}|${NATION_ADJ}|foreign)${W}(?:driver|drivers|logic|behaviou?r|mentality|attitude)\\b(?!${W}(?:jokes?|tropes?|stereotypes?|clich[eé]s?|memes?)\\b)`,
  ],
];

/** What is said of a group named just before (each begins after `${GROUP_NP}${W}`). */
const AFTER_GROUP: readonly string[] = [
  // stereotype: GROUP are [all, so, naturally] lazy
  `${IS}${GENERALLY}${W}(?:${TRAIT})\\b`,
  // dehumanisation: GROUP are [nothing but] vermin
  `${IS}${LIKE}${W}(?:${VERMIN})\\b`,
  // GROUP are not human / welcome / real women
  `(?:are|r)${NOT}${W}(?:really${W}|even${W}|fully${W})?(?:${NOT_EQUAL})\\b`,
  `(?:aren${A}?t|arent)${W}(?:really${W}|even${W}|fully${W})?(?:${NOT_EQUAL})\\b`,
  // GROUP should not be allowed to vote / trusted
  `${NOT_ALLOWED}`,
  `(?:can${A}?t|cannot|cant)${W}be${W}trusted\\b`,
  // GROUP don't deserve respect / to vote; GROUP have no place in politics
  `(?:do${W}not|don${A}?t|dont)${W}deserve${W}(?:respect|rights|equal${W}rights|the${W}same${W}rights|a${W}voice|a${W}say|to${W}(?:vote|live${W}here|be${W}(?:respected|trusted|heard|here|treated${W}(?:equally|as${W}equals|like${W}people))|have${W}(?:rights|children|a${W}say)))\\b`,
  `(?:have|has)${W}no${W}(?:place|business)${W}(?:in${W}(?:our|this|the${W}(?:military|army|workplace|church|police|government|country|west|modern${W}world)|a${W}(?:civili[sz]ed|modern|decent)|politics|government|office|parliament|congress|sports?|science|leadership|business|public${W}life)|(?:being|living|voting|working|teaching|leading)${W}(?:here|in)|to${W}(?:vote|be${W}here|lead|live${W}here|speak|have${W}a${W}say))\\b`,
  // exclusion: GROUP belong in a zoo; GROUP don't belong here
  `(?:only${W}|all${W})?belong${W}(?:in|at|on)${W}(?:the${W}|a${W}|their${W})?(?:${CONFINED})\\b`,
  `(?:do${W}not|don${A}?t|dont|will${W}never|never)${W}belong${W}(?:here|in${W}(?:this|our|my|a${W}civili[sz]ed)${W}(?:${HOMELAND}))\\b(?!${A})`,
  // what a group is said to do to "us": replace us, invade, ruin this country; only good for …
  `(?:are${W}|r${W}|${A}re${W}|have${W}|${A}ve${W})?(?:slowly${W}|quietly${W}|already${W}|all${W})?(?:${TAKEOVER})\\b`,
  `(?:are${W}|r${W}|${A}re${W})?(?:only|just)${W}good${W}for${W}(?:one${W}thing(?!\\s*:)|cooking|cleaning|breeding|sex|(?:manual${W})?labou?r|the${W}kitchen)\\b`,
  // incapacity: GROUP can't think for themselves, can't control themselves (not "can't drive", "can't lead
  // prayers", "can't integrate without work permits": rules, laws and circumstances)
  `(?:can${A}?t|cannot|cant|are${W}(?:unable|incapable)${W}(?:to|of))${W}(?:${INCAPABLE})\\b`,
  // what a group will never be or do: "disabled people will never be real athletes", "muslims will never integrate"
  `(?:will${W}never|won${A}?t${W}ever|can${W}never|could${W}never)${W}(?:be${W}(?:real|proper|true|trusted|one${W}of${W}us|(?:truly${W})?(?:british|english|american|french|german|australian|canadian|european)|part${W}of${W}(?:this|our)${W}\\w+)|integrate|fit${W}in|assimilate)\\b(?![\\s,;:—–-]+(?:if|unless|until|while|when|because|without|as${W}long${W}as|here${W}(?:if|unless|until))\\b)`,
  // what a group is said not to want or do: "roma don't want to work", "afghans don't respect women"
  `(?:don${A}?t|do${W}not|dont|never|will${W}never|won${A}?t)${W}(?:(?:even${W})?(?:want|like|bother|care|try)${W}to${W}work|(?:(?:even${W})?(?:want|like|bother|care|try)${W}to${W})?(?:pay${W}(?:tax|taxes|their${W}way|for${W}anything)|integrate|assimilate|contribute|learn${W}(?:english|the${W}language)|wash|respect${W}(?:women|our${W}(?:laws|ways|culture|values)|the${W}law)))\\b(?![\\s,;:—–-]+(?:for|illegally|without|in|under|here${W}(?:because|until)|because|unless|if|when|until)\\b)`,
  // kept from children: "gays shouldn't be anywhere near children"
  `(?:should${W}not|shouldn${A}?t|must${W}not|mustn${A}?t)${W}be${W}(?:anywhere${W}near|around|allowed${W}near|left${W}alone${W}with|allowed${W}to${W}(?:teach|work${W}with|adopt|foster))${W}(?:children|kids|our${W}(?:kids|children)|young${W}people|schools)\\b`,
  // good for nothing but: "mexicans are good for nothing but cheap labour", "filipinos aren't good for anything except cleaning"
  `(?:are${W}|r${W}|aren${A}?t${W}|are${W}not${W})?(?:good|useful)${W}for${W}(?:anything|nothing)${W}(?:but|except|other${W}than|apart${W}from)\\b`,
];

const SHAPES: readonly string[] = [
  // stereotype as a question: why are GROUP so violent; why do GROUP always lie
  `\\bwhy${W}(?:are|r)${W}${GROUP_NP}${W}(?:so|always|all|such)${GENERALLY}${W}(?:${TRAIT})\\b`,
  `(?:\\bwhy${W}do${W})?${GROUP_NP}${W}(?:always|all|just)${W}(?:lie|steal|cheat|rape|breed|whine|scrounge|riot|stink|smell|play${W}the${W}(?:victim|race${W}card)|moan|complain${W}about${W}everything|cause${W}trouble|shove${W}it${W}in)\\b`,
  // negated respect: i don't trust GROUP
  `${DENY}${W}${GROUP_NP}${NOT_OBJECT_END}`,
  // the same denied to one of them: i would never vote for a woman, i won't hire a muslim
  `\\b(?:i|we)(?:${W}would${W}never|${W}will${W}never|${A}d${W}never|${A}ll${W}never|${W}could${W}never|${W}won${A}?t${W}ever|${W}refuse${W}to)${W}(?:${RESPECT})${W}(?:a|an)${W}(?:${ONE_OF})(?:${W}(?:man|woman|person|guy|family|families|couple|tenant|builder|doctor|nurse|teacher))?\\b(?=\\s*(?:$|[.,!?;:)]|${W}(?:again|ever|and|or|myself|either|as${W}(?:my|a|our)${W}\\w+)\\b))`,
  // no one wants them near: "nobody wants somalis as neighbours", "no one wants a muslim family moving in" (the clause
  // ends there: not "… next door who practises the trumpet at 6am")
  `\\b(?:no${W}one|nobody|noone)(?:${W}in${W}their${W}right${W}mind)?${W}wants?${W}(?:(?:a${W}house${W}full${W}of${W})?${GROUP_NP}|(?:a|an)${W}(?:${ONE_OF}|gay${W}couple|black${W}family|muslim${W}family))${W}(?:as${W}neighbou?rs|next${W}door|moving${W}in(?:${W}next${W}door)?)(?=\\s*(?:$|[.,!;]))`,
  // kept from the writer's children: "i wouldn't let my daughter anywhere near a pakistani" (one of them, the clause
  // ending there: not "… near an afghan hound", "… an indian takeaway", "… a refugee camp")
  `${REFUSING}${W}let${W}(?:my|our)${W}(?:daughters?|sons?|kids|children|girls?|boys?|wife|family)${W}(?:anywhere${W}near|near|play${W}with|go${W}out${W}with|date|marry)${W}(?:a|an|any|those|these)${W}(?:${ONE_OF}|${GROUP})(?:${W}(?:man|men|woman|women|boy|boys|girl|girls|guy|guys|lad|lads|kids|family|families|bloke|blokes))?(?=\\s*(?:$|[.,!;]))`,
  // questions that deny a place: why do we let GROUP in; why are GROUP even allowed to vote
  // not "why are refugees allowed to work in Germany but not here?": a comparison
  `\\bwhy${W}(?:do|should|must|would|does)${W}(?:we|you|anyone|anybody|they|this${W}country|europe|america|britain)${W}(?:even${W}|still${W}|keep${W})?(?:(?:let|letting|allow|allowing)${W}${GROUP_NP}${W}(?:in|into|here|to${W}(?:come|stay|vote|live|settle|enter|marry|adopt|teach|breed))\\b|(?:tolerate|put${W}up${W}with)${W}${GROUP_NP}${NOT_OBJECT_END})${NO_COMPARISON}`,
  `\\bwhy${W}(?:are|do|should)${W}${GROUP_NP}${W}(?:even${W}|still${W})?(?:allowed|permitted|get|have${W}(?:the${W})?rights?)${W}to${W}(?:vote|drive|work|teach|marry|adopt|live${W}here|be${W}here|exist|breed|lead|speak|have${W}(?:rights|children|a${W}say))\\b${NO_COMPARISON}`,
  // rhetorical questions: how can anyone trust GROUP; are GROUP even human (not "who would hire refugees? plenty of
  // firms", asked to be answered, nor "should refugees be allowed to work?", a policy's question)
  `\\bhow${W}(?:can|could)${W}(?:anyone|anybody|you|we)${W}(?:ever${W}|even${W}|possibly${W})?(?:${RESPECT})${W}${GROUP_NP}(?=\\s*(?:\\?|$))`,
  `\\bare${W}${GROUP_NP}${W}(?:even|really|actually|truly)${W}(?:human|people|persons|civili[sz]ed)(?=\\s*(?:\\?|$))`,
  // GROUP should go back where they came from (not "illegal immigrants should be deported": a policy's words)
  `${GROUP_NP}(?<!\\billegal${W}(?:immigrants|migrants))${W}(?:should|must|need${W}to|ought${W}to|have${W}to|had${W}better|better)${W}(?:all${W}|just${W})?(?:${SENT_AWAY})`,
  // worth: black lives don't matter, muslim lives are worth less
  // not "… to the police, apparently": a charge against someone else
  `\\b(?:${GROUP_ADJ})${W}lives${W}(?:(?:do${W}not|don${A}?t|dont)${W}matter|are${W}(?:worth${W}(?:less|nothing)|worthless|cheap)|mean${W}nothing)\\b(?!${W}(?:to|for|in|when|if|unless|until|because|at|enough|as|anymore|apparently|here|there|less|more)\\b)`,
  // trans women are not women
  `\\btrans(?:gender)?${W}women${W}(?:are${W}not|aren${A}?t|arent)${W}(?:real${W}|actual${W})?women\\b|\\btrans(?:gender)?${W}men${W}(?:are${W}not|aren${A}?t|arent)${W}(?:real${W}|actual${W})?men\\b`,
  // no woman belongs in charge
  `\\bno${W}(?:${ONE_OF})${W}(?:belongs|should${W}(?:ever${W})?be)${W}in${W}(?:charge|power|office|government|command|parliament|the${W}(?:army|military|police|cabinet|boardroom))\\b`,
  // being gay is not normal; being trans is a mental illness
  `\\b(?:being${W}(?:gay|lesbian|bisexual|trans|transgender|queer|non-?binary)|homosexuality|transgenderism|non-?binary)${W}(?:(?:is${W}not|isn${A}?t)${W}(?:normal|natural|okay|ok|acceptable|a${W}real${W}thing|real)\\b(?!${W}or\\b)|is${W}(?:just${W})?a${W}(?:mental${W}illness|disease|disorder|sickness|perversion|sin|fetish|fad))\\b`,
  // loaded questions: are chinese people even capable of; would you trust a romanian
  `\\bare${W}${GROUP_NP}${W}even${W}capable${W}of\\b`,
  `\\b(?:has${W}anyone${W}(?:ever${W})?met|is${W}there${W}(?:a${W}single|any|one)|name${W}(?:one|a${W}single))${W}(?:(?:a|an)${W})?(?:${ONE_OF})${W}who${W}(?:(?:isn${A}?t|wasn${A}?t|is${W}not)${W}(?:a${W}|an${W})?(?:${TRAIT}|lying|on${W}the${W}(?:fiddle|make|take|dole|rob)|on${W}benefits|in${W}a${W}gang|(?:a${W})?(?:thief|crook|scammer|criminal|terrorist|liar))|(?:doesn${A}?t|didn${A}?t|does${W}not|has${W}never|hasn${A}?t)${W}(?:lie|lied|steal|stolen|stole|cheat|cheated|scrounge|scam|scammed))\\b`,
  `\\bwould${W}you${W}(?:trust|hire|let|rent${W}to)${W}(?:a|an)${W}(?:${ONE_OF})${W}(?:to|near|with|in${W}your)\\b`,
  `\\bwould${W}you${W}want${W}your${W}(?:daughter|son|sister|kids|children)${W}(?:marrying|to${W}marry|dating|near)${W}(?:a|an)${W}(?:${ONE_OF})\\b`,
  // the group first, then what is said of it (`AFTER_GROUP`): the group's long alternation is tried once a place
  ...inGroups(AFTER_GROUP).map((rest) => `${GROUP_NP}${W}(?:${rest})`),
];

const GROUP_RES = compileShapes(SHAPES);
/** The implicit shapes by each of their words. */
const IMPLICIT_BY_WORD = new Map<string, RegExp[]>();
for (const [words, shape] of IMPLICIT) {
  // Named, so that a match is known to be implicit: an implicit shape is often asked ("can a catholic be trusted?").
  const re = new RegExp(`(?<implicit>${shape})`, 'gi');
  for (const w of words.split(' ')) IMPLICIT_BY_WORD.set(w, [...(IMPLICIT_BY_WORD.get(w) ?? []), re]);
}
const WORD = /[a-z]+/g;

/** The implicit shapes a text has a word of. */
function implicitShapesFor(text: string): RegExp[] {
  const out = new Set<RegExp>();
  for (const w of text.toLowerCase().match(WORD) ?? []) for (const re of IMPLICIT_BY_WORD.get(w) ?? []) out.add(re);
  return [...out];
}
/**
 * A group named in any way a shape names it: the one test every comment gets (most name none). It takes in what
 * `MAY_NAME_GROUP` does.
 */
const MAY_MENTION_GROUP = new RegExp(
  `\\b(?:${GROUP}|${GROUP_ADJ}|${NATION_ADJ}|${ONE_OF}|homosexuality|transgenderism|non-?binary|race|skin|mosques|synagogues|gurdwaras|boxes)\\b`,
  'i',
);

// A name of a group at least (a cheap test before the patterns).
const MAY_NAME_GROUP = new RegExp(
  `\\b(?:${GROUP}|(?:${GROUP_ADJ})${W}lives|(?:an?|no|any|one|single|every)${W}(?:${ONE_OF})|being${W}(?:gay|lesbian|bisexual|trans|transgender|queer|non-?binary)|homosexuality|transgenderism|non-?binary)\\b`,
  'i',
);
const MENTIONS_GROUP = new RegExp(`\\b(?:${GROUP}|${GROUP_ADJ}|${ONE_OF})\\b`, 'i');

/** Whether a text names a protected group at all, in the plural, as one of it, or as an adjective ("gay", "black"). */
export function mentionsGroup(text: string): boolean {
  return MENTIONS_GROUP.test(text);
}

// Words just before it that report or reject the statement: "it is a lie that", "stop saying", "they claim".
const REPORTED_BEFORE =
  /\b(?:wrong|false|myths?|lie|lies|(?<!\bnot\s+)(?:racist|bigoted|bigotry|hateful|offensive|antisemitic|anti-semitic|islamophobic|homophobic|transphobic|xenophobic|misogynistic|sexist)|nonsense|absurd|ridiculous|appalling|shameful|not\s+true|isn['’]?t\s+true|untrue|claim|claims|claiming|claimed|says|saying|said|ask|asks|asked|called|calling|tweeted|wrote|chanted|shouted|idea|notion|misconception|stereotype|prejudice|(?:don['’]?t|do\s+not|doesn['’]?t)\s+(?:think|believe)|thinks|believes|pretends?|pretending|insists|taught|teaches|teach|preaches|preached|telling\s+(?:us|people)|screaming|headlines?|according\s+to|used\s+to\s+say|never\s+(?:say|call|claim)|(?:no\s+one|nobody)\s+should\s+(?:ever\s+)?(?:say|call|claim|think)|(?:if\s+you|anyone\s+who|people\s+who|those\s+who|whoever)\s+(?:thinks?|believes?|says?|claims?)|(?:acts?|acting|behaves?|behaving|treats?\s+\w+|treating\s+\w+)\s+(?:as\s+if|as\s+though|like))\b(?:\W+\w+){0,4}\W*$|\b(?:not|never)\s+$/i;
// Words just after it that name it a trope ("… is a myth") or answer it as an echo question ("… stay in their
// lane? Says who?"; a statement asked back is an echo whatever follows). A speaker named after it is
// `spokenByOthers` (quotation.ts), as for threats.
const REPORTED_AFTER =
  /^(?:\s+(?:is|was)\s+(?:a|an|the)\s+(?:line|lie|myth|trope|slogan|stereotype)\b|[^.!?]{0,80}?(?:[:—–,]|\s+(?:is|was|are|were))\s*(?:literally\s+|just\s+|all\s+)?(?:every|the|a|an|that|this|one|another|classic|old)\s+(?:[\w-]+\s+){0,2}?(?:clich[eé]s?|tropes?|myths?|lies?|conspiracy\s+theor(?:y|ies)|canards?|smears?|stereotypes?|slurs?|thesis\s+of)(?![a-z])|[^.!?]{0,40}\?\s+(?:no|nope|says\s+who|of\s+course\s+not|really|hardly|nonsense|rubbish|tell\s+that|try\s+telling)\b|[^.!?]{0,40}(?:[,.]\s*(?:that|this|it)?\s*|\s+)(?:was|were|is)\s+(?:the|what)\s+(?:\w+\s+)?(?:graffiti|banner|chant|slogan|sign|placard|message|leaflet|sticker|poster)s?\b)/i;
const ECHO_AFTER = /^[^.!?]{0,40}\?/;
// …but not a statement that asks to be agreed with: "jews control the banks, don't they?"
const TAG_QUESTION =
  /^[^.!?]{0,40}?(?:,\s*|\s+)(?:do|are|is|does|did|have|has|was|were|wo|ca|would|should)n['’]?t\s+(?:they|it|he|she|we|you)\s*\?/i;
// A question the comment answers itself in good faith: "would you hire a ukrainian to do your kitchen? we did and …".
const ANSWERED =
  /^[^.!?]{0,60}\?\s*(?:we\s+did|i\s+did|yes|yep|yeah|absolutely|of\s+course|sure|definitely|we\s+have|i\s+have|i\s+would|we\s+would|plenty|lots)\b/i;
// Shapes that are questions of their own ("why are women so …?", "who would hire …?", "are … even human?", "has
// anyone ever met a … who isn't …?", "would you trust a … to …?", "what have … ever …", "when will …", "since when …",
// "should … really …", "can a … be trusted?") or the writer's own refusal.
const ASKS = /^(?:why|how|who|are|has|is|name|would|i|we|what|when|since|should|can)\b/i;
// An implicit shape that opens with one of the group is often sneered at with a question ("a romanian who actually pays
// his taxes?").
const SNEERED_AT = /^an?\b/i;
// Words reported after a colon ("the essay title was: …", "someone still asks: …"), which ends the sentence above.
const REPORTED_BEFORE_COLON =
  /\b(?:was|were|then|ask|asks|asked|said|says|wrote|writes|claimed|claims|tweeted|posted|shouted|chanted)\s*:\s*["“'‘]?$/i;
// The sentence a match is in: what comes before it in that sentence.
const SENTENCE_START = /[.!?;:\n][^.!?;:\n]*$/;

/** The dehumanising or respect-denying statements about a protected group a text makes. */
export function findGroupHate(original: string): PhraseSpan[] {
  const text = withShortSpaces(original);
  if (!MAY_MENTION_GROUP.test(text)) return [];
  const named = MAY_NAME_GROUP.test(text);
  const implicit = implicitShapesFor(text);
  if (!named && implicit.length === 0) return [];
  const expressions = implicit.length === 0 ? GROUP_RES : [...(named ? GROUP_RES : []), ...implicit];
  const found: PhraseSpan[] = [];
  // Reported words the writer then agrees with ("my uncle always said …, and he was right") are the writer's too.
  let agrees: boolean | undefined;
  const reported = (yes: boolean) => yes && !(agrees ??= agreesWithWhatItReports(text));
  for (const m of ownShapeMatches(expressions, text)) {
    const start = m.index;
    const window = text.slice(Math.max(0, start - 48), start);
    const sentence = SENTENCE_START.exec(window);
    const before = sentence ? window.slice(sentence.index + 1) : window;
    if (reported(REPORTED_BEFORE.test(before) && !saidByTheWriter(before))) continue;
    if (reported(REPORTED_BEFORE_COLON.test(window) && !saidByTheWriter(window))) continue;
    const after = text.slice(start + m[0].length, start + m[0].length + 80);
    if (reported(spokenByOthers(text, start + m[0].length))) continue;
    // A statement with a question mark after it is an echo ("articulate for a jamaican? try articulate"), unless the
    // shape is itself a question (`ASKS`), an implicit one is sneered at ("a romanian who actually pays his taxes?"), or
    // the question is a tag ("…, don't they?").
    const sneered = m.groups?.implicit !== undefined && SNEERED_AT.test(m[0]);
    const echoed = ECHO_AFTER.test(after) && !TAG_QUESTION.test(after) && !ASKS.test(m[0]) && !sneered;
    if (REPORTED_AFTER.test(after) || ANSWERED.test(after) || echoed) continue;
    if (m.groups?.rhetorical !== undefined && !leftUnanswered(text.slice(start + m[0].length))) continue;
    found.push({ start, end: start + m[0].length });
  }
  return found;
}

// What may follow a rhetorical question and leave it unanswered: more questions, or a sneer that takes its answer as
// given ("Didn't think so.", "Funny that.", "Never, that's when.", "Nothing.").
const SNEERING_TAIL =
  /^(?:(?:did\s*n['’]?t|did\s+not)\s+think\s+so|thought\s+not|me\s+neither|nor\s+me|exactly|funny\s+(?:that|how\s+that\s+works)|just\s+asking|genuine(?:ly)?\s+(?:question|asking)|honest\s+question|asking\s+for\s+a\s+friend|we\s+all\s+know(?:\s+(?:the\s+answer|why))?|think\s+about\s+it|any\s+takers|no\s+(?:chance|way)|never(?:\s*,?\s*that['’]?s\s+when)?|of\s+course\s+not|answers\s+on\s+a\s+postcard|nothing|not\s+much|zilch|lol|smh|ffs|sigh)\W*$/i;

/**
 * Whether a question, from where its shape ends, is left unanswered: its sentence ends in a question mark or the
 * comment ends, and every sentence after it is another question or a sneer (`SNEERING_TAIL`).
 */
function leftUnanswered(rest: string): boolean {
  const stop = rest.search(/[.!?]/);
  if (stop < 0) return true;
  if (rest[stop] !== '?') return false;
  for (const sentence of rest.slice(stop).match(/[^.!?]+[.!?]*/g) ?? []) {
    const s = sentence.trim();
    if (s !== '' && !s.endsWith('?') && !SNEERING_TAIL.test(s)) return false;
  }
  return true;
}

/** What "not all …" may deny: crimes and threats, not what dehumanises ("not all blacks are animals"). */
const CONCEDED = `terrorists|extremists|fanatics|radicals|criminals|thugs|gangsters|rapists|thieves|liars|murderers|killers|invaders|a${W}threat|a${W}danger|dangerous|violent|the${W}problem|to${W}blame|lazy|scroungers|freeloaders`;
/** Words that reject a statement as a whole ("it is a myth that …", "… is racist"). */
const REJECTED = `wrong|false|a${W}myth|a${W}lie|(?:an?${W})?(?:racist|sexist|bigoted|ignorant|hateful|offensive)(?:${W}(?:myth|lie|stereotype|trope))?|nonsense|rubbish|untrue|not${W}true|absurd|ridiculous|(?:complete|utter|total)${W}(?:nonsense|rubbish)`;
/** A smear of a whole group as a denial quotes it back: "muslims are terrorists", "immigrants are all lazy". */
const STATEMENT = `${GROUP_NP}${W}(?:are|r)${W}(?:all${W})?(?:${TRAIT}|${VERMIN})`;
/** Whom a group is denied to be a danger to: "gay people are not a threat to anyone". */
const TO_WHOM = `(?:${W}(?:to|on|for)${W}(?:anyone|anybody|children|kids|society|us|you|women|others|the${W}public|this${W}country|the${W}(?:state|taxpayer|nhs)|our${W}\\w+))?`;
/** Whole comments that only deny hate about a group: each shape must span the comment. */
const DENIALS: readonly string[] = [
  // muslims are not terrorists; not all immigrants are criminals; gay people aren't sick
  `${GROUP_NP}${W}(?:are${W}not|aren${A}?t|arent|are${W}never)${W}(?:${TRAIT})${TO_WHOM}`,
  // "not all" concedes some: only the crimes and threats a denial answers, never vermin or predators
  `(?:not${W}all${W})?${GROUP_NP}${W}(?:are${W}not|aren${A}?t|arent)${W}all${W}(?:${CONCEDED})`,
  `not${W}all${W}(?:${GROUP})${W}are${W}(?:${CONCEDED})`,
  `not${W}every${W}(?:${ONE_OF})${W}is${W}an?${W}(?:terrorist|extremist|criminal|thief|rapist|thug|liar|murderer|killer|threat|danger|problem|fanatic|radical)`,
  // gay people are no more dangerous than anyone else
  `${GROUP_NP}${W}are${W}no${W}more${W}(?:${TRAIT})${W}than${W}(?:anyone|anybody|everyone|any${W}other${W}group|the${W}rest${W}of${W}us|we${W}are|us)(?:${W}else)?`,
  // it is a myth that immigrants are lazy; it's racist to say muslims are terrorists; the idea that jews are greedy is a lie
  `(?:it${A}?s|it${W}is|that${A}?s|that${W}is)${W}(?:${REJECTED})${W}(?:to${W}(?:say|claim|think|suggest|pretend|assume)${W}(?:that${W})?|that${W})${STATEMENT}`,
  `the${W}(?:idea|claim|notion|myth|lie|belief|stereotype)${W}that${W}${STATEMENT}${W}(?:is|was)${W}(?:${REJECTED})`,
  `(?:stop|quit)${W}(?:saying|pretending|claiming|suggesting|implying|acting${W}like)${W}(?:that${W})?${STATEMENT}`,
  // i don't think women are stupid; i would never say jews are greedy; nobody should call refugees vermin
  `(?:i|we)${W}(?:do${W}not|don${A}?t|dont)${W}(?:think|believe)(?:${W}for${W}(?:a|one)${W}(?:second|minute|moment))?${W}(?:that${W})?${STATEMENT}`,
  `(?:i|we)(?:${W}would${W}never|${W}will${W}never|${A}d${W}never|${W}never)${W}(?:say|claim|suggest)${W}(?:that${W})?${STATEMENT}`,
  `(?:no${W}one|nobody)${W}should${W}(?:ever${W})?(?:say|claim|think)${W}(?:that${W})?${STATEMENT}`,
  `(?:i|we)(?:${W}would${W}never|${W}will${W}never|${A}d${W}never|${W}never)${W}call${W}${GROUP_NP}${W}(?:${TRAIT}|${VERMIN})`,
  `(?:no${W}one|nobody)${W}should${W}(?:ever${W})?call${W}${GROUP_NP}${W}(?:${TRAIT}|${VERMIN})`,
  // i don't hate jews; i have nothing against trans people; there is nothing wrong with being gay
  `(?:i|we)${W}(?:do${W}not|don${A}?t|dont|never|would${W}never|could${W}never)${W}(?:hate|despise|fear|dislike|mind)${W}${GROUP_NP}`,
  `(?:i|we)${W}(?:have|${A}ve${W}got|have${W}got)${W}nothing${W}against${W}${GROUP_NP}`,
  `there${A}?s?${W}(?:is${W})?nothing${W}wrong${W}with${W}(?:being${W}(?:gay|lesbian|bisexual|trans|transgender|queer|black|muslim|jewish|disabled|autistic|an${W}immigrant|a${W}refugee)|${GROUP_NP})`,
  // being trans is not a mental illness; being gay is not a choice (not "… is not normal", which is the hate itself)
  `being${W}(?:gay|lesbian|bisexual|trans|transgender|queer|non-?binary|disabled|autistic)${W}(?:is${W}not|isn${A}?t|is${W}never)${W}(?:a${W}(?:mental${W}illness|disease|disorder|sickness|perversion|sin|crime|choice|phase|fetish|fad)|contagious|dangerous|wrong)`,
  // stop blaming immigrants
  `(?:stop|quit)${W}(?:blaming|hating|attacking|demonising|demonizing|scapegoating|bashing)${W}${GROUP_NP}`,
];
const DENIAL = `(?:${DENIALS.map((s) => `(?:${s})`).join('|')})(?:${W}(?:at${W}all|either|period|full${W}stop|whatsoever))?`;
// One denial, or two in a row ("Muslims are not terrorists. Stop blaming them" reads as the second's "them").
// What may open a denial ("No, …") or close it (", and it is racist to say so", ", whatever the trolls say"); not
// "of course" or "obviously" (sarcasm reads the same), a question mark, an emoji or a trailing "…" (incredulity, a
// smirk, an insinuation: "Muslims are not terrorists 🙂"), nor a closing that rejects the denial itself ("— that's a
// lie").
const OPENING = `(?:no\\s*[,.!:;]\\s*)?`;
/**
 * What may follow a denial as a sentence of its own: that it never was so, what the group is instead, "stop it"
 * ("Gay people are not a danger to children. Never have been.", "Refugees are not invaders, they are people."); not
 * what calls the denial a lie, nor what the group is said to be besides ("… they are animals").
 */
const AFFIRMED = `never${W}(?:have|has)${W}been|never${W}(?:were|was)|never${W}will${W}be|(?:they${A}re|they${W}are|theyre)${W}(?:just${W}|simply${W})?(?:people|human${W}beings|human|(?:our${W})?neighbou?rs|families|(?:ordinary|normal|decent|regular)${W}(?:people|folk)|like${W}(?:us|everyone${W}else|anyone${W}else))|stop${W}it`;
const CLOSING = `(?:\\s*[,;:—–-]?\\s*(?:and${W})?(?:(?:it${A}?s|it${W}is|that${A}?s|that${W}is)${W}(?:racist|sexist|bigoted|hateful|ignorant|offensive|wrong)${W}to${W}(?:say|claim|suggest|think)${W}(?:so|otherwise)|whatever${W}(?:some${W}people|the${W}far${W}right|trolls|the${W}trolls|anyone|racists|bigots)${W}(?:say|claim|think)))?`;
const DENIAL_RE = new RegExp(
  `^\\s*${OPENING}${DENIAL}${CLOSING}(?:\\s*[.!;,—–-]\\s*(?:${DENIAL}|(?:stop|quit)${W}(?:blaming|hating|attacking|demonising|demonizing|scapegoating|bashing)${W}them|${AFFIRMED}))?[\\s.!]*$`,
  'i',
);

/** Letters in alternating case ("mUsLiMs ArE nOt …"): a denial mocked, not made. */
const MOCKING_CASE = /[a-z][A-Z][a-z][A-Z]|[A-Z][a-z][A-Z][a-z][A-Z]/;

/**
 * Whether the whole comment only denies hate about a protected group ("Muslims are not terrorists.",
 * "Not all immigrants are criminals", "I don't hate gay people", "Stop blaming refugees!", "It is a myth that
 * immigrants are lazy", "Gay people are no more dangerous than anyone else"), once or twice. A bag of words
 * reads the group and the smear and not the denial; the embedded scorer keeps such a comment under the
 * default hold (comment.ts) unless something else in it — a slur, an insult, a threat — holds it.
 */
export function onlyDeniesHate(text: string): boolean {
  // Every denial names a group: the cheap test first spares most comments the long expression.
  return text.length <= 200 && MAY_NAME_GROUP.test(text) && !MOCKING_CASE.test(text) && DENIAL_RE.test(text);
}
