import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createModelClassifier } from '#shared/scoring/model/classifier.js';
import {
  applyPhrases,
  createCommentModel,
  HEAD_ATTRIBUTES,
  type HeadAttribute,
  type LexiconFindings,
  phraseRests,
} from '#shared/scoring/model/comment.js';
import { loadModel } from '#shared/scoring/model/index.js';
import { findCodedHate } from '#shared/scoring/coded-hate.js';
import { createLexiconClassifier } from '#shared/scoring/lexicon.js';
import { findGroupHate, onlyDeniesHate } from '#shared/scoring/group-phrases.js';
import { withoutUndirectedProfanity } from '#shared/scoring/profanity.js';
import { withoutVerdictsOnThings } from '#shared/scoring/verdicts.js';
import { SWAPPABLE_INSULTS, unswapInsults } from '#shared/scoring/swapped-insults.js';
import { findSwappedSlurs } from '#shared/scoring/swapped-slurs.js';
import { findThreatClauses } from '#shared/scoring/threat-clauses.js';
import { findThreats } from '#shared/scoring/threat-phrases.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';

// The embedded scorer's classifier, built once for the file (the lexicon's matcher is compiled on creation).
const classifier = createModelClassifier(loadModel(), createLexiconClassifier());

/** Any text around a sample: finding never throws, and every span lies inside the text. */
function spansStayInside(find: (text: string) => { start: number; end: number }[], samples: string[], seed: number) {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...samples), (noise, t) => {
      const text = `${noise} ${t} ${noise}`;
      for (const s of find(text)) assert.ok(0 <= s.start && s.start < s.end && s.end <= text.length);
    }),
    { seed, numRuns: 2_000 },
  );
}

/** The embedded scorer holds the text for review (not rejected), with IDENTITY_ATTACK floored and a span for it. */
function assertHeldAsIdentityAttack(text: string) {
  const r = classifier.classifyComment({ text });
  assert.ok(r.attributes.TOXICITY! >= DEFAULT_SETTINGS.thresholds.hold.TOXICITY!, text);
  assert.ok(r.attributes.IDENTITY_ATTACK! >= 0.9, text);
  assert.ok(r.attributes.SEVERE_TOXICITY! < DEFAULT_SETTINGS.thresholds.reject.SEVERE_TOXICITY!, text);
  assert.ok(
    r.spans?.some((s) => s.attribute === 'IDENTITY_ATTACK'),
    text,
  );
}

// Written for this test, one or more per shape; none is a functional-suite case.
const THREATS = [
  // intent, conditional intent
  'I will kill you',
  "i'll shoot him",
  "I'm going to stab you",
  'im gonna kill u',
  'imma kill you',
  'we are going to hang them all',
  'If you come here again I will break your legs',
  "if I see him I'd kill him",
  "I'll beat the shit out of you",
  "I'm going to put a bullet in your head",
  "I'd love to strangle the editor",
  "I swear I'll burn you alive",
  "we'll make them bleed",
  // calls and orders
  'Somebody should shoot him',
  'someone needs to kill that judge',
  'we need to exterminate these people',
  'we should lynch them',
  'kill them all',
  'Hang him. Now.',
  "let's kill them all",
  // norms
  'They should all be hanged',
  'people like her deserve to die',
  'he deserves a bullet',
  'the author should be shot',
  'all immigrants should be killed',
  'Gays deserve to be beaten to death',
  'the reporter needs to be put down',
  'he should be taken out back and shot',
  // wishes
  'i hope you die',
  'hope your family gets cancer',
  'may they burn in hell',
  'I hope he gets shot',
  'i wish you would die',
  "I'd love to see them hang",
  // menace, orders to die
  'I know where you live',
  "you're dead meat",
  "you'll be shot",
  'kill yourself',
  'go die in a fire',
  'kys',
  'get a rope',
  '"I will kill you" — and I mean it',
  "'I will kill you' — and I mean it",
  "If you don't leave now I will kill you",
  "I'm not joking, I will kill you",
  'we should lynch them',
  // menace as a promise, conditional menace
  'I will find you.',
  "I'm going to hunt him down and make him pay",
  'We will track you down like the rat you are',
  'Watch your back.',
  "You'd better watch your back, pal",
  "Say that again and you're dead",
  "Write one more article like this and you'll be a dead man",
  "I'll make you regret it",
  'Better sleep with one eye open',
  "I'm going to punch you in the face",
  'someone should slap that reporter',
  "I'll rip your head off",
  "I'll break every bone in your body",
  "I'm going to end you.",
  'you should end your life',
  'We will end his miserable life',
  'The mayor should be flogged',
  'Traitors like him should be lined up against a wall',
  'they should all be thrown off a roof',
  'That judge deserves to be dragged into the street',
  'People like her should be set on fire',
  "I'll make you pay for this.",
  "We're coming for you and your family.",
  // a body broken or smashed, by the writer, on a call, or wished
  "I'm going to smash your face in",
  "we'll cave his skull in",
  'ima knock ur teeth out',
  'Ill kick your head in',
  "i'm breaking both your legs when i see you",
  "Somebody please break that columnist's jaw",
  'I hope you get your face smashed in',
  'that judge should have his hands cut off',
  'Going to break his legs tonight.',
  "Someone's gotta shoot this guy",
  // weapons and blows deserved, norms with wider subjects
  'he deserves a bat to the head',
  'Anyone who voted for this deserves the noose',
  'Traitors should face a firing squad',
  'people like him deserve to have their homes burned',
  'The whole cabinet should be lined up and shot',
  'Anyone who votes for her deserves to be knifed',
  'Bankers like these should be doused in petrol',
  // arson, the road, the grave
  "I'll burn your house down",
  'we will torch the place with them inside',
  "I'll run him off the road",
  'we will put you in the ground',
  "I'll put a bullet in him",
  // what is coming to "you"
  "Keep talking and you'll leave in an ambulance",
  "you'll be eating through a straw",
  "Show up again and you won't leave in one piece",
  "I'll make sure you never walk again",
  "you'll get both barrels",
  "you're dead, pal",
  "He is back in town? He's a dead man.",
  // wishes
  'I hope someone shoots him',
  'fingers crossed somebody stabs the lot of them',
  'would love to see him swinging from a lamppost',
  'hope they all drown in the channel',
  'hope the bus crashes and they all die',
  'Wishing a slow painful death on the whole editorial team',
  "Let's hope the minister has a nasty accident",
  // menace, incitement
  "It'd be a shame if something happened to your kids",
  'We know which school your son goes to.',
  "I'd start watching my back if I were you",
  'someone should pay him a visit with a crowbar',
  'we should all go down there and start cracking skulls',
  "we're having a hanging at the town hall",
  // acid, bombs, fire, the road; orders; the police called on
  "someone should throw acid in that presenter's face",
  "I'll put a bomb under his car",
  'Set the chairman on fire.',
  'Burn their office down with them inside it.',
  'Mow them down.',
  'String the lot of them up.',
  'The police should open fire on the marchers',
  'Find him and give him a proper kicking',
  "we'll make sure he goes home in a wheelchair",
  'that ref is getting glassed after the match',
  'Every one of those judges should be hanged',
  'The cricket board chairman must be publicly hanged',
  "I'm coming to your office with a shotgun",
  'hope his plane crashes',
  'That linesman wants a knife in his ribs',
  // slang, wider subjects, a walk before the act, buildings with people in them
  'Somebody needs to put a bullet in that senator',
  'I hope somebody runs the mayor over',
  "I'll wait for him after the meeting and stab him",
  "I'd love to be the one to strangle him",
  'im finna break both ur legs',
  'ima bust a cap in that landlord',
  'that ref is gettin merked after the game',
  'that columnist is gonna end up in a body bag',
  'We need to start shooting the politicians',
  'Someone should burn down that mosque',
  'Whoever wrote this should be shot.',
  'Landlords who evict families should be curb-stomped',
  'The only good cop is a dead one',
  'Line them all up against the wall.',
  'Round up the bankers and hang them all.',
  'Trespassers will be shot on sight',
  'Every one of those MPs deserves the guillotine',
  // conditional: the outcome of a condition put to the one threatened
  'If you print my address again you die.',
  'Try that again and ur dead bro',
  "Touch my van one more time and you're dead, mate.",
  "If you testify you won't live to see the verdict.",
  "Next time that linesman flags us offside he won't make it to the car park.",
  "Keep it up and you'll get a bottle across the back of the head.",
  "If the landlord changes the locks he's getting a hammer to the face.",
  "Say that to me at the game and you're going to hospital.",
  "Snitch on us and you're getting hit.",
  "Give the fans another decision like that and he'll get the beating he deserves.",
  "If the reporter comes back to my estate he'll be going home in an ambulance.",
  'Evict my gran and that bailiff will not leave the street in one piece.',
  "Unless the coach picks my son, he won't walk right again.",
  'Whoever moves my fence again gets shot.',
  'Anyone caught dumping rubbish on our lane will be beaten up.',
  'Refuse the permit and the officers will be met with machetes.',
  "If he publishes my address he'll be found in a ditch.",
  'If that judge frees my attacker, someone will put her in the river.',
  'Unless the ref apologises the lads will break his legs.',
  'If you take my stall away I find you and I break your hands.',
  "If he gets bail I'll be waiting outside the court with a knife.",
  "If my boy gets expelled I'm bringing a shotgun to the hearing.",
  'if that teacher shouts at my kid again shes going through the window',
  "If you print my name you'll be needing a surgeon.",
  "Block my drive again and you'll be bleeding on the floor.",
  // intent, more forms
  "I'm coming round to break your legs.",
  "I'll put you through the shop window.",
  "I'll be putting him through a wall.",
  'I will rip your tongue out.',
  "Keep calling my wife and I'll break every bone in your hand.",
  "I'm torching your van tonight.",
  'I will beat you to a pulp.',
  "I'll beat him black and blue.",
  "I'll make sure his wife gets hurt.",
  'Someone should throw him off the top of the stand.',
  'Somebody should run the mayor off the road.',
  'Drivers should just run them over.',
  "Her family should kill him and I'd help.",
  'I hope the fans string him up.',
  "Next time you knock on my door I'm setting the dogs on you.",
  'bitch i will cut you',
  "I'll shut your mouth for good.",
  "We'll send them back in coffins.",
  "I'll torch the whole newsroom with you lot in it.",
  "We're burning his car and him in it.",
  "We've already dug his grave.",
  'Start counting your days.',
  // a plural possessive whose family is named is still the object
  "I'll kill the journalists' kids.",
  "Someone should shoot the councillors' families.",
];

