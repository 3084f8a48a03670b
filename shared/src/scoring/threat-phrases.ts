/**
 * Threats by their grammar: what a comment says the writer will do, wants done, or wishes on someone.
 * No training set here labels threats, and a bag of words cannot tell "i will kill you" from "the suspect
 * will kill again", "kill the bill" or "i hope you win"; the model's THREAT head, trained on written
 * sentences only, scores such civil text high as well (docs/model-card.md). These patterns need
 * a violent act aimed at a person or a group — a verb and its object, a body harmed ("cave his skull in"), a
 * weapon or a fire ("a brick to the face", "burn your house down") or what is coming ("you'll leave in an
 * ambulance") — in one of five shapes:
 *
 * - intent: the writer (or "we") will, is going to or wants to do it — "i'll shoot you", "we are going to
 *   hang them all", "if you come here again i will break your legs", "i'm knocking your teeth out";
 * - a call: someone, we or you should or must do it — "somebody should shoot him", "we need to kill them all";
 * - a norm: a person or group should, must or deserves to be harmed or to die — "they should all be hanged",
 *   "people like her deserve to die", "he deserves a bullet";
 * - a wish: "i hope you die", "hope your family gets cancer", "may they burn in hell";
 * - a menace or an order to die: "i know where you live", "you're dead meat", "i will hunt you down", "you'd
 *   better watch your back", "say that again and you're dead", "kill yourself", "go die".
 *
 * A negation in front ("should not be", "nobody deserves to", "i would never hurt you", "i hope you don't
 * die") or a thing for object ("kill the bill", "we will beat them on saturday", "i'll kill it tonight",
 * "you should hang them in the hallway": "them" is people only with "all" or after a verb done only to
 * people) does not match, nor do the same words' everyday senses ("must be gutted", "hang his head", "die
 * down"). Reported violence keeps its third-person subject and past tense and does not match.
 */

import { spokenByOthers } from './quotation.js';
import { compileShapes, inGroups, ownShapeMatches, type PhraseSpan, withShortSpaces } from './shapes.js';

const A = "['’]"; // an apostrophe, straight or curly
const W = '\\s+';

/** Verbs of violence against a person (the base form: after "will", "should", "to"). */
const HARM = [
  'kill|murder|shoot|stab|strangle|hang|lynch|behead|decapitate|slaughter|butcher|execute|torture|rape',
  'gas|exterminate|burn|torch|drown|hurt|maim|cripple|gut|skin|slit|choke|shank|smother|run\\s+over',
  'gun\\s+down|mow\\s+down|beat\\s+up|wipe\\s+out|string\\s+up|pistol-whip',
  'batter|bash|smash|thump|knife|bludgeon|kneecap|glass|firebomb|poison|merk|curb-?stomp|jump|smoke|whup',
].join('|');
/** Of those, the ones only done to people: "them" after one of these is people ("we should lynch them"). */
const HARM_PEOPLE = 'murder|lynch|behead|decapitate|rape|strangle|stab|torture|shank|gun\\s+down|mow\\s+down';
/** The same as past participles: after "be", "get", "deserve to be". */
const HARMED = [
  'killed|murdered|shot(?!\\s+(?:down|at\\s+the|of)\\b)|stabbed|strangled|hanged|lynched|beheaded|decapitated',
  'slaughtered|butchered|executed|tortured|raped|gassed|exterminated|torched|drowned|buried\\s+alive',
  'kicked\\s+to\\s+death|stamped\\s+to\\s+death|maimed|crippled|skinned\\s+alive|shanked|gunned\\s+down|mowed\\s+down|hung\\s+from\\s+a\\s+tree',
  'beaten\\s+(?:up|to\\s+death)|put\\s+down|strung\\s+up|lined\\s+up\\s+and\\s+shot',
  'shot\\s+dead|burned\\s+alive|burnt\\s+alive|burned\\s+at\\s+the\\s+stake|castrated|taken\\s+out\\s+(?:back\\s+)?and\\s+shot',
  'taken\\s+out\\s+back',
  // punishments, not their everyday senses ("flogged off / to a club": sold; "whipped", "lashed", "get stoned")
  'flogged(?!\\s+(?:off|to|for|on)\\b)|stoned\\s+to\\s+death|tarred\\s+and\\s+feathered|burned\\s+at\\s+the\\s+stake',
  'thrown\\s+off\\s+(?:a|the)\\s+(?:roof|bridge|building|cliff|balcony)|lined\\s+up\\s+against\\s+(?:a|the)\\s+wall',
].join('|');
/** Ways of dying a wish or a norm names. */
const DIE = [
  // "hang" only at the end of a clause ("he should hang"), not "hang his head", "hang out", "hang it up"
  'hang(?=\\s*(?:$|[.,!?;]|\\s+(?:for\\s+(?:it|this|treason)|from\\s+a|by\\s+the\\s+neck)))',
  'die(?!\\s+(?:down|out|off|hard|laughing|of\\s+(?:old|natural)|young|happy))|dies(?!\\s+(?:down|out|off))',
  // "drown" where it ends the wish or says where ("drown in the channel"), not "drown in paperwork", "drown out"
  'drowns?(?=\\s*(?:$|[.,!?;]|\\s+(?:in\\s+the\\s+(?:channel|sea|river|ocean|med)|slowly|together|first)\\b))',
  'rot\\s+in\\s+hell|rots\\s+in\\s+hell|burn\\s+in\\s+hell|burns\\s+in\\s+hell|burn\\s+alive',
  'drop\\s+dead|drops\\s+dead|perish|bleed\\s+out|choke\\s+to\\s+death|choke\\s+on\\s+(?:it|your|his|her|their)',
  '(?:get|gets)\\s+cancer(?!\\s+(?:screening|checks?|tests?|treatment|free|research|care))|starve\\s+to\\s+death',
].join('|');

/** People a threat is aimed at: pronouns, people nouns, groups (plural). */
const GROUP = [
  'muslims|jews|blacks|whites|gays|lesbians|trans(?:gender)?\\s+people|trannies|queers|immigrants',
  'migrants|refugees|illegals|mexicans|arabs|asians|africans|christians|catholics|hindus|sikhs|atheists',
  'liberals|conservatives|democrats|republicans|leftists|libtards|commies|communists|nazis|women|men',
  'feminists|cops|policemen|officers|journalists|reporters|politicians|protesters|protestors',
  'rioters|traitors|faggots|fags|niggers|niggas|kikes|spics|(?:[a-z]+\\s+)?people|folks|kids|children',
  'bankers|landlords|activists|cyclists|mps|ministers|councillors|tories|lefties|asylum\\s+seekers|foreigners',
  'gypsies|travellers|paedos|pedos|paedophiles|pedophiles|nonces|snitches|zionists|globalists',
].join('|');
const PERSON_NOUN = [
  'author|writer|reporter|journalist|editor|columnist|mayor|governor|senator|president|judge|cop',
  'officer|politician|guy|man|woman|girl|boy|bitch|bastard|idiot|moron|scum|traitor|clown|fool|retard',
  'fag|faggot|kid|child|family|wife|husband|son|daughter|mother|father|mom|dad|commenter|poster|troll',
  'ref|referee|councillor|minister|mp|banker|landlord|activist|cyclist|protester|protestor|warden|chancellor',
  'presenter|pundit|paedo|pedo|nonce|snitch|host|star|actor|actress|singer|rapper|influencer|celebrity|chairman',
  'linesman|umpire|selector|witness|juror|prosecutor|magistrate|solicitor|lawyer|barrister|defendant|photographer',
  'journo|hack|scab|cheat',
].join('|');
/** More people a conditional threat names (`TARGET`): the list above is copied into every shape with an object. */
const TARGET_NOUN = `${PERSON_NOUN}|manager|teacher|headmaster|headmistress|headteacher|inspector|owner|boss|coach|neighbour|neighbor|keeper|goalkeeper|striker|director|guard|bailiff|sheriff|principal|planner|developer|foreman|councilman`;
/**
 * Whose family a plural possessive names: "the councillors' plan" is not a person, "the journalists' kids" are (after
 * a people noun, a plural possessive is the object only when one of these follows).
 */
const KIN =
  '(?:kids|children|famil(?:y|ies)|wives|husbands|sons|daughters|mothers|fathers|mums|moms|dads|parents|babies)';
const OBJECT = [
  `(?:you|ya|u|y${A}?all|him)\\b(?!${W}(?:a|an|some|something|anything|the)\\b)`,
  // "them" is people only with "all" ("kill them all"); "you should hang them" may be photographs
  `(?:them|em|${A}em)${W}all\\b`,
  // "her" is an object only where no noun follows ("kill her", not "hang her picture").
  `her(?=\\s*(?:$|[.,!?;:)]|${W}(?:and|if|when|tonight|now|today|tomorrow|too|myself|with|in|at|for|dead|slowly|soon|again|before|after|one${W}day|like|alive|first)\\b))`,
  `(?:all|every\\s+(?:last\\s+)?one|each|some|any|a\\s+few|most|half|the\\s+(?:whole\\s+)?lot|every\\s+single\\s+one)${W}of${W}(?:you|them|us|(?:those|these|the|your|their)(?:${W}[\\w-]+){0,2}?(?=\\b))`,
  `(?:(?:all|every|each|any|these|those|the|that|this|your|his|her|their|some)${W}(?:\\w+${W}){0,2}?)?(?:${GROUP})\\b(?!${A}s?\\b|${A}(?=\\s)(?!\\s+${KIN}\\b))`,
  `(?:all|every|each|any|these|those|the|that|this|your|his|her|their|some)${W}(?:\\w+${W}){0,2}?(?:${PERSON_NOUN})\\b(?!${A}s?\\b|${A}(?=\\s)(?!\\s+${KIN}\\b))`,
  `(?:people|ppl|folk)${W}like${W}(?:you|him|her|them|(?:that|this)(?:${W}\\w+)?)`,
].join('|');
/**
 * A person as a pronoun or "the/that …" noun phrase, for acts whose own words say the violence ("set him on fire",
 * "drag that rat through the streets"): `OBJECT`, with its lists of people, is long, and each copy of it adds to
 * every expression it is compiled into.
 */
const PRONOUN = `(?:you|ya|u|him|her|them|em|${A}em)\\b`;
const SOMEONE = `(?:${PRONOUN}|(?:that|this|the|these|those)${W}(?:\\w+${W})?\\w+)`;
/** A punch or a slap at someone, not "on the back" or "with a fine", nor "punch a hole", "punch the clock". */
const BLOW = `(?:punch|slap)${W}(?:${PRONOUN}|(?:that|this)${W}(?:\\w+${W})?\\w+|(?:the|your|his|her|their)${W}(?:\\w+${W})?(?:${PERSON_NOUN})\\b)(?!${W}(?:on${W}the${W}back|with|a${W}hole|the${W}clock)\\b)`;
/** Subjects a norm or a wish is said of: any of the objects, and subject pronouns. */
const SUBJECT = `(?:you|he|she|they|them|we|u|y${A}?all|${OBJECT})(?:${W}(?:all|really|just|both|truly|honestly))?`;

