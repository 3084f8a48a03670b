/**
 * Threats by their grammar: what a comment says the writer will do, wants done, or wishes on someone.
 * No training set here labels threats, and a bag of words cannot tell "i will kill you" from "the suspect
 * will kill again", "kill the bill" or "i hope you win"; the model's THREAT head, trained on written
 * sentences only, scores such civil text high as well (docs/model-card.md). These patterns need
 * a violent act aimed at a person or a group, in one of five shapes:
 *
 * - intent: the writer (or "we") will, is going to or wants to do it — "i'll shoot you", "we are going to
 *   hang them all", "if you come here again i will break your legs";
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
import { compileShapes, ownShapeMatches, type PhraseSpan } from './shapes.js';

const A = "['’]"; // an apostrophe, straight or curly
const W = '\\s+';

/** Verbs of violence against a person (the base form: after "will", "should", "to"). */
const HARM = [
  'kill|murder|shoot|stab|strangle|hang|lynch|behead|decapitate|slaughter|butcher|execute|torture|rape',
  'gas|exterminate|burn|torch|drown|hurt|maim|cripple|gut|skin|slit|choke|shank|smother|run\\s+over',
  'gun\\s+down|mow\\s+down|beat\\s+up|wipe\\s+out|string\\s+up|pistol-whip',
].join('|');
/** Of those, the ones only done to people: "them" after one of these is people ("we should lynch them"). */
const HARM_PEOPLE = 'murder|lynch|behead|decapitate|rape|strangle|stab|torture|shank|gun\\s+down|mow\\s+down';
/** The same as past participles: after "be", "get", "deserve to be". */
const HARMED = [
  'killed|murdered|shot(?!\\s+(?:down|at\\s+the|of)\\b)|stabbed|strangled|hanged|lynched|beheaded|decapitated',
  'slaughtered|butchered|executed|tortured|raped|gassed|exterminated|torched|drowned|buried\\s+alive',
  'maimed|crippled|skinned\\s+alive|shanked|gunned\\s+down|mowed\\s+down|hung\\s+from\\s+a\\s+tree',
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
].join('|');
const PERSON_NOUN = [
  'author|writer|reporter|journalist|editor|columnist|mayor|governor|senator|president|judge|cop',
  'officer|politician|guy|man|woman|girl|boy|bitch|bastard|idiot|moron|scum|traitor|clown|fool|retard',
  'fag|faggot|kid|child|family|wife|husband|son|daughter|mother|father|mom|dad|commenter|poster|troll',
].join('|');
const OBJECT = [
  `(?:you|ya|u|y${A}?all|him)\\b(?!${W}(?:a|an|some|something|anything|the)\\b)`,
  // "them" is people only with "all" ("kill them all"); "you should hang them" may be photographs
  `(?:them|em|${A}em)${W}all\\b`,
  // "her" is an object only where no noun follows ("kill her", not "hang her picture").
  `her(?=\\s*(?:$|[.,!?;:)]|${W}(?:and|if|when|tonight|now|today|tomorrow|too|myself|with|in|at|for|dead|slowly|soon|again|before|after|one${W}day|like|alive|first)\\b))`,
  `(?:all|every\\s+(?:last\\s+)?one|each|some|any|the\\s+lot|every\\s+single\\s+one)${W}of${W}(?:you|them|those|these|the|us)`,
  `(?:all|every|each|any|these|those|the|that|this|your|his|her|their|some)${W}(?:\\w+${W}){0,2}?(?:${GROUP}|${PERSON_NOUN})\\b(?!${A}s?\\b)`,
  `(?:${GROUP})\\b(?!${A}s?\\b)`,
  `people${W}like${W}(?:you|him|her|them|that|this)`,
].join('|');
/** A punch or a slap at someone, not "on the back" or "with a fine", nor "punch a hole", "punch the clock". */
const BLOW = `(?:punch|slap)${W}(?:${OBJECT})(?!${W}(?:on${W}the${W}back|with|a${W}hole|the${W}clock)\\b)`;
/** Subjects a norm or a wish is said of: any of the objects, and subject pronouns. */
const SUBJECT = `(?:you|he|she|they|them|we|u|y${A}?all|${OBJECT})(?:${W}(?:all|really|just|both|truly|honestly))?`;

// Words a threat may carry between its parts ("i will personally", "we should just").
const ADVERB = `(?:${W}(?:just|personally|really|fucking|literally|gladly|happily|definitely|actually|all|both|simply|slowly|eventually|soon|finally|go|come|hunt\\s+you\\s+down\\s+and|find\\s+you\\s+and)){0,3}`;

