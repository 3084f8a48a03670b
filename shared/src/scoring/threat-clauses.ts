/**
 * Threats read clause by clause, where `threat-phrases.ts` reads fixed shapes: one sentence that has the writer's
 * stance towards a harm to come (intent, a call on others, a verdict that someone deserves it, a wish, a condition with
 * an outcome for its target, or a promise to "you"), a violent act or fate, and a person or group it is aimed at, in
 * the order a threat says them ("somebody needs to go round and give that reporter a proper beating", "any protester
 * who blocks my road is getting a bat to the head"); an order opening a sentence ("round up a few mates and batter the
 * next warden"); a weapon the writer brings for someone or to where people gather; and a few turns of menace across
 * the comment ("Nice car, councillor. Shame if something happened to it."). Looser than the shapes, so what stops it is
 * as much a part of it: a negation, reported speech and reports of what happened, fiction and games, sympathy,
 * quotation marks, a question, the writer as the one harmed ("my mum will kill me"), the everyday objects and arenas
 * of violent words ("kill the bill", "batter them on Saturday", "stab them all over with a fork"), and a condition
 * about the reader's own risk ("cycle there at rush hour and you'll end up in hospital"). Narrowed on a reviewer's
 * civil sentences written in its shapes (docs/model-log.md, "Threats read clause by clause").
 */

import { spokenByOthers } from './quotation.js';
import { compileShapes, type PhraseSpan } from './shapes.js';

const A = "['’]";
const W = '\\s+';
/** Up to `n` words in between. */
const GAP = (n: number) => `(?:[\\w'’-]+\\s+){0,${n}}?`;
/** Words of emphasis between an act and its object: "kill that fucking reporter". */
const EMPH = `(?:(?:fucking|effing|bloody|damn|right|straight|all|both|every|one|of)${W}){0,2}`;
/** The auxiliaries, modals and adverbs between a subject and what is to befall it: "he should really just be". */
const CHAIN = `(?:(?:will|would|shall|should|must|deserves?|deserved|needs?|ought|to|is|are|be|been|gonna|going|get|gets|getting|got|end|ends|up|all|just|really|fucking|soon|finally|one|day|rightly|publicly|slowly|painfully|properly|personally|simply|has|have|had|earned|himself|herself|themselves|${A}ll|${A}s|${A}re|${A}d|ll|s|re|d)${W}){0,5}`;

/** People as an object: pronouns, "that reporter", "the lot of them", "every one of them", a group. */
const PERSON =
  'reporter|journalist|journo|hack|writer|author|editor|columnist|mayor|councillor|councilor|councilman|mp|minister|senator|judge|magistrate|cop|copper|officer|politician|ref|referee|neighbour|neighbor|landlord|teacher|boss|bloke|man|woman|lad|kid|bitch|bastard|scum|traitor|snitch|grass|nonce|paedo|pedo|commenter|poster|troll|protester|protestor|activist|cyclist|driver|governor|president|sheriff|lawyer|solicitor|witness|owner|family|wife|husband|son|daughter|kids|children|photographer|presenter|anchor|prosecutor|official|clerk|inspector|warden|developer|banker|leader|planner|council|headteacher|headmaster|moderator|bailiff|chief|chairman|councilwoman|congressman|congresswoman|sergeant|constable|guard|doctor|nurse|vicar|imam|rabbi|priest|immigrant|migrant|refugee|muslim|jew|gay|tranny|liberal|leftie|lefty|tory|trump\\w*|democrat|republican|commie|nazi|fascist|antifa|illegal|foreigner|paki|asylum\\s+seeker';
const GROUPS =
  '(?:gay|trans|black|muslim|jewish|disabled|white|brown|asian|polish|romanian)\\s+(?:people|lads|men|women|folk|families)|immigrants|migrants|refugees|illegals|asylum\\s+seekers|muslims|jews|gays|queers|trannies|trans\\s+people|blacks|whites|arabs|mexicans|foreigners|pakis|gypsies|travellers|liberals|lefties|leftists|tories|democrats|republicans|commies|communists|nazis|fascists|antifa|protesters|protestors|rioters|cops|coppers|police|pigs|journalists|reporters|journos|hacks|politicians|mps|councillors|judges|traitors|scum|paedos|pedos|nonces|bankers|landlords|activists|cyclists|the\\s+lot\\s+of\\s+them|every\\s+(?:last|single)\\s+one(?:\\s+of\\s+them)?|all\\s+of\\s+them';
const TARGET = `(?:(?:you|ya|u|him|y${A}?all|yous|youse)\\b(?!${W}(?:a|an)${W}(?:text|email|message|line|call|dm|ticket|lift|favour|favor)\\b)|her(?=\\s*(?:$|[.,!?;:)]|${W}(?:and|if|when|tonight|now|today|tomorrow|too|with|in|at|for|again|up|down|out|off|over|before|after|first|like|dead|alive|slowly|properly|myself|ourselves|for${W}good)\\b))|(?:them|em)${W}all\\b(?!${W}over)|(?:that|this|the|those|these|your|his|her|their|every|each|some|all\\s+the|all\\s+those|any)\\s+(?:[\\w-]+\\s+){0,2}?(?:${PERSON})s?\\b(?!${A}|${W}(?:photos?|portraits?|pictures?|paintings?|car|dog|cat|home|house|room|menu|budget|business|farm|meal|trees?|name|album|allowance|expenses|record|club|bedrooms?|rope|fire|room|night|bonfire|party|time|out${W}(?:to|for|on|at|with)))|(?:${GROUPS})\\b)`;
/** What is theirs that arson or smashing aims at: "your car", "that reporter's house". */
const PROPERTY = `(?:your|ur|his|her|their|(?:that|the|this)${W}\\w+${A}s)${W}(?:\\w+${W})?(?:car|cars|house|houses|home|homes|flat|office|shop|van|place|windows?|front${W}door|door|business|mosque|church|synagogue)\\b`;
/** The same as a subject: "he", "they", "that judge". */
const SUBJECT = `(?:(?:you|he|she|they|u)\\b|(?:${TARGET}|(?<=^\\s*)(?:${PERSON})s?\\b)(?:${W}(?:off|from|on|in|at|near|of|who|that|like|\\w+ing|\\w+ed)${W}(?:[\\w'’-]+${W}){0,3}?[\\w'’-]+)?)(?:${A}\\w+)?`;