const NOT_THREATS = [
  // the same verbs, no person as object
  'kill the bill',
  "i'll kill it tonight",
  'we need to kill this proposal',
  'we will beat them on saturday',
  "we'll destroy them in the election",
  'I will hang her picture on the wall',
  "I'll shoot you an email",
  'we should hang out',
  'kill them with kindness',
  'the bill should die in committee',
  // reported, past or passive without a norm
  'the suspect will kill again',
  'police said he threatened to kill two people',
  'the man was shot dead on tuesday',
  'he was sentenced to be hanged',
  'Should the suspect be executed?',
  'murderers should face trial',
  // negated
  'i would never hurt you',
  'nobody deserves to die',
  'no one should be killed for their beliefs',
  'they should not be hanged',
  "i hope you don't die",
  "don't kill yourself",
  // civil wishes and idioms
  'I hope you win',
  'i hope they get well soon',
  "you'll kill yourself laughing",
  'drop dead gorgeous',
  "you're dead wrong",
  "we're all going to die of heat",
  "you'll get hurt if you don't stretch",
  'I hope no one gets hurt',
  'she deserves the death penalty',
  // a pronoun must end its word; "kill yourself" only as an order; reported or rejected quotations
  'kill your own bill, senator',
  'if you kill yourself over exams nobody wins',
  'how to shoot yourself in the foot, a guide by the council',
  'In the play the queen shouts "off with his head!" at everyone',
  'The protesters chanted "hang them all" and were arrested',
  // everyday senses of the same words (things, elections, sport, grief, health)
  'If you have old family photos you should hang them in the hallway.',
  'If you see a spotted lanternfly, you should kill them.',
  "We need to kill the mayor's plan.",
  'His family must be gutted.',
  'The Democrats need to be beaten in November.',
  'I hope the Republicans get wiped out in the midterms.',
  'He should hang his head in shame.',
  'You should swing by the farmers market on Saturday.',
  'The fires are raging; I hope they die down soon.',
  'I hope you get cancer screening done early, it saved my life.',
  "Invest in that scheme and you'll get burned.",
  "If you get caught in a rip current, you're dead.",
  'The mentally ill hurt themselves far more often than others.',
  'Watch your back when shovelling snow.',
  "I'll find you a seat near the front",
  'We will get you there on time',
  "I'll deal with you later, I'm on the phone",
  "They're coming for your pensions next",
  "I'll get him to call you back",
  "Don't worry, I'll find you at the station",
  "We'll make them pay at the ballot box",
  "You'll regret buying that car",
  "If you don't vote you'll regret it",
  "Pay the fine and you're done",
  // the same words among friends, in sport, at home, on the road
  "I'll make you pay for dinner next time",
  'We should make them regret it at the ballot box',
  "Text while driving at 70 and you're dead",
  'Miss one jump and you are dead, back to the start.',
  'Scammers are active again, so watch your back out there.',
  'Every new parent learns to sleep with one eye open.',
  'Lost your dog in the park? Stay calm, we will find him!',
  'Slap him on the back and tell him well played',
  'They should slap those officers with a lengthy suspension.',
  'We should end his lifetime ban now',
  'The vet said we should end her life peacefully',
  'He should be flogged to a Saudi club in the summer',
  'We need to get shot of this manager',
  'The sofas should be put against the wall',
  'The old bins need to be dragged into the street on Monday',
  'Detectives vowed: we will hunt him down and bring him to justice.',
  'Stay put at the station, I will come for you.',
  'Liverpool, we are coming for you!',
  // somebody else's words, reported
  '"I\'m going to punch him into next week," Fury said at the weigh-in.',
  "'I will kill you,' said the villain in the second act.",
  "I'll end you, the chess prodigy joked to Carlsen before their rematch.",
  'Usyk told the press conference: I will punch him until he drops.',
  'ISIS decreed that gay people should be thrown off a roof; the trial heard from survivors.',
  'Under that law, women must be stoned to death for adultery.',
  'Detectives vowed: we will hunt him down and bring him to justice.',
  'Our team will punch above its weight this season',
  "I'll punch in the numbers tomorrow",
  'He will end his career at Arsenal',
  "I'll end your subscription if you keep spamming",
  'We will rip off the old wallpaper',
  "Let's end the year on a high",
  'These kids need to be whipped into shape',
  'He should be flogged off to a rival club in January',
  'He should get stoned and relax for once',
  'The posters should be put against the wall by the door',
  'The bonfire should be set on fire at eight',
  // the new shapes' words about things, sport, warnings, reports and quotations
  "You'll break your neck on those stairs if they don't fix them",
  'He broke his leg in the first half and was carried off',
  "I'm going to kill the weeds this weekend",
  "We'll smash them on Saturday",
  "I'll smash it tonight at the gig",
  "We'll put one in the back of the net",
  "I'm putting a bullet in the chamber, then the safety goes on",
  "The mayor's house burned down with him inside, police said",
  'I hope the man who stabbed her gets life',
  'I hope no one gets shot tonight',
  "If you keep eating like that you'll end up in hospital",
  "Keep writing about the hospital and you'll leave in an ambulance queue like the rest of us",
  'Anyone who thinks the bill should be killed is wrong',
  'It would be a shame if something happened to the NHS',
  'We know where you stand on this',
  "You're dead right, mate",
  "He's a dead man walking after that vote",
  "The line 'I will kill you' was the best bit of the film",
  "Posting 'I will kill you' under a story is a crime",
  "Saying 'I hope you die' to a reporter is a crime",
  'Whoever wrote that all immigrants should be hanged should be banned',
  'He said black women should be beaten, and he was sacked for it',
  "We're having a hanging basket contest",
  'Smash the garlic, then crack the eggs into the pan',
  'The council should be scrapped and merged with the county',
  'You deserve a pat on the back for this',
  'He deserves a slap on the wrist at most',
  'He was jailed for throwing acid at his ex-partner',
  'The pictures should be hung in the hallway',
  'The bunting should be strung up across the high street',
  'Speedy deletion needs to be kneecapped before it eats the wiki',
  'People are getting killed on this road every month',
  "Let's give the Tories a good kicking at the polls",
  "I'm coming to the allotment with a hammer and nails",
  'The number of people in this thread wishing death on the reporter is scary',
  'I hope his plane lands safely',
  'Police opened fire on the crowd in 1972, the inquiry found',
  'I hope somebody runs the numbers over again before the vote',
  "I'll wait for the bus and then shoot the breeze with you",
  'We need to start shooting the second half better',
  'The council voted to burn down the old hostel after the fire inspection',
  'He was shot dead by a sniper, the court heard',
  'Parents who smack their children should be prosecuted',
  // the same shapes, no threat: warnings, sport, reports, the condition itself
  "Fix that junction or someone's going to get killed.",
  "Touch my last biscuit and you're dead to me, Dave.",
  'Sleep when you are dead, as my dad used to say.',
  'He will keep talking about it until the day he dies.',
  "If the ambulance is late he won't make it home, the doctor said.",
  "If he keeps playing like that he'll get a kicking at the polls.",
  'Politically he is a dead man after that vote.',
  'If they deport him he gets killed, his lawyer says.',
  "If that crossing guard gets clipped by a pickup she'll be killed.",
  "If you cross there you're getting hit by a car one day.",
  'If the board sacks him it will kill the club.',
  "If we play like that on Saturday we'll smash them.",
  "If it rains I'll be there with an umbrella and a flask.",
  "If I'm picked I'll be at the nets with my bat.",
  'The court heard he messaged her "testify and you die".',
  'Women get raped when police ignore the warnings, and nothing changes.',
  'Refs like him deserve a kicking from the review panel.',
  "He's digging his own grave with these comments.",
  'Keep an eye on the referee from the stand.',
  'They threw him under the bus at the first chance.',
  'If you put that through the window display it will sell.',
  "If the deal goes through he's going through the roof with joy.",
  'Once the results are in, the losers will be cut down to size at the polls.',
  'Every team in this league will be beaten by them.',
  "If you get caught in the undertow you're dead, so swim between the flags.",
  // read by a review: warnings, sport, medicine, animals, things
  'If we lose to Villa again on Saturday, he is dead.',
  "Look away from the road for two seconds and you're dead.",
  "My uncle smoked forty a day for fifty years and he's dead.",
  'If you look at your phone at 70mph, you die.',
  "If the inquiry drags on like Hillsborough, he won't live to see justice.",
  "If you get bitten by an adder, you're going to hospital.",
  "If you cycle down the A6 at night without lights, you're getting hit.",
  "If Sunak calls an election now he'll get a kicking in May.",
  "If AJ fights Usyk again, he's going to get knocked out.",
  "If the surgery fails, he won't walk again.",
  'Any dog that bites a child and draws blood gets put down.',
  'Every tree along the avenue will be cut down if the council gets its way.',
  'If he calls an early election, the prime minister will be slaughtered.',
  "If they don't find him soon, I fear he'll be found dead.",
  "If you don't wear a seatbelt, you're going through the windscreen.",
  "If you're on blood thinners you'll be bleeding for hours.",
  "If the hernia gets worse you'll need a surgeon.",
  'When my toddler has a cold I blow her nose.',
  'When trade is slow we cut her hours.',
  "If you need a hand with the shelves I'll be round with a hammer on Saturday.",
  "If the council doesn't grit that hill, someone will break their neck.",
  'If the kids keep crossing there, someone will run them over.',
  'If my brother crashes the car again, my dad will kill him!',
  'If the inquiry goes badly, someone will hang him out to dry.',
  'If he starts Maguire again the fans will kill him.',
  "Bring tissues: you'll leave the cinema in bits.",
  "After the extraction you'll be drinking through a straw for a day.",
  'They should cut him before the season starts.',
  "We'll lay her out flat on the bed for the viewing.",
  "I'll put them through your door tomorrow.",
  'You should push the snow off the roof before it freezes.',
  'They should chuck the statue in the harbour.',
  "We'll string them up over the patio for the party.",
  'You should make sure your will is executed by someone you trust.',
  "We're going to beat them until they're relegated.",
  "I'll be knocking their heads together at the next meeting.",
  'Just retired? Start counting your days in the garden.',
  'When a parishioner dies I dig their grave by hand.',
  // a plural possessive names what is theirs, not them
  "We should kill MPs' pay rise before it passes.",
  "Let's kill the councillors' plan for the bypass.",
  "They should hang the refugees' artwork in the town hall.",
  "We must smash the cyclists' record on Sunday.",
  "Let's burn the politicians' promises in a bonfire of broken pledges.",
];