/** "i will", "i'll", "we are going to", "im gonna", "i want to", "i'd love to" … */
const INTENT = [
  `\\b(?:i|we)${W}(?:will|shall|(?:am|are)${W}(?:going${W}to|gonna|about${W}to)|gonna|want${W}to|wanna|plan${W}to|intend${W}to|promise${W}to|swear${W}(?:i${W}will|i${A}ll|to\\s+god\\s+i${A}?ll)|would|(?:would|could)${W}(?:love|like)${W}to|would${W}gladly)`,
  `\\b(?:i|we)${A}(?:ll|d(?:${W}(?:love|like|happily|gladly)(?:${W}to)?)?|m${W}(?:going${W}to|gonna|about${W}to)|re${W}(?:going${W}to|gonna|about${W}to))`,
  `\\b(?:im|i${A}?ma|imma|ima)(?:${W}(?:going${W}to|gonna))?`,
].join('|');
/** "someone should", "we need to", "you ought to", "somebody has to" … */
const CALL = `\\b(?:someone|somebody|some\\s+one|we|you|u|y${A}?all|people|they)${W}(?:should|must|ought${W}to|needs?${W}to|has${W}to|have${W}to|got${W}to|gotta|gonna${W}have${W}to|had${W}better|better)`;
/** "should be", "must all be", "deserve to be", "need to be", "ought to get" … */
const NORM_BE = `(?:should|must|ought${W}to|needs?${W}to|has${W}to|have${W}to|deserves?${W}to|oughta|gotta)(?:${W}(?:all|just|really|each|simply))?${W}(?:be|get)`;
const NORM_DIE = `(?:should|must|ought${W}to|needs?${W}to|deserves?${W}to|oughta|gotta)(?:${W}(?:all|just|really|simply))?${W}(?:${DIE})\\b`;

