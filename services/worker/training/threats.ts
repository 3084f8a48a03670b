import { GROUPS } from './identity.js';

/**
 * Sentences written for training: threats and wishes of harm, and exclusion or silencing aimed at a
 * person or a group, which news comments carry and the tweet data sets show little of. Each frame has
 * civil twins that share its words ("i hope you win", "kill the bill", "the suspect shot two people",
 * "go back to the start", "keep their promises"), and violence is reported in a civil voice too, so the
 * hostile intent, not a word such as "kill", "die" or "shoot", is what is learned.
 */

/** Whom a threat is aimed at, as the object of a verb. */
const OBJECTS = [
  'you',
  'him',
  'her',
  'them',
  'the author',
  'this reporter',
  'the mayor',
  'the governor',
  'that judge',
  'the editor',
  'the senator',
  'these protesters',
];
/** The same people as the subject of a third-person verb. */
const SUBJECTS = [
  'the author',
  'this reporter',
  'the mayor',
  'the governor',
  'that judge',
  'the editor',
  'the senator',
  'he',
  'she',
  'this commenter',
  'the president',
  'that man',
];

/** [frame, hostile fillers, civil fillers]: every filler in every frame. */
const WISH_FRAMES: readonly string[] = [
  'i hope that you {x}',
  'i really hope you {x}',
  'hope you {x}',
  'i wish you would {x}',
  'i hope the author and his family {x}',
  'may you {x}',
  'i hope they all {x}',
  'honestly i hope you {x} soon',
];
const WISH_HOSTILE = [
  'die',
  'die in a fire',
  'die slowly',
  'get cancer',
  'get shot',
  'get hit by a bus',
  'rot in hell',
  'choke on it',
  'drop dead',
  'suffer',
  'burn alive',
  'get stabbed',
  'drown',
  'bleed out',
  'get beaten up',
  'starve to death',
];
const WISH_CIVIL = [
  'win',
  'get well soon',
  'recover quickly',
  'feel better',
  'get the job',
  'have a great day',
  'enjoy the trip',
  'find peace',
  'pass the exam',
  'stay safe',
  'read the whole report',
  'keep writing',
  'visit the museum',
  'win the election',
  'get some rest',
  'succeed',
];

const DO_FRAMES: readonly string[] = [
  'someone should {x} {o}',
  'somebody needs to {x} {o}',
  'i am going to {x} {o}',
  'i will {x} {o}',
  'we should {x} {o}',
  'people should {x} {o}',
  'i want to {x} {o}',
  'someone ought to {x} {o}',
];
const DO_HOSTILE = [
  'shoot',
  'kill',
  'stab',
  'hang',
  'beat up',
  'strangle',
  'punch',
  'lynch',
  'behead',
  'murder',
  'slap',
  'run over',
  'choke',
  'torture',
];
const DO_CIVIL = [
  'thank',
  'interview',
  'hire',
  'praise',
  'call',
  'email',
  'invite',
  'help',
  'fact check',
  'correct',
  'vote for',
  'listen to',
  'write to',
  'answer',
];

const DESERVE_FRAMES: readonly string[] = [
  '{s} deserves to be {x}',
  '{s} should be {x}',
  'people like {s} should be {x}',
  '{s} ought to be {x}',
  'frankly {s} needs to be {x}',
];
const DESERVE_HOSTILE = [
  'beaten',
  'shot',
  'killed',
  'hanged',
  'stabbed',
  'tortured',
  'burned alive',
  'beaten to death',
  'strung up',
  'punched in the face',
  'put down like a dog',
  'lynched',
];
const DESERVE_CIVIL = [
  'heard',
  'thanked',
  'promoted',
  'praised',
  'paid more',
  'reelected',
  'taken seriously',
  'forgiven',
  'respected',
  'rewarded',
  'questioned again',
  'invited back',
];

