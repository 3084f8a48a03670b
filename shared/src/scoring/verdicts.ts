import { PASSED_ON, PERSON, SECOND_PERSON, SENTENCE } from './profanity.js';

/**
 * Harsh verdicts on things: "This paywall is ridiculous.", "What a pointless, stupid policy.", "This stupid parking
 * app is garbage.", "Council tax up again for worse services. Pathetic." A bag of words reads the harsh word and holds
 * the comment (the training sets' insults are made of the same words); a newsroom publishes a reader's verdict on a
 * policy, a product or a road, however blunt. `withoutVerdictsOnThings` accepts a comment only when it names no person
 * (owners aside: "the council's plan"; "nobody", "anyone" aside) and every harsh word in it is said of a thing
 * (`THING`: a list of what readers judge), in one of these ways:
 * - predicated of a noun phrase whose last word is a thing ("the council's new parking plan is idiotic", "stamp duty
 *   is an idiotic tax"), or of "it", "this", "that" ("this is ridiculous");
 * - before a noun phrase that ends in a thing ("a stupid policy", "Stupid, stupid law.", "what a stupid headline");
 * - as a sentence alone ("Pathetic.") in a comment that names a thing;
 * and returns the text with the harsh words taken out, which the scorer scores again (`model/comment.ts`), as it
 * does for swearing aimed at no one (`profanity.ts`, whose list of people this reads). Anything else keeps the
 * comment as it was scored: a subject that is a name or not a listed thing ("Boris is a disgrace", "the council is a
 * joke"), a verdict on what someone said ("what a stupid comment"), one passed on to someone ("… and so are the
 * idiots who built it"), a person or the reader anywhere in the comment, every use not listed.
 */

const W = '\\s+';
/** Adjectives that judge harshly. */
const HARSH_ADJ =
  'stupid|stupidest|idiotic|ridiculous|moronic|insane|absurd|pathetic|useless|worthless|brainless|brain-?dead|dumb|dumbest|awful|disgusting|hideous|horrible|horrendous|terrible|laughable|ludicrous|asinine|farcical|shambolic|disgraceful|atrocious|appalling|abysmal|lousy|trashy|rubbish|garbage';
/** Nouns that judge harshly, after "a"/"an" or alone ("is garbage", "is a disgrace"). */
const HARSH_NOUN =
  'garbage|trash|rubbish|junk|joke|disgrace|shambles|farce|disaster|nightmare|scam|rip-?off|travesty|embarrassment|clown\\s+show|circus|insult|nonsense|madness|lunacy|idiocy|stupidity|tripe|drivel|twaddle|dross|heap|mess';
const HARSH_RE = new RegExp(`\\b(?:${HARSH_ADJ}|${HARSH_NOUN})\\b`, 'gi');
const HARSH = new RegExp(`\\b(?:${HARSH_ADJ}|${HARSH_NOUN})\\b`, 'i');
const PERSON_WORD = new RegExp(`^(?:${PERSON})$`, 'i');
/**
 * Things readers pass verdicts on: what the news is about (policies, plans, services, places, products, prices,
 * results, the weather) and the article itself. Not what people say in the thread ("comment", "post", "remark",
 * "question", "argument", "idea"): a verdict on those is aimed at who said it.
 */