/** Whose body or home: "your", "his", "that editor's", "both of your". */
const POSS = `(?:both${W}(?:of${W})?)?(?:your|ur|yer|his|her|their|(?:that|the|this)${W}(?:\\w+${W})?\\w+${A}s)`;
/** Parts of the body a threat breaks or smashes (not "heart", "back" or "mind": "break your heart", "break your back lifting"). */
const BODY =
  'face|faces|head|heads|skull|skulls|teeth|jaw|jaws|nose|legs?|arms?|knees|kneecaps?|ribs|necks?|throats?|brains?|hands|fingers|eyes|spine|windpipe|tongues?';
/** Doing it to a body, in three forms: "smash", "smashing", "smashes" (your face in). */
const BODY_VERBS: readonly (readonly [string, string, string])[] = [
  ['break', 'breaking', 'breaks'],
  ['snap', 'snapping', 'snaps'],
  ['slit', 'slitting', 'slits'],
  ['cut', 'cutting', 'cuts'],
  ['smash', 'smashing', 'smashes'],
  ['bash', 'bashing', 'bashes'],
  ['cave', 'caving', 'caves'],
  ['kick', 'kicking', 'kicks'],
  ['knock', 'knocking', 'knocks'],
  ['stamp\\s+on', 'stamping\\s+on', 'stamps\\s+on'],
  ['stomp\\s+on', 'stomping\\s+on', 'stomps\\s+on'],
  ['crack', 'cracking', 'cracks'],
  ['crush', 'crushing', 'crushes'],
  ['batter', 'battering', 'batters'],
  ['punch', 'punching', 'punches'],
  ['split', 'splitting', 'splits'],
  ['bust', 'busting', 'busts'],
  ['rip', 'ripping', 'rips'],
  ['tear', 'tearing', 'tears'],
  ['gouge', 'gouging', 'gouges'],
  ['blow', 'blowing', 'blows'],
  [
    'put\\s+a\\s+(?:hammer|bullet|knife|brick|bat|axe|blade|hole|round)\\s+(?:through|in|into)',
    'putting\\s+a\\s+(?:hammer|bullet|knife|brick|bat|axe|blade|hole|round)\\s+(?:through|in|into)',
    'puts\\s+a\\s+(?:hammer|bullet|knife|brick|bat|axe|blade|hole|round)\\s+(?:through|in|into)',
  ],
];
/** Where a bullet or a knife goes: a person or a part of one ("in him", "between his eyes"), not "in the back of the net". */
const AT_BODY = `${W}(?:(?:you|ya|u|him|her|them)\\b|(?:that|this|the)${W}(?:\\w+${W})?(?:${PERSON_NOUN})\\b(?!${A})|(?:the${W}back${W}of${W})?(?:your|ur|his|her|their|that|this|the)${W}(?:\\w+${W})?(?:heads?|skulls?|brains?|face|chest|heart|knees?|kneecaps?|guts?|eyes|neck|throat|temple)\\b|(?:your|ur|his|her|their)${W}(?:windshield|windscreen|windows?|front${W}door|door|car)\\b)`;
/** Where a person is thrown through, off or into: "through the window", "off the top of the stand", "in the river". */
const THROUGH_HARD = `through${W}(?:a|the|your|ur|his|her|their|that|my)${W}(?:[\\w-]+${W})?(?:window|wall|windscreen|windshield)\\b`;
/** One person as the object of those: "him", "that reporter" (not "them" or "the snow": leaflets, statues, bunting). */
const ONE_PERSON = `(?:you|u|ya|him|her|(?:that|this|the)${W}(?:\\w+${W})?(?:${PERSON_NOUN})\\b)`;
const OFF_HIGH = `(?:off|from)${W}(?:the${W}top${W}of${W})?(?:a|the|that|this)${W}(?:[\\w-]+${W})?(?:roof|bridge|building|cliff|balcony|stand|tower|car${W}park|flyover)\\b`;
const IN_WATER = `(?:in|into)${W}the${W}(?:river|canal|sea|harbour|harbor|docks|lake|thames|reservoir)\\b`;
/** Acts a threat names beyond a verb and its object, in the base form (after "i will", "someone should", or as an order). */
const ACT_EXTRA: readonly string[] = [
  `(?:throw|splash|chuck|pour)${W}acid${W}(?:in|at|on|over|into)\\b`,
  `(?:pipe${W}?bomb|petrol${W}?bomb|nail${W}bomb|firebomb)${W}(?:${PRONOUN}|(?:your|ur|his|her|their|(?:that|the)${W}\\w+${A}s)${W}\\w+)`,
  `(?:put|plant|stick)${W}a${W}(?:bomb|device|pipe${W}bomb)${W}(?:under|in|on)${W}(?:your|ur|his|her|their|(?:that|the)${W}\\w+${A}s)`,
  `set${W}${SOMEONE}${W}(?:on${W}fire|alight|ablaze)`,
  `(?:mow|gun)${W}(?:them|em|him|her|you)${W}down\\b`,
  `open${W}fire${W}on${W}(?:${PRONOUN}|the${W}(?:crowds?|marchers|strikers|protesters|protestors|picket(?:${W}line)?|mob))`,
  `give${W}${SOMEONE}${W}a${W}(?:(?:proper|good|right|real|severe)${W})?(?:kicking|hiding|beating|battering|pasting|doing${W}over)\\b(?!${W}(?:at|in|on)${W}(?:the${W})?(?:polls|ballot|election|box|thursday|saturday|sunday))`,
  `make${W}sure${W}(?:you|he|she|they)${W}(?:go(?:es)?${W}home|leaves?|ends?${W}up)${W}in${W}(?:a|an)${W}(?:wheelchair|ambulance|box|coffin|body${W}bag)`,
];
/** Words that make a harm to come wished, deserved or intended: "hope", "deserves to", "should", "gonna". */
const WANTED =
  '\\b(?:deserves?|needs?|ought|should|must|hope|hoping|hopefully|wish|pray|praying|want|wanna|gonna|going|will|ll|gotta|to|see|may)\\b';
const bodyAct = (form: 0 | 1 | 2) =>
  `(?:${BODY_VERBS.map((v) => v[form]).join('|')})${W}(?:in${W})?${POSS}${W}(?:[\\w-]+${W})?(?:${BODY})\\b(?!${W}together\\b)`;
/** What is done to a body, after "get", "have" or the body itself: "get your head kicked in", "his skull gets cracked". */
const BODY_HARMED =
  '(?:kicked|smashed|caved|bashed|knocked|stamped\\s+on|broken|snapped|cracked|crushed|slit|cut\\s+(?:off|open)|ripped\\s+(?:off|out)|torn\\s+(?:off|out)|blown\\s+(?:off|out)|punched|busted|battered|gouged\\s+out)(?:\\s+(?:in|out|off|open))?\\b';