describe('threats by their grammar', () => {
  it('when a text threatens, calls for, wishes or orders violence against a person or a group, then it is found', () => {
    for (const t of THREATS) assert.ok(findThreats(t).length > 0, t);
  });

  it('when the same words hit a thing, report violence, are negated or are an idiom, then nothing is found', () => {
    for (const t of NOT_THREATS) assert.deepEqual(findThreats(t), [], t);
  });

  it('when a threat sits inside other text, then its span covers it exactly', () => {
    const text = 'Nice article. But if I see the editor again I will kill him, believe me.';
    const [span, ...more] = findThreats(text);
    assert.equal(more.length, 0);
    assert.equal(text.slice(span!.start, span!.end), 'I will kill him');
  });

  it('when the text is any string at all, then finding never throws and every span lies inside the text', () => {
    spansStayInside(findThreats, [...THREATS, ...NOT_THREATS], 7);
  });

  it('when the embedded scorer reads a threat, then the comment is held (not rejected) with THREAT and its span; a civil twin is not held', () => {
    const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
    const reject = DEFAULT_SETTINGS.thresholds.reject.SEVERE_TOXICITY!;
    const threat = classifier.classifyComment({ text: 'someone needs to kill that judge' });
    assert.ok(threat.attributes.TOXICITY! >= hold, String(threat.attributes.TOXICITY));
    assert.ok(threat.attributes.THREAT! >= 0.9);
    assert.ok((threat.attributes.SEVERE_TOXICITY ?? 0) < reject);
    assert.deepEqual(
      threat.spans?.filter((s) => s.attribute === 'THREAT'),
      [{ start: 0, end: 32, attribute: 'THREAT' }],
    );
    const civil = classifier.classifyComment({ text: 'someone needs to call that judge' });
    assert.ok(civil.attributes.TOXICITY! < hold, String(civil.attributes.TOXICITY));
    assert.equal(
      civil.spans?.some((s) => s.attribute === 'THREAT'),
      false,
    );
  });

  it("when a reply only agrees with a threatening parent, then it inherits the parent's hold", () => {
    const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
    const reply = classifier.classifyComment({ text: 'exactly', parentText: 'someone needs to kill that judge' });
    assert.ok(reply.attributes.TOXICITY! >= hold, String(reply.attributes.TOXICITY));
  });
});

describe('threats read clause by clause', () => {
  // Written for this test; none is a case of the functional suite or of a set the rules were measured on.
  const CLAUSE_THREATS = [
    'grab your bats lads, the planning officer lives on Mill Lane',
    'If the council shuts our library, the leader is getting a brick through his window.',
    'Keep printing lies about us and we start torching your office.',
    'Time for the town to string up every councillor who voted for the tip.',
    'Wishing that MP a house fire this winter.',
    'Any protester who blocks my road is getting a bat to the head.',
    "I've got a crowbar in the boot for the bailiff.",
    'Journalists like you want putting in the ground.',
    'Round up a few mates and batter the next warden who tickets you.',
    "Touch my van again and you'll end up in hospital.",
    'Honk at my kids again and I will drag you out of the car.',
    "Keep parking on my verge and I'll put you in intensive care.",
    'If you touch my car again I will wreck you.',
    "If you shout at my mum again I'll tear you limb from limb.",
    'Mess with my dog again and I will bury you.',
    "Print my address and you'll be sorry.",
    'Publish that photo of my kids and you will need a bodyguard.',
    "If you report me again you won't see Christmas.",
  ];
  const NOT_CLAUSE_THREATS = [
    'I will bury you at chess on Thursday, bring snacks.',
    'We will tear them apart on Saturday if the back four stay fit.',
    'If you want to watch the sunrise, I know where you can park for free.',
    "The court heard he had written 'show your face and you're getting stabbed' in a message to the victim.",
    'If the fever spikes, the doctor will put her in the hospital ward overnight, she said.',
    "If you buy that car you'll be sorry.",
    'If the bus is late again you will need a bodyguard to get through the crowd.',
    'I could murder a curry after that match.',
    'We will batter them on Saturday, mark my words.',
    'The man who stabbed him was jailed for nine years.',
    'That junction is going to kill someone one day.',
    'The death penalty should be brought back for terrorists.',
    "Threats to burn the reporter's house are disgusting and should be reported to police.",
    'If you publish this again, I will complain to the press regulator.',
    'Shoot me an email and I will send the figures.',
    'My wife will kill me if I miss the school play.',
    'Enjoy the sunshine while you can, rain is back on Friday.',
    'We know where the problem is: the drains on Mill Lane.',
    'Hope the police catch whoever torched the van.',
    'They should hang that portrait of the mayor in the town hall.',
    'Police say the gunman who shot two men has been arrested.',
    'Take our guns away and only criminals will have them.',
    'You can always sleep when you are dead.',
    'I would never hurt that reporter, whatever he writes.',
    'Will someone finally take the council to court over the potholes?',
    "Cycle down Station Road at rush hour and you'll end up in hospital.",
    'Scrub the potatoes, stab them all over with a fork and bake for an hour.',
    'We will bury him under the apple tree he loved, he was the best cat.',
  ];

  it('when a sentence has a stance, an act or a fate aimed at someone, or a weapon brought for them, then it is found', () => {
    for (const t of CLAUSE_THREATS) assert.ok(findThreatClauses(t).length > 0, t);
    // the shapes do not read these: the clauses are what holds them
    assert.ok(CLAUSE_THREATS.filter((t) => findThreats(t).length === 0).length >= 7);
  });

  it('when the words are an idiom, a sport, a report, a warning, a policy, a negation or a question, then nothing is found', () => {
    for (const t of NOT_CLAUSE_THREATS) assert.deepEqual(findThreatClauses(t), [], t);
  });

  it("when a threat is one sentence of several, then its span is that sentence; a menace's span is its own words", () => {
    const text = 'Good piece. Any protester who blocks my road is getting a bat to the head. Thanks.';
    assert.deepEqual(
      findThreatClauses(text).map((s) => text.slice(s.start, s.end)),
      [' Any protester who blocks my road is getting a bat to the head'],
    );
    const menace = 'Nice car you drive, councillor. Shame if something happened to it.';
    assert.deepEqual(
      findThreatClauses(menace).map((s) => menace.slice(s.start, s.end)),
      ['Shame if something happened to it'],
    );
  });

  it('when the text is any string at all, then finding never throws and every span lies inside the text', () => {
    spansStayInside(findThreatClauses, [...CLAUSE_THREATS, ...NOT_CLAUSE_THREATS], 11);
  });

  it('when the embedded scorer reads one, then the comment is held (not rejected) with a THREAT span; its civil twins are not held', () => {
    const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
    const reject = DEFAULT_SETTINGS.thresholds.reject.SEVERE_TOXICITY!;
    for (const text of CLAUSE_THREATS) {
      const r = classifier.classifyComment({ text });
      assert.ok(r.attributes.TOXICITY! >= hold && r.attributes.THREAT! >= 0.9, text);
      assert.ok((r.attributes.SEVERE_TOXICITY ?? 0) < reject, text);
      assert.ok(
        r.spans?.some((s) => s.attribute === 'THREAT'),
        text,
      );
    }
    for (const text of NOT_CLAUSE_THREATS) {
      const r = classifier.classifyComment({ text });
      assert.equal(r.spans?.some((s) => s.attribute === 'THREAT') ?? false, false, text);
    }
  });
});

