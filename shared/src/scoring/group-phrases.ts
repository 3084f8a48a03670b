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
 *   loaded questions ("are albanians even capable of …?", "would you trust a romanian to …?");
 * - exclusion and the tropes of implicit derogation: the group is put in a lower place, sent away, said to
 *   replace or ruin "us", good only for one thing, unable to think, or its lives worth less — "women belong in
 *   the kitchen", "muslims don't belong here", "refugees should go back where they came from", "immigrants are
 *   replacing us", "women are only good for cooking", "black lives don't matter". A policy's words are left
 *   to the model ("illegal immigrants should be deported").
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
  /\b(?:wrong|false|myths?|lie|lies|(?<!\bnot\s+)(?:racist|bigoted|bigotry|hateful|offensive)|nonsense|absurd|ridiculous|appalling|shameful|not\s+true|claim|claims|claiming|claimed|says|saying|said|called|calling|tweeted|wrote|chanted|shouted|idea|notion|misconception|stereotype|prejudice|(?:don['’]?t|do\s+not|doesn['’]?t)\s+(?:think|believe)|thinks|believes|pretends?|pretending|insists|taught|teaches|teach|preaches|preached|telling\s+(?:us|people)|screaming|headlines?|according\s+to|used\s+to\s+say|never\s+(?:say|call|claim)|(?:no\s+one|nobody)\s+should\s+(?:ever\s+)?(?:say|call|claim|think)|(?:if\s+you|anyone\s+who|people\s+who|those\s+who|whoever)\s+(?:thinks?|believes?|says?|claims?)|(?:acts?|acting|behaves?|behaving|treats?\s+\w+|treating\s+\w+)\s+(?:as\s+if|as\s+though|like))\b(?:\W+\w+){0,4}\W*$|\b(?:not|never)\s+$/i;
// Words just after it that name it a trope ("… is a myth") or answer it as an echo question ("… stay in their
// lane? Says who?"; a statement asked back is an echo whatever follows). A speaker named after it is
// `spokenByOthers` (quotation.ts), as for threats.
const REPORTED_AFTER =
  /^(?:\s+(?:is|was)\s+(?:a|an|the)\s+(?:line|lie|myth|trope|slogan|stereotype)\b|[^.!?]{0,40}\?\s+(?:no|nope|says\s+who|of\s+course\s+not|really|hardly|nonsense|rubbish|tell\s+that|try\s+telling)\b)/i;
const ECHO_AFTER = /^[^.!?]{0,40}\?/;
// A question the comment answers itself in good faith: "would you hire a ukrainian to do your kitchen? we did and …".
const ANSWERED =
  /^[^.!?]{0,60}\?\s*(?:we\s+did|i\s+did|yes|yep|yeah|absolutely|of\s+course|sure|definitely|we\s+have|i\s+have|i\s+would|we\s+would|plenty|lots)\b/i;
// Shapes that are questions of their own ("why are women so …?", "who would hire …?", "are … even human?", "has
// anyone ever met a … who isn't …?", "would you trust a … to …?") or the writer's own refusal.
const ASKS = /^(?:why|how|who|are|has|is|name|would|i|we)\b/i;
// The sentence a match is in: what comes before it in that sentence.
const SENTENCE_START = /[.!?;:\n][^.!?;:\n]*$/;

/** The dehumanising or respect-denying statements about a protected group a text makes. */
export function findGroupHate(original: string): PhraseSpan[] {
  const text = withShortSpaces(original);
  if (!MAY_NAME_GROUP.test(text)) return [];
  const found: PhraseSpan[] = [];
  // Reported words the writer then agrees with ("my uncle always said …, and he was right") are the writer's too.
  let agrees: boolean | undefined;
  const reported = (yes: boolean) => yes && !(agrees ??= agreesWithWhatItReports(text));
  for (const m of ownShapeMatches(GROUP_RES, text)) {
    const start = m.index;
    const window = text.slice(Math.max(0, start - 48), start);
    const sentence = SENTENCE_START.exec(window);
    const before = sentence ? window.slice(sentence.index + 1) : window;
    if (reported(REPORTED_BEFORE.test(before) && !saidByTheWriter(before))) continue;
    const after = text.slice(start + m[0].length, start + m[0].length + 80);
    if (reported(spokenByOthers(text, start + m[0].length))) continue;
    if (REPORTED_AFTER.test(after) || ANSWERED.test(after) || (ECHO_AFTER.test(after) && !ASKS.test(m[0]))) continue;
    found.push({ start, end: start + m[0].length });
  }
  return found;
}