/** Violent acts in the base form. */
const ACT = [
  'kill|murder|shoot|stab|knife|shank|hang|lynch|behead|execute|torture|strangle|choke|drown|bury(?=\\s+\\S+\\s+alive)|gut|slit|maim|cripple',
  'beat(?=\\s+(?:\\w+\\s+){1,3}(?:up|to\\s+death|senseless|bloody|black|half|within|until|till)\\b)|batter|bash|thump|punch|kick(?!\\s+(?:[\\w-]+\\s+){1,4}?(?:out|off)\\b)|slap|smack|deck|knock|stomp|stamp\\s+on|glass|bottle|brick|hammer|cosh',
  'burn|burning|torch|torching|firebomb|petrol\\s*bomb|bomb|blow\\s+up|set\\s+fire\\s+to|run\\s+over|run\\s+down|mow\\s+down|gun\\s+down',
  'string\\s+up|rough\\s+up|beat\\s+up|do\\s+in|take\\s+out|sort\\s+out|finish\\s+off|wipe\\s+out|merk|pop(?=\\s+(?:a\\s+cap|one\\s+in))|smoke|waste|end(?=\\s+(?:him|her|you|u|them)(?:\\s*(?:$|[.,!?])|\\s+(?:bruv|mate|pal|son|now|tonight|soon|for\\s+good|properly|permanently)\\b))',
  'drive\\s+(?:straight\\s+)?(?:through|into)|plough\\s+(?:straight\\s+)?(?:through|into)',
  'swarm|stove|rearrange|beat\\s+(?:some|the)\\s+(?:sense|shit|crap|hell|life)\\s+(?:into|out\\s+of)|make\\s+(?=(?:him|her|them|you)\\s+(?:bleed|suffer|pay\\s+in\\s+blood|scream|beg))',
  'put\\s+(?=(?:him|her|them|you|that|the|this)\\b[^.!?;]{0,30}\\b(?:in|into|through)\\s+(?:an?\\s+|the\\s+)?(?:ambulance|hospital|wheelchair|ground|box|coffin|grave|window|wall|morgue))',
  'hurt|harm|smash|slash|come\\s+(?:for|after)|shoot\\s+up|teach\\s+(?:\\w+\\s+)?a\\s+lesson|give\\s+(?:\\w+\\s+){0,2}?a\\s+(?:good\\s+|proper\\s+|right\\s+|real\\s+)?(?:beating|kicking|hiding|slap|smack|battering|pasting|going\\s+over)|pay\\s+(?:\\w+\\s+)?a\\s+(?:\\w+\\s+)?visit',
].join('|');
/** The same done to someone: "shot", "beaten to a pulp", "strung up". */
const HARMED = [
  'killed(?!\\s+(?:cycling|driving|walking|riding|crossing|running|doing|on\\s+(?:that|the|those)|in\\s+(?:a|the)\\s+(?:crash|accident|traffic)))|murdered|shot(?!\\s+(?:of|at|down|through|up|wide|over|by\\s+the\\s+ball))|stabbed|knifed|shanked|hanged|hung(?!\\s+(?:up|out|over|on|around|round))|lynched|beheaded|executed|tortured|strangled|choked(?!\\s+(?:up|on|back))|drowned(?!\\s+(?:out|in))|buried\\s+alive',
  'gutted\\s+like|maimed|crippled|beaten(?!\\s+(?:to\\s+(?:the|it|a\\s+(?!pulp))|at|by\\s+(?:a|the)\\s+(?:\\w+\\s+)?(?:team|side|goal|point|margin)))|battered(?!\\s+(?:in|at|by\\s+(?:the\\s+)?(?:wind|storm|rain|waves)))|bashed|kicked\\s+in|punched|slapped|decked|stomped|jumped|glassed|bottled|bricked',
  'burned|burnt|torched|firebombed|bombed|blown\\s+up|run\\s+over|run\\s+down|mown\\s+down|mowed\\s+down|gunned\\s+down|strung\\s+up|roughed\\s+up',
  'taken\\s+out(?!\\s+(?:of|for|to|on))|finished\\s+off|merked|popped|put\\s+down|put\\s+in\\s+the\\s+ground',
  'put\\s+(?:six\\s+feet\\s+)?under|dealt\\s+with(?:\\s*,?\\s*(?:properly|permanently|for\\s+good|the\\s+old\\s+fashioned\\s+way))|taught\\s+a\\s+lesson',
].join('|');
/** Death and injury as nouns or states: "a bullet", "a beating", "in a body bag", "dead". */
const FATE = [
  '(?:a\\s+)?(?:slow|painful|horrible|agoni[sz]ing|violent|nasty)\\s+(?:and\\s+painful\\s+)?death|what\\W?s\\s+coming(?:\\s+to\\s+(?:him|her|them|you))?',
  '(?<!\\bthe\\s)dead(?=\\s*(?:$|[.,!?;]|\\s+(?:by|within|before|soon|now|tonight|meat|man|woman|in\\s+a|and)\\b))',
  'die(?!\\s+(?:down|out|off|hard|laughing|of|young|happy|trying|one\\s+day|some\\s*day|eventually|alone|anyway|in\\s+(?:your|his|her|their)\\s+sleep|for))|dies(?!\\s+(?:down|out|off|of))',
  'death(?!\\s+(?:nail|penalty|toll|row|sentence|rate|certificate|threats?|knell|spiral|trap|wish|of|metal|star|valley|by\\s+chocolate))|bullets|the\\s+rope|a\\s+rope\\s+(?:round|around)|a\\s+noose|the\\s+noose',
  'a\\s+(?:good\\s+|proper\\s+|right\\s+|real\\s+|serious\\s+|severe\\s+|swift\\s+)?(?:bullet|beating|kicking|hiding|slap|smack|battering|pasting)(?!\\s+(?:at|in|on|from|by|over)\\s+(?:the|a|home|their|his)\\b)',
  '(?:going\\s+home|leaving|coming\\s+out|carried\\s+out)\\s+in\\s+(?:a\\s+box|boxes|an\\s+ambulance|a\\s+body\\s*bag|body\\s*bags)|a\\s+body\\s*bag|body\\s*bags|a\\s+coffin|in\\s+a\\s+box|six\\s+feet\\s+under|in(?:to)?\\s+the\\s+ground|in\\s+a\\s+wheelchair|in(?:to)?\\s+hospital(?!\\s+(?:treatment|care|food|visit|parking|car\\s+park))|an\\s+ambulance|intensive\\s+care|an\\s+early\\s+grave',
  'a\\s+(?:bat|brick|bottle|boot|hammer|crowbar)\\s+(?:to|through|across|over|in)|a\\s+knife\\s+in|a\\s+bullet\\s+in|the\\s+firing\\s+squad|the\\s+chair|the\\s+gallows|the\\s+guillotine',
].join('|'); /** Weapons, for a call or a plan that brings them: "grab your pitchforks", "i'm bringing my rifle". */
const WEAPON =
  '(?<!\\b(?:water|nerf|toy|glue|paint|cap|starting|staple|nail|air|bubble|spud|squirt|ray|laser)[\\s-])(?:guns?|rifles?|shotguns?|pistols?|knives|knife|machetes?|blades?|axes?|bats?|baseball\\s+bats?|hammers?|crowbars?|petrol|gasoline|acid|noose|ropes?|pitchforks?|bricks?|molotovs?|bombs?|bullets?|iron\\s+bars?|tyre\\s+irons?|tire\\s+irons?|shooters?|glock|crossbows?|tasers?|golf\\s+clubs?|cricket\\s+bats?|12\\s*bore|twelve\\s+bore|sawn[\\s-]+off|jerry\\s*cans?)(?![\\w-]|\\s+(?:guns?|sticks?|session|practice|bags?|club|match|game|nets?|reflux|rain|test|station|can|tank|caps?|up|stations?|prices?|pumps?|skates?|sharpener|drawer|block|set))';