// Written for this test; none is a functional-suite case.
const GROUP_HATE = [
  'muslims are rats',
  'Immigrants are nothing but parasites',
  'gay people are a disease',
  'jews are not human',
  'All Mexicans are animals',
  'these gypsies are like rats',
  'Those migrants are a plague on this country',
  "i don't trust jews",
  'I will never respect women',
  "I can't stand Muslims.",
  "We don't serve Arabs",
  'trans women are not real women',
  'immigrants are not welcome here',
  'black people should not be allowed to vote',
  "women shouldn't be allowed to drive",
  'muslims cannot be trusted',
  // stereotypes, as statements, opinions or questions
  'immigrants are all lazy',
  'I think muslims are violent',
  'why are women so hysterical?',
  'jews always lie',
  'black people are naturally more aggressive',
  // quoted, and neither reported nor rejected: the writer's own view
  '"Immigrants are vermin" — exactly right.',
  "'Immigrants are vermin' — exactly right.",
  "I'd never hire muslims",
  "I'm not racist but immigrants are vermin.",
  // exclusion and the tropes of implicit derogation
  'Women belong in the kitchen.',
  "muslims don't belong here",
  'Refugees should go back to where they came from',
  'These immigrants need to go back to their caves.',
  'you migrants should go back where you came from',
  'Women should know their place',
  'Immigrants are replacing us',
  'the migrants are invading Europe',
  'Muslims are taking over our country.',
  'immigrants have ruined this country',
  'Gypsies ruin every neighbourhood they move into',
  'Women are only good for cooking',
  "Women can't think logically",
  'immigrants cannot control themselves',
  "Women can't think.",
  'Immigrants are replacing us in our own country.',
  "Black lives don't matter",
  'Muslim lives are worth less',
  // respect, rights or a place denied, as a statement or a question
  "Immigrants don't deserve the same rights as us",
  "women don't deserve to vote",
  'Gay people have no place in our schools',
  'I would never vote for a woman',
  "I'd never hire an immigrant",
  'Why do we even let refugees in?',
  'Why should we tolerate Muslims?',
  'Why are women even allowed to vote?',
  "I won't ever hire a Muslim.",
  // rhetorical questions
  'How can anyone trust Muslims?',
  'Are trans women even human?',
  // never, not, no: what a group is said never to be or do
  'Disabled people will never be real athletes.',
  'Muslims will never integrate, whatever we do.',
  'Trans women are not women.',
  "Roma don't want to work.",
  "Afghans don't respect women.",
  'Gays should not be anywhere near children.',
  'No woman belongs in charge of an army.',
  'Being gay is not normal.',
  'Being trans is a mental illness.',
  'Mexicans are good for nothing but cheap labour.',
  'I would never rent to a Nigerian family.',
  // loaded questions
  "Name one Romanian who doesn't steal.",
  'Are Albanians even capable of honest work?',
  "Has anyone ever met a Romanian who isn't on the fiddle?",
  'Would you trust a Jamaican to look after your shop?',
  'Would you want your daughter marrying an Afghan?',
  'Why do Muslims always play the victim?',
  // no one wanting them near, kept from the children
  'Nobody in their right mind wants Somalis as neighbours.',
  'No one wants a Muslim family moving in next door.',
  "I wouldn't let my daughter anywhere near an Afghan.",
  "I wouldn't hire Muslims.",
];

const NOT_GROUP_HATE = [
  // somebody else's words in single quotation marks, the speaker named after them
  "'Muslims are vermin,’ wrote one troll, and the police are looking into it.",
  // the same shapes about something else, or a neighbour's habits, a dog, a takeaway, a camp
  'Nobody wants a waste plant in their village.',
  'Nobody wants a woman next door who practises the trumpet at 6am.',
  'Nobody wants refugees living nearby in a barracks with no heating.',
  "We'd never let our son near an Afghan hound in a flat this size.",
  "I'd never let my wife near an Indian takeaway after 10pm again.",
  "I wouldn't let my kids near a refugee camp without a guide.",
  "I wouldn't hire refugees without checking their papers.",
  // not a protected group, or not a generalisation
  'politicians are parasites',
  'rats are animals',
  "I don't trust politicians",
  'muslims are our neighbours',
  'refugees are welcome here',
  'Black people are not a monolith',
  'Why are refugees fleeing Syria?',
  'women are underpaid',
  'politicians are all liars',
  'the view of women in this film is disgusting',
  "It's a common misconception that immigrants are lazy",
  'Black people are sick and tired of police violence',
  'Pay for women is not equal to pay for men.',
  'Refugees should not be allowed to drown in the Mediterranean.',
  "I can't stand refugees sleeping rough in the cold.",
  'The Indians are destroying England in this test match.',
  'Women just kill it at the Olympics.',
  // the group is not the object
  "I don't like women's football coverage",
  "I don't accept women being paid less",
  "I don't want women to suffer",
  'women are not welcome to be abused',
  // reported, quoted or rejected
  'it is wrong to say muslims are rats',
  'He called immigrants "vermin" and was fired',
  'Saying "jews are rats" is antisemitic',
  "Saying 'jews are rats' is antisemitic",
  "The lads' 'immigrants are vermin' chant was vile",
  'they claimed gay people are a disease',
  'The minister said "refugees are a plague" on Tuesday',
  'Not all immigrants are parasites',
  "I don't think muslims are animals",
  "I don't believe Muslims are terrorists",
  // a policy's words, a place that is not a lower one, a fact, a law
  'Illegal immigrants should be deported',
  'Women belong in parliament',
  'Refugees belong in safe homes, not tents',
  "Blind people can't drive",
  "Women can't drive in some countries even now",
  'Black lives matter',
  'Refugees want to go back home when the war ends',
  'Immigrants should be able to go back home to visit family',
  'Women are taking over the newsroom, and about time.',
  "Women are taking over this city's restaurant scene",
  'Asian students are taking over our schools in the maths olympiad',
  'The Chinese destroyed everything at the swimming finals',
  'It is a racist myth that immigrants are replacing us',
  'The far right claims that migrants are invading Europe',
  'Why do we let refugees drown in the Channel?',
  'Why are refugees not allowed to work?',
  "I'd never vote for a woman who opposes abortion rights? Of course I would.",
  'Why do women earn less than men?',
  'Why should we let immigrants do the jobs we refuse?',
  "Refugees don't deserve to be treated like this",
  'I would never vote for a candidate like him',
  'Refugees should go back home once the war is over',
  'Syrian refugees should go back to their country when it is safe',
  'Why do we need immigrants? Because we have labour shortages.',
  'Why should we trust Muslims any less than Christians?',
  'I would never vote for a woman like Palin',
  "Black lives don't matter to this administration, apparently",
  'Muslim lives are worth less to Western media',
  'Immigrants will never integrate if we keep them in camps',
  // the same words in a law, a sport, a pastime, a comparison, or somebody else's view
  "Muslims can't drive to the mosque this Friday because the high street is closed",
  "Women can't lead prayers in most mosques",
  "I'll never stand a Mexican wave at Lord's",
  'I will never trust an Indian summer again',
  'As a gay man I would never date a woman',
  'I would never vote for a woman just because she is a woman',
  'Why are refugees allowed to work in Germany but not here?',
  'Immigrants are replacing us in the labour force as we retire',
  'Women are invading our golf club',
  'The All Blacks are invading Europe this autumn',
  'Politicians love to pretend refugees are invading our shores',
  'Migrants are destroying this country, said no economist ever.',
  "All Lives Matter people act as if black lives don't matter.",
  "If you think refugees don't deserve rights, you have never met one.",
  'Women should be segregated from male inmates in prison',
  'Refugees should go back where they came from, says a man whose grandparents came from Ireland.',
  'Catholics have no place in the line of succession under the 1701 Act',
  'Women belong in the fields of science',
  'Women belong in prison just as much as men when they break the law',
  'The Indians are only good for batting on flat pitches',
  "The mayor thinks immigrants don't belong in this city. He is wrong.",
  'Immigrants should stay in their lane? My Nigerian surgeon saved my life.',
  "We can't welcome refugees without a plan",
  "I don't work with immigrants, I'm a dentist",
  'How can anyone trust politicians?',
  'Who would hire refugees without work permits?',
  'Should refugees be allowed to work while they wait, or not?',
  'Should women be allowed to vote? In 1910 it was a real debate in parliament.',
  "I won't hire immigrants without papers",
  'How can we welcome refugees better?',
  'Who would hire refugees? Plenty of firms, it turns out.',
  'How can we serve women better in rural hospitals?',
  'In 1929 the Privy Council had to decide: are women really persons under the law?',
  'It is offensive to say that blacks are animals.',
  'Being trans is not a mental illness.',
  'Being gay is normal, get over it.',
  "Refugees don't want to work illegally, they want permits.",
  'Disabled people will never be treated fairly until the benefits system changes.',
  'The poles are down after the storm, so no power tonight.',
  'Travellers on the M6 face delays this weekend.',
  'Why do Muslims fast during Ramadan?',
  'Would you trust a bank to look after your savings?',
  'No woman should ever be in danger walking home.',
  "I don't think Somalis are to blame for the housing shortage.",
  // read by a review
  'Why is it always women who get blamed for the cuts?',
  'Women will never be equal in the workplace unless childcare is funded.',
  'Life for Syrians will never be normal again.',
  'Refugees will never integrate, because we never give them the chance.',
  "Asylum seekers don't work. They're not allowed to.",
  "Women don't work in construction because the sites have no facilities.",
  'British travellers never learn the language.',
  "Trans women aren't men, whatever the ruling says.",
  'Being gay is not right or wrong, it just is.',
  'My old church taught that homosexuality is a sin, which is why I left it.',
  'Are Ukrainians really capable of holding out until spring?',
  "Has anyone ever met a Filipino who isn't lovely?",
  'Would you hire a Ukrainian to do your kitchen? We did and they were brilliant.',
  'Travellers are to blame for the queues at Heathrow this morning.',
  'Why is it always the blind cord that snaps first?',
];

describe('group hate by its grammar', () => {
  it('when a text dehumanises a protected group or denies it respect, trust or a place, then it is found', () => {
    for (const t of GROUP_HATE) assert.ok(findGroupHate(t).length > 0, t);
  });

  it('when the group is not protected, not the object, or the statement is reported, quoted or rejected, then nothing is found', () => {
    for (const t of NOT_GROUP_HATE) assert.deepEqual(findGroupHate(t), [], t);
  });

  it('when the text is any string at all, then finding never throws and every span lies inside the text', () => {
    spansStayInside(findGroupHate, [...GROUP_HATE, ...NOT_GROUP_HATE], 11);
  });

  it('when the embedded scorer reads it, then the comment is held (not rejected) with IDENTITY_ATTACK and its span; the same words about a non-protected group are not held', () => {
    const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
    const reject = DEFAULT_SETTINGS.thresholds.reject.SEVERE_TOXICITY!;
    const text = 'Honestly, I will never hire Arabs';
    const hate = classifier.classifyComment({ text });
    assert.ok(hate.attributes.TOXICITY! >= hold, String(hate.attributes.TOXICITY));
    assert.ok(hate.attributes.IDENTITY_ATTACK! >= 0.9);
    assert.ok((hate.attributes.SEVERE_TOXICITY ?? 0) < reject);
    assert.deepEqual(
      hate.spans?.filter((s) => s.attribute === 'IDENTITY_ATTACK'),
      [{ start: 10, end: text.length, attribute: 'IDENTITY_ATTACK' }],
    );
    const civil = classifier.classifyComment({ text: 'Honestly, I will never hire plumbers' });
    assert.ok(civil.attributes.TOXICITY! < hold, String(civil.attributes.TOXICITY));
  });
});