const SELF_FRAMES: readonly string[] = [
  'you should {x} yourself',
  'go {x} yourself',
  'why dont you {x} yourself',
  'just {x} yourself',
  'do everyone a favour and {x} yourself',
  'the author should {x} himself',
];
const SELF_HOSTILE = ['kill', 'hang', 'shoot', 'drown', 'off', 'set fire to', 'end'];
const SELF_CIVIL = ['enjoy', 'treat', 'educate', 'pace', 'explain', 'look after', 'introduce'];

/** Whole sentences: a threat and civil words around the same phrase. */
const THREATS: readonly string[] = [
  'i will find you',
  'i will find you and make you pay',
  'i know where you live',
  'we know where you live',
  'watch your back',
  'you will pay for this with your life',
  'your days are numbered',
  'i am coming for you',
  'sleep with one eye open',
  'you better watch out when you leave work',
  'i will end you',
  'one day someone will shut you up for good',
  'you wont be laughing when we find you',
  'keep talking and see what happens to you',
  'i will make sure you never write again',
  'we are coming for your family',
  'you are a dead man',
  'you will not live to see it',
  'i will burn your house down',
  'bring a gun to the next meeting and finish him',
];
const THREAT_TWINS: readonly string[] = [
  'i will find you a seat',
  'i will find you the link to the report',
  'i know where you stand on this',
  'we know where the money went',
  'watch your step on the ice',
  'you will pay less for this next year',
  'the days are numbered for this policy',
  'i am coming to the meeting too',
  'the city sleeps at this hour',
  'you better watch the second half',
  'the story will end soon',
  'one day someone will fix this road for good',
  'you wont be laughing at the price',
  'keep writing and see what happens next',
  'i will make sure i read it again',
  'we are coming with our family',
  'the man died in hospital two days later',
  'you will not believe the ending',
  'a fire burned the house down last night',
  'the police found a gun at the scene',
];

/** Words such as "kill", "die" and "shoot" in civil use, most of them in the frames' own words. */
const CIVIL_VIOLENCE_WORDS: readonly string[] = [
  'kill the bill',
  'we need to kill this bill',
  'the senate should kill the tax hike',
  'kill the proposal before it costs us more',
  'they voted to kill the pipeline project',
  'the amendment will die in committee',
  'let this plan die quietly',
  'this law deserves to die',
  'my phone died during the speech',
  'the old mill town is slowly dying',
  'shoot me an email with the details',
  'the film was shot in our town',
  'she shot the photos for the magazine',
  'the council shot down the proposal',
  'aim high and shoot for the stars',
  'that joke killed me',
  'you killed it on stage',
  'the traffic is killing me',
  'i would die for a good coffee',
  'i hope the bill dies',
  'the home team beat the visitors',
  'the incumbent was beaten in the primary',
  'he was beaten by a better candidate',
  'the heat wave killed the crops',
  'our team got killed in the second half',
  'smoking kills thousands every year',
  'the hanging gardens were beautiful',
  'hang the pictures in the hall',
  'i will hang on to my ticket',
  'she choked up during the speech',
  'the fire department saved the house',
];