/** The writer will or would: "i'll", "we are going to", "im gonna", "i want to", "i'd love to". */
const INTENT = `\\b(?:(?:i|we)${W}(?:gonna|wanna|finna)|(?:i|we)(?:${A}ll|${A}d|${W}will|${W}shall|${W}would|${A}m|${A}re|${W}am|${W}are)(?:${W}(?:just|personally|definitely|gladly|happily|really|absolutely|be))?(?:${W}(?:going${W}to|gonna|goin${W}to|about${W}to|coming${W}to|coming${W}(?:round|over|down)${W}(?:to|and)|want${W}to|wanna|plan${W}to|intend${W}to|love${W}to|like${W}to|happily|gladly|personally|be${W}(?:the${W}one${W}to|happy${W}to|glad${W}to)|not${W}hesitate${W}to))|(?:i|we)(?:${A}ll|${W}will|${W}shall)|(?:i|we)(?:${A}m|${A}re|${W}am|${W}are|${A}ll${W}be|${W}will${W}be)${W}(?:bringing|grabbing|loading|sharpening|packing|taking|carrying|coming|waiting|turning${W}up|showing${W}up)|(?:im|imma|ima|i${A}ma|ill)(?:${W}(?:gonna|going${W}to))?|(?<=^\\s*)(?:gonna|gunna|going${W}to)|(?:i|we)${W}(?:start|begin|go)(?=${W}\\w+ing\\b))\\b`;
/** A call on others: "someone should", "we need to", "lads, let's", "time to", "grab your". */
const CALL = `\\b(?:(?:someone|somebody|some\\s+one|anyone|anybody|we|you${W}(?:lot|guys|people|lads)|y${A}?all|people|patriots|real${W}men|the${W}lads|lads|the${W}boys|locals|residents|decent${W}people|everyone)(?:${W}(?:really|just|seriously|honestly))?${W}(?:should|needs?${W}to|has${W}to|have${W}to|must|ought${W}to|gotta|got${W}to|better|had${W}better|oughta)|let${A}?s|(?:it${A}?s${W})?(?:high${W})?time${W}(?:we|to|someone|somebody)|grab${W}(?:your|the|ur)|get${W}(?:your|the|ur)${W}(?:${WEAPON})|round${W}(?:them|em)${W}up|who${A}?s${W}with${W}me|time${W}for${W}(?:\\w+${W}){1,3}?to|(?:will|can|would)${W}(?:someone|somebody)|(?:someone|somebody)(?:${W}with${W}\\w+${W}to${W}lose)?(?:${W}(?:please|pls|just|go))+|need${W}(?:volunteers|people|someone|somebody|men|lads)${W}to|call${W}to${W}all)\\b`;
/** Deserving or needing it: "deserves", "should be", "needs a", "had it coming", "is asking for". */
const NORM = `\\b(?:deserves?|deserved|deserving|earned|should${W}(?:be|get|have${W}been)|ought${W}to${W}(?:be|get)|needs?${W}(?:to${W}(?:be|get)|a)|must${W}be|could${W}do${W}with|is${W}asking${W}for|are${W}asking${W}for|had${W}it${W}coming|has${W}it${W}coming|have${W}it${W}coming|wants?${W}(?:a|to${W}be)|(?:wants?|needs?)${W}(?=putting|stringing|hanging|shooting|stabbing|a${W}(?:good|proper)|(?:his|her|their)${W}\\w+${W}(?:stoving|kicking|smashing|caving|bashing|putting)))`;
/** A wish: "i hope", "would love to see", "can't wait until", "wouldn't cry if", "may he". */
const WISH = `\\b(?:hope|hoping|hopefully|wish|wishing|pray|praying|here${A}s${W}to|fingers${W}crossed|here${A}s${W}hoping|(?:would|i${A}?d)${W}(?:love|like|pay)${W}to${W}see|love${W}to${W}see|can${A}?t${W}wait${W}(?:to${W}\\w+|for|until|till)|(?:wouldn${A}?t|won${A}?t|would${W}not|will${W}not|wouldnt|wont)${W}(?:cry|shed${W}a${W}tear|lose${W}sleep|mind|be${W}sad|complain)|(?:would|it${A}?d|it${W}would|will)${W}be${W}(?:a${W})?(?:\\w+${W}){0,2}?(?:day|thing|news|nice|great|lovely|good|funny|shame|result|start)${W}(?:if|when)|if${W}only${W}(?:someone|somebody)|one${W}(?:of${W}these${W}days|day)${W}someone|karma${W}will|may${W}(?:he|she|they|you))\\b`;
/** A condition: "if", "unless", "one more", "keep … and", "do that again and", "next time", "or else". */
const CONDITION = `\\b(?:if|unless|one${W}more|keep${W}\\w+ing|(?:do|say|write|print|publish|post|try)${W}(?:that|it|this)${W}again|next${W}time|the${W}(?:day|minute|moment|second)|or${W}else|otherwise|show${W}(?:your|ur)${W}face|come${W}(?:near|round|back)|(?<=^\\s*)should${W}(?:the|you|he|she|they|that|this)|or${W}(?:we|i)(?=${W}\\w+))\\b`;
/** What a condition says will follow for its target: "you'll", "your family will", "you won't". */
const OUTCOME = `\\b(?:you|u|your|ur|he|she|his|her|they|their|(?:that|the|this)${W}\\w+)(?:${W}\\w+)?(?:${A}ll|${W}will|${W}won${A}?t|${W}wont|${W}(?:is|are)${W}(?:going${W}to|gonna)|${A}re${W}(?:going${W}to|gonna)|${A}s${W}(?:going${W}to|gonna)|${W}gonna|${W}gets?|(?:${A}re|${W}are|${A}s|${W}is)${W}getting|(?:${A}s|${A}re|${W}is|${W}are)${W}not${W}(?:making|going|getting|walking|leaving|coming)|(?:isn${A}?t|aren${A}?t)${W}(?:making|going|getting|walking|leaving|coming))\\b`;