describe('implicit derogation by its grammar', () => {
  const IMPLICIT_HATE = [
    'Remarkably well-spoken for a Somali lad, someone must have coached him.',
    "Honestly she's a credit to her race.",
    'A Romanian who actually pays his taxes? Frame it.',
    "Fair play, first Afghan I've met who actually works.",
    'Albanian families multiply like rabbits in every town they reach.',
    'The Eritreans nest in one town and never leave.',
    'Refugees pour in in swarms every summer.',
    'Romanians out. Every one of them.',
    'Send every last one of them home, the Syrians too.',
    'Ship the Nigerians home on the first plane.',
    'Give the Somali families a one-way ticket and call it charity.',
    'Close the borders to Muslims until we understand.',
    'Stop letting Arabs settle here.',
    'A quota on Jews in the civil service would fix it.',
    'No more mosques.',
    'Keep the trans people away from our kids.',
    'What did you expect hiring a Pakistani as treasurer?',
    'She should stick to what women are good at.',
    'Mexicans are fine picking lettuce.',
    "Made captain because she's gay, not because she can play.",
    'Only got the job because of the colour of his skin.',
    'Ticked all the diversity boxes, didn’t she.',
    "Some jobs just aren't for women.",
    'Most British Pakistanis will tell you their first loyalty is to Islamabad.',
    'Can a Catholic really be trusted in that job?',
    "Pakistanis in Bradford don't share our values.",
    'Muslims are simply incompatible with democracy.',
    'Muslims will outnumber us by 2050.',
    "I'd rather my daughter didn't bring a black lad home.",
    "Wouldn't rent to a Romanian family again.",
    "I don't want a gay teacher looking after my boys.",
    'Typical. Woman driver, wrong lane.',
  ];
  const NOT_IMPLICIT_HATE = [
    'She is remarkably articulate for a woman of ninety.',
    "Remarkably honest for a politician, I'll give him that.",
    'The refugees were treated like animals in that camp.',
    "Migrants were crammed in like cattle on the boats, it's inhumane.",
    'Muslims out in force at the vigil last night.',
    'Refugees out of work need more help.',
    'Send them home with a point, Villa!',
    'Give the pensioners a one-way ticket to bingo, ha.',
    'Close the borders to tourists during the outbreak? Too late.',
    'What did you expect from a Tory government?',
    'Muslim families breed pigeons in Bradford as a hobby.',
    "I wouldn't want a Polish builder myself, they're all booked up for months.",
    'His first loyalty is to his family, as it should be.',
    'The Polish lads in the squad say their first loyalty is to the club.',
    'Asian hornets are breeding like rabbits in Kent this summer.',
    'The plan to close the borders to refugees is cruel.',
    'Stop letting women in free before midnight, the club says.',
    'He was targeted because he is Jewish, not because of anything he said.',
    'Jews out. That was the graffiti on the synagogue wall, and the police called it a prank.',
    "I'm Jamaican and proud. Articulate for a Jamaican? Try articulate, full stop.",
    'Harvard once imposed quotas on Jewish students, a shameful chapter.',
    'Asylum seekers out of hotels and into proper housing is the right policy.',
    "She was hired because of her skills, not because she's a woman.",
    'He was sacked because of the colour of his skin, the tribunal found.',
    'The census says Muslims will outnumber Christians in two boroughs by 2031.',
    'Lovely to see a woman referee who was so calm under pressure.',
    'Typical woman driver jokes are so tired.',
    'Ticked all the boxes for the planning committee.',
    'The first Afghan I’ve met who works here was the interpreter who saved my unit.',
    'A neighbour shouted "ship the Nigerians home" at the family and I reported him.',
  ];

  it('when a text presumes a trait of a group without naming one (sarcastic praise, pests, send them home, its place), then it is found', () => {
    for (const t of IMPLICIT_HATE) assert.ok(findGroupHate(t).length > 0, t);
  });

  it('when the same words pity, report, describe or concern no protected group, then nothing is found', () => {
    for (const t of NOT_IMPLICIT_HATE) assert.deepEqual(findGroupHate(t), [], t);
  });

  it('when the text is any string at all, then finding never throws and every span lies inside the text', () => {
    spansStayInside(findGroupHate, [...IMPLICIT_HATE, ...NOT_IMPLICIT_HATE], 13);
  });

  it('when the embedded scorer reads it, then the comment is held with an IDENTITY_ATTACK span over the words', () => {
    assertHeldAsIdentityAttack('Surprisingly articulate for a black footballer, someone taught him well.');
  });
});

describe('hate asked as a question by its grammar', () => {
  const ASKED_HATE = [
    'Why do Somalis always expect handouts?',
    'Why the hell do Romanians always think they are above the law? Funny that.',
    'Why are Pakistani drivers always so bad at parking?',
    'What have the Eritreans ever given this town apart from crime?',
    'What have Albanians ever contributed?',
    'What have the Kurds ever done for this town? Nothing.',
    'When will the Afghans in Hull stop scrounging?',
    'Since when are trans women fit to coach girls?',
    'Would you trust an Iraqi surgeon with your heart? Thought not.',
    'Would you leave a Muslim man alone with your daughter?',
    'Who let these Nigerians in?',
    'Should deaf people really be allowed to drive?',
    'Are Kurds even human though?',
    'How long until Luton is majority Muslim?',
    'Jews own the media, don’t they?',
  ];
  const ASKED_IN_GOOD_FAITH = [
    'Why do Somalis always expect handouts? That is what my neighbour asked, and the answer is they do not.',
    'Why are Pakistani drivers always so bad at parking, asks a reader. The insurers say they are not.',
    'What have the Eritreans ever done to deserve this?',
    'What have Albanians ever contributed? Ismail Kadare, for a start, and a fair share of our NHS nurses.',
    'What have the Kurds ever done for this town? Nothing but good, if you ask the food bank.',
    'When will the Afghans in Hull stop being treated like criminals?',
    'Would you trust an Iraqi surgeon with your heart? We did, and she was brilliant.',
    'The exam question in 1910 was: should women really be allowed to vote?',
    'When will refugees start working if the rules forbid it for a year?',
    'Who let these Nigerians in? The Home Office did, legally, as doctors.',
    'Should deaf people be allowed to drive? They already are, and their accident rates are no higher.',
    'People still ask why Kurds stick together. Because they were scattered across four states.',
    'The claim that Jews own the media is an antisemitic lie.',
    "Jews control the banks, don't they? That's what a man shouted at the rabbi on the bus.",
    'Jews run the media, Muslims are violent: every tired cliché in one thread.',
  ];

  it('when a question presumes a trait, a place or a threat of a group and the comment leaves it unanswered, then it is found', () => {
    for (const t of ASKED_HATE) assert.ok(findGroupHate(t).length > 0, t);
  });

  it('when the same questions are answered, reported, or ask about harm done to the group, then nothing is found', () => {
    for (const t of ASKED_IN_GOOD_FAITH) assert.deepEqual(findGroupHate(t), [], t);
  });

  it('when the text is any string at all, then finding never throws and every span lies inside the text', () => {
    spansStayInside(findGroupHate, [...ASKED_HATE, ...ASKED_IN_GOOD_FAITH], 17);
  });

  it('when the embedded scorer reads an unanswered one, then the comment is held with an IDENTITY_ATTACK span over the question', () => {
    assertHeldAsIdentityAttack('What have the Eritreans ever given this town apart from crime?');
  });
});

describe('slurs with two letters swapped', () => {
  it('when a slur of five letters or more has two adjacent letters swapped, in any case, with leetspeak or a plural, then it is found', () => {
    for (const t of [
      'you ngiger',
      'FAGOGT',
      'a bunch of wetbcaks',
      'n1gegr go home',
      'trnany',
      'Chnik',
      'sipcs everywhere',
      '$ipcs everywhere',
      'T0WELHAED',
      'r@gehad',
    ]) {
      const found = findSwappedSlurs(t);
      assert.equal(found.length, 1, t);
    }
    const text = 'Ｔｈｅ ngiger said';
    const [span] = findSwappedSlurs(text);
    assert.equal(text.slice(span!.start, span!.end), 'ngiger');
  });

  it('when a word only looks like one (the slur itself, a shorter slur swapped, a reclaimed term, ordinary words), then nothing is found', () => {
    for (const t of [
      'nigger',
      'figure it out',
      'the dkye',
      'kkie',
      'chicken tikka',
      'a beaner',
      'niggardly',
      'bigger',
      'tarnished',
      'wetbacks',
      'chikn soup',
    ]) {
      assert.deepEqual(findSwappedSlurs(t), [], t);
    }
  });

  it('when the embedded scorer reads a swapped slur, then the comment is held (not rejected) with an IDENTITY_ATTACK span', () => {
    assertHeldAsIdentityAttack('Go back home, you filthy ngiger');
  });
});