const THING = new RegExp(
  `^(?:${[
    'apps?|websites?|sites?|pages?|paywalls?|updates?|systems?|software|platforms?|layouts?|designs?|logos?|fonts?|formats?',
    'polic(?:y|ies)|plans?|schemes?|laws?|bills?|rules?|regulations?|budgets?|tax(?:es)?|duty|levy|levies|decisions?|rulings?|verdicts?|judgm?ents?|proposals?|projects?|reforms?|strateg(?:y|ies)|approach|programmes?|programs?|initiatives?|consultations?|inquir(?:y|ies)|reports?|reviews?|process|deals?|contracts?|mandates?|bans?|fines?|system|increases?|rises?|hikes?|cuts?|pensions?|wages?|pit',
    'roads?|potholes?|roundabouts?|junctions?|bridges?|buses|bus|trains?|trams?|services?|timetables?|stations?|stadiums?|buildings?|developments?|estates?|towers?|flats|parks?|lanes?|lights|signs?|machines?|printers?|phones?|cars?|tickets?|prices?|fees?|fares?|rents?|charges?|weather|rain|traffic|parking|queues?|results?|matches|match|games?|performances?|seasons?|films?|movies?|shows?|songs?|albums?|food|coffee|meals?|menus?|headlines?|articles?|stor(?:y|ies)|coverage|reporting|piece|paper|broadcasts?|debates?|campaigns?|ads?|adverts?|adverti[sz]ements?|slogans?|election|referendum|situation|mess|wait|delays?|closures?|works|roadworks|rollout|launch|upgrade|extension|hospitals?|wards?|schools?|curriculum|exams?|pitch|kit|shirts?|transfer|signing|line-?up|tactics|formation|substitution|penalty|var|offside',
  ].join('|')})$`,
  'i',
);