/** Reporting voice: crime and violence as news (all civil). */
const NEWS_SUBJECTS = [
  'the suspect',
  'the gunman',
  'police said the man',
  'a teenager',
  'the driver',
  'the soldier',
  'prosecutors say the defendant',
  'the attacker',
  'a former employee',
  'witnesses said the shooter',
];
const NEWS_VERBS = [
  'shot',
  'killed',
  'stabbed',
  'beat',
  'attacked',
  'threatened to kill',
  'wounded',
  'murdered',
  'strangled',
  'ran over',
];
const NEWS_OBJECTS = [
  'two people',
  'a neighbour',
  'his wife',
  'a police officer',
  'a shop owner',
  'three students',
  'a guard',
  'his brother',
  'a woman',
  'a cyclist',
];
const NEWS_ENDINGS = [
  'on tuesday',
  'before fleeing',
  'according to the report',
  'outside the station',
  'last year',
  'the court heard',
  'and was arrested',
  'in the early hours',
  'police said',
  'before he was caught',
];
const NEWS_EXTRA: readonly string[] = [
  'the victim died at the hospital',
  'three people died in the fire',
  'the shooter was sentenced to life in prison',
  'the attack killed twelve people',
  'the man was beaten and robbed',
  'a woman was stabbed near the station',
  'two soldiers were killed in an ambush',
  'he was charged with killing his neighbour',
  'the jury heard how the victim was strangled',
  'officers shot the suspect after a chase',
  'the hostage was found dead',
  'she was murdered in her home in 1998',
  'police are investigating death threats against the mayor',
  'the court heard he threatened to burn the house down',
  'the family of the victim asked for privacy',
  'the trial of the accused killer begins today',
  'the mayor received threats after the vote',
  'the boy drowned in the lake',
  'doctors said he died of cancer',
  'the report counts how many people were shot last year',
];

/** Exclusion and silencing of a person. */
const EXCLUDE_PERSON: readonly string[] = [
  'go back to your country',
  'go back where you came from',
  'get out of our country',
  'nobody wants you here',
  'you are not welcome here',
  'you dont belong here',
  'leave our country now',
  'keep your mouth shut',
  'shut your mouth and go home',
  'nobody asked you to speak',
  'stay in the kitchen where you belong',
  'know your place',
  'you have no right to speak here',
  'people like you should be silenced',
  'go home you are not wanted',
  'pack your bags and leave our country',
  'this is our country not yours',
  'women like you should be quiet',
  'you people should go back home',
  'your kind is not welcome in this town',
];
const EXCLUDE_PERSON_TWINS: readonly string[] = [
  'go back to the start of the article',
  'go back to your seat please',
  'get out of debt before you buy a house',
  'get out and vote on tuesday',
  'nobody wants higher taxes here',
  'you are welcome here any time',
  'you belong here as much as anyone',
  'leave your car at home and take the bus',
  'keep your receipts for the tax office',
  'open your mouth and say ahh the dentist said',
  'nobody asked the residents first',
  'stay in the kitchen and watch the oven',
  'know your rights before signing',
  'you have every right to speak here',
  'people like you should run for council',
  'go home and get some rest',
  'pack your bags for the summer trip',
  'this is our town and we love it',
  'women like you should run for office',
  'many people go back home for the holidays',
];

/** Exclusion and silencing of a group ({p}: the plural from identity.ts). */
const EXCLUDE_GROUP_HOSTILE: readonly string[] = [
  '{p} should go back to their own country',
  'nobody wants {p} here',
  '{p} are not welcome here',
  '{p} dont belong in this country',
  '{p} should keep their mouths shut',
  '{p} should know their place',
  'get {p} out of our country',
  'send the {p} back',
  '{p} should not be allowed to vote',
  'ban {p} from this country',
  '{p} have no right to speak',
  '{p} should shut up and stay out of politics',
  'no more {p} in our town',
  'kick all {p} out',
];
const EXCLUDE_GROUP_CIVIL: readonly string[] = [
  'many {p} go back to their home country to visit family',
  'our town wants {p} here',
  '{p} are always welcome here',
  '{p} belong in this country too',
  '{p} should keep their promises',
  '{p} should know their rights',
  'get {p} into our schools',
  'send the {p} a thank you note',
  '{p} should be allowed to vote',
  'bring {p} into this debate',
  '{p} have a right to speak',
  '{p} should speak up and get into politics',
  'more {p} moved to our town',
  'invite all {p} in',
];
/** Harm aimed at a group. */
const HARM_GROUP_HOSTILE: readonly string[] = [
  '{p} deserve to be shot',
  'someone should kill all {p}',
  'i hope all {p} die',
  '{p} should be beaten',
];
const HARM_GROUP_CIVIL: readonly string[] = [
  '{p} deserve to be heard',
  'someone should thank all {p}',
  'i hope all {p} win',
  '{p} should be thanked',
];