describe('insults with two letters swapped', () => {
  it('when an insult or a swear word has two adjacent letters swapped, in any case, then it is spelled back in place', () => {
    assert.equal(unswapInsults('You are an idoit.'), 'You are an idiot.');
    assert.equal(unswapInsults('BASTRAD'), 'bastard');
    assert.equal(
      unswapInsults('Shut up, whroe, and take your stupdi friends'),
      'Shut up, whore, and take your stupid friends',
    );
    assert.equal(unswapInsults('ingorant retrads'), 'ignorant retards');
  });

  it('when a word only looks like one (the word itself, a word or a name of its own, a common word mistyped, part of a longer word), then the text is left alone', () => {
    for (const t of [
      'You are an idiot.',
      'King Cnut and the tide',
      'Omron sensors',
      'I am certin of it',
      'the result of the vote',
      'a carp in the pond',
      'He wore a coat',
      'idoits123',
      'predictable',
      'The Pirates retraded him',
      'the gun lobby (CRPA) says no',
      'The shistéal was broken.',
    ]) {
      assert.equal(unswapInsults(t), null, t);
    }
  });

  it('when any word of the list is read by the lexicon, then it is never one it rejects a comment for, so under the default settings a swap can hold a comment but not reject it', () => {
    const lexicon = createLexiconClassifier();
    for (const w of SWAPPABLE_INSULTS) assert.equal(lexicon.classify(`you ${w}`).attributes.SEVERE_TOXICITY ?? 0, 0, w);
  });

  it('when the embedded scorer reads a swapped insult, then it scores the comment as spelled right, with the span over the word as written', () => {
    for (const [swapped, right] of [
      ['You absolute bastrad, nobody asked you.', 'You absolute bastard, nobody asked you.'],
      ['Shut up, you whroe.', 'Shut up, you whore.'],
      ['Nobody cares what you think, you pathetic idoit.', 'Nobody cares what you think, you pathetic idiot.'],
    ] as const) {
      const a = classifier.classifyComment({ text: swapped });
      const b = classifier.classifyComment({ text: right });
      assert.deepEqual(a.attributes, b.attributes, swapped);
      assert.ok(a.attributes.TOXICITY! >= DEFAULT_SETTINGS.thresholds.hold.TOXICITY!, swapped);
      assert.deepEqual(a.spans, b.spans, swapped);
    }
    const text = 'Shut up, you whroe.';
    const span = classifier.classifyComment({ text }).spans!.find((s) => s.attribute === 'INSULT')!;
    assert.equal(text.slice(span.start, span.end), 'whroe');
  });
});

describe('coded hate', () => {
  const CODED = [
    '(((They))) run the papers, obviously.',
    '13/50. Look it up.',
    'Sure, he dindu nuffin.',
    'The goyim know.',
    'Kalergi plan, right on schedule.',
    'Rootless cosmopolitans will love this.',
    'Welcome to Londonistan.',
    'Thank the culture enrichers for the new knife bins.',
    'Alphabet people want a second month now.',
    'Another rapefugee in court.',
    'Troons in the changing rooms again.',
    'She is a diversity hire and it shows.',
    'Creeping sharia in our schools.',
    'ZOG runs the place.',
    'Stop white genocide.',
    'muzzies out',
    'Bunch of towelheads.',
    '1488, brothers.',
    "I'm not racist, but Londonistan is real.",
    "It's not a conspiracy theory, the great replacement is happening.",
    'Sounds like a diversity hire to me.',
    'In other words, (((they))) run the media.',
  ];
  const MENTIONED = [
    'The "13/50" line people keep posting ignores poverty.',
    '"Culture enrichers" is a sneer, not an argument.',
    'Calling her a diversity hire is just prejudice.',
    'White genocide is a racist conspiracy theory.',
    'The so-called great replacement has been debunked.',
    'Words like ZOG should be deleted on sight.',
    'Columbus sailed in 1492, not in 1488.',
    'It cost £1488 to fix.',
    'I played a round at Royal Troon.',
    'We read all fourteen words of the motto aloud.',
    'Globalists is a word I hear a lot in this thread.',
    'Sending (((hugs))) to the family.',
    'My kids watched Zog on Christmas Day.',
    'Merkel was awarded the Coudenhove-Kalergi Prize.',
    'The great replacement of coal by gas cut emissions.',
    'The council wants to remove kebab shops from the high street.',
    'The company has made 40 diversity hires this year.',
    'Reagan popularised the welfare queen stereotype.',
    'My son got 13/50 on his maths mock.',
    'Energy bills went up 13%, 50% more than the cap forecast.',
    '1488 people have signed the petition.',
    'Bartolomeu Dias (1488) rounded the Cape.',
    'The 14 words on the ballot paper were confusing.',
    'I know some Alphabet people who left for OpenAI.',
    'In  1488 the cape was rounded.',
    'The anchor of the evening news was excellent.',
    'Welfare reform passed the house.',
  ];

  it('when a comment uses a dog whistle, a mocking name for a group or a slur the lexicon lacks, then it is found', () => {
    for (const t of CODED) assert.equal(findCodedHate(t).length, 1, t);
    const text = 'Honestly, (((they))) own everything.';
    const [span] = findCodedHate(text);
    assert.equal(text.slice(span!.start, span!.end), '(((they)))');
  });

  it('when the term is quoted alone, named as a term, called a conspiracy or a slur, or the words are ordinary, then nothing is found', () => {
    for (const t of MENTIONED) assert.deepEqual(findCodedHate(t), [], t);
  });

  it('when the text is any string at all, then finding never throws and every span lies inside the text', () => {
    spansStayInside(findCodedHate, CODED, 29);
  });

  it('when a term is repeated a thousand times, then the first 20 are found and no more', () => {
    const found = findCodedHate('13/50 '.repeat(1_000));
    assert.equal(found.length, 20);
    assert.deepEqual(found[0], { start: 0, end: 5 });
  });

  it('when the embedded scorer reads coded hate, then the comment is held (not rejected) with an IDENTITY_ATTACK span; a mention is not held', () => {
    assertHeldAsIdentityAttack('Thank the culture enrichers for this, as usual.');
    const m = classifier.classifyComment({ text: '"Culture enrichers" is a sneer; the new bakery is great.' });
    assert.ok(m.attributes.TOXICITY! < DEFAULT_SETTINGS.thresholds.hold.TOXICITY!);
  });
});

describe('denials of hate about a group', () => {
  const DENIALS = [
    'Muslims are not terrorists.',
    'Not all immigrants are criminals',
    "I don't hate gay people",
    'I have nothing against Jews',
    "There's nothing wrong with being gay",
    'Stop blaming refugees!',
    "gay people aren't dangerous",
    'Muslims are not violent.',
    'Not every Muslim is a terrorist',
    'Gay people are no more dangerous than anyone else.',
    'It is a myth that immigrants are lazy',
    "It's racist to say that black people are criminals!",
    'The idea that Jews are greedy is an ignorant stereotype.',
    'Stop saying refugees are parasites.',
    'Muslims are not terrorists. Stop blaming them.',
    "I don't think women are stupid at all.",
    'I would never say Jews are greedy.',
    'Nobody should call refugees vermin.',
    "No, immigrants are not criminals, and it's racist to say so.",
    'Gay people are not dangerous, whatever the trolls say.',
    // the other shapes
    'We would never call immigrants vermin.',
    'I could never hate Muslims.',
    'Quit scapegoating migrants.',
    'We have nothing against refugees.',
    'No one should ever call Muslims terrorists.',
    'Women aren’t stupid.',
    'It is false that immigrants are lazy.',
    'The claim that Jews are greedy is nonsense.',
    // whom the group is no burden or danger to; "for a second"; being gay or trans
    'Disabled people are not a burden on the state.',
    "I don't believe for a second that Muslims are violent.",
    'Being gay is not a mental illness.',
    'Being trans is not a choice.',
    // a denial followed by what was never so or what the group is instead
    'Trans people are not a danger to children. Never have been.',
    'Asylum seekers are not invaders, they are people.',
    "Refugees aren't criminals. They're just people.",
    'Hindus are not backward. Stop it.',
  ];
  const NOT_DENIALS = [
    'Muslims are not terrorists, they are animals',
    'Not all immigrants are criminals, just most of them',
    "I don't hate gay people but they disgust me",
    'Muslims are terrorists',
    'Women are not smart',
    'Jews are not human',
    'politicians are not criminals',
    'It is a myth that immigrants are lazy, they are worse than lazy',
    'The idea that Jews are greedy is not wrong',
    'Muslims are not terrorists. They are animals.',
    'It is true that immigrants are criminals',
    "I don't think women are stupid, they are evil",
    'I would never say Jews are greedy in public',
    'No, immigrants are not criminals, they are vermin',
    // a denial that concedes the smear, is asked or mocked, or is rejected in its own closing
    'Not all blacks are animals.',
    'Blacks are not all animals.',
    'Not every jew is a rat.',
    'Not every woman is a human.',
    'Muslims are not terrorists???',
    '🙄 Of course refugees are never criminals.',
    'Obviously muslims are never violent.',
    'Jews are not vermin anymore.',
    "Muslims are not terrorists - that's a lie.",
    "I would never say jews are greedy, that's a lie.",
    'Women are not innately stupid.',
    // what follows the denial says more than that it never was so
    'Being gay is not normal.',
    'Being trans is not a choice, it is a mental illness.',
    'Muslims are not terrorists. Never trust them.',
    'Refugees are not invaders, they are people we should send back.',
    'Immigrants are not criminals. Never have been welcome here either.',
    // scare quotes, a denial in mocking case, a smirk or an insinuating "…" after it
    "Muslims are not 'terrorists'.",
    'mUsLiMs ArE nOt TeRrOrIsTs.',
    'Jews are not greedy 🙂',
    'Immigrants are not criminals. Never were…',
  ];

  it('when the whole comment only denies hate about a protected group, then it is a denial; with anything more, or about another group, it is not', () => {
    for (const t of DENIALS) assert.equal(onlyDeniesHate(t), true, t);
    for (const t of NOT_DENIALS) assert.equal(onlyDeniesHate(t), false, t);
  });

  it('when a comment calls a smear of a group untrue ("it isn\'t true that …"), then the smear is not read as its own', () => {
    assert.deepEqual(findGroupHate("It isn't true that immigrants don't want to learn English."), []);
    assert.deepEqual(findGroupHate('It is untrue that immigrants don’t want to learn English.'), []);
    assert.notDeepEqual(findGroupHate("It is true that immigrants don't want to learn English."), []);
  });

  it('when the embedded scorer reads a denial, then it is under the default hold; the same denial with an insult is not capped', () => {
    const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
    for (const t of DENIALS) {
      const a = classifier.classifyComment({ text: t }).attributes;
      assert.ok(a.TOXICITY! <= 0.5 && a.IDENTITY_ATTACK! <= 0.5, `${t}: ${a.TOXICITY} ${a.IDENTITY_ATTACK}`);
    }
    const insult = classifier.classifyComment({ text: 'Muslims are not terrorists, you bitch' }).attributes;
    assert.ok(insult.TOXICITY! >= hold, String(insult.TOXICITY));
  });
});