/** Setting fire to someone's home or car, or to a place with people in it. */
const ARSON = [
  `(?:burn|torch|firebomb|bomb|petrol${W}bomb|blow${W}up|set${W}fire${W}to)${W}(?:down${W})?(?:that|the|this|their|every|a|an|our${W}local)${W}(?:\\w+${W})?(?:mosques?|synagogues?|churche?s?|temples?|gurdwaras?|hostels?|asylum${W}hotels?|migrant${W}hotels?|refugee${W}cent(?:re|er)s?|abortion${W}clinics?)\\b`,
  `(?:burn|torch|firebomb|petrol${W}bomb)${W}(?:your|ur|his|her|their|(?:that|the)${W}\\w+${A}s)${W}(?:house|home|flat|car|van|shop|office|place|business)(?:${W}down)?\\b`,
  `set${W}(?:fire|light)${W}to${W}(?:your|ur|his|her|their|(?:that|the)${W}\\w+${A}s)${W}(?:house|home|flat|car|van|shop|office|place|business)\\b`,
  `(?:burn|torch|firebomb|set)${W}(?:[\\w'’]+${W}){0,3}?(?:down${W}|alight${W}|ablaze${W}|on${W}fire${W})?with${W}(?:you|u|him|her|them|whoever|everyone|everybody|anyone|(?:the|their|his|her)${W}\\w+)(?:${A}s|${W}lot|${W}all)?${W}(?:still${W}|all${W})?(?:inside|in${W}(?:it|there|them|bed))\\b`,
  `(?:burn|burning|torch|torching)${W}(?:[\\w'’]+${W}){1,3}?and${W}(?:him|her|them|you)${W}(?:in${W}it|inside)\\b`,
].join('|');
/** What is coming to "you", said as an outcome: "you'll leave in an ambulance", "you'll be eating through a straw". */
const OUTCOME = [
  `(?:be${W})?(?:leaving|leave|going${W}home|go${W}home|carried${W}(?:out|home|off)|coming${W}out|come${W}out)(?:${W}(?:here|there|(?:the|this|that)${W}(?:pub|ground|stadium|club|court|courtroom|office|car${W}park|estate|street|village|town|farm|pitch|bar|match|game)))?${W}(?:in${W}(?:an?${W})?(?:ambulance|box|coffin|wheelchair|hospital|intensive${W}care|body${W}bag|bag|pieces|bits|the${W}morgue)|on${W}a${W}stretcher|feet${W}first)\\b(?=\\s*(?:$|[.,!?;:)…]|${W}(?:and|or|if|when|before|after|then|next|tonight|mate|pal|buddy|son|i|we|you)\\b))`,
  `(?:be${W})?picking${W}(?:your|ur)${W}teeth${W}(?:up|out)`,
  `(?:be${W})?(?:eating${W}(?:through${W}a${W}straw|lead)|(?:eating|drinking)${W}(?:your|ur|his|her|their)${W}(?:food|dinner|meals|supper|tea)${W}through${W}a${W}(?:straw|tube))`,
  `leave${W}without${W}(?:your|ur|his|her|their)${W}(?:teeth|legs|kneecaps|eyes)\\b`,
  `(?:be${W})?(?:floating(?:${W}face${W}down)?${W}(?:in|down)${W}the${W}(?:canal|river|thames|harbour|harbor|docks|lake)|sleeping${W}with${W}the${W}fishes|needing${W}a${W}new${W}(?:face|jaw|set${W}of${W}teeth))`,
  `get${W}(?:both${W}barrels|a${W}(?:bullet|knife|blade|brick)(?:${W}from${W}me)?(?=\\s*(?:$|[.,!?;]|${W}(?:from|in|to|through|between)\\b))|knocked${W}(?:out|spark${W}out)(?!${W}of\\b))`,
].join('|');
/** The same, negated: "you won't be leaving in one piece", "you'll never walk again". */
const OUTCOME_NOT = `(?:${W}won${A}?t|${W}wont|${W}will${W}not|${A}ll${W}never|${W}will${W}never)${W}(?:(?:be${W})?(?:leaving|leave|walking|walk|going|go)(?:${W}(?:away|out|home))?${W}in${W}one${W}piece|(?:ever${W})?walk${W}again)\\b`;
/** A negation that is itself the threat ("you won't leave in one piece", "make sure you never walk again"), not one that turns a threat round. */
const OWN_NEGATION =
  /\b(?:won['’]?t|wont|will\s+not|never)\s+(?:be\s+)?(?:leaving|leave|walking|walk|going|go)(?:\s+(?:away|out|home))?\s+in\s+one\s+piece|\b(?:won['’]?t|wont|will\s+not|never|can['’]?t)\s+(?:ever\s+)?(?:walk|see|talk|speak|write|type|breathe|wake\s+up)\s+again\b/gi;
/** "i hope", "fingers crossed", "can't wait for the day", "would love to see", "it'd be lovely if" … */
const HOPE = `(?:hope|hoping|hopefully|wish|pray|praying|fingers${W}crossed|here${A}s${W}hoping|god${W}willing|can${A}?t${W}wait${W}(?:for${W}the${W}day|till|until|for)|(?:would|i${A}?d)${W}(?:love|like|pay(?:${W}good${W}money)?)${W}to${W}see|love${W}to${W}see|(?:would|it${A}?d)${W}be${W}(?:lovely|nice|great|good|funny|brilliant)${W}if)`;
/** Who does it in a wish: "someone", "some lorry", "the shooter", "they". */
const WISHED_DOER = `(?:someone|somebody|some${W}one|some${W}\\w+|a${W}\\w+|they|the${W}\\w+)`;
/** Verbs of violence as a third person does them ("someone stabs him"); not "wipes out" (elections). */
const HARMS =
  'kills|murders|shoots|stabs|strangles|lynches|beheads|knifes|flattens|guns\\s+down|mows\\s+down|tortures|rapes|drowns|hangs|strings\\s+up|batters|runs\\s+over|takes\\s+out|finishes\\s+off';
/** Subjects of a norm that are said with a relative clause: "anyone who votes for them deserves …" (not "anyone who thinks the bill should be killed"). */
const SUBJECT_WHO = `(?:(?:anyone|anybody|everyone|everybody|those|any${W}\\w+)${W}(?:who|that|caught|found|seen)|[a-z]+${W}who|whoever)\\b(?:(?!\\b(?:thinks?|says?|said|believes?|claims?|wants?|argues?|suggests?|should|must|(?:wrote|writes|posted|posts|tweeted)\\s+that)\\b)[^.!?;]){1,60}?`;
/** Subjects of a norm beyond people: "the whole council should be lined up against a wall". */
const INSTITUTION = `(?:the|that|this|our|their)${W}(?:whole${W}|entire${W})?(?:council|cabinet|government|board|committee|regime)`;

// Words a threat may carry between its parts ("i will personally", "we should just").
const ADVERB = `(?:${W}(?:just|personally|really|fucking|literally|gladly|happily|definitely|actually|all|both|simply|slowly|eventually|soon|finally|go|come|hunt\\s+you\\s+down\\s+and|find\\s+you\\s+and)){0,3}`;

/** "i will", "i'll", "we are going to", "im gonna", "i want to", "i'd love to" … */
const INTENT = [
  `\\b(?:i|we)${W}(?:will|shall|(?:am|are)${W}(?:going${W}to|gonna|about${W}to)|gonna|want${W}to|wanna|plan${W}to|intend${W}to|promise${W}to|swear${W}(?:i${W}will|i${A}ll|to\\s+god\\s+i${A}?ll)|would|(?:would|could)${W}(?:love|like)${W}to|would${W}gladly)`,
  `\\b(?:i|we)${A}(?:ll|d(?:${W}(?:love|like|happily|gladly)(?:${W}to)?)?|m${W}(?:going${W}to|gonna|about${W}to)|re${W}(?:going${W}to|gonna|about${W}to))`,
  `\\b(?:im|i${A}?ma|imma|ima)(?:${W}(?:going${W}to|gonna|finna))?`,
  `\\b(?:i${A}?m${W})?finna`,
  // (the sentence's start is looked for behind the words, not before them: a lookbehind first would run at every word)
  `(?:going${W}to|gonna)(?<=(?:^|[.!?]\\s*|\\n)(?:going${W}to|gonna))`,
  `\\b(?:someone|somebody)${A}?s${W}(?:going${W}to|gonna)`,
  // on the way: "i'm coming round to", "we'll be heading over to"
  `\\b(?:i${A}m|im|i${W}am|we${A}re|we${W}are|i${A}ll|i${W}will|we${A}ll|we${W}will)${W}(?:be${W})?(?:coming|come|heading|head|popping|pop|going|go)(?:${W}(?:round|over|down|up|back|out))?(?:${W}(?:there|to${W}(?:your|ur|his|her|their|that|the)${W}\\w+))?${W}to`,
].join('|');
/** "someone should", "we need to", "you ought to", "somebody has to" … */
const CALL = `\\b(?:(?:someone|somebody)${A}s${W}(?:gotta|got${W}to)|(?:someone|somebody|some\\s+one|we|you|u|y${A}?all|people|they|(?:the${W})?(?:police|cops|army|troops|soldiers|drivers|motorists|fans|lads|parents|locals|workers)|(?:his|her|their)${W}(?:family|relatives|brothers|mates))${W}(?:should|must|ought${W}to|needs?${W}to|has${W}to|have${W}to|got${W}to|gotta|gonna${W}have${W}to|had${W}better|better))`;
/** "should be", "must all be", "deserve to be", "need to be", "ought to get" … */
const NORM_BE = `(?:should|must|ought${W}to|needs?${W}to|has${W}to|have${W}to|deserves?${W}to|oughta|gotta)(?:${W}(?:all|just|really|each|simply))?${W}(?:be|get)`;
/** Harm a norm names beyond `HARMED` (not after "you'll be": "cross there and you'll be run over" warns). */
const NORM_HARMED = [
  'knifed|run\\s+over|doused\\s+in\\s+(?:petrol|gasoline|fuel)|set\\s+(?:alight|ablaze|on\\s+fire)|put\\s+in\\s+the\\s+ground',
  'put\\s+six\\s+feet\\s+under|beaten\\s+(?:senseless|to\\s+a\\s+pulp|black\\s+and\\s+blue|bloody|within\\s+an\\s+inch)',
  'kneecapped|glassed|bludgeoned|firebombed|hanged|curb-?stomped|stomped\\s+out|jumped|merked',
].join('|');
/** "someone please", "somebody go", "will somebody": a call to whoever reads. */
const CALL_NOW = `\\b(?:(?:will|can|could|would)${W})?(?:someone|somebody|some${W}one)(?:${W}(?:please|pls|plz|just|go|and))*`;
const NORM_DIE = `(?:should|must|ought${W}to|needs?${W}to|deserves?${W}to|oughta|gotta)(?:${W}(?:all|just|really|simply))?${W}(?:${DIE})\\b`;

/** "i will", "someone should", "let's" and the words between: what an act (`ACTS`) follows in a threat or a call. */
const INTENT_HEAD = `(?:${INTENT}|${CALL}|${CALL_NOW}|\\b(?:let${A}?s|time${W}to(?!${W}time\\b)|it${A}?s${W}time${W}to))${ADVERB}(?:${W}be${W}the${W}one${W}to|(?:${W}[\\w'’]+){1,6}?${W}and)?${W}`;
/** What a threat says will be done, in the base form: "kill you", "smash your face in", "burn your house down". */
const ACTS: readonly string[] = [
  `(?:${HARM})${W}(?:${OBJECT})(?!${W}out${W}to${W}dry\\b)`,
  `(?:${HARM_PEOPLE})${W}(?:them|em|${A}em)\\b`,
  bodyAct(0),
  BLOW,
  ARSON,
  `(?:run|knock)${W}${PRONOUN}${W}(?:over|down|out(?!${W}of\\b))`,
  `run${W}${SOMEONE}${W}off${W}the${W}road`,
  `put${W}${PRONOUN}${W}(?:(?:in|into)${W}hospital|(?:in|into)${W}(?:the|a|an)${W}(?:ground|grave|early${W}grave|hospital|coffin|box|morgue|wheelchair|body${W}bag)|six${W}feet${W}under)`,
  `make${W}sure${W}(?:you|u|he|she|they)${W}(?:never|can${A}?t|won${A}?t|don${A}?t)${W}(?:ever${W})?(?:walk(?:${W}(?:right|properly|straight))?|see|talk|speak|write|type|breathe|wake${W}up)${W}again`,
  `break${W}every${W}bone${W}in${W}${POSS}${W}(?:bod(?:y|ies)|hands?|face|legs?|arms?)\\b`,
  `(?:go${W}(?:to${W})?(?:[\\w'’]+${W}){0,4}?and${W})?start${W}(?:(?:burning|torching|firebombing)${W}(?:their|his|her|your)${W}(?:shops|houses|homes|cars|mosques?|churches|synagogues?|businesses|offices)|(?:cracking|busting|bashing|smashing|breaking)${W}(?:some${W})?(?:skulls|heads)\\b(?!${W}together))`,
  `drag${W}${SOMEONE}${W}(?:out${W}(?:of${W}(?:your|his|her|their)${W}\\w+${W})?)?(?:by${W}(?:the|your|his|her|their)${W}hair|(?:into|through)${W}the${W}streets?)`,
  `(?:smash|break|crack|wrap)${W}(?:it|this|that|(?:a|the|my|this|that)${W}\\w+)${W}(?:over|across|round)${W}(?:your|ur|his|her|their)${W}(?:head|skull|face)`,
  `end${W}(?:you|u|him|her)(?=\\s*$|\\s*[.!?,]|${W}(?:irl|for${W}good|properly|myself)\\b)`,
  `end${W}(?:your|his|her)${W}miserable${W}(?:life|existence)\\b`,
  `(?:beat|kick)${W}(?:the${W}(?:shit|crap|hell|life)${W}out${W}of|(?:you|him|her|them)${W}(?:to${W}death|senseless|half${W}to${W}death|bloody|black${W}and${W}blue|to${W}a${W}pulp|within${W}an${W}inch)\\b)`,
  `put${W}(?:a${W}bullet|a${W}knife|a${W}round|one)${W}(?:in|into|through|between)${AT_BODY}`,
  `make${W}(?:you|him|her|them)${W}(?:suffer|bleed|scream|beg)\\b`,
  `make${W}(?:you|u|him|her)${W}regret${W}(?:it|this|that|ever|the${W}day|being${W}born)\\b(?!${W}(?:on|at|in|with|if)\\b)`,
  `make${W}(?:you|u)${W}pay(?=\\s*(?:$|[.!?]|${W}for${W}(?:this|that|what${W}you)))`,
  `bust${W}a${W}cap${W}in`,
  `start${W}(?:shooting|killing|stabbing|hanging|lynching|executing|gassing)${W}(?:${OBJECT})`,
  ...ACT_EXTRA,
];
/**
 * Acts read after the same heads as `ACTS`, in expressions of their own tried only where their words are
 * (`MAY_MORE_ACT`): kept out of `ACTS`, whose expressions every threatening comment runs, so those stay as small.
 */
const MORE_ACTS: readonly string[] = [
  `(?:set|setting)${W}(?:the|my|our)${W}dogs?${W}on${W}${PRONOUN}`,
  // "i'll cut you": a knife; not "they should cut him" from the squad
  `cut${W}(?:you|u|ya)(?=\\s*$|\\s*[.,!?;]|${W}(?:up|open|bad|deep|good|inspector|mate|bro)\\b)`,
  `shut${W}(?:your|ur|his|her)${W}mouth${W}for${W}good`,
  `send${W}(?:them|you|him|her)${W}(?:back|home)${W}in${W}(?:coffins?|body${W}bags?|boxes|a${W}box|ambulances?)`,
  `finish${W}(?:you|u|him|her)${W}(?:off${W})?(?:myself|ourselves|for${W}good)\\b`,
  `put${W}${ONE_PERSON}${W}${THROUGH_HARD}`,
  `(?:throw|push|chuck)${W}${ONE_PERSON}${W}${OFF_HIGH}`,
  `(?:throw|put|dump|chuck)${W}${ONE_PERSON}${W}${IN_WATER}`,
  `string${W}${ONE_PERSON}${W}up\\b(?!${W}(?:in|on|across|along|around|between|over|for|above|round)\\b)`,
  `make${W}sure${W}(?:you|u|he|she|(?:your|ur|his|her)${W}(?:wife|husband|kids|children|son|daughter|family|mum|mother|dad|father|brother|sister|girlfriend|boyfriend|partner))${W}(?:gets?|is|are)${W}(?:hurt|killed|shot|stabbed|beaten${W}up|kneecapped|glassed|knifed)\\b`,
];
const MAY_MORE_ACT = /\b(?:set|setting|cut|shut|send|finish|put|throw|push|chuck|dump|string|make\s+sure)\b/i;
/** The start of a sentence, where an order is given: "kill them all", "find him and give him a kicking". */
const ORDER_HEAD = `(?<=^|[.!?;]\\s*|\\n)(?:just${W}|now${W}|go${W}|so${W})?(?:(?:find|get|grab|catch|round${W}up|hunt${W}down|wait${W}for)${W}${SOMEONE}(?:[\\s,]+\\w+){0,4}?[\\s,]+and${W})?`;
/** What an order says to do ("hang him", "string them up"). */
const ORDER_ACTS: readonly string[] = [
  `(?:${HARM})${W}(?:${OBJECT})(?!${W}(?:with${W}kindness|out${W}to${W}dry)\\b)`,
  BLOW,
  ARSON,
  bodyAct(0),
  `make${W}(?:you|him|her|them)${W}(?:suffer|bleed|scream|beg)\\b`,
  `string${W}(?:${PRONOUN}|the${W}lot(?:${W}of${W}them)?|(?:that|this)${W}(?:\\w+${W})?\\w+)${W}up\\b(?!${W}(?:in|on|across|along|around|between)\\b)`,
  ...ACT_EXTRA,
];
/** "i hope", "fingers crossed", "would love to see" and the words between: what a wished harm (`WISHED`) follows. */
const WISH_HEAD = `\\b${HOPE}(?:,?${W}(?:that|the${W}day|someday|soon|one${W}day|really|genuinely|honestly|just))*,?${W}`;
/** Who does it in a wish, and when: "someone", "some lorry will", "the shooter finally". */
const WISHED_DOING = `${WISHED_DOER}(?:${W}(?:will|would|finally|just|eventually|actually|soon))?${W}`;
/** Harm wished on someone: "someone shoots him", "his skull gets cracked", "they all drown". */
const WISHED: readonly string[] = [
  `${WISHED_DOING}runs${W}(?:${PRONOUN}|(?:that|this|the|those|these)${W}(?:\\w+${W})?(?:${PERSON_NOUN}|${GROUP}))${W}over\\b`,
  `${WISHED_DOING}(?:(?:${HARMS}|${HARM}|take${W}out)${W}(?:${OBJECT})|finds?${W}${PRONOUN}${W}dead|(?:puts|plants)${W}a${W}(?:bomb|device)${W}(?:under|in)${W}(?:your|ur|his|her|their))`,
  `${WISHED_DOING}(?:${bodyAct(2)}|${bodyAct(0)}|strings?${W}${PRONOUN}${W}up\\b(?!${W}(?:in|on|across|along|around|between)\\b))`,
  `(?:${SOMEONE}|he|she|they)(?:${W}all)?${W}(?:swinging|hanging|dangling)${W}from${W}(?:a|the)${W}(?:rope|noose|tree|lamp-?post|gallows)`,
  `(?:[\\w'’]+${W}){0,6}?(?:burns?|goes${W}up)${W}(?:down${W})?with${W}(?:him|her|them|you|everyone)(?:${W}(?:still|all))?${W}inside`,
  `(?:${SUBJECT})${W}(?:gets?|got|getting)${W}(?:${HARMED}|${NORM_HARMED})\\b`,
  `(?:he|she|they|you|${SOMEONE})${W}(?:has|have|meets?)${W}(?:a|an)${W}(?:nasty|terrible|fatal|tragic|unfortunate|serious|little)${W}accident`,
  `(?:[\\w'’]+${W}){1,5}?and${W}(?:they|he|she|you)(?:${W}all)?${W}(?:${DIE})\\b`,
];

const SHAPES: readonly string[] = [
  // intent and calls: … (will|should) [adverbs] HARM OBJECT, break your neck, beat the shit out of …
  ...inGroups(ACTS).map((acts) => `${INTENT_HEAD}(?:${acts})`),
  // what the writer is doing next: "i'm knocking your teeth down your throat", "we're running him off the road"
  `\\b(?:i${A}m|im|i${W}am|we${A}re|we${W}are|someone${A}s|somebody${A}s)(?:${W}(?:personally|just|literally))?${W}(?:${bodyAct(1)}|putting${W}(?:a${W}bullet|a${W}knife|a${W}round|one)${W}(?:in|into|through|between)${AT_BODY}|(?:running|driving)${W}(?:${OBJECT})${W}(?:over|down|off${W}the${W}road)|putting${W}${ONE_PERSON}${W}${THROUGH_HARD}|setting${W}(?:the|my|our)${W}dogs?${W}on${W}${PRONOUN}|(?:throwing|chucking|splashing)${W}acid${W}(?:in|at|on|over|into)\\b|(?:torching|burning|firebombing|petrol${W}bombing)${W}(?:your|ur|his|her|their|(?:that|the)${W}\\w+${A}s)${W}(?:house|home|flat|car|van|shop|office|place|business))`,
  // what the writer will be doing: "i'll be putting him through a wall", "we'll be setting the dogs on you"
  `\\b(?:i|we)(?:${A}ll|${W}will)${W}be${W}(?:putting${W}${ONE_PERSON}${W}${THROUGH_HARD}|setting${W}(?:the|my|our)${W}dogs?${W}on${W}(?:you|u|him|her)|(?:torching|burning|firebombing)${W}(?:your|ur|his|her|(?:that|the)${W}\\w+${A}s)${W}(?:house|home|flat|car|van|shop|office|place|business))`,
  // a face or a head smashed in, whoever says it ("ill bash your head in", "smash ur teeth in")
  `(?:smash|bash|cave|kick|knock|stamp|stomp|punch|batter|boot)${W}${POSS}${W}(?:face|head|skull|teeth|brains|jaw|nose|ribs)${W}(?:in|out|down${W}\\w+${W}throat)\\b`,
  // a body harmed, wished or deserved: "hope you get your head kicked in", "should have their hands broken"
  // (the frame is looked for behind "get" or "gets", not at every word: a lookbehind first would run at each one)
  `(?:get|gets|getting|have|has|having)(?<=${WANTED}[^.!?;]{0,30}\\b(?:get|gets|getting|have|has|having))${W}${POSS}${W}(?:[\\w-]+${W})?(?:${BODY})${W}${BODY_HARMED}`,
  `${POSS}${W}(?:[\\w-]+${W})?(?:${BODY})${W}(?:gets?|getting)(?<=${WANTED}[^.!?;]{0,50}\\b(?:gets?|getting))${W}${BODY_HARMED}`,
  // a weapon or a blow deserved: "deserves a brick to the face", "needs a bat to the back of the head"
  `(?:deserves?|deserved|needs?|wants|could${W}do${W}with)${W}(?:a|an)${W}(?:good${W}|swift${W})?(?:brick|bat|baseball${W}bat|cricket${W}bat|bullet|boot|knife|blade|punch|fist|hammer|kick|crowbar|bottle|pipe|shovel|spade|axe|machete|slap)${W}(?:to|in|across|through|into)${W}(?:the|their|his|her|your|ur)${W}(?:\\w+${W})?(?:face|head|teeth|skull|throat|chest|gut|guts|neck|mouth|jaw|ribs|kneecaps?|back${W}of${W}the${W}head|windscreen|windshield)\\b`,
  `(?:deserves?|deserved|needs?)${W}(?:a|the)${W}(?:noose|firing${W}squad|good${W}kicking|kicking|good${W}hiding|bullet|guillotine)\\b(?!${W}(?:from|at|in|by)${W}(?:the|a)${W}(?:review|panel|polls|press|media|ballot|board|voters|electorate)\\b)`,
  `(?:should|must|deserves?${W}to|needs?${W}to|ought${W}to)${W}get${W}a${W}(?:good${W}|proper${W})?(?:kicking|beating|hiding|battering)\\b`,
  `(?:will|should|must|would)${W}be${W}shot${W}on${W}sight\\b`,
  `\\bthe${W}only${W}good${W}(?:[\\w-]+${W}){1,3}?(?:is|are)${W}(?:a${W})?dead${W}(?:one|ones)\\b`,
  `\\bline${W}(?:${PRONOUN}|them${W}all|(?:the|those|these|all${W}the)${W}\\w+)${W}up${W}against${W}(?:a|the)${W}wall\\b`,
  `(?:should|must|ought${W}to|deserves?${W}to|needs?${W}to)(?:${W}all)?${W}(?:face|get|be${W}put${W}(?:in${W}front${W}of|before))${W}(?:a|the)${W}firing${W}squad\\b`,
  `(?:deserves?|should|needs?)${W}(?:to${W})?(?:have|get)${W}(?:their|his|her|your)${W}(?:houses?|homes?|flats?|cars?|vans?|shops?|offices?|business(?:es)?)${W}(?:burned|burnt|torched|firebombed|set${W}(?:on${W}fire|alight))`,
  `pay(?:ing)?${W}${SOMEONE}${W}a${W}(?:little${W}|friendly${W}|late${W}night${W})?visit${W}with${W}(?:a|an|some)${W}(?:[\\w-]+${W})?(?:bat|hammer|crowbar|knife|knives|gun|guns|machete|axe|shotgun|petrol|pipe|bricks?)\\b`,
  `\\b(?:i|we)(?:${A}ve|${W}have)(?:${W}already)?${W}dug${W}(?:your|ur|his|her)${W}grave\\b|\\b(?:i${A}m|we${A}re|i${W}am|we${W}are)${W}(?:already${W})?digging${W}(?:your|ur|his|her)${W}grave\\b`,
  `\\b(?:start${W})?counting${W}(?:your|ur)${W}days(?=\\s*$|\\s*[.,!?;])`,
  // an order at the start of a sentence: "kill them all", "hang him"
  ...inGroups(ORDER_ACTS).map((acts) => `${ORDER_HEAD}(?:${acts})`),
  // what is coming to "you": you'll be shot, you're going to get killed, you're dead meat, you'll end up in a body bag
  `\\b(?:you|u)(?:${A}ll|${W}will|${A}re${W}(?:going${W}to|gonna)|${W}are${W}(?:going${W}to|gonna)|r${W}gonna|${W}gonna)${W}(?:(?:be|get)${W}(?:${HARMED})|(?:be${W}|end${W}up${W})?(?:in${W}a${W}body${W}bag|six${W}feet${W}under|pushing${W}up${W}daisies))\\b(?!${W}(?:laughing|of|from|anyway|someday|eventually|one${W}day|alone|young|old|poor|rich|happy|trying))`,
  `\\b(?:you|u)(?:${A}ll|${W}will|${A}re${W}(?:going${W}to|gonna)|${W}are${W}(?:going${W}to|gonna)|r${W}gonna|${W}gonna|${A}d${W}better)${W}(?:${OUTCOME})`,
  `\\b(?:you|u)${OUTCOME_NOT}`,
  `\\byou${A}?(?:re|${W}are)${W}(?:a${W})?dead${W}(?:meat|man|woman)\\b`,
  `\\byou${A}?(?:re|${W}are)${W}dead,?${W}(?:mate|pal|buddy|bro|son|sunshine|pal)\\b`,
  `\\b(?:he|she)(?<!\\b(?:politically|electorally|professionally|commercially)\\W+(?:he|she))${A}?s${W}a${W}dead${W}(?:man|woman)\\b(?!${W}walking)`,
  `\\b(?:he|she|they|(?:that|this)${W}(?:\\w+${W})?(?:${PERSON_NOUN}))(?:${A}ll|${W}will|${W}gonna|${W}(?:is|are)${W}(?:going${W}to|gonna))${W}(?:be${W}|end${W}up${W})?(?:in${W}a${W}body${W}?bag|six${W}feet${W}under|floating(?:${W}face${W}down)?${W}in${W}the${W}(?:canal|river|thames|harbour|harbor|docks|lake))`,
  // "he's getting glassed", "you're getting stabbed" (one person, not "people are getting killed" in a war report)
  `\\b(?:you${A}re|you${W}are|u${W}r|ur|he${A}?s|she${A}s|he${W}is|she${W}is|(?:that|this)${W}(?:\\w+${W})?(?:${PERSON_NOUN})(?:${W}is)?)${W}(?:gett?in[g’']?|gonna${W}get|going${W}to${W}get)${W}(?:hurt|merked|popped|jumped|wet${W}up|shanked|stomped|curb-?stomped|kicked${W}to${W}death|glassed|stabbed|bashed|battered|kneecapped|knifed|done${W}in|shot(?!${W}(?:at|down)\\b)|hanged|lynched|(?:his|her|your)${W}(?:kneecaps|legs|head|face|teeth)${W}(?:done|broken|kicked${W}in|smashed${W}in))\\b`,
  // violence only done to people, whoever is said to deserve it: "should be hanged", "must be lined up against a wall"
  // (not "kneecapped" or "knifed", said of bills and leaders as often as of people)
  `${NORM_BE}${W}(?:all${W})?(?:publicly${W})?(?:hanged|lynched|beheaded|lined${W}up${W}against|strung${W}up(?!${W}(?:in|on|across|along|around|between|for)\\b)|shot${W}dead|burned${W}alive|burnt${W}alive|stoned${W}to${W}death|beaten${W}to${W}death|dragged${W}(?:out|into|through)(?:${W}[\\w'’]+){0,5}?${W}and${W}(?:beaten|shot|hanged|killed|lynched|executed|stabbed|burned|burnt|given${W}the${W}same${W}treatment))\\b`,
  // coming with a weapon: "i'm coming to your office with a shotgun", "i'll be waiting outside for him with a hammer"
  `\\b(?:i${A}m|i${W}am|im|we${A}re|we${W}are|i${A}ll${W}be|we${A}ll${W}be|i${W}will${W}be|we${W}will${W}be)${W}(?:(?:coming|waiting|turning${W}up|showing${W}up|standing|sitting|sat)\\b[^.!?;]{0,30}?)?\\b(?:for|to|at|outside|on)${W}(?:you|him|her|them|your|his|her|their)\\b[^.!?;]{0,30}?\\bwith${W}(?:a|an|my|our)${W}(?:shotgun|gun|rifle|knife|machete|axe|(?:baseball${W})?bat|crowbar|blade|pistol|hammer|can${W}of${W}petrol)\\b`,
  // a wish of a crash
  `\\b${HOPE}${W}(?:that${W})?(?:his|her|their|your|ur|(?:the|that)${W}\\w+${A}s)${W}(?:private${W})?(?:plane|jet|helicopter|car|boat|yacht)${W}(?:crashes|goes${W}down|sinks|explodes|blows${W}up)\\b`,
  `\\b(?:having|have|hold|holding)${W}a${W}(?:public${W}|good${W}old${W})?hanging(?=\\s*(?:$|[.,!?;]|${W}(?:at|in|outside|on|for|tonight|tomorrow|today)\\b))`,
  `\\b(?:you|u)(?:${A}ll|${W}will)${W}be${W}carried${W}(?:out|home|off)(?=\\s*(?:$|[.,!?;]|${W}(?:on${W}a${W}stretcher|in${W}a${W}box|feet${W}first)))`,
  // norms: SUBJECT should [all] be HARMED; SUBJECT should die; SUBJECT deserves a bullet
  `(?:you|he|she|u|y${A}?all|${OBJECT})${W}${NORM_BE}${W}(?:dragged${W}(?:out${W})?(?:into|through)${W}the${W}streets?|set${W}on${W}fire)\\b`,
  `(?:${SUBJECT}|${SUBJECT_WHO}|${INSTITUTION})(?:${W}like${W}(?:these|those|this|that|them|him|her|you))?${W}(?:${NORM_BE}${W}(?:(?:[\\w'’]+${W}){1,6}?and${W})?(?:${HARMED}|${NORM_HARMED})\\b|${NORM_DIE}|(?:deserves?|needs?)${W}(?:a${W}bullet|the${W}rope|a${W}rope|to${W}hang|death(?=\\s*(?:$|[.,!?;]))|a${W}beating|to${W}be${W}put${W}down)\\b)`,
  // wishes: [i] hope|wish|pray (that) SUBJECT [and your family] DIE|get HARMED; may they …; love to see them hang
  `\\b${HOPE}${W}(?:that${W})?(?:${SUBJECT})(?:${W}(?:all|and${W}(?:your|his|her|their)${W}\\w+|both|soon|slowly))?(?:${W}(?:would|will)|${A}ll)?${W}(?:(?:${DIE})\\b|gets?${W}(?:${HARMED})\\b|(?:is|are)${W}(?:${HARMED})\\b)`,
  ...inGroups(WISHED).map((events) => `${WISH_HEAD}(?:${events})`),
  // "wishing death on" as the writer's own words, not a description ("people in this thread wishing death on …")
  `(?:\\bwish(?:ed)?|(?<=^|[.!?]\\s*|\\n|\\b(?:i${A}?m|i${W}am|just|honestly|genuinely|literally)${W})wishing)${W}(?:a${W})?(?:(?:slow|painful|horrible|agoni[sz]ing|long)${W}(?:and${W})?){0,3}death${W}(?:on|upon)\\b`,
  `(?<=^|[.!?]\\s*|\\n)may${W}(?:${SUBJECT})${W}(?:all${W})?(?:${DIE}|be${W}(?:${HARMED}))\\b`,
  `\\b(?:love|like|want|wanna|wait|happy|glad|pleased)${W}to${W}see${W}(?:${SUBJECT})${W}(?:all${W})?(?:(?:${DIE})\\b|get${W}(?:${HARMED})\\b|(?:${HARMED})\\b)`,
  // menace and orders to die
  `\\b(?:(?:i|we)${W}know${W}where${W}(?:you|he|she|they)${W}(?:live|lives|sleep|sleeps|work|works)|(?:i|we)${W}(?:know|found${W}out)${W}(?:where|which${W}(?:school|house|street|car|gym|pub|church|mosque))${W}(?:you|your|ur|he|his|she|her|they|their)${W}(?:(?!(?:can|could|should|might|may|must|ought|need|will|would)\\b)\\w+${W})?(?:live|lives|sleep|sleeps|work|works|park|parks|go|goes|drink|drinks|drive|drives|walk|walks)|(?:shame|pity)${W}if${W}(?:something|anything)${W}(?:\\w+${W})?(?:happened|happens|was${W}to${W}happen|were${W}to${W}happen|should${W}happen)${W}to${W}(?:you|your|ur|that${W}(?:nice|lovely|pretty))|watch(?:ing)?${W}my${W}back${W}if${W}i${W}were${W}you|your${W}days${W}are${W}numbered|get${W}a${W}rope(?=\\s*(?:$|[.!?]))|off${W}with${W}(?:his|her|their)${W}heads?|kys|go${W}die|die${W}in${W}a${W}(?:fire|ditch|hole)|(?:you|u)${W}(?:should|must|need${W}to|ought${W}to|better)${W}(?:just${W}|go${W})?end${W}your${W}(?:own${W})?life)\\b`,
  // an order, not "if you kill yourself", "how to kill yourself", "shoot yourself in the foot"
  `(?<!\\b(?:you|u|to|if|how|why|gonna|wanna|can|will|would|could|might|ll|d)\\W{1,3})\\b(?:go${W}(?:and${W})?)?(?:kill|hang|shoot|neck)${W}(?:yourself|yourselves|urself)\\b(?!${W}(?:laughing|working|trying|over|for|in${W}(?:the|your|ur)${W}foot)\\b)`,
  `\\bdrop${W}dead\\b(?!${W}(?:gorgeous|beautiful|funny|serious|simple))`,
  // menace as a promise: "i will hunt you down", "you'd better watch your back", "say that again and you're dead"
  // (not "we will find him" of a lost dog, "we're coming for you" of a cup tie, "watch your back out there")
  `\\b(?:i|we)(?:${A}ll|${W}will|${W}shall|${A}re${W}(?:going${W}to|gonna)|${W}are${W}(?:going${W}to|gonna)|${W}am${W}going${W}to|${A}m${W}(?:going${W}to|gonna)|${W}gonna)${W}(?:find|hunt|track)${W}(?:(?:you|u)(?:${W}down)?|(?:him|her)(?:${W}down)?(?=${W}and${W}(?:make|kill|hurt|end|finish|beat|break|shoot|stab|gut)\\b))\\b(?=\\s*(?:$|[.!?…]|${W}(?:and${W}(?:i|we|make|kill|hurt|end|finish|beat|break|shoot|stab|gut)|like${W}(?:the|a)${W}\\w+|wherever|one${W}day)\\b))`,
  `\\b(?:we|i)(?:${A}re|${A}m|${W}are|${W}am)${W}coming${W}for${W}(?:you|u)(?=\\s*(?:,?${W}(?:traitor|bitch|scum)\\b|${W}and${W}your${W}famil))`,
  `\\b(?:(?:you${W}(?:had${W})?|you${A}d${W})?better${W}watch${W}(?:your|ur)${W}back|watch(?<=(?:^|[.!?]\\s*)watch)${W}(?:your|ur)${W}back(?=\\s*(?:$|[.!?…]|,?${W}(?:buddy|pal|traitor|bitch|scum)\\b))|(?:you${W}(?:had${W})?|you${A}d${W})?better${W}sleep${W}with${W}one${W}eye${W}open)\\b`,
  // the lookbehind after "and": tried only where "and" is, not at every position
  `\\band(?<=\\b(?:say|said|do|try|come|show|touch|write|post|publish|cross|talk|speak|set${W}foot|step${W}foot|open${W}your${W}mouth|call|report|snitch|go${W}near|comment)\\b[^.!?]{0,40}and)${W}(?:you|u)${A}?(?:re|${W}are|${A}ll${W}be|${W}will${W}be)${W}(?:dead|a${W}dead${W}(?:man|woman))\\b(?!${W}(?:to${W}me|to${W}us|right|wrong|serious|tired|lucky)\\b)`,
];

/** Weapons a blow is promised with ("a bottle to the head"). */
const WEAPON = `brick|bat|baseball${W}bat|cricket${W}bat|bottle|glass|pint${W}glass|hammer|knife|blade|bullet|boot|fist|knee|tyre${W}iron|tire${W}iron|crowbar|pipe|lead${W}pipe|chair|axe|machete|chainsaw|spade|shovel|iron${W}bar|cosh|golf${W}club|hockey${W}stick|plank|rock|wrench|spanner|knuckle-?dusters?`;
/** Where such a blow lands. */
const STRUCK = `face|head|skull|teeth|jaw|mouth|nose|knees?|kneecaps?|legs?|back${W}of${W}the${W}head|chest|throat|neck|ribs|guts?|stomach|eyes?|temple`;
/** Weapons a writer says they will be waiting or coming with (not "my bat": cricket). */
const ARMED = `(?:a|an|the|my|our|some)${W}(?:shotgun|gun|rifle|knife|knives|machete|axe|crowbar|blade|pistol|petrol|can${W}of${W}petrol|acid|tyre${W}iron|iron${W}bar)|(?:a|the)${W}(?:baseball${W})?bat`;
/** The one a conditional threat is aimed at: "you", "he", "that ref". */
const TARGET_NP = `(?:that|this|the|your|his|her)${W}(?:\\w+${W})?(?:${TARGET_NOUN})`;
const TARGET = `(?:you|u|he|she|${TARGET_NP})`;
/** Third parties a conditional threat says will do it: "the lads", "my brothers", "someone on this estate". */
// (not "my dad will kill him" or "the fans will kill him": a family's and a terrace's hyperbole)
const THIRD = `(?:someone|somebody|some${W}of${W}(?:the${W}lads|us)|one${W}of${W}(?:the${W}lads|us|my${W}\\w+)|the${W}(?:lads|boys|ultras|locals|neighbours|neighbors|parents|firm|crew)|(?:my|our)${W}(?:\\w+${W})?(?:brothers|cousins?|mates|boys|lads|friends|crew|gang|firm)|people${W}round${W}here)(?:${W}(?:on|from|in)${W}(?:this|that|the|our)${W}\\w+)?`;

/**
 * Outcomes that predict as often as they threaten, after a condition as much as alone ("text while driving and
 * you're dead", "if the hernia gets worse you'll need a surgeon"): read only where the condition's own words are
 * about the writer or what the writer guards, or name an act against the writer ("touch my van", "if you print
 * that", "try it").
 */
const MINE =
  /\b(?:i|me|my|mine|we|us|our|ours|try|print|publish|testify|snitch|grass|report|say|said|talk|write|post|touch)\b/i;
/** A blow with a weapon to the body: "a bottle across the back of the head", "a hammer to the face". */
const BLOW_TO_BODY = `(?:a|an|the|my|our|this)${W}(?:[\\w-]+${W})?(?:${WEAPON})${W}(?:to|in|across|over|through|into)${W}(?:the|your|ur|his|her|their)${W}(?:[\\w-]+${W})?(?:${STRUCK})\\b`;
/** What is done to the one a condition is put to, said of a third person: narrower than `HARMED` ("the prime minister
 * will be slaughtered" at the polls, "every tree will be cut down", "trades will be executed"). */
const STRUCK_DOWN = `shot(?!${W}(?:at|down|of|up|through)\\b)|stabbed|knifed|glassed|kneecapped|lynched|hanged|beaten${W}(?:up|to${W}death)|set${W}(?:alight|on${W}fire)|torched|burned${W}alive|burnt${W}alive|burnt|burned(?!${W}(?:out|down|off)\\b)`;
/** The people a condition can be put to as "any …", "every …", "the first …". */
const WHOEVER = `(?:whoever|anyone|anybody|(?:any|every)${W}(?:${TARGET_NOUN}|one)|the${W}(?:first|next)${W}(?:${TARGET_NOUN}|one))`;
/** Words at least one of which `OUTCOME` has. */
const MAY_OUTCOME =
  /\b(?:ambulance|box|coffin|wheelchair|hospital|intensive|bag|pieces|bits|morgue|stretcher|feet\s+first|teeth|straw|tube|lead|floating|fishes|needing|barrels|knocked|without)\b/i;
/**
 * What is said as the outcome of a condition ("if you testify, you die", "touch my car again and you're going to
 * hospital", "unless the ref apologises the lads will break his legs"): a prediction of harm to the one the
 * condition is put to, each after a cheap test of its words. Said alone, most of these predict or warn ("he won't
 * make it to the car park" in time, "someone will break their neck" on that hill); in a sentence with "if",
 * "unless", "next time", "the day" or "the minute" (`CONDITION_BEFORE`), after an order that opens the sentence and
 * "and" or "or" (`ORDER_AND`), with a condition of their own ("whoever …", `OWN_CONDITION`) or just before one
 * (`CONDITION_AFTER`), they menace. Those with a third element (`MINE`) warn as often even then, and are read only
 * where the condition's words are about the writer.
 */
const CONDITIONAL: readonly (readonly [may: RegExp, shape: string, condition?: RegExp])[] = [
  // you're dead, ur dead bro (not "dead to me", "dead right", "dead tired")
  [
    /\bdead\b/i,
    `\\b(?:you${A}?re|you${W}are|ur|u${W}r|you${W}r|(?:you|u)(?:${A}ll|${W}will)${W}be)${W}(?:(?:so|fucking|fkn|totally|actually)${W})?dead\\b(?=\\s*$|\\s*[.,!?;:…]|${W}(?:bro|mate|man|pal|son|meat|no${W}joke|i${W}swear|understand|got${W}it|and|fr|tbh)\\b)`,
    MINE,
  ],
  [/\bdies?\b/i, `\\b(?:you|u)${W}(?:die|dies)\\b(?=\\s*$|\\s*[.,!?;…])`, MINE],
  // you won't live to see the verdict, he won't make it to the car park, you won't be walking home
  [
    /\b(?:won['’]?t|wont|not|never)\s+(?:live|see|make\s+it|be\s+(?:walking|going)|walk)\b/i,
    `\\b(?:you|u|he|she)(?:${W}won${A}?t|${W}wont|${W}will${W}not|${A}ll${W}never|${W}will${W}never)${W}(?:live${W}(?:to${W}see|long${W}enough|through)|see${W}(?:tomorrow|another${W}(?:day|birthday)|your${W}next${W}birthday|the${W}morning)|make${W}it${W}(?:(?:out|home)${W}alive|to${W}(?:the${W}car${W}park|(?:your|his|her|the)${W}car)|out${W}of${W}(?:the|that|this)${W}(?:ground|stadium|car${W}park|courtroom|building|pub))|be${W}(?:walking|going)${W}home|walk${W}(?:out|away)(?!${W}(?:a${W}free|free|of${W}court|with)\\b))\\b`,
    MINE,
  ],
  // you'll get a tyre iron across the knees, he's getting a hammer to the head
  [
    /\bget(?:s|ting|tin)?\b/i,
    `\\b(?:you|u|ur|he|she|they|${TARGET})(?:${A}(?:ll|re|s)(?:${W}(?:going${W}to|gonna))?|${W}(?:will|are|is|r|gonna)(?:${W}(?:going${W}to|gonna))?)?(?:${W}be)?${W}(?:gett?ing|get|gets)${W}${BLOW_TO_BODY}`,
  ],
  // you're going to hospital; you're getting hit
  [
    /\b(?:hospital|a&e|intensive|ambulance|box)\b/i,
    `\\b(?:you|u|he|she)(?:${A}re|${W}are|${A}s|${W}is|${W}r)${W}(?:going|goin)${W}(?:to${W}(?:hospital|the${W}hospital|a&e|intensive${W}care)|home${W}in${W}an?${W}(?:ambulance|box))\\b`,
    MINE,
  ],
  [
    /\b(?:getting|gettin|get)\b/i,
    `\\b(?:you${A}re|you${W}are|ur|u${W}r|he${A}?s|she${A}s|he${W}is|she${W}is|they${A}re|they${W}are)${W}(?:gett?in[g’']?|gonna${W}get|going${W}to${W}get)${W}(?:hit|decked|sparked|smacked|slapped|punched|battered|beaten|knocked${W}out|kicked${W}in|hurt|stabbed|shot|glassed|kneecapped|lynched|(?:kicked|beaten|stamped)${W}to${W}death)\\b(?!${W}(?:with|by|for|in${W}the${W}(?:polls|wallet|pocket))\\b)`,
    MINE,
  ],
  // he'll get the beating he deserves (not "a kicking at the polls", "in May", "from the voters")
  [
    /\b(?:beating|kicking|hiding|battering|pasting)\b/i,
    `\\b(?:you|u|he|she|${TARGET})(?:${A}ll|${W}will|${A}re${W}(?:going${W}to|gonna)|${W}(?:is|are)${W}(?:going${W}to|gonna))${W}(?:be${W}getting|get)${W}(?:a|the)${W}(?:(?:good|proper|right|real)${W})?(?:beating|kicking|hiding|battering|pasting)\\b(?!${W}(?:at|in|on|from|by|over)\\b)`,
  ],
  // he'll be going home in an ambulance; that sheriff will not leave Soweto in one piece
  [
    MAY_OUTCOME,
    `\\b(?:he|she|they|them|${TARGET})(?:${A}ll|${W}will|${A}s${W}(?:going${W}to|gonna)|${W}(?:is|are)${W}(?:going${W}to|gonna)|${W}gonna)${W}(?:${OUTCOME})`,
    MINE,
  ],
  [
    /\bone\s+piece\b/i,
    `\\b(?:you|u|he|she|they|${TARGET})(?:${W}won${A}?t|${W}wont|${W}will${W}not|${A}ll${W}never|${W}will${W}never)${W}(?:be${W})?(?:leaving|leave|walking|walk|going|go)(?:${W}(?:away|out|home|(?:the|this|that)${W}[\\w-]+|[\\w-]+))?${W}in${W}one${W}piece\\b`,
    MINE,
  ],
  [
    /\bagain\b/i,
    `\\b(?:you|u|he|she|${TARGET})(?:${W}won${A}?t|${W}wont|${W}will${W}not|${A}ll${W}not|${A}ll${W}never|${W}will${W}never|${A}ll${W}no)${W}(?:ever${W})?(?:walk(?:${W}(?:right|properly|straight))?|talk|see)${W}again\\b`,
    MINE,
  ],
  // the ref gets shot, whoever … gets a boot in the head (not "he gets killed", "women get raped", "any dog … gets
  // put down": warnings, reports, animals)
  [
    /\bgets\b/i,
    `\\b(?:${TARGET_NP}|(?:your|their|his|her)${W}number${W}\\d+|${WHOEVER}(?:${W}[\\w'’]+){0,8}?)${W}gets${W}(?:(?:${STRUCK_DOWN})\\b|${BLOW_TO_BODY}|${POSS}${W}(?:[\\w-]+${W})?(?:${BODY})${W}${BODY_HARMED}|dragged${W}out${W}and${W}(?:beaten|battered|shot|killed|hanged|burned|burnt|flogged))`,
  ],
  // anyone caught … will be burnt; whoever stands at that roadblock will be cut down
  [
    /\bbe\s+(?:\w+ed|shot|burnt|cut|beaten|hung)\b/i,
    `\\b(?:${TARGET_NP}|${WHOEVER}(?:${W}[\\w'’]+){0,8}?)(?:${A}ll|${W}will)${W}be${W}(?:${STRUCK_DOWN}|cut${W}down|hunted${W}down${W}and${W}(?:beaten|battered|killed|shot|hanged|stabbed|lynched|burned|burnt|flogged))\\b`,
  ],
  [
    /\bmet\s+with\b/i,
    `\\b(?:will|${A}ll)${W}be${W}met${W}with${W}(?:machetes|knives|bats|guns|bullets|petrol|violence)\\b`,
  ],
  // he'll be found in a ditch; they'll find you in it; reading about you in the obituaries; crying at your grave
  [
    /\bfound\b/i,
    `\\b(?:you|u|he|she|${TARGET})(?:${A}ll|${W}will)${W}be${W}found${W}(?:in${W}a${W}(?:ditch|river|canal|skip|shallow${W}grave)|face${W}down)\\b`,
    MINE,
  ],
  [
    /\bfind\b/i,
    `\\b(?:they|we|people|someone|somebody)(?:${A}ll|${W}will)${W}find${W}(?:you|u|him|her)${W}in${W}(?:a${W}(?:ditch|river|canal|skip|shallow${W}grave)|it(?=\\s*$|\\s*[.,!?]))`,
    MINE,
  ],
  [/obituar/i, `\\babout${W}(?:you|u)${W}in${W}the${W}obituar(?:y|ies)\\b`, MINE],
  [/\bgrave\b/i, `\\b(?:crying|weeping)${W}(?:at|over)${W}(?:your|ur)${W}grave\\b`, MINE],
  // hes going through the window
  [
    /\bthrough\b/i,
    `\\b(?:you|u|he|she|hes|shes|${TARGET})(?:${A}s|${W}is|${A}re|${W}are|${W}r)?${W}(?:going|goin)${W}through${W}(?:the|a|his|her|your|ur|their)${W}(?:own${W})?(?:[\\w-]+${W})?(?:window|windscreen|windshield|wall)\\b`,
    MINE,
  ],
  // you'll be bleeding on the floor
  [
    /\b(?:bleeding|lying)\b/i,
    `\\b(?:you|u|he|she)(?:${A}ll|${W}will)${W}be${W}(?:bleeding|lying)${W}(?:on|in|all${W}over)${W}(?:the|a)${W}(?:floor|street|road|gutter|ditch|pavement|pool${W}of${W}(?:your${W}own${W})?blood)\\b`,
    MINE,
  ],
  // the headmaster will be needing a surgeon
  [
    /\b(?:surgeon|undertaker|coffin|body\s+bag|new\s+(?:face|jaw|set))\b/i,
    `\\b(?:you|u|he|she|${TARGET})(?:${A}ll|${W}will)${W}(?:be${W}(?:the${W}one${W})?needing|need)${W}(?:a|an)${W}(?:surgeon|undertaker|coffin|body${W}bag|new${W}(?:face|jaw|set${W}of${W}teeth))\\b`,
    MINE,
  ],
  // the writer in the present tense: "i find you and i break your hands", "i make you bleed" (not "i blow her nose",
  // "we cut her hours", "i hurt her feelings")
  [
    /\b(?:i|we)\s+(?:personally\s+|just\s+)?(?:break|snap|slit|cut|smash|bash|cave|kick|knock|stamp|stomp|crack|crush|batter|punch|split|bust|rip|tear|gouge|put|make|kill|stab|hurt|burn)\b/i,
    `\\b(?:i|we)${W}(?:personally${W}|just${W})?(?!blow)(?:${bodyAct(0)}|make${W}(?:you|u|him|her|them)${W}(?:suffer|bleed|scream|beg)\\b|(?:kill|stab|hurt|cut|burn)${W}(?:you|u|ya|him|her)(?=\\s*$|\\s*[.,!?;]|${W}(?:and|if|when|till|until|bad|good|up|open|dead|alive)\\b))`,
  ],
  // waiting or coming with a weapon: "i'll be waiting outside with a bat", "i'm bringing a shotgun to the hearing"
  [
    /\b(?:with|bringing)\s+(?:a|an|the|my|our|some)\b/i,
    `\\b(?:i${A}ll|i${W}will|we${A}ll|we${W}will|i${A}m|im|i${W}am|we${A}re|we${W}are)${W}(?:be${W})?(?:(?:waiting|coming|there|outside|turning${W}up|round|on${W}(?:that|the)${W}\\w+)\\b[^.!?;]{0,40}?\\bwith|bringing)${W}(?:${ARMED})\\b(?!${W}and${W}fork)`,
  ],
];
/** A third party (`THIRD`) and what it will do: "the lads will", "someone's gonna". */
const THIRD_WILL = `\\b${THIRD}(?:${A}ll|${W}will|${A}s${W}(?:going${W}to|gonna)|${W}(?:is|are)${W}(?:going${W}to|gonna)|${W}gonna)`;
/** The lads will break his legs; someone will put her in the river. */
const THIRD_DOES: readonly string[] = inGroups([...ACTS, ...MORE_ACTS]).map(
  (acts) => `${THIRD_WILL}${ADVERB}(?:(?:${W}[\\w'’]+){1,6}?${W}and)?${W}(?:${acts})`,
);
/** Words at least one of which a condition has (a cheap test before `CONDITIONAL`). */
const MAY_CONDITION =
  /\b(?:if|unless|otherwise|else|whoever|anyone|anybody|any|every|first|next|should|the\s+(?:day|minute|moment|second|instant)|as\s+soon\s+as|and|or)\b/i;
/** …and one of the third parties `THIRD` names, with what it will do. */
const MAY_BE_THIRD = new RegExp(THIRD_WILL, 'i');
/** A condition in the outcome's sentence before it: "if you …", "unless", "the day you …", "should you …". */
const CONDITION_BEFORE =
  /\b(?:if|unless|otherwise|or\s+else|should\s+(?:you|he|she|they|anyone|anybody)|next\s+time|the\s+(?:day|minute|moment|second|instant|next\s+time)|as\s+soon\s+as)\b/i;
/**
 * …or an order that opens the sentence, then "and" or "or" just before the outcome ("touch my van again and you're
 * dead", "pay up or", "one more lie and the lads …"); not a sentence opened by a subject ("my uncle smoked for
 * fifty years and he's dead").
 */
const ORDER_AND =
  /^\s*(?!(?:i|we|he|she|they|it|there|my|our|his|her|their|the|a|an|this|that|these|those|so|and|but|then|when|after|before|because|since|as|what|who|why|how)\b).*\b(?:and|or)\s*,?\s*(?:(?:the|that|this|your|his|her|their|my|our)\s+)?(?:[\w'’]+\s+){0,2}$/i;
/** Outcomes that carry their condition: "whoever moves my fence gets shot", "the first bailiff through the door gets …". */
const OWN_CONDITION = new RegExp(`^${WHOEVER}\\b`, 'i');
/** The outcome is the condition itself: "sleep when you are dead", "until he is dead", "when you die". */
const IN_THE_CONDITION =
  /\b(?:if|unless|when|whenever|once|until|till|as\s+soon\s+as|before|after|because|who|the\s+(?:day|minute|moment|second|instant))\s*$/i;
/** The last sentence end before an outcome (the sentence it is in starts after it). */
const SENTENCE_STOP = /[.!?\n](?!.*[.!?\n])\s*/s;
const SOMEONE_FIRST = /^(?:someone|somebody)\b/i;
/** …or just after it: "he's getting a hammer to the head if he comes round again". */
const CONDITION_AFTER =
  /^[^.!?]{0,12}\b(?:if|unless|when|next\s+time|the\s+(?:day|minute|moment|second)|as\s+soon\s+as|once|or\s+else)\b/i;

// Every shape starts a word: tried at word starts only.
const THREAT_RES = compileShapes(SHAPES, (alternation) => `\\b(?:${alternation})`);
const MORE_RES = compileShapes([`${INTENT_HEAD}(?:${MORE_ACTS.join('|')})`], (alternation) => `\\b(?:${alternation})`);
const THREAT_AND_MORE_RES = [...THREAT_RES, ...MORE_RES];
const CONDITIONAL_RES = CONDITIONAL.map(([may, shape, condition]) => ({ may, re: new RegExp(shape, 'gi'), condition }));
const THIRD_DOES_RES = compileShapes(THIRD_DOES);
// What a threat needs at least one of (a cheap test before the patterns).
const MAY_THREATEN =
  /\b(?:runs?\s+(?:\w+\s+){1,2}(?:over|down|off)|merk|curb|stomp|jump|popped|wet\s+up|guillotine|on\s+sight|only\s+good|cap\s+in|finna|body\s*bag|bomb\s+(?:that|the|this|their|every|a|an)|run\s+\w+\s+(?:over|down|off)|(?:face|faces|head|heads|skull|skulls|teeth|jaw|jaws|nose|legs?|arms?|knees|kneecaps?|ribs|necks?|throats?|brains?|hands|fingers|eyes|spine|windpipe|chest|guts?|stomach|mouth|tongues?|windscreen|windshield)\b(?<=(?:your|ur|yer|his|her|their|['’]s|(?:to|in|across|over|through|into)\s+the)\s+(?:[\w-]+\s+)?(?:face|faces|head|heads|skull|skulls|teeth|jaw|jaws|nose|legs?|arms?|knees|kneecaps?|ribs|necks?|throats?|brains?|hands|fingers|eyes|spine|windpipe|chest|guts?|stomach|mouth|tongues?|windscreen|windshield))|(?:crack|bust|bash|smash|break)ing\s+(?:some\s+)?(?:skulls|heads)|smash|bash|batter|knock|put(?:ting)?\s+a\s+(?:hammer|bullet|knife|brick|bat|axe|blade|hole|round)|every\s+bone|bullet|knif|blade|hammer|crowbar|axe|machete|rifle|pistol|(?:gun|bat)\b(?<=with\s+(?:a|an|my|our)\s+(?:baseball\s+)?(?:gun|bat))|acid|(?:pipe|petrol|nail|car)\s*bomb|(?:bomb|device)\s+(?:under|in)\b|molotov|torch|petrol|alight|ablaze|firing|inside|thump|bludgeon|kneecap|glass(?:ed)?\s+(?:him|her|them|you|u|the|that|this|every|some)|gun\s+(?:down|them|em|him|her|you)|mow|drag|string|dangling|accident|noose|good\s+hiding|pasting|doing\s+over|ambulance|coffin|wheelchair|hospital|intensive|morgue|stretcher|feet\s+first|(?:box|bag|pieces|bits)\b(?<=\bin\s+(?:a\s+)?(?:box|bag|pieces|bits))|straw|eating\s+lead|floating|fishes|new\s+(?:face|jaw|set)|barrels|one\s+piece|again\b(?<=\b(?:walk|see|talk|speak|write|type|breathe|wake\s+up)\s+again)|carried\s+(?:out|home|off)|(?:ground|grave)\b(?<=\bin(?:to)?\s+(?:the|a|an)\s+(?:early\s+)?(?:ground|grave))|know\s+(?:where|which)|found\s+out\s+(?:where|which)|(?:shame|pity)\s+if|back\s+if\b|visit\s+with|crash|goes\s+down|sinks\b|explodes|blows\s+up|flatten|takes?\s+out\b|finish(?:es)?\s+off|finish\s+(?:you|u|him|her)\b|glassed|done\s+in|punch|slap|flogged|stoned|tarred|thrown|wall|fire|stake|(?:rip|tear)\s+(?:your|his|her|their)|end\s+(?:you|u|him|her|your|his)\b|kill|murder|shoot|shot|stab|strangl|hang|hung|lynch|behead|decapitat|slaughter|butcher|execut|tortur|rape|gas|extermin|burn|drown|hurt|maim|crippl|gut\b|gutted|skin(?:ned)?\b|slit|chok|shank|smother|run\s+over|gun\s+down|gunned|beat|wipe\s+out|wiped\s+out|strung\s+up|die|dead|rots?\s+in|perish|bleed|cancer|starv|castrat|(?:break|snap|cut|smash|bash\s+in|blow\s+off|blow\s+out)\s+(?:your|his|her|their)|kick|rope|death|kys|neck|where\s+(?:you|he|she|they)\s+(?:live|sleep|work)|numbered|body\s+bag|six\s+feet|put\s+down|swing|fry|suffer|scream|beg\b|with\s+(?:his|her|their)\s+head|buried|taken\s+out|daisies|put\s+(?:a|one)\b|make\s+(?:you|u|him|her)\s+(?:pay|regret)|coming\s+for\s+(?:you|u)\b|(?:find|hunt|track)\s+(?:you|u|him|her)\b|watch\s+(?:your|ur)\s+back|one\s+eye\s+open|surgeon|undertaker|live\s+(?:to\s+see|long|through|past)|see\s+(?:tomorrow|another|the\s+morning|your\s+next)|make\s+it\s+(?:out|home|to)|walking\s+home|tongue|through\s+(?:a|the|your|ur|his|her|their|that|my)\s+(?:[\w-]+\s+)?(?:window|wall|windscreen|windshield|table|door|floor|fence)|(?:throw|chuck|dump|push)\w*\s+(?:\w+\s+){1,3}(?:off|from|in|into)\s+the\b|ditch|shallow\s+grave|obituar|grave\b|met\s+with|dogs?\s+on|a&e|going\s+home|walk\s+(?:out|away)|get(?:ting|tin)?\s+(?:hit|smacked|slapped|punched|decked|sparked)|hiding|found\s+in|(?:tyre|tire)\s+iron|iron\s+bar|back\s+of\s+(?:the|your|ur|his|her)\s+head|cut\s+(?:down|you|u|ya|him|her)\b|hunted|counting\s+(?:your|ur)\s+days|lay\s+(?:you|u|him|her)\s+out|whup|tube|(?:right|properly|straight)\s+again|put\s+(?:him|her|them|you|u|em)\s+(?:in|into)\s+the\s+(?:river|canal|sea|harbou?r|docks|lake|thames|reservoir)|shotgun|getting\s+hit|decked|sparked|lying\s+(?:in|on|face)|on\s+the\s+floor)/i;
// A negation just before the match turns it round: "nobody should be", "i would never", "no one deserves".
const NEGATED_BEFORE =
  /(?:\b(?:no\s*one|nobody|noone|none|never|not(?!\s+(?:joking|kidding|lying|bluffing))|dont|don['’]t|doesn['’]t|didn['’]t|wouldn['’]t|won['’]t|shouldn['’]t)\s+(?:\w+\s+){0,2})$/i;
// …unless it belongs to a condition: "if you don't leave now i will kill you".
const IN_CONDITION = /\b(?:if|unless|or\s+else|otherwise)\b[^.!?]*$/i;
// Somebody else's words or a law's, just before ("ISIS decreed that …", "under that law, …", "he told the press
// conference: …", "whoever wrote that she …", "saying she should …"); just after ('"…," Fury said') is `spokenByOthers` (quotation.ts). News reports them, nobody is
// threatened by the comment.
const REPORTED_BEFORE =
  /(?:(?<!\b(?:i|we)\s+)\b(?:wrote|said|posted|tweeted|claimed|suggested|says|writes|posts|saying|writing|posting|tweeting|claiming|suggesting)\s+(?:that\s+)?(?:(?!(?:this|it|these|those|them|him|her|me|us)\b)[\w'’]+\s+){0,2}$|\b(?:decreed|ruled|ordered|declared|announced|demanded|threatened|vowed|warned|told\s+(?:the\s+)?(?:press|reporters|police|court|jury|crowd)(?:\s+\w+)?|(?:under|by)\s+(?:that|this|the|their|sharia)\s+laws?)\s*(?:that\s+)?[:,]?\s*["“]?$)/i;
// A negation inside it: "should not be", "i will never", "hope you don't die".
const NEGATED_INSIDE =
  /\b(?:not|never|dont|don['’]t|doesn['’]t|won['’]t|wont|shouldn['’]t|no\s+longer|nobody|no\s*one)\b/i;

/** The threats a text makes (none for most texts, after one cheap test). */
export function findThreats(original: string): PhraseSpan[] {
  const text = withShortSpaces(original);
  if (!MAY_THREATEN.test(text)) return [];
  const found: PhraseSpan[] = [];
  for (const m of ownShapeMatches(MAY_MORE_ACT.test(text) ? THREAT_AND_MORE_RES : THREAT_RES, text)) {
    const start = m.index;
    const before = text.slice(Math.max(0, start - 24), start);
    if (NEGATED_INSIDE.test(m[0].replace(OWN_NEGATION, ' '))) continue;
    if (NEGATED_BEFORE.test(before) && !IN_CONDITION.test(text.slice(Math.max(0, start - 80), start))) continue;
    const end = start + m[0].length;
    if (REPORTED_BEFORE.test(text.slice(Math.max(0, start - 48), start))) continue;
    if (spokenByOthers(text, end)) continue;
    found.push({ start, end });
  }
  if (!MAY_CONDITION.test(text)) return found;
  const outcomes: { m: RegExpExecArray; condition?: RegExp }[] = [];
  for (const { may, re, condition } of CONDITIONAL_RES)
    if (may.test(text)) for (const m of ownShapeMatches([re], text)) outcomes.push({ m, condition });
  if (MAY_BE_THIRD.test(text)) for (const m of ownShapeMatches(THIRD_DOES_RES, text)) outcomes.push({ m });
  for (const { m, condition } of outcomes) {
    const start = m.index;
    const end = start + m[0].length;
    if (found.some((f) => f.start < end && start < f.end)) continue;
    // The outcome's sentence before it, and whether it is the whole of that (a long sentence is cut).
    const from = Math.max(0, start - 160);
    const stop = SENTENCE_STOP.exec(text.slice(from, start));
    const clause = text.slice(stop ? from + stop.index + stop[0].length : from, start);
    const whole = stop !== null || from === 0;
    const conditioned =
      CONDITION_BEFORE.test(clause) ||
      (whole && ORDER_AND.test(clause)) ||
      OWN_CONDITION.test(m[0]) ||
      CONDITION_AFTER.test(text.slice(end, end + 40));
    if (!conditioned || IN_THE_CONDITION.test(clause)) continue;
    // "someone will break their neck" warns unless the condition is about the writer
    if ((condition || SOMEONE_FIRST.test(m[0])) && !MINE.test(clause)) continue;
    if (NEGATED_BEFORE.test(clause.slice(-24)) && !IN_CONDITION.test(clause.slice(-80))) continue;
    if (REPORTED_BEFORE.test(clause.slice(-48)) || spokenByOthers(text, end)) continue;
    found.push({ start, end });
  }
  if (found.length > 1) found.sort((a, b) => a.start - b.start);
  return found;
}