/** What a written sentence is: a threat or wish of harm, exclusion or silencing, or civil. */
export type ThreatKind = 'threat' | 'exclusion' | 'civil';

/**
 * [text, label, kind] triples: threats, harm wishes and exclusion toxic (1), their civil twins and civil
 * news not (0). The kind is what the THREAT head learns from (threats and harm wishes only).
 */
export function threatSentences(): [string, 0 | 1, ThreatKind][] {
  const out: [string, 0 | 1, ThreatKind][] = [];
  for (const f of WISH_FRAMES) {
    for (const x of WISH_HOSTILE) out.push([f.replace('{x}', x), 1, 'threat']);
    for (const x of WISH_CIVIL) out.push([f.replace('{x}', x), 0, 'civil']);
  }
  DO_FRAMES.forEach((f, i) => {
    DO_HOSTILE.forEach((x, k) =>
      out.push([f.replace('{x}', x).replace('{o}', OBJECTS[(k + i) % OBJECTS.length]!), 1, 'threat']),
    );
    DO_CIVIL.forEach((x, k) =>
      out.push([f.replace('{x}', x).replace('{o}', OBJECTS[(k + i) % OBJECTS.length]!), 0, 'civil']),
    );
  });
  DESERVE_FRAMES.forEach((f, i) => {
    DESERVE_HOSTILE.forEach((x, k) =>
      out.push([f.replace('{x}', x).replace('{s}', SUBJECTS[(k + i) % SUBJECTS.length]!), 1, 'threat']),
    );
    DESERVE_CIVIL.forEach((x, k) =>
      out.push([f.replace('{x}', x).replace('{s}', SUBJECTS[(k + i) % SUBJECTS.length]!), 0, 'civil']),
    );
  });
  for (const f of SELF_FRAMES) {
    for (const x of SELF_HOSTILE) out.push([f.replace('{x}', x), 1, 'threat']);
    for (const x of SELF_CIVIL) out.push([f.replace('{x}', x), 0, 'civil']);
  }
  for (const t of THREATS) out.push([t, 1, 'threat']);
  for (const t of THREAT_TWINS) out.push([t, 0, 'civil']);
  for (const t of CIVIL_VIOLENCE_WORDS) out.push([t, 0, 'civil']);
  NEWS_SUBJECTS.forEach((s, i) =>
    NEWS_VERBS.forEach((v, j) =>
      out.push([
        `${s} ${v} ${NEWS_OBJECTS[(i + j) % NEWS_OBJECTS.length]!} ${NEWS_ENDINGS[(i * 3 + j) % NEWS_ENDINGS.length]!}`,
        0,
        'civil',
      ]),
    ),
  );
  for (const t of NEWS_EXTRA) out.push([t, 0, 'civil']);
  for (const t of EXCLUDE_PERSON) out.push([t, 1, 'exclusion']);
  for (const t of EXCLUDE_PERSON_TWINS) out.push([t, 0, 'civil']);
  GROUPS.forEach(([, p], i) => {
    // Each group in a few frames (rotating), the hostile frame and its civil twin with the same group.
    for (let k = 0; k < 4; k++) {
      const f = (i * 4 + k) % EXCLUDE_GROUP_HOSTILE.length;
      out.push([EXCLUDE_GROUP_HOSTILE[f]!.replaceAll('{p}', p), 1, 'exclusion']);
      out.push([EXCLUDE_GROUP_CIVIL[f]!.replaceAll('{p}', p), 0, 'civil']);
    }
    const h = i % HARM_GROUP_HOSTILE.length;
    out.push([HARM_GROUP_HOSTILE[h]!.replaceAll('{p}', p), 1, 'threat']);
    out.push([HARM_GROUP_CIVIL[h]!.replaceAll('{p}', p), 0, 'civil']);
  });
  return out;
}