/** Words that make the clause someone else's, or something that happened. */
const REPORTED = new RegExp(
  `\\b(?:said|says|told|tells|threatened|threatening|threats?|warned|vowed|charged|jailed|convicted|sentenced|arrested|accused|alleged(?:ly)?|reportedly|according${W}to|court${W}heard|at${W}(?:his|her|the|their)${W}trial|the${W}jury|police${W}(?:say|said)|was${W}(?:found|seen|heard)|pleaded|admitted|denied|claims?|claimed|posted|wrote|tweeted|shouted|chanted|yelled|saying|calling${W}for|urging|encouraging|joking|joked|jokes|texted|reckons|goes|went|shouting|screamed|screaming|monologues?|villain|episode|film|movie|game|novel|character|plot|scene|series|season${W}finale|level|mission|quest|boss${W}fight|dungeon|hitman|assassin${A}?s${W}creed|gta|fortnite|call${W}of${W}duty|sympathy|condolences|recovery|recover|rest${W}in${W}peace|rip|get${W}well|thoughts${W}(?:are|go)${W}with|praying${W}for|safe${W}and${W}sound|messages?${W}saying|the${W}(?:man|woman|suspect|attacker|gunman|killer|defendant)${W}who)\\b`,
  'i',
);
/** A negation before the stance, or one that turns the act round: "nobody should", "i would never", "don't". */
const NEGATED = new RegExp(
  `\\b(?:no${W}?one|nobody|noone|none${W}of${W}us|never|not|don${A}?t|dont|doesn${A}?t|didn${A}?t|wouldn${A}?t|shouldn${A}?t|mustn${A}?t|can${A}?t|cannot|isn${A}?t|aren${A}?t|no${W}need|stop|condemn\\w*|against|wrong${W}to|disgusting|shameful|appalling|vile)\\b`,
  'i',
);
/** The everyday arenas and objects of violent words: a vote, a match, a bill, a market, the writer's own body. */
const ARENA = new RegExp(
  `\\b(?:at${W}home\\b|away${W}from${W}home|at${W}the${W}(?:polls|ballot|box${W}office|next${W}election|weekend|match|game|final|derby)|in${W}(?:the${W})?(?:polls|election|vote|ballot|court|debate|final|semi|league|match|game|derby|race|quiz|chess|wallet|pocket|market|ratings|primar(?:y|ies)|headlines|comments)|on${W}(?:the${W}pitch|the${W}field|the${W}court|the${W}track|twitter|social${W}media|election${W}day|polling${W}day)|with${W}(?:\\w+${W}){0,2}?(?:votes?|fines?|lawsuits?|complaints?|petitions?|objections|letters|emails|requests|questions|facts|evidence|taxes|bills|leaflets|paperwork|kindness|love)\\b|(?:the${W})?(?:first|second)${W}half|(?:kill|killing|murder|murdering|shoot|shooting)${W}(?:it|the${W}(?:bill|vibe|mood|deal|idea|plan|project|motion|proposal|scheme|budget|high${W}street|economy|joke|game|buzz|competition)|for${W}a)|(?:shoot|shot|shooting)${W}(?:me|us)${W}(?:an?${W})?(?:email|message|text|line|dm)|(?:kill|murder|shoot|strangle|hurt|end|finish|batter|beat|slap|smack|kick|punch|stab|hang)\\w*${W}(?:me|myself|us|ourselves)\\b(?!${W}(?:and|or)\\b)|(?:beat|beating|crush|crushing|smash|smashing|destroy|destroying|batter|battering|thump|thumping|hammer|hammering|kill|killing|slaughter|slaughtering|murder|murdering)${W}(?:them|em|him|her|you|the${W}\\w+)${W}(?:\\d|at|in|on|next|this|again|twice|easily|comfortably|(?:on${W})?(?:saturday|sunday|monday|tuesday|wednesday|thursday|friday)))`,
  'i',
);