const SHAPES: readonly string[] = [
  // intent and calls: … (will|should) [adverbs] HARM OBJECT, break your neck, beat the shit out of …
  `(?:${INTENT}|${CALL}|\\b(?:let${A}?s|time${W}to|it${A}?s${W}time${W}to))${ADVERB}${W}(?:(?:${HARM})${W}(?:${OBJECT})|(?:${HARM_PEOPLE})${W}(?:them|em|${A}em)\\b|(?:break|snap|slit|cut|smash|bash${W}in|blow${W}off|blow${W}out)${W}(?:your|his|her|their)${W}(?:necks?|legs|arms|jaw|faces?|skulls?|throats?|heads?|brains)|${BLOW}|(?:rip|tear)${W}(?:your|his|her|their)${W}(?:heads?|throats?|hearts?|faces?|eyes|tongues?|arms|legs)${W}(?:off|out)|break${W}every${W}bone${W}in${W}(?:your|his|her|their)${W}bod(?:y|ies)|end${W}(?:you|u|him|her)(?=\\s*(?:$|[.!?,]))|end${W}(?:your|his|her)${W}miserable${W}(?:life|existence)\\b|(?:beat|kick)${W}(?:the${W}(?:shit|crap|hell|life)${W}out${W}of|(?:you|him|her|them)${W}(?:to${W}death|senseless|half${W}to${W}death|bloody))|put${W}(?:a${W}bullet|a${W}knife|a${W}round|one)${W}(?:in|into|through|between)|make${W}(?:you|him|her|them)${W}(?:suffer|bleed|scream|beg)\\b|make${W}(?:you|u|him|her)${W}regret${W}(?:it|this|that|ever|the${W}day|being${W}born)\\b(?!${W}(?:on|at|in|with|if)\\b)|make${W}(?:you|u)${W}pay(?=\\s*(?:$|[.!?]|${W}for${W}(?:this|that|what${W}you))))`,
  // an order at the start of a sentence: "kill them all", "hang him"
  `(?<=^|[.!?;]\\s*|\\n)(?:just${W}|now${W}|go${W}|so${W})?(?:(?:${HARM})${W}(?:${OBJECT})(?!${W}with${W}kindness)|${BLOW})`,
  // what is coming to "you": you'll be shot, you're going to get killed, you're dead meat, you'll end up in a body bag
  `\\b(?:you|u)(?:${A}ll|${W}will|${A}re${W}(?:going${W}to|gonna)|${W}are${W}(?:going${W}to|gonna)|r${W}gonna|${W}gonna)${W}(?:(?:be|get)${W}(?:${HARMED})|(?:be${W}|end${W}up${W})?(?:in${W}a${W}body${W}bag|six${W}feet${W}under|pushing${W}up${W}daisies))\\b(?!${W}(?:laughing|of|from|anyway|someday|eventually|one${W}day|alone|young|old|poor|rich|happy|trying))`,
  `\\byou${A}?(?:re|${W}are)${W}(?:a${W})?dead${W}(?:meat|man|woman)\\b`,
  // norms: SUBJECT should [all] be HARMED; SUBJECT should die; SUBJECT deserves a bullet
  `(?:you|he|she|u|y${A}?all|${OBJECT})${W}${NORM_BE}${W}(?:dragged${W}(?:out${W})?(?:into|through)${W}the${W}streets?|set${W}on${W}fire)\\b`,
  `(?:${SUBJECT})${W}(?:${NORM_BE}${W}(?:${HARMED})\\b|${NORM_DIE}|(?:deserves?|needs?)${W}(?:a${W}bullet|the${W}rope|a${W}rope|to${W}hang|death(?=\\s*(?:$|[.,!?;]))|a${W}beating|to${W}be${W}put${W}down)\\b)`,
  // wishes: [i] hope|wish|pray (that) SUBJECT [and your family] DIE|get HARMED; may they …; love to see them hang
  `\\b(?:hope|hoping|wish|pray|praying)${W}(?:that${W})?(?:${SUBJECT})(?:${W}(?:all|and${W}(?:your|his|her|their)${W}\\w+|both|soon|slowly))?(?:${W}(?:would|will)|${A}ll)?${W}(?:(?:${DIE})\\b|gets?${W}(?:${HARMED})\\b|(?:is|are)${W}(?:${HARMED})\\b)`,
  `(?<=^|[.!?]\\s*|\\n)may${W}(?:${SUBJECT})${W}(?:all${W})?(?:${DIE}|be${W}(?:${HARMED}))\\b`,
  `\\b(?:love|like|want|wanna|wait|happy|glad|pleased)${W}to${W}see${W}(?:${SUBJECT})${W}(?:all${W})?(?:(?:${DIE})\\b|get${W}(?:${HARMED})\\b|(?:${HARMED})\\b)`,
  // menace and orders to die
  `\\b(?:(?:i|we)${W}know${W}where${W}(?:you|he|she|they)${W}(?:live|lives|sleep|sleeps|work|works)|your${W}days${W}are${W}numbered|get${W}a${W}rope(?=\\s*(?:$|[.!?]))|off${W}with${W}(?:his|her|their)${W}heads?|kys|go${W}die|die${W}in${W}a${W}(?:fire|ditch|hole)|(?:you|u)${W}(?:should|must|need${W}to|ought${W}to|better)${W}(?:just${W}|go${W})?end${W}your${W}(?:own${W})?life)\\b`,
  // an order, not "if you kill yourself", "how to kill yourself", "shoot yourself in the foot"
  `(?<!\\b(?:you|u|to|if|how|why|gonna|wanna|can|will|would|could|might|ll|d)\\W{1,3})\\b(?:go${W}(?:and${W})?)?(?:kill|hang|shoot|neck)${W}(?:yourself|yourselves|urself)\\b(?!${W}(?:laughing|working|trying|over|for|in${W}(?:the|your|ur)${W}foot)\\b)`,
  `\\bdrop${W}dead\\b(?!${W}(?:gorgeous|beautiful|funny|serious|simple))`,
  // menace as a promise: "i will hunt you down", "you'd better watch your back", "say that again and you're dead"
  // (not "we will find him" of a lost dog, "we're coming for you" of a cup tie, "watch your back out there")
  `\\b(?:i|we)(?:${A}ll|${W}will|${W}shall|${A}re${W}(?:going${W}to|gonna)|${W}are${W}(?:going${W}to|gonna)|${W}am${W}going${W}to|${A}m${W}(?:going${W}to|gonna)|${W}gonna)${W}(?:find|hunt|track)${W}(?:(?:you|u)(?:${W}down)?|(?:him|her)(?:${W}down)?(?=${W}and${W}(?:make|kill|hurt|end|finish|beat|break|shoot|stab|gut)\\b))\\b(?=\\s*(?:$|[.!?…]|${W}(?:and${W}(?:i|we|make|kill|hurt|end|finish|beat|break|shoot|stab|gut)|like${W}(?:the|a)${W}\\w+|wherever|one${W}day)\\b))`,
  `\\b(?:we|i)(?:${A}re|${A}m|${W}are|${W}am)${W}coming${W}for${W}(?:you|u)(?=\\s*(?:,?${W}(?:traitor|bitch|scum)\\b|${W}and${W}your${W}famil))`,
  `\\b(?:(?:you${W}(?:had${W})?|you${A}d${W})?better${W}watch${W}(?:your|ur)${W}back|watch(?<=(?:^|[.!?]\\s*)watch)${W}(?:your|ur)${W}back(?=\\s*(?:$|[.!?…]|,?${W}(?:buddy|pal|traitor|bitch|scum)\\b))|(?:you${W}(?:had${W})?|you${A}d${W})?better${W}sleep${W}with${W}one${W}eye${W}open)\\b`,
  // the lookbehind after "and": tried only where "and" is, not at every position
  `\\band(?<=\\b(?:say|said|do|try|come|show|touch|write|post|publish|cross|talk|speak|set${W}foot|step${W}foot|open${W}your${W}mouth|call|report|snitch|go${W}near|comment)\\b[^.!?]{0,40}and)${W}(?:you|u)${A}?(?:re|${W}are|${A}ll${W}be|${W}will${W}be)${W}(?:dead|a${W}dead${W}(?:man|woman))\\b`,
];

