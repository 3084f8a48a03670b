/**
 * Profanity aimed at no one: "that was a fucking brilliant save", "holy shit, what a finish", "the bus is late
 * again, for fuck's sake", "this parking scheme is bullshit". A bag of words reads the swear words and holds the
 * comment, because the training data's offensive class is largely profanity collected by keyword. A newsroom
 * publishes it: swearing is the PROFANITY attribute's to hold, which a site that does not want it sets.
 *
 * `withoutUndirectedProfanity` finds every swear word and accepts the comment only when each one is used as an
 * intensifier, an exclamation or a verdict on a thing; it returns the text with the swear words taken out, which
 * the scorer scores again (`model/comment.ts`): what is left is judged on its own words, so "the trains are fucking
 * useless" is read as "the trains are useless". Anything else keeps the comment as it was scored: a swear word aimed
 * at someone ("fuck you", "fuck the police", "screw him", "go to hell"), one that names a person ("asshole",
 * "shithead", "piece of shit", "motherfucker"), one before a person, a plural, a name or a determiner ("fucking
 * tories", "bloody Trump", "damn the developers"), one with a person before it in its clause ("he's fucking trash",
 * "he talks bullshit"), name-calling ("… is a fucking toolbag", "what a fucking tool this guy is"), any sentence
 * with a swear word that also addresses the reader ("you", "your"), and every use this reader does not know.
 */

const A = "['’]";
const W = '\\s+';