/** A harm to a target, as the stance's continuation says it. */
/** A harm as a verb and its object (what an order or a stance goes on with): "kill him", "give that hack a beating". */
const HARM_TO_TARGET = [
  // kill him; shoot that reporter; give that hack a proper beating; pay him a visit with a bat
  `(?<!\\b(?:who|which|whoever)${W}(?:\\w+${W})?)\\b(?:${ACT})${W}${EMPH}${TARGET}`,
  // murder them; lynch them ("them" is people only after a verb done only to people)
  `\\b(?:murder|lynch|behead|rape|torture|shank|execute|gun${W}down|mow${W}down|string${W}up)${W}(?:them|em)\\b`,
  // sort him out; do that hack in; knock her down; take the lot of them out
  `\\b(?:rough|beat|do|finish|string|gun|mow|carve|open|light|fill|pump|cap|off)${W}${TARGET}${W}(?:up|in|off|down|open|to${W}sleep|with${W}lead|full${W}of${W}(?:lead|holes))\\b(?!${W}(?:of|for|at|on|to|with)\\b)`,
  `\\b(?:sort|take|run|knock|shoot|smash|cut|lay)${W}(?:him|her|you|ya|u)${W}(?:out|up|in|off|over|down)\\b(?!${W}(?:of|for|at|on|to|with|and|tonight|today|tomorrow|this|sometime|somewhere|shopping|properly${W}(?:for|with)|the${W}(?:station|shops|pub|club))\\b)`,
  // end that mp; give that teacher a beating; leave him in a heap; make sure he never walks again
  `\\bend${W}${TARGET}(?=\\s*(?:$|[.,!?;]))`,
  `\\bgive${W}${TARGET}${W}(?:a${W}(?:good${W}|proper${W}|right${W}|real${W})?(?:beating|kicking|hiding|slap|smack|battering|pasting|going${W}over|taste${W}of)|what${A}?s${W}coming)`,
  `\\bleave${W}${TARGET}${W}(?:in${W}a${W}heap|for${W}dead|bleeding|in${W}bits|in${W}pieces)`,
  `\\bmake${W}sure${W}${SUBJECT}${W}(?:never|can${A}?t|cant|won${A}?t|wont|doesn${A}?t)${W}(?:ever${W})?(?:walks?|talks?|sees?|works?|breathes?|writes?|wakes?${W}up)${W}again`,
  `\\b(?:start|starting|begin)${W}(?:killing|shooting|stabbing|hanging|burning|lynching|beating|battering|knifing)${W}${EMPH}${TARGET}`,
  `\\b(?:sort|slice|carve|cut|chop)${W}${TARGET}${W}up\\b`,
  `\\bdo${W}(?:his|her|their|your|ur)${W}(?:kneecaps|knees|legs|face|teeth)\\b`,
  `\\brun${W}${TARGET}${W}out${W}of${W}town\\b`,
  // rearrange your face; needs his head stoving in; break both his legs
  `\\b(?:${ACT}|break|breaking|snapping|caving|stoving|smashing|kicking|rearranging|cave)${W}(?:in${W})?(?:both${W})?(?:your|ur|his|her|their|(?:that|the|this)${W}\\w+${A}s)${W}(?:\\w+${W})?(?:face|head|skull|teeth|jaw|legs?|arms?|kneecaps?|knees|neck|ribs|nose|fingers|hands?)\\b`,
  `\\b(?:your|ur|his|her|their)${W}(?:face|head|skull|skulls|teeth|jaw|legs?|arms?|kneecaps?|knees|neck|ribs|nose)${W}(?:stoving|kicking|smashing|caving|bashing|putting|cracked|smashed|kicked|caved|stoved|broken|snapped|bashed)(?:${W}in)?\\b`,
  `${SUBJECT}${W}(?:\\w+${W})?(?:wants?|needs?|deserves?)${W}(?:putting${W}(?:down|in${W}(?:a|an|the)${W}(?:wheelchair|hospital|ground|box|coffin|grave))|stringing${W}up|hanging|shooting|stabbing|a${W}(?:good${W}|proper${W})?(?:kicking|slap|beating|hiding)(?:${W}and${W}a${W}(?:good${W})?\\w+)?)\\b`,
  // harms said without a verb of violence: "i'll bury you", "i'll rip your throat out", "i'll drag you out of the car",
  // "ill put you through a shop window", "i'll put him in intensive care", "i will slash your tyres"
  `\\bbury${W}(?:you|u|ya|him|her)\\b(?!${W}(?:at|in|on|with|under)\\b)`,
  `\\brip${W}(?:your|ur|his|her|their)${W}(?:[\\w-]+${W})?(?:throat|head|heart|face|arms?|legs?|tongue|eyes?|spine|guts)${W}(?:out|off)\\b`,
  `\\b(?:rip|tear)${W}(?:you|u|ya|him|her)${W}(?:apart|to${W}(?:pieces|shreds|bits)|limb${W}from${W}limb)\\b`,
  `\\bdrag${W}(?:you|u|ya|him|her|them|em)${W}(?:out${W}of|from|off)${W}(?:the|your|ur|his|her|their)${W}(?:car|van|cab|house|bed|office|truck|pickup|lorry)\\b`,
  `\\bput${W}(?:you|u|ya|him|her|them|em|(?:your|ur|his|her|their)${W}(?:head|face))${W}(?:through|in|into)${W}(?:(?:a|an|the|your|ur|his|her|their)${W}(?:own${W})?(?:[\\w-]+${W})?)?(?:window|windscreen|windshield|wall|hospital|icu|intensive${W}care|grave|wheelchair|coma|hedge|canal|river|ground)\\b`,
  `\\bslash${W}(?:your|ur|his|her|their)${W}(?:tyres|tires|face|throat)\\b`,
  `\\bwreck${W}(?:you|u|ya|him|her)(?=\\s*(?:$|[.,!?;])|${W}(?:in|at|outside|after|behind)\\b)`,
  // burn your car; smash that reporter's windows
  `\\b(?:burn(?:ing)?|torch(?:ing)?|firebomb(?:ing)?|petrol${W}bomb|bomb|blow${W}up|set${W}fire${W}to|smash(?:ing)?|smash${W}up|brick|trash(?:ing)?|wreck(?:ing)?)${W}(?:down${W})?${PROPERTY}`,
  `${PROPERTY}${W}${GAP(2)}(?:will${W}|gets?${W}|is${W}gonna${W}|is${W}going${W}to${W})?(?:be${W})?(?:burn|burned|burnt|torched|firebombed|bombed|smashed|trashed|go${W}up${W}in${W}(?:flames|smoke))\\b`,
  // put a bullet in him; take a bat to his car; a brick through his window
  `\\b(?:put|stick|take|get|send|throw|drive)${W}(?:a|an|the|my|some|one)${W}(?:[\\w-]+${W})?(?:${WEAPON})${W}(?:in|into|to|through|at|on|across|over)${W}${GAP(1)}(?:${TARGET}|(?:his|her|their|your|ur)${W}(?:\\w+${W})?(?:face|head|skull|teeth|jaw|legs?|arms?|kneecaps?|knees|neck|ribs|nose|chest|back|throat|guts?|stomach|car|van|windows?|windscreen|windshield|door|house)\\b)`,
];
/** A harm said of its target as a subject: "he'll be shot", "that judge deserves a bullet". */
const HARM_OF_SUBJECT = [
  // he'll be shot; they should all be hanged; you'll get what's coming with a bat
  `${SUBJECT}${W}${CHAIN}(?:be|get|gets|getting|got|been)${W}(?:all${W})?(?:${HARMED})\\b(?!${W}(?:out|off|down|up|back|by${W}the|over${W}the|with|at${W}the)\\b)`,
  // a bullet is what that councillor deserves
  `\\b(?:${FATE}|${WEAPON}|hanging|drowning|shooting|burning|stoning|slow${W}and${W}painful|a${W}proper${W}hiding)\\b[^.!?;]{0,30}?\\b(?:is|are)${W}(?:exactly${W}|just${W}|all${W})?what${W}${SUBJECT}(?:${W}\\w+)?${W}(?:deserves?|needs?|is${W}asking${W}for|has${W}coming|earned|is${W}getting|getting|has${W}got${W}coming)`,
  // he should die; you deserve a bullet; they all need the rope
  `${SUBJECT}${W}${CHAIN}(?:${FATE})\\b`,
];