/** What "not all …" may deny: crimes and threats, not what dehumanises ("not all blacks are animals"). */
const CONCEDED = `terrorists|extremists|fanatics|radicals|criminals|thugs|gangsters|rapists|thieves|liars|murderers|killers|invaders|a${W}threat|a${W}danger|dangerous|violent|the${W}problem|to${W}blame|lazy|scroungers|freeloaders`;
/** Words that reject a statement as a whole ("it is a myth that …", "… is racist"). */
const REJECTED = `wrong|false|a${W}myth|a${W}lie|(?:an?${W})?(?:racist|sexist|bigoted|ignorant|hateful|offensive)(?:${W}(?:myth|lie|stereotype|trope))?|nonsense|rubbish|untrue|not${W}true|absurd|ridiculous|(?:complete|utter|total)${W}(?:nonsense|rubbish)`;
/** A smear of a whole group as a denial quotes it back: "muslims are terrorists", "immigrants are all lazy". */
const STATEMENT = `${GROUP_NP}${W}(?:are|r)${W}(?:all${W})?(?:${TRAIT}|${VERMIN})`;
/** Whole comments that only deny hate about a group: each shape must span the comment. */
const DENIALS: readonly string[] = [
  // muslims are not terrorists; not all immigrants are criminals; gay people aren't sick
  `${GROUP_NP}${W}(?:are${W}not|aren${A}?t|arent|are${W}never)${W}(?:${TRAIT})`,
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
  `(?:i|we)${W}(?:do${W}not|don${A}?t|dont)${W}(?:think|believe)${W}(?:that${W})?${STATEMENT}`,
  `(?:i|we)(?:${W}would${W}never|${W}will${W}never|${A}d${W}never|${W}never)${W}(?:say|claim|suggest)${W}(?:that${W})?${STATEMENT}`,
  `(?:no${W}one|nobody)${W}should${W}(?:ever${W})?(?:say|claim|think)${W}(?:that${W})?${STATEMENT}`,
  `(?:i|we)(?:${W}would${W}never|${W}will${W}never|${A}d${W}never|${W}never)${W}call${W}${GROUP_NP}${W}(?:${TRAIT}|${VERMIN})`,
  `(?:no${W}one|nobody)${W}should${W}(?:ever${W})?call${W}${GROUP_NP}${W}(?:${TRAIT}|${VERMIN})`,
  // i don't hate jews; i have nothing against trans people; there is nothing wrong with being gay
  `(?:i|we)${W}(?:do${W}not|don${A}?t|dont|never|would${W}never|could${W}never)${W}(?:hate|despise|fear|dislike|mind)${W}${GROUP_NP}`,
  `(?:i|we)${W}(?:have|${A}ve${W}got|have${W}got)${W}nothing${W}against${W}${GROUP_NP}`,
  `there${A}?s?${W}(?:is${W})?nothing${W}wrong${W}with${W}(?:being${W}(?:gay|lesbian|bisexual|trans|transgender|queer|black|muslim|jewish|disabled|autistic|an${W}immigrant|a${W}refugee)|${GROUP_NP})`,
  // stop blaming immigrants
  `(?:stop|quit)${W}(?:blaming|hating|attacking|demonising|demonizing|scapegoating|bashing)${W}${GROUP_NP}`,
];
const DENIAL = `(?:${DENIALS.map((s) => `(?:${s})`).join('|')})(?:${W}(?:at${W}all|either|period|full${W}stop|whatsoever))?`;
// One denial, or two in a row ("Muslims are not terrorists. Stop blaming them" reads as the second's "them").
// What may open a denial ("No, …") or close it (", and it is racist to say so", ", whatever the trolls say"); not
// "of course" or "obviously" (sarcasm reads the same), a question mark or a leading emoji (incredulity), nor a
// closing that rejects the denial itself ("— that's a lie").
const OPENING = `(?:no\\s*[,.!:;]\\s*)?`;
const CLOSING = `(?:\\s*[,;:—–-]?\\s*(?:and${W})?(?:(?:it${A}?s|it${W}is|that${A}?s|that${W}is)${W}(?:racist|sexist|bigoted|hateful|ignorant|offensive|wrong)${W}to${W}(?:say|claim|suggest|think)${W}(?:so|otherwise)|whatever${W}(?:some${W}people|the${W}far${W}right|trolls|the${W}trolls|anyone|racists|bigots)${W}(?:say|claim|think)))?`;
const DENIAL_RE = new RegExp(
  `^\\s*${OPENING}${DENIAL}${CLOSING}(?:\\s*[.!;,]\\s*(?:${DENIAL}|(?:stop|quit)${W}(?:blaming|hating|attacking|demonising|demonizing|scapegoating|bashing)${W}them))?[\\s.!…🙂😊]*$`,
  'i',
);

/**
 * Whether the whole comment only denies hate about a protected group ("Muslims are not terrorists.",
 * "Not all immigrants are criminals", "I don't hate gay people", "Stop blaming refugees!", "It is a myth that
 * immigrants are lazy", "Gay people are no more dangerous than anyone else"), once or twice. A bag of words
 * reads the group and the smear and not the denial; the embedded scorer keeps such a comment under the
 * default hold (comment.ts) unless something else in it — a slur, an insult, a threat — holds it.
 */
export function onlyDeniesHate(text: string): boolean {
  // Every denial names a group: the cheap test first spares most comments the long expression.
  return text.length <= 200 && MAY_NAME_GROUP.test(text) && DENIAL_RE.test(text);
}