describe('swearing aimed at no one (withoutUndirectedProfanity)', () => {
  // Written for this test: ordinary comments that swear at the weather, a match, a printer or the trains.
  const CIVIL: [string, string][] = [
    ['That was a fucking brilliant save by the keeper.', 'That was a brilliant save by the keeper.'],
    ['Holy shit, what a finish to the match!', 'Holy , what a finish to the match!'],
    ["The bus was late again this morning, for fuck's sake.", "The bus was late again this morning, for 's sake."],
    ['This new parking scheme is bullshit.', 'This new parking scheme is .'],
    ['What the hell happened to the roadworks on Main Street?', 'What the happened to the roadworks on Main Street?'],
    ['It is cold as hell outside today.', 'It is cold as outside today.'],
    ['Damn, I did not expect the council to back down.', ', I did not expect the council to back down.'],
    ['The whole budget process is a total shitshow.', 'The whole budget process is a total .'],
    ['Fuck yeah, the library is finally reopening!', 'yeah, the library is finally reopening!'],
    ['Shit. I missed the deadline for the consultation.', '. I missed the deadline for the consultation.'],
    ['The trains are fucked up again because of the storm.', 'The trains are up again because of the storm.'],
    ['That concert was bloody amazing.', 'That concert was amazing.'],
    ['Who the fuck designed this roundabout?', 'Who the designed this roundabout?'],
    ["I don't give a damn about the royal wedding.", "I don't give a about the royal wedding."],
    ['The weather this week has been shitty.', 'The weather this week has been .'],
    ['This app is shit, it crashes every time I open it.', 'This app is , it crashes every time I open it.'],
    ['Oh fuck, the bridge is closed again.', 'Oh , the bridge is closed again.'],
    ['Fuck it, I am cycling to work from now on.', 'it, I am cycling to work from now on.'],
    ['The new stadium is damn impressive.', 'The new stadium is impressive.'],
    ['What a fucking joke this budget is.', 'What a joke this budget is.'],
    ['WHAT A FUCKING GOAL', 'WHAT A GOAL'],
    ['Fucking brilliant.', 'brilliant.'],
    ['The queue was fucking endless.', 'The queue was endless.'],
    ['We had a bloody good time at the fair.', 'We had a good time at the fair.'],
    [
      "Fucking hell, that's a lot of money for a bridge that goes nowhere.",
      ", that's a lot of money for a bridge that goes nowhere.",
    ],
  ];
  // Swearing at someone, or a swear word that names a person; and uses the reader does not know.
  const AIMED = [
    'Fuck you and your stupid article.',
    'Fuck the police.',
    'The mayor is a fucking idiot.',
    'Screw him, he never listens.',
    'Go to hell.',
    'What an asshole the councillor is.',
    'He is a piece of shit.',
    'Fucking tories ruined this country.',
    'Shut the fuck up, nobody asked.',
    'You are a fucking disgrace.',
    'The journalist who wrote this is a shithead.',
    'Fucking Trump should be locked up.',
    'These fucking cyclists should be banned from the roads.',
    'Your article is bullshit.',
    'Get the fuck out of my town.',
    'Eat shit and die.',
    'Motherfucker thinks he owns the place.',
    'The fucking editor should be fired.',
    'Damn fools.',
    'Damn drug addicts !!!',
    'Coughenour is a fucking toolbag.',
    'Save it. Damn the developers.',
    "Let's just execute this pile of crap.",
    'My printer is a piece of crap.',
    'Kick ass, everyone.',
    'Welcome to Hell.',
    // from a review: a swear word used as an adjective before a person or a plural, and name-calling
    "What a shit journalist, can't even spell.",
    'Fucking pakis ruined this town.',
    'Absolute fucking cretin of a councillor.',
    'Fans of that club are the biggest fucking scumbags on earth.',
    'The councillor is a shit and should resign.',
    'The chancellor is shit.',
    'Fucking chavs ruined the park.',
    'What a fucking tool this guy is.',
    // from the data sets: an epithet after a bare intensifier, a person's intensified verdict, hatred
    'Fucking toolbag.',
    "He's fucking trash.",
    'Fucking hate my landlord.',
    // from a second review: a verdict passed on to a person, or said of one
    'This article is bullshit and so is the idiot who wrote it.',
    'He talks bullshit.',
  ];

  it('when every swear word is an intensifier, an exclamation or a verdict on a thing, then the rest is returned', () => {
    for (const [text, rest] of CIVIL) assert.equal(withoutUndirectedProfanity(text), rest, text);
  });

  it('when any swear word is aimed at someone, names a person or is used otherwise, then nothing is returned', () => {
    for (const text of AIMED) assert.equal(withoutUndirectedProfanity(text), null, text);
    assert.equal(withoutUndirectedProfanity('The council meets on Tuesday.'), null);
  });

  it('when the embedded scorer reads them, then the civil ones are published and held on PROFANITY, and the aimed ones it held stay held', () => {
    const model = createCommentModel();
    for (const [text] of CIVIL) {
      const a = model.score({ text }).attributes;
      assert.ok(a.TOXICITY < 0.7, `${text}: ${a.TOXICITY}`);
    }
    for (const text of ['That was a fucking brilliant save.', 'This new parking scheme is bullshit.'])
      assert.ok(model.score({ text }).attributes.PROFANITY >= 0.7, text);
    const held = AIMED.filter((text) => model.score({ text }).attributes.TOXICITY >= 0.7);
    assert.ok(held.length >= AIMED.length - 5, `${AIMED.length - held.length} aimed comments published`);
    for (const text of [
      'Fuck you and your stupid article.',
      'He is a piece of shit.',
      'Fucking tories ruined this country.',
    ])
      assert.ok(held.includes(text), text);
  });
});

describe('harsh verdicts on things (withoutVerdictsOnThings)', () => {
  const ON_THINGS: [string, string][] = [
    ['This paywall is ridiculous.', 'This paywall is .'],
    ["The council's new bin scheme is idiotic.", "The council's new bin scheme is ."],
    ['What a pointless, stupid policy.', 'What a pointless, policy.'],
    ['This stupid parking app is garbage.', 'This parking app is .'],
    [
      'That is ridiculous. The second consultation was a waste of money.',
      'That is . The second consultation was a waste of money.',
    ],
    [
      'The new timetable is an absolute shambles and the trains are worse.',
      'The new timetable is an absolute and the trains are worse.',
    ],
    ['What a stupid headline.', 'What a headline.'],
  ];
  const AT_PEOPLE = [
    'You are pathetic.',
    'Your article is garbage.',
    'The mayor is a joke.',
    'Boris is a disgrace.',
    'What a stupid man.',
    'This reporter is a disgrace.',
    'Cyclists are brainless idiots.',
    'Ridiculous policy from a brainless minister.',
    'The new app is garbage and so are the idiots who built it.',
    'The idiot who designed this is brainless.',
    'That is such a stupid comment.',
    'What a moronic statement!',
    'He is useless and his plan is stupid.',
    'This stupid lunatic is dumb.',
  ];

  it('when every harsh word is a verdict on a thing, then the text without them is returned', () => {
    for (const [text, rest] of ON_THINGS) assert.equal(withoutVerdictsOnThings(text), rest, text);
  });

  it('when a harsh word is said of a person, of what someone said, or near the reader, then nothing is returned', () => {
    for (const text of AT_PEOPLE) assert.equal(withoutVerdictsOnThings(text), null, text);
    assert.equal(withoutVerdictsOnThings('The council meets on Tuesday.'), null);
  });

  it('when the embedded scorer reads them, then the verdicts on things are published, and the insults it held stay held', () => {
    const model = createCommentModel();
    for (const [text] of ON_THINGS) {
      const a = model.score({ text }).attributes;
      assert.ok(a.TOXICITY < 0.7, `${text}: ${a.TOXICITY}`);
    }
    // Held (0.85) before the rule: brought down to just under the default hold, not to nothing.
    assert.equal(model.score({ text: 'This paywall is ridiculous.' }).attributes.TOXICITY, 0.5);
    for (const text of ['You are pathetic.', 'Cyclists are brainless idiots.', 'What a moronic statement!'])
      assert.ok(model.score({ text }).attributes.TOXICITY >= 0.7, text);
  });
});