/** Weapons a writer has or brings: "i'm bringing my rifle", "got a bat with his name on it", "a noose tied and ready". */
const ARMING = `\\b(?:there${A}?s|theres|bring|bringing|brought|take|taking|took|got|get|getting|bought|buying|kept|keep|keeping|sharpen(?:ed|ing)?|load(?:ed|ing)?|fill(?:ed)?|tied|lent|carry|carrying|pack(?:ed|ing)?|grab|grabbing|fetch|ready|with)${W}(?:(?:a|an|the|my|our|your|ur|some|me|his|their|a${W}few|two|three|[\\w-]+${A}s)${W})?(?:[\\w-]+${W})?(?:${WEAPON})\\b(?!${W}(?:control|laws?|crime|violence|owners?|ownership|rights|ban|reform|lobby|safety|shows?|ranges?|clubs?|licen[cs]es?|deaths|amnesty|policy|polic(?:y|ies)|debate))`;
/** What a weapon is brought for: a person, or where people gather. */
const EVENT = `\\b(?:meeting|hearing|rally|march|town${W}hall|council|surgery|court|courthouse|school|office|planning|parents${A}?${W}evening|protest|count|polling${W}station|inquiry|newsroom|letterbox)\\b`;
/** The writer's own weapon, brought or kept (not "take our guns away", a policy). */
const MY_WEAPON = /^(?!(?:take|taking|took|get|getting)\b).*\b(?:my|our)\b/i;
/** The writer as the one who brings it, just before ("i'm", "we'll be", "lads,") or left out at the start ("Got a bat …"). */
const BEARER_BEFORE =
  /\b(?:i|i['’]m|im|i['’]ve|ive|i['’]ll|ill|we|we['’]re|we['’]ll|we['’]ve|lads|boys)\b(?:\s+[\w'’]+){0,3}\s*$/i;
/** …or the writer left out, as a sentence opens: "Got a bat with his name on it", "Bringing my rifle to the count". */
const OPENS_ARMED =
  /^(?:got|bought|kept|keeping|sharpened|loaded|bringing|taking|going|grab|bring|load|sharpen|there['’]?s|theres)\b/i;
/** What a wish or a condition names as coming to someone, anywhere after its target. */
const BEFALLS = [
  'dies(?!\\s+(?:of|down|out|off))|die(?!\\s+(?:of|down|out|for))|dead(?=\\s*(?:$|[.,!?;]))|killed|shot(?!\\s+(?:of|at|down|wide|up))|stabbed|hanged|lynched|drowns|drowned|burns\\s+(?:to\\s+death|alive)|burned\\s+alive|burnt\\s+alive|chokes\\s+to\\s+death|crash(?:es)?\\s+(?:his|her|their)',
  'never\\s+wakes?\\s+up|(?:gets?|getting)\\s+hit\\s+by\\s+an?|(?:gets?|getting)\\s+run\\s+over|flattened\\s+by|pushed\\s+(?:under|off)|snaps?\\s+(?:his|her)\\s+neck',
  'obituary|terminally\\s+ill|(?:gets?|getting)\\s+cancer|house\\s+fire|beaten\\s+up|split\\s+open|kicked\\s+in|smashed\\s+in|caved\\s+in|stoved\\s+in',
  'in\\s+(?:an?\\s+)?(?:ambulance|body\\s*bags?|wheelchair|coffin|box|boxes)|on\\s+a\\s+stretcher|new\\s+face|(?:not|never|won\\W?t|wont)\\s+(?:be\\s+)?(?:making|make|walking|walk)\\s+(?:it\\s+)?(?:home|out|again)',
  'regret\\s+it(?=\\s*(?:$|[.!,]))|be\\s+(?:very\\s+)?sorry(?=\\s*(?:$|[.!,]))|need\\s+a\\s+bodyguard|(?:won\\W?t|will\\s+not|wont)\\s+see\\s+(?:christmas|the\\s+weekend|another\\s+(?:day|week|birthday))|(?:will|\\W?ll)\\s+pay(?=\\s*(?:$|[.!,]|\\s+for\\s+(?:this|that|it)))|what\\W?s\\s+coming',
].join(
  '|',
); /** Menace without a violent word: addresses, children, "accidents happen", "shame if something happened". */
const MENACE = [
  `(?:shame|pity|awful|terrible)${W}(?:if|when)${W}(?:something|anything)${W}(?:\\w+${W})?happen(?:s|ed)?${W}to${W}(?:you|your|ur|him|her|them|his|their|it)\\b`,
  `(?:we|i)${W}know${W}(?:where${W}(?:you|u|he|she|they)${W}(?:live|lives|sleep|sleeps)|(?:your|ur)${W}(?:home${W})?(?:address|reg|registration${W}plate|number${W}plate))`,
  `(?:you|u)${W}(?:won${A}?t|will${W}not|wont)${W}see${W}(?:it|us|me)${W}coming`,
  `(?:i${A}?ve|we${A}?ve)${W}(?:found|got)${W}(?:your|ur)${W}home${W}address`,
  `(?<!\\b(?:when|if|until|till|once|before|after|whether)${W})(?:you${A}re|you${W}are|ur)${W}(?:so${W})?dead(?=\\s*(?:$|[.,!]))`,
  `(?:dance|dancing|piss|pissing|spit|spitting)${W}on${W}(?:your|ur|his|her|their|(?:that|the|this)${W}\\w+${A}s)${W}grave`,
  `accidents${W}happen${W}to${W}(?:people|those|anyone|journalists|reporters)${W}who${W}(?:write|post|say|comment|report|talk|speak|snitch|complain|critici[sz]e|film|photograph)`,
  `out${W}in${W}(?:boxes|a${W}box|body${W}bags?|coffins?)`,
  `(?:will|${A}ll|gonna|going${W}to)${W}(?:be${W})?(?:going${W}home|leaving|coming${W}out|carried${W}out|go${W}home)${W}in${W}(?:a${W}box|boxes|an${W}ambulance|a${W}body${W}?bag|body${W}?bags|a${W}coffin)`,
  `check${W}under${W}(?:your|ur)${W}car${W}(?:from${W}now${W}on|every${W}morning|before)`,
].join('|');
/** What is to come to "you", or to whoever does something: "you'll be", "any protester … is getting". */
const PROMISE = `\\b(?:you|u)(?:${A}ll|${W}will|${A}re${W}(?:going${W}to|gonna|getting)|${W}are${W}(?:going${W}to|gonna|getting)|${W}gonna)\\b|\\b(?:any|every|whoever|the${W}(?:next|first))${W}(?:[\\w-]+${W})?(?:${PERSON}|one|person|people)s?\\b[^.!?;]{0,60}?\\b(?:will|${A}ll|is${W}getting|gets|is${W}gonna)\\b`;
const STANCES: readonly RegExp[] = [INTENT, CALL, NORM, PROMISE].map((x) => new RegExp(x, 'i'));
const PROMISE_AT = 3;
/** A condition about the writer or an act against the writer ("touch my van", "if you print my name", "try it"). */
const ABOUT_THE_WRITER =
  /\b(?:i|me|my|mine|we|us|our|ours|try|print|publish|testify|snitch|grass|report|write|post|touch|vote|approve|pass)\b/i;
/** Sports kit and tools, brought for a person only, not to where people gather ("our bats for the nets session"). */
const SPORTING =
  /\b(?:bats?|golf\s+clubs?|cricket\s+bats?|hammers?|ropes?|petrol|gasoline|jerry\s*cans?|blades?|axes?|bricks?)\b/i;
/** A weapon marked for someone: "with his name on it", "a list of councillors", "for whoever voted for this". */
const MARKED_FOR =
  /\bname['’]?s?\b[^.!?;]{0,20}\b(?:on|into|in)\s+it\b|\blist\s+of\b|\bfor\s+(?:when|whoever)\b|\bfor\s+the\s+(?:next|first)\s+(?!(?:match|game|session|time|round|day|week|one)\b)\w+|\bwith\s+(?:them|him|her)\s+inside\b/i;
const WISH_RE = new RegExp(WISH, 'i');
const CONDITION_RE = new RegExp(CONDITION, 'i');
const OUTCOME_RE = new RegExp(OUTCOME, 'i');
const ORDER_THEN_OUTCOME = new RegExp(`\\b(?:and|or)${W}(?=${OUTCOME})`, 'i');
/** Where an order's act may start: the sentence's start, after a comma, "just", "please", "go and", "lads". */
const ORDER_AT =
  /^\s*|[,:;]\s*|\b(?:just|please|lads|boys|now|go|go\s+and|come\s+and|get\s+(?:down|round|over)\s+there\s+and)\s+/gi;
/** …or after "and" in a sentence an order opens ("round up a few mates and batter the next cop"). */
const AND_AT = /\band\s+(?:watch\s+me\s+|then\s+)?/gi;
const OPENS_WITH_ORDER =
  /^\s*(?!(?:i|we|he|she|they|it|there|my|our|his|her|their|the|a|an|this|that|these|those|so|and|but|then|when|after|before|because|since|as|what|who|why|how|you|people|if|most|many|some|all|police|officers?|[a-z]+s)\b)[a-z]+\b/i;
// Compiled in groups under the size beyond which V8 stops optimising an expression (shapes.ts): as one
// alternation, these took 100 µs a comment instead of 10.
// Every harm starts a word: tried at word starts only.
const VERB_HARM_RES = compileShapes(HARM_TO_TARGET, (alternation) => `\\b(?:${alternation})`);
const SUBJECT_HARM_RES = compileShapes(HARM_OF_SUBJECT, (alternation) => `\\b(?:${alternation})`);
/** The same, tried at one position only (where an order's act may start). */
const VERB_HARM_AT = VERB_HARM_RES.map((re) => new RegExp(re.source, 'iy'));

/** Whether the sentence orders a harm: an act where an order may start, with no negation before it. */
function orders(s: string): boolean {
  const starts = [...s.matchAll(ORDER_AT)];
  if (OPENS_WITH_ORDER.test(s)) starts.push(...s.matchAll(AND_AT));
  for (const m of starts) {
    const at = m.index! + m[0].length;
    for (const re of VERB_HARM_AT) {
      re.lastIndex = at;
      if (re.test(s) && !NEGATED.test(s.slice(0, at))) return true;
    }
  }
  return false;
}
/** The leftmost match of any of the expressions in a sentence, if any. */
function firstOf(res: readonly RegExp[], s: string): RegExpExecArray | null {
  let first: RegExpExecArray | null = null;
  for (const re of res) {
    re.lastIndex = 0;
    const m = re.exec(s);
    if (m && (!first || m.index < first.index)) first = m;
  }
  return first;
}
const ARMING_RE = new RegExp(ARMING, 'i');
const EVENT_RE = new RegExp(EVENT, 'i');
const TARGET_RE = new RegExp(`${TARGET}|${PROPERTY}`, 'i');
const BEFALLS_AFTER_TARGET_RE = new RegExp(
  `(?:${TARGET}|\\b(?:he|she|they)\\b)(?:${A}\\w+)?${W}(?:[\\w'’]+${W}){0,5}?(?:${BEFALLS})\\b`,
  'i',
);
const MENACE_RE = new RegExp(`\\b(?:${MENACE})\\b`, 'i');
/** A menace that names whom it is for. */
const AIMED_IN_MENACE = /\b(?:you|u|your|ur|people|those|anyone)\b/i;
/** Someone addressed by role: "ok teacher.", ", councillor.", "Mr Mayor". */
const VOCATIVE_RE = new RegExp(
  `(?:^|[,.!]\\s*|\\b(?:ok|oi|hey|listen|right|mr|mrs|ms|miss|dear)${W})(?:${PERSON})\\b(?=\\s*(?:[,.!?]|$))`,
  'i',
);

/**
 * The words at least one of which a threatening sentence has (each shape above needs one): violent acts, what is
 * done or comes to someone, weapons and the key words of menace. A cheap first test by word, where one expression
 * of them all would try each of hundreds of words at every position of every comment.
 */
const TRIGGERS = new Set(
  `kill murder shoot shot stab knife knifed shank hang hanged hung lynch behead execute executed torture strangle
  choke drown bury buried gut gutted slit maim cripple beat beaten beating batter battered battering bash thump punch
  kick kicked kicking slap smack deck decked knock stomp stamp jump glass glassed bottle bottled brick bricked bricks
  cosh burn burned burnt torch torched firebomb petrol bomb bombed blow blown run mow mown mowed gun gunned string
  strung rough roughed take taken sort sorted finish finished wipe wiped merk merked pop popped smoke smoked waste
  wasted end drag dragged swarm slice snap stove rearrange hurt harm harmed smash smashed slash come teach taught pay
  visit dealt dead die dies dying death bullet bullets rope noose hiding pasting body bodybag bodybags coffin box
  boxes grave ground wheelchair hospital ambulance bits pieces stretcher firing chair gallows guillotine slow painful
  coming guns rifle rifles shotgun shotguns pistol pistols knives machete machetes blade blades axe axes bat bats
  baseball hammer hammers crowbar crowbars gasoline acid ropes pitchfork pitchforks torches molotov molotovs bombs
  ammo iron bars tyre tire shooter shooters strap glock taser crossbow bore cans jerry killed crash crashes crashed
  wakes wake hit flattened pushed falls fall neck obituary terminally cancer fire split caved stoved regret sorry
  happen happens happened accidents watching know warned sleep waiting numbered season while bleed suffer scream
  kneecaps intensive list address postcode reg insurance awful shame pity hello met greeted dance spit face walk again
  rip tear wreck window windscreen windshield icu coma hedge bodyguard christmas`.split(/\s+/),
);
const WORDS = /[a-z]+/g;
/** Whether a text has one of `TRIGGERS`, as written or with an ending taken off ("guns", "crashes", "loaded"). */
function mayThreaten(text: string): boolean {
  for (const w of text.toLowerCase().match(WORDS) ?? []) if (INFLECTED.has(w)) return true;
  return false;
}
/** The triggers with their endings ("guns", "crashes", "loaded", "killing", "shooters"). */
const INFLECTED = new Set(
  [...TRIGGERS].flatMap((w) => [
    w,
    ...['s', 'es', 'ed', 'd', 'ing', 'er', 'ers'].map((e) => w + e),
    `${w.replace(/e$/, '')}ing`,
  ]),
);

const SENTENCE = /[^.!?;\n]+/g;
const QUOTES = /["“”]/;

/** The sentences of a text that threaten violence by the clause reading above (none for most texts). */
export function findThreatClauses(text: string): PhraseSpan[] {
  if (!mayThreaten(text)) return [];
  const found: PhraseSpan[] = [];
  // Menace reads the whole comment: its target is often named in another sentence ("Nice house, councillor. Shame
  // if something happened to it.").
  const menace = MENACE_RE.exec(text);
  if (menace && (AIMED_IN_MENACE.test(menace[0]) || TARGET_RE.test(text) || VOCATIVE_RE.test(text))) {
    const before = text.slice(0, menace.index);
    const clause = before.slice(before.search(/[^.!?;\n]*$/));
    if (
      !NEGATED.test(clause.slice(-30)) &&
      !REPORTED.test(clause) &&
      !spokenByOthers(text, menace.index + menace[0].length)
    )
      found.push({ start: menace.index, end: menace.index + menace[0].length });
  }
  SENTENCE.lastIndex = 0;
  for (let m = SENTENCE.exec(text); m; m = SENTENCE.exec(text)) {
    const s = m[0];
    const end = m.index + s.length;
    // A question asks, and a sentence with a quotation in it is most often someone else's words (the rare threat put so
    // is left to the shapes, which read quotations: quotation.ts).
    if (s.length > 300 || text[end] === '?' || QUOTES.test(s) || !mayThreaten(s)) continue;
    if (REPORTED.test(s) || ARENA.test(s) || !threatens(s)) continue;
    if (spokenByOthers(text, end) || found.some((f) => f.start < end && m!.index < f.end)) continue;
    found.push({ start: m.index, end });
  }
  return found;
}

/** Whether one sentence threatens: a stance, then a harm aimed at someone, with nothing turning it round. */
function threatens(s: string): boolean {
  if (orders(s)) return true;
  // the stances first: most sentences have none, and the harms are the costlier test
  let stance = -1;
  let promise = -1;
  STANCES.forEach((re, i) => {
    const m = re.exec(s);
    if (!m || negatedJustBefore(s, m.index)) return;
    if (i === PROMISE_AT) promise = m.index;
    else if (stance === -1 || m.index < stance) stance = m.index;
  });
  // a condition counts only where it is about the writer ("touch my van and …"), not the reader's own risk ("cycle
  // there at rush hour and you'll end up in hospital" warns)
  const condition = conditionWithOutcome(s);
  const aboutTheWriter = condition !== null && ABOUT_THE_WRITER.test(s.slice(condition.index, condition.outcome));
  const hoped = WISH_RE.exec(s) ?? (aboutTheWriter ? condition : null);
  const wished = hoped && !negatedJustBefore(s, hoped.index) ? hoped.index : -1;
  if (stance !== -1 || promise !== -1 || wished !== -1) {
    const act = firstOf(VERB_HARM_RES, s);
    const said = firstOf(SUBJECT_HARM_RES, s);
    const harm = act && (!said || act.index <= said.index) ? act : said;
    // nothing negated between the stance and the harm ("i will never hurt him")
    if (harm && stance !== -1 && !NEGATED.test(s.slice(stance, Math.max(stance, harm.index)))) return true;
    // what is to come to "you" is said of "you" ("you'll be shot"), not done by "you" ("you'll burn your fingers")
    const warned = condition !== null && !aboutTheWriter;
    if (said && promise !== -1 && said.index >= promise && !warned && !NEGATED.test(s.slice(promise, said.index)))
      return true;
    if (wished !== -1 && ((harm && harm.index >= wished) || BEFALLS_AFTER_TARGET_RE.test(s.slice(wished)))) return true;
  }
  // a weapon the writer has or brings, for a person or where people gather
  const armed = ARMING_RE.exec(s);
  return (
    armed !== null &&
    (BEARER_BEFORE.test(s.slice(0, armed.index)) ||
      (s.slice(0, armed.index).trim() === '' && OPENS_ARMED.test(armed[0])) ||
      MY_WEAPON.test(armed[0])) &&
    (TARGET_RE.test(s) || (!SPORTING.test(armed[0]) && EVENT_RE.test(s)) || MARKED_FOR.test(s)) &&
    !NEGATED.test(s.slice(0, armed.index))
  );
}

/** Whether a negation comes just before a stance: "nobody should", "i would never". */
function negatedJustBefore(s: string, at: number): boolean {
  return NEGATED.test(s.slice(Math.max(0, at - 40), at));
}

/** A condition followed by an outcome for its target ("if you …, you'll …"): where the condition starts. */
function conditionWithOutcome(s: string): { index: number; outcome: number } | null {
  const c = CONDITION_RE.exec(s);
  if (c) {
    const from = c.index + c[0].length;
    const o = OUTCOME_RE.exec(s.slice(from));
    if (o) return { index: c.index, outcome: from + o.index };
  }
  // an order, then "and" or "or" and the outcome: "touch my van again and you'll …", "cycle there and you'll …"
  const and = OPENS_WITH_ORDER.test(s) ? ORDER_THEN_OUTCOME.exec(s) : null;
  return and ? { index: 0, outcome: and.index + and[0].length } : null;
}