/** Every swear word this reader knows, in any use (the comment is accepted only if each is in a known use). */
const SWEARS =
  /\b(?:f(?:u|\*+|#|v)c?k\w*|fck\w*|fuk\w*|phuck\w*|effing|eff\s+off|(?:mother|mutha)f\w*|(?:(?:horse|dog|bull|chicken|ape)\s*)?shit\w*|sh[1!*]t\w*|clusterfuck\w*|crap\w*|damn\w*|dammit|goddam\w*|hell|bloody|bollocks|piss\w*|arse\w*|ass|asses|asshole\w*|jackass\w*|dumbass\w*|smartass\w*|frig\w*|freakin\w*|bugger\w*|sod|sodding|wank\w*|turd\w*|screw(?:ed|s)?)\b/gi;
const SWEAR = new RegExp(SWEARS.source, 'i');

/** People, groups of people and their roles: a swear word before one, or a verdict on one, is aimed. */
export const PERSON = `you|u|ya|him|her|them|he|she|they|people|folks|everyone|everybody|anyone|anybody|someone|somebody|nobody|whoever|idiots?|morons?|clowns?|liberals?|libs|lefties|leftists?|conservatives?|tories|tory|democrats?|dems|republicans?|cops?|police|pigs|media|hacks?|fans?|boomers?|millennials?|kids?|child|children|teenagers?|neighbou?rs?|snowflakes?|trolls?|animals?|scum|bastards?|fools?|addicts?|junkies|thugs?|losers?|liars?|hypocrites?|crooks?|cowards?|traitors?|bigots?|sheep|muppets?|numpties|twits?|halfwits?|men|women|guys?|man|woman|person|bloke|dude|lads?|girls?|boys?|husband|wife|son|daughter|father|mother|dad|mum|mom|brother|sister|friend|mayor|president|premier|chancellor|governor|mps?|judges?|refs?|referees?|umpires?|coach|captain|boss|bosses|chair|chairman|chief|spokesman|spokeswoman|candidate|government|council|[a-z]*(?:keeper|minister|leader|player|manager|owner|maker|writer|reporter|editor|author|presenter|driver|officer|doctor|lawyer|teacher|speaker|striker|defender|councill?or|senator|landlord|voter|supporter|protester|activist|tourist|cyclist)s?|[a-z]+(?:ers|ors)|[a-z]{3,}(?:ists?|ians?)`;
/** A person in the words around a swear word ("the mayor is shit", "what a fucking tool this guy is"). */
export const PERSON_IN = new RegExp(`\\b(?:${PERSON})\\b`, 'i');
/** Plurals that are not people: adverbs and adjectives that end in s. */
const NOT_PLURAL =
  /^(?:always|yes|thanks|sometimes|perhaps|nowadays|towards|afterwards|besides|unless|plus|this|his|its|is|was|has|does|goes|[a-z]*(?:ous|less|ss|us|[aey]sis))$/i;
/**
 * What follows an adjective swear word that makes it aimed: a person, a group of people or a name; a
 * determiner or a pronoun ("damn the developers", "fucking the system"); hatred or a verb's preposition ("fucking
 * hate …", "fucking with …"); a plural ("Fucking chavs ruined …").
 */
const AIMED_NEXT = new RegExp(
  `^${W}(?:(?:${PERSON}|the|this|that|these|those|his|her|their|our|my|your|a|an|it|all|every|some|hate|hates|hated|despise|loathe|with|at|over|around)\\b|[A-Z](?=[a-z]))`,
);
const NEXT_WORD = /^\s+([a-z]+)/i;
/** A plural that ends a short noun phrase after it: "Damn drug addicts!" */
const PLURAL_END = /^\s+(?:[a-z]+\s+){1,2}([a-z]+s)\s*(?:$|[.!?…,;:])/i;
/**
 * Name-calling: a swear word inside a noun phrase whose noun ends it ("… is a fucking toolbag.", "absolute
 * fucking cretin of a councillor", "a lazy fucking waste of space"); not "a bloody good time", nor a verdict on
 * a thing ("that was a fucking …", "what a fucking …", read below).
 */
const CALLED =
  /(?<!\b(?:this|that|it|what|which)(?:\s+(?:is|was)|['’]s)?\s+)\b(?:a|an|such\s+an?|absolute|total|complete|utter|the\s+(?:biggest|worst|most))(?:\s+[a-z]+){0,2}\s+$/i;
const NOUN_ENDS = /^\s+[a-z]+(?:\s*(?:$|[.!?,;:…)])|\s+(?:of|who|that|and)\b)/i;
/** A word that ends the phrase after a bare intensifier: an epithet ("Fucking coon.") unless it reads as an adjective. */
const WORD_ENDS = /^\s+([a-z]+)\s*(?:$|[.!?,;:…)])/i;
const ADJECTIVE_LIKE =
  /(?:ing|ed|ful|ous|ive|able|ible|al|ic|y|ant|ent|less|est|er|ish)$|^(?:good|great|brilliant|amazing|awesome|cold|hot|late|mad|right|fine|nice|bad|hard|huge|big|long|true|wrong|done|over|insane|sick|genius|gorgeous|beautiful|class|quick|slow|fast|right|yes|no|well|again|now|here|there|ages|forever|off|on|out|up|it)$/i;
/** The clause before a swear word: a person in it makes an intensified verdict theirs ("he's fucking trash"). */
const CLAUSE_START = /[^.!?;:…\n]*$/;
/** An exclamation that names its subject after it: "what a fucking tool this guy is". */
const WHAT_A = /\bwhat\s+an?\s+(?:[a-z]+\s+){0,2}$/i;
const CLAUSE_REST = /^[^.!?,;:…]*/;

/** Swear words used as adjectives: before a noun, they are read with the noun. */
const INTENSIFIER = `fucking|fuckin${A}?|f\\*+(?:c?k)?ing|fking|effing|freaking|freakin${A}?|frigging|friggin${A}?|bloody|damn|damned|goddamn|goddamned|sodding|shitty|crappy`;
const ADJECTIVE = new RegExp(`(?:^|\\s)(?:${INTENSIFIER}|shit|crap|shite)$`, 'i');

/** The uses that aim at no one. */
const UNDIRECTED: readonly string[] = [
  // exclamations: "holy shit", "oh fuck", "what the hell", "for fuck's sake", "hell yeah", "damn it", "no shit"
  `\\b(?:holy|oh|ah|aw+|ahh+|ohh+)${W}(?:shit|fuck|crap|hell|damn)\\b`,
  `\\b(?:what|who|where|why|how|when)${W}the${W}(?:fuck|f\\*+k|hell|heck)\\b`,
  `\\b(?:fuck|fucking|hell|damn|shit)${W}(?:yeah|yes|yea|no|nah)\\b`,
  `\\bfor${W}(?:fuck|fucks|fuck${A}s|christ${A}s|pete${A}s|god${A}s)${W}sake\\b`,
  `\\b(?:god)?dammit\\b|\\b(?:god)?damn${W}it\\b|\\b(?:bloody|fucking|fuckin${A}?)${W}hell\\b|\\bno${W}shit\\b|\\bshit${W}happens\\b`,
  `(?:^|[.!?…]\\s*)(?:(?:well|ugh|oh|ah|aw|man|god)\\s*,?\\s*)?(?:fuck|shit|damn|crap|bugger|bollocks|hell|goddamn|goddammit)(?:${W}(?:me|it))?(?=\\s*(?:[!.,…]|$))`,
  `\\b(?:fuck|screw|sod|bugger)${W}(?:it|this|that)(?=\\s*(?:[!.,…;]|$))`,
  // "as hell", "a hell of a", "the shit out of me", "shitload", "give a damn"
  `\\bas${W}(?:fuck|hell|shit)\\b|\\b(?:a|one)${W}hell${W}of\\b|\\bthe${W}(?:shit|crap|hell)${W}out${W}of${W}(?:me|us|everyone|everybody)\\b`,
  `\\bshit\\s*(?:loads?|tons?)\\b|\\b(?:give|gives|gave|giving)${W}a${W}(?:shit|fuck|damn|crap)\\b`,
  `\\b(?:going|gone|went|go)${W}to${W}hell${W}in${W}a${W}handbasket\\b|\\b(?:living|pure|absolute|bloody)${W}hell\\b|\\bhell${W}on${W}earth\\b|\\blike${W}hell\\b`,
  // intensifiers: "fucking brilliant", "damn good", "freaking cold", "a shit game" (checked: not before a person;
  // after the exclamations, which take "fucking hell" whole)
  `\\b(?:${INTENSIFIER})(?=${W}[a-z])`,
  `\\b(?:a|the|this|that|what${W}a|such${W}a|some|more)${W}(?:shit|crap|shite)(?=${W}(?!(?:and|or|but|of|to|in|on|at|for|with|who|that|is|was|as)\\b)[a-z])`,
  `\\b(?:shitty|crappy)\\b`,
  // a verdict on a thing, the swear word ending it: "this is bullshit", "what a load of crap", "it's shit", "a
  // total shitshow" (a person in it or before it makes it aimed: "the chancellor is shit", "he talks bullshit")
  `\\b(?:(?:horse|dog|bull|chicken)\\s*shit|shitshow|shit${W}show|clusterfuck|piss${A}?-?\\s*poor|pissing${W}(?:it${W})?down|pissed(?:${W}off)?)\\b`,
  `\\b(?:(?:(?:this|that|it|which|everything|all${W}(?:of${W})?this)|(?:this|that|the|my|our)(?:${W}[a-z]+){1,2}(?=${W}(?:is|was|looks|sounds|seems)\\b))${A}?s?(?:${W}(?:is|was|looks|sounds|seems))?|what${W}a)(?:${W}(?:such|total|complete|utter|absolute|pure|just|so|a|an|bit${W}of|load${W}of|fucking|bloody)){0,4}${W}(?:shit|crap|bullshit|bollocks|shite|rubbish)\\b(?=\\s*(?:$|[.!?,;:…)])|${W}(?:and|but|or|so|because|again|anyway|now|today|though|too|really|mate)\\b)`,
  `\\b(?:fucked|screwed|cocked)${W}up\\b(?!${W}(?:by|his|her|their))|\\b(?:is|are|was|were|we${A}re|it${A}s)${W}(?:so${W}|totally${W}|completely${W})?(?:fucked|screwed)\\b`,
];
const UNDIRECTED_RE = new RegExp(UNDIRECTED.map((s) => `(?:${s})`).join('|'), 'gi');

/** Addressing the reader, in the same sentence as a swear word. */
export const SECOND_PERSON = /\b(?:you|your|yours|yourself|yourselves|u|ur|ya|yall|y['’]all|youre|thou)\b/i;
/** A sentence (the text from one end mark to the next). */
export const SENTENCE = /[^.!?…\n]+[.!?…\n]*/g;

/** A verdict passed on to someone: "… is bullshit, and so is the idiot who wrote it". */
export const PASSED_ON = /^\s*,?\s+and\s+so\s+(?:is|are|was|were)\b/i;

/** Whether the clause before a swear word has a person in it ("he's full of shit", "the minister's speech was bullshit"). */
function saidOfPerson(text: string, start: number): boolean {
  return PERSON_IN.test(CLAUSE_START.exec(text.slice(Math.max(0, start - 80), start))?.[0] ?? '');
}

/** Whether an adjective swear word ending at `end` is aimed (see AIMED_NEXT, CALLED, WHAT_A). */
function aimedAdjective(text: string, start: number, end: number): boolean {
  const after = text.slice(end, end + 60);
  if (AIMED_NEXT.test(after)) return true;
  const next = NEXT_WORD.exec(after)?.[1];
  if (next && /s$/i.test(next) && !NOT_PLURAL.test(next)) return true;
  const plural = PLURAL_END.exec(after)?.[1];
  if (plural && !NOT_PLURAL.test(plural)) return true;
  const before = text.slice(Math.max(0, start - 40), start);
  if (CALLED.test(before) && NOUN_ENDS.test(after)) return true;
  const word = WORD_ENDS.exec(after)?.[1];
  if (word && !ADJECTIVE_LIKE.test(word)) return true;
  if (saidOfPerson(text, start)) return true;
  return WHAT_A.test(before) && PERSON_IN.test(CLAUSE_REST.exec(after)?.[0] ?? '');
}

/**
 * The text with its swear words taken out, when every one of them aims at no one (see above); null when there is
 * none, or when any is aimed, names a person, stands in a sentence that addresses the reader, or is in a use this
 * reader does not know.
 */
export function withoutUndirectedProfanity(text: string): string | null {
  if (!SWEAR.test(text)) return null;
  for (const sentence of text.match(SENTENCE) ?? []) {
    if (SWEAR.test(sentence) && SECOND_PERSON.test(sentence)) return null;
  }
  const uses: [number, number][] = [];
  for (const m of text.matchAll(UNDIRECTED_RE)) {
    const end = m.index + m[0].length;
    if (PERSON_IN.test(m[0]) || PASSED_ON.test(text.slice(end, end + 20))) return null;
    if (
      ADJECTIVE.test(m[0]) ? aimedAdjective(text, end - /\S+$/.exec(m[0])![0].length, end) : saidOfPerson(text, m.index)
    )
      return null;
    uses.push([m.index, end]);
  }
  // Only the swear words are taken out: what they were said of stays for the model to read.
  let rest = '';
  let at = 0;
  let u = 0; // uses and swear words both come in order: one pass over each
  for (const m of text.matchAll(SWEARS)) {
    const end = m.index + m[0].length;
    while (u < uses.length && uses[u]![1] < end) u++;
    if (u === uses.length || uses[u]![0] > m.index) return null;
    rest += `${text.slice(at, m.index)} `;
    at = end;
  }
  return (rest + text.slice(at)).replace(/\s+/g, ' ').trim();
}