describe('hate a comment reports or rejects in quotation marks (the embedded scorer)', () => {
  const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
  const reject = DEFAULT_SETTINGS.thresholds.reject.SEVERE_TOXICITY!;
  it('when a reader reports or condemns what someone else said, then the comment is published', () => {
    for (const text of [
      'My daughter came home crying because a boy told her "Muslims are terrorists and should be deported". The school has to deal with this.',
      'Someone spray-painted "Gays out" on the community centre last night. Disgusting, and the police need to find who did it.',
      'A man screamed "go home, you dirty Pakis" at my dad in the car park. He was born in Leeds.',
      'Callers on the phone-in said "Roma are a plague" and the host just nodded along. Shameful.',
      // muttered, daubed, "your argument is"; "prejudice", "should not be tolerated"
      'A man on the bus muttered "Somalis are vermin" at my neighbour and the driver put him off.',
      'Someone daubed "Jews are vermin" on the bus shelter; volunteers cleaned it by noon.',
      'Comments like "Roma are a plague" should not be tolerated on this site.',
      'If your argument is "immigrants are parasites", what you have is a prejudice.',
      // a speaker after a dash, "that's what … wrote", an answer at once, a one-word dismissal, quotations in a row
      '"Kurds are vermin" — a colleague said this at lunch. My wife is Kurdish.',
      '"Roma are parasites" — that\'s what was sprayed on the community centre.',
      '"Somalis are parasites." No they\'re not. They\'re our neighbours.',
      'Gross. "Somalis are vermin" turned up in the school group chat.',
      'Pupils were repeating the line that "Pakistanis are vermin" and "Jews are a plague". We talked about where it comes from.',
    ])
      assert.ok(classifier.classifyComment({ text }).attributes.TOXICITY! < hold, text);
  });
  it('when what follows a quotation does not answer it ("No doubt.", "No surprise there"), then the quotation is still the writer\'s', () => {
    assertHeldAsIdentityAttack('"Somalis are parasites." No doubt about it.');
    assertHeldAsIdentityAttack('"Roma are vermin" and "Jews are a plague". Finally someone says it.');
  });
  it('when the quotation holds a slur, then the comment is held for a moderator, not rejected', () => {
    const r = classifier.classifyComment({
      text: 'She was called a "tranny" by a stranger on the train this morning.',
    });
    assert.ok(r.attributes.TOXICITY! >= hold);
    assert.ok(r.attributes.SEVERE_TOXICITY! < reject);
  });
  it('when the writer agrees with the hate they quote, or says it themselves, then the comment is held; a slur of their own is still rejected', () => {
    assertHeldAsIdentityAttack('He said "immigrants are vermin" and honestly he was right.');
    assertHeldAsIdentityAttack('Comments like "Roma are a plague" get deleted here, yet every town proves the point.');
    assertHeldAsIdentityAttack('I repeat: "immigrants are cockroaches".');
    const own = classifier.classifyComment({ text: 'As I always say, "go back home you kike".' });
    assert.ok(own.attributes.SEVERE_TOXICITY! >= reject);
  });
  it('when a report of hate says the speaker was rightly punished, then the comment is still published', () => {
    for (const text of [
      'The MP wrote "immigrants are vermin". He was right to resign.',
      'My grandad had a point about pay, but when he said "immigrants are vermin" he was wrong.',
      'Call me a snowflake, but writing "immigrants are vermin" on a school wall is a hate crime.',
    ])
      assert.ok(classifier.classifyComment({ text }).attributes.TOXICITY! < hold, text);
  });
});

describe('the phrase rules on given scores (applyPhrases, as the scorer and model:eval --loso apply them)', () => {
  const base = (toxicity: number) => {
    const a = Object.fromEntries(HEAD_ATTRIBUTES.map((k) => [k, 0])) as Record<HeadAttribute, number>;
    a.TOXICITY = toxicity;
    return a;
  };
  const NONE = { matches: 0, profanityOnly: true };
  const SWORE = { matches: 1, profanityOnly: true };

  it('when a text threatens or attacks a group, then TOXICITY is floored at 0.85 and the attribute at 0.9, never lowered', () => {
    const threat = base(0.2);
    assert.equal(applyPhrases(threat, 'i will kill you', NONE).length, 1);
    assert.deepEqual([threat.TOXICITY, threat.THREAT, threat.IDENTITY_ATTACK], [0.85, 0.9, 0]);
    const hate = base(0.97);
    applyPhrases(hate, 'immigrants are vermin', NONE);
    assert.deepEqual([hate.TOXICITY, hate.IDENTITY_ATTACK], [0.97, 0.9]);
  });

  it('when a text only denies hate, then it is capped at 0.5 unless the lexicon matched something in it', () => {
    const denial = base(0.8);
    assert.deepEqual(applyPhrases(denial, 'Muslims are not terrorists.', NONE), []);
    assert.equal(denial.TOXICITY, 0.5);
    const withWord = base(0.8);
    applyPhrases(withWord, 'Muslims are not terrorists.', { matches: 1, profanityOnly: true });
    assert.equal(withWord.TOXICITY, 0.8);
  });

  it('when a rule scores a text again, then it asks for one of the rests model:eval --loso scores ahead (phraseRests)', () => {
    const cases: [string, LexiconFindings][] = [
      ['That was a fucking brilliant save.', SWORE],
      ['A boy told her "muslims should be deported", which is racist.', NONE],
      ['This paywall is ridiculous.', NONE],
      ['What a stupid policy. The new bin scheme is a shambles.', NONE],
    ];
    for (const [text, findings] of cases) {
      const asked: string[] = [];
      applyPhrases(base(0.9), text, findings, (rest) => {
        asked.push(rest);
        return { TOXICITY: 0.1 };
      });
      assert.ok(asked.length > 0, `${text}: a rule scored it again`);
      for (const rest of asked) assert.ok(phraseRests(text).includes(rest), `${text}: ${rest}`);
    }
  });

  it('when every swear word aims at no one, then the scores above 0.5 come down to those of the rest but not under 0.5, and PROFANITY takes the TOXICITY they had', () => {
    const swore = { ...base(0.9), INSULT: 0.8, PROFANITY: 0.7 };
    const rests: string[] = [];
    applyPhrases(swore, 'That was a fucking brilliant save.', SWORE, (rest) => {
      rests.push(rest);
      return { TOXICITY: 0.2, INSULT: 0.9 };
    });
    assert.deepEqual(rests, ['That was a brilliant save.']);
    assert.deepEqual([swore.TOXICITY, swore.INSULT, swore.PROFANITY], [0.5, 0.8, 0.9]);
    const mild = { ...base(0.3), PROFANITY: 0.7 };
    applyPhrases(mild, 'That was a fucking brilliant save.', SWORE, () => ({ TOXICITY: 0.1 }));
    assert.deepEqual([mild.TOXICITY, mild.PROFANITY], [0.3, 0.7], 'a comment under 0.5 is left as it was');
  });

  it('when the rest cannot be scored, a swear word is aimed, a group is named or the lexicon found more, then nothing is rescored', () => {
    const cases: [string, LexiconFindings][] = [
      ['That was a fucking brilliant save.', { matches: 1, profanityOnly: false }],
      ['Fuck the police.', SWORE],
      ['Bloody immigrants everywhere.', SWORE],
      ['i will fucking kill you', SWORE],
    ];
    for (const [text, lexicon] of cases) {
      const a = base(0.9);
      applyPhrases(a, text, lexicon, () => ({ TOXICITY: 0.1 }));
      assert.ok(a.TOXICITY >= 0.85, text);
    }
    const declined = base(0.9);
    applyPhrases(declined, 'That was a fucking brilliant save.', SWORE, () => null);
    assert.equal(declined.TOXICITY, 0.9);
  });

  it('when a text reports or rejects what it quotes about a group, then its scores above 0.5 come down to those of its own words but not under 0.5', () => {
    const reported = { ...base(0.9), IDENTITY_ATTACK: 0.8 };
    const rests: string[] = [];
    applyPhrases(
      reported,
      'A man on the bus shouted "go back where you came from, you immigrants" at my mum.',
      NONE,
      (rest) => {
        rests.push(rest);
        return { TOXICITY: 0.2, IDENTITY_ATTACK: 0.1 };
      },
    );
    assert.deepEqual(rests, ['A man on the bus shouted  …  at my mum.']);
    assert.deepEqual([reported.TOXICITY, reported.IDENTITY_ATTACK], [0.5, 0.5]);
    const rejected = base(0.8);
    applyPhrases(rejected, '"Refugees are all thieves" is not a fact, it is a smear.', NONE, () => ({ TOXICITY: 0.3 }));
    assert.equal(rejected.TOXICITY, 0.5);
    const ownRude = base(0.95);
    applyPhrases(ownRude, 'He said "women belong in the kitchen", the idiot.', NONE, () => ({ TOXICITY: 0.8 }));
    assert.equal(ownRude.TOXICITY, 0.8, 'what the comment says itself still counts');
    const noGroup = base(0.8);
    applyPhrases(noGroup, 'The headline should read: "council leader is a moron".', NONE, () => ({ TOXICITY: 0.1 }));
    assert.equal(noGroup.TOXICITY, 0.8, 'an insult it quotes about no group is left to the model');
  });

  it('when a quotation it reports holds a slur, then the comment is held for a moderator, never rejected for it', () => {
    const victim = { ...base(0.97), IDENTITY_ATTACK: 0.97, SEVERE_TOXICITY: 0.97 };
    applyPhrases(
      victim,
      'After 9/11 my uncle was called a "raghead" in his own shop.',
      { matches: 1, profanityOnly: false },
      () => ({
        TOXICITY: 0.2,
      }),
    );
    assert.deepEqual([victim.TOXICITY, victim.IDENTITY_ATTACK, victim.SEVERE_TOXICITY], [0.97, 0.97, 0.9]);
  });

  it('when its own words agree with what it quotes, mock those who reject it, say it themselves, or it quotes without reporting or rejecting, then nothing is rescored', () => {
    for (const text of [
      'He said "immigrants are vermin" and honestly he was right.',
      'My dad always said "immigrants are vermin" and he’s spot on.',
      'They call it racist to say "Somalis are leeches", but it is just the truth.',
      '"Immigrants are vermin" — exactly right.',
      'My grandad always said "never trust a gypsy". Call me a bigot, he knew what he was talking about.',
      'Apparently "immigrants are animals" is offensive now. Snowflakes.',
      'As I have always said, "immigrants are vermin".',
      'They should have sprayed "immigrants are vermin" on every wall.',
      'At 6\'2" I fear nobody. Immigrants are vermin. My wife says "don\'t be racist".',
    ]) {
      const a = base(0.9);
      applyPhrases(a, text, NONE, () => ({ TOXICITY: 0.1 }));
      assert.ok(a.TOXICITY >= 0.85, text);
    }
  });

  it('when a text has none of them, then its scores are left as they were', () => {
    const civil = base(0.42);
    assert.deepEqual(
      applyPhrases(civil, 'The council meets on Tuesday.', NONE, () => ({ TOXICITY: 0 })),
      [],
    );
    assert.deepEqual(civil, base(0.42));
  });
});