// Every shape starts a word: tried at word starts only.
const THREAT_RES = compileShapes(SHAPES, (alternation) => `\\b(?:${alternation})`);
// What a threat needs at least one of (a cheap test before the patterns).
const MAY_THREATEN =
  /\b(?:punch|slap|pistol|flogged|stoned|tarred|thrown|wall|dragged|fire|stake|(?:rip|tear)\s+(?:your|his|her|their)|every\s+bone|end\s+(?:you|u|him|her|your|his)\b|kill|murder|shoot|shot|stab|strangl|hang|hung|lynch|behead|decapitat|slaughter|butcher|execut|tortur|rape|gas|extermin|burn|torch|drown|hurt|maim|crippl|gut\b|gutted|skin(?:ned)?\b|slit|chok|shank|smother|run\s+over|gun\s+down|gunned|mow\s+down|mowed|beat|wipe\s+out|wiped\s+out|string\s+up|strung\s+up|die|dies\b|dead|rots?\s+in|perish|bleed|cancer|starv|castrat|(?:break|snap|cut|smash|bash\s+in|blow\s+off|blow\s+out)\s+(?:your|his|her|their)|kick|bullet|rope|death|kys|neck|where\s+(?:you|he|she|they)\s+(?:live|sleep|work)|numbered|body\s+bag|six\s+feet|put\s+down|swing|fry|suffer|scream|beg\b|with\s+(?:his|her|their)\s+head|knife|buried|taken\s+out|daisies|put\s+(?:a|one)\b|make\s+(?:you|u|him|her)\s+(?:pay|regret)|coming\s+for\s+(?:you|u)\b|(?:find|hunt|track)\s+(?:you|u|him|her)\b|watch\s+(?:your|ur)\s+back|one\s+eye\s+open)/i;
// A negation just before the match turns it round: "nobody should be", "i would never", "no one deserves".
const NEGATED_BEFORE =
  /(?:\b(?:no\s*one|nobody|noone|none|never|not(?!\s+(?:joking|kidding|lying|bluffing))|dont|don['’]t|doesn['’]t|didn['’]t|wouldn['’]t|won['’]t|shouldn['’]t)\s+(?:\w+\s+){0,2})$/i;
// …unless it belongs to a condition: "if you don't leave now i will kill you".
const IN_CONDITION = /\b(?:if|unless|or\s+else|otherwise)\b[^.!?]*$/i;
// Somebody else's words or a law's, just before ("ISIS decreed that …", "under that law, …", "he told the press
// conference: …"); just after ('"…," Fury said') is `spokenByOthers` (quotation.ts). News reports them, nobody is
// threatened by the comment.
const REPORTED_BEFORE =
  /(?:\b(?:decreed|ruled|ordered|declared|announced|demanded|threatened|vowed|warned|told\s+(?:the\s+)?(?:press|reporters|police|court|jury|crowd)(?:\s+\w+)?|(?:under|by)\s+(?:that|this|the|their|sharia)\s+laws?)\s*(?:that\s+)?[:,]?\s*["“]?$)/i;
// A negation inside it: "should not be", "i will never", "hope you don't die".
const NEGATED_INSIDE = /\b(?:not|never|dont|don['’]t|doesn['’]t|won['’]t|wont|shouldn['’]t|no\s+longer|nobody)\b/i;

/** The threats a text makes (none for most texts, after one cheap test). */
export function findThreats(text: string): PhraseSpan[] {
  if (!MAY_THREATEN.test(text)) return [];
  const found: PhraseSpan[] = [];
  for (const m of ownShapeMatches(THREAT_RES, text)) {
    const start = m.index;
    const before = text.slice(Math.max(0, start - 24), start);
    if (NEGATED_INSIDE.test(m[0])) continue;
    if (NEGATED_BEFORE.test(before) && !IN_CONDITION.test(text.slice(Math.max(0, start - 80), start))) continue;
    const end = start + m[0].length;
    if (REPORTED_BEFORE.test(text.slice(Math.max(0, start - 48), start))) continue;
    if (spokenByOthers(text, end)) continue;
    found.push({ start, end });
  }
  return found;
}