/** Any words between a copula and the verdict: "is just a total", "is a useless piece of", "is the". */
const BETWEEN = `(?:${W}[\\w-]+,?)*?`;
const COPULA = `(?:is|are|was|were|['’]s|looks|look|seems|seem|sounds|sound|feels|remains|has${W}been|have${W}been|has${W}become|is${W}becoming|will${W}be|would${W}be)`;
/** The clause before a predicated verdict: `<subject> <copula> <degree words>`, the subject captured. */
const PREDICATE = new RegExp(
  `(?:^\\s*|[.!?;:,(—–-]\\s*|\\b(?:and|but|because|so)${W})((?:it|this|that|these|those)|(?:the|this|that|these|those|my|our|their|its)(?:${W}[\\w'’-]+){1,4}|(?<=^\\s*)[\\w'’-]+(?:${W}[\\w'’-]+){0,3})\\s*${COPULA}${BETWEEN}${W}$`,
  'i',
);
/** A determiner or "what" before an attributive verdict: "this stupid app", "what a pointless, stupid policy". */
const ATTRIBUTIVE_BEFORE = new RegExp(
  `(?:\\b(?:the|this|that|these|those|a|an|what${W}an?|such${W}an?|my|our|their|its|absolute|total|complete|utter)(?:${W}[\\w-]+,?){0,2}|^\\s*(?:[\\w-]+,?${W}){0,2})\\s*$`,
  'i',
);
/** The noun phrase after an attributive verdict: one to three words, then the end of the phrase. */
const NOUN_AFTER =
  /^((?:[\s,]+(?:and\s+)?[\w'’-]+){1,3}?)\s*(?=$|[.!?;:,)—–]|\s+(?:is|are|was|were|that|which|from|by|of|for|in|on|at|and|but|again|ever|made|i|we)\b)/i;
/** What may follow a predicated verdict: the end of its clause, "of a <thing>", or a conjunction. */
const PREDICATE_AFTER =
  /^(?:\s*(?:$|[.!?;:,)…—–])|\s+(?:and|but|or|so|because|again|anyway|now|today|though|too|really|from|to\s+(?:use|read|watch|look\s+at|drive\s+on|navigate))\b|\s+(?:of|as)\s+(?:a|an|the)?\s*[\w-]+\b)/i;

const WORD = /[a-z'’-]+/g;

/** Whether a noun phrase ends in a thing (`THING`): "parking app", "new bin scheme", "decision". */
function thingPhrase(phrase: string): boolean {
  const words = phrase.toLowerCase().match(WORD) ?? [];
  return words.length > 0 && THING.test(words[words.length - 1]!);
}

/**
 * Public bodies, named beside the thing judged ("council tax", "the government's plan"): a verdict said of one itself
 * is still refused (its head is not a thing), but naming one elsewhere in the comment does not.
 */
const BODIES = /^(?:council|government|police|media|nhs|parliament|ministry|department)$/;
/** Pronouns that name no one in particular ("nobody asked for it", "for anyone living rurally"). */
const INDEFINITE = /^(?:nobody|anyone|anybody|everyone|everybody|someone|somebody)$/;

/** Whether the words of a text name no person and do not address the reader (owners aside: "the council's plan"). */
function namesNoPerson(words: readonly string[]): boolean {
  return words.every(
    (w) => /['’]s$/.test(w) || INDEFINITE.test(w) || BODIES.test(w) || (!PERSON_WORD.test(w) && !SECOND_PERSON.test(w)),
  );
}

/** A sentence that is a verdict alone: "Pathetic.", "Absolute joke!", "Total farce." */
const ALONE = new RegExp(
  `^\\s*(?:(?:just|simply|absolutely|utterly|totally|completely|truly|so|an?|absolute|complete|total|utter|pure)${W})*(?:${HARSH_ADJ}|${HARSH_NOUN})\\s*[.!…]*\\s*$`,
  'i',
);
/** A thing named among the words of a text (a word of `THING`). */
function namesAThing(words: readonly string[]): boolean {
  return words.some((w) => THING.test(w));
}

/**
 * Whether a subject names a thing: its last word a thing ("the mayor's new plan"), and no relative clause ("the idiot
 * who designed this"). A person elsewhere in it is refused for the whole comment (`namesNoPerson`).
 */
function thingSubject(subject: string): boolean {
  const head = subject.split(/\s+/).pop()!;
  return thingPhrase(head) && !/\b(?:who|whom|whoever)\b/i.test(subject);
}

/** Whether the harsh word at `start`…`end` of a sentence is a verdict on a thing (see above). */
function onAThing(sentence: string, start: number, end: number): boolean {
  const before = sentence.slice(0, start);
  const after = sentence.slice(end);
  const predicate = PREDICATE.exec(before);
  if (predicate && PREDICATE_AFTER.test(after)) {
    const subject = predicate[1]!;
    if (PASSED_ON.test(after)) return false;
    if (/^(?:it|this|that|these|those)$/i.test(subject) || thingSubject(subject)) {
      // "… is a disgrace of a councillor": the phrase after "of" must be a thing too.
      const of = /^\s+(?:of|as)\s+(?:a|an|the)?\s*([\w-]+)/i.exec(after);
      return !of || thingPhrase(of[1]!);
    }
    return false;
  }
  const noun = NOUN_AFTER.exec(after);
  return noun !== null && ATTRIBUTIVE_BEFORE.test(before) && thingPhrase(noun[1]!);
}

/**
 * The text with its harsh words taken out, when each is a verdict on a thing (see above); null when it has none, or
 * any one is said of a person or in a sentence that addresses the reader, or in a use this reader does not know.
 */
export function withoutVerdictsOnThings(text: string): string | null {
  if (!HARSH.test(text)) return null;
  const words = text.toLowerCase().match(WORD) ?? [];
  if (!namesNoPerson(words)) return null;
  let rest = '';
  let at = 0;
  let found = false;
  for (const s of text.matchAll(SENTENCE)) {
    const sentence = s[0];
    let harsh = false;
    for (const m of sentence.matchAll(HARSH_RE)) {
      harsh = true;
      const alone = ALONE.test(sentence) && namesAThing(words);
      if (!alone && !onAThing(sentence, m.index, m.index + m[0].length)) return null;
      rest += `${text.slice(at, s.index + m.index)} `;
      at = s.index + m.index + m[0].length;
    }
    if (harsh && SECOND_PERSON.test(sentence)) return null;
    found ||= harsh;
  }
  return found ? (rest + text.slice(at)).replace(/\s+/g, ' ').trim() : null;
}
