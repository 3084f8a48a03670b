/**
 * The functional test suite: comments written for this project (none taken from a dataset), grouped by
 * the behaviour a newsroom wants, in the spirit of HateCheck (Röttger et al., ACL 2021). Each category
 * says whether its comments should be held for a moderator (`hold`) at the default threshold.
 *
 * NEVER train on these: `recipe.ts` drops any data row that reads like a case, and a unit test checks
 * that no case is a sentence written for training. Real slurs appear only where a category is about
 * slurs; the lexicon already lists them.
 */

/** One comment; replies carry their parent's text, top-level comments the article title. */
export interface FunctionalCase {
  text: string;
  parentText?: string;
  articleTitle?: string;
}

/**
 * `kind` groups categories for the targets: `hateful` and `abusive` should be held (≥ 80 %);
 * `identity`, `counter` and `reclaimed` should not (≤ 10 %); `civil` should not; `context` depends on the
 * parent or title (its `hold` says which way).
 */
export type FunctionalKind = 'hateful' | 'abusive' | 'identity' | 'counter' | 'reclaimed' | 'civil' | 'context';

export interface FunctionalCategory {
  id: string;
  description: string;
  /** What a newsroom wants: true = hold for a moderator, false = publish. */
  hold: boolean;
  kind: FunctionalKind;
  cases: FunctionalCase[];
}

const t = (...texts: string[]): FunctionalCase[] => texts.map((text) => ({ text }));

const HATEFUL_PARENTS = [
  'Immigrants are vermin and they ruin every town they move into.',
  'Muslims are a cancer on this country.',
  'Gay people are sick perverts who prey on kids.',
  'Black neighbourhoods are full of animals.',
  'Jews control the banks and the media, wake up.',
];
const CIVIL_PARENTS = [
  'The council should fund more bus routes to the east side.',
  'I think the new library hours will help working parents.',
  'The school board did a good job explaining the budget.',
  'Local farmers deserve more support after this summer.',
  'The bridge repairs are overdue and this plan finally pays for them.',
];
const ENDORSEMENTS = [
  'Exactly, people like that should be removed.', 'Couldn\'t agree more.', 'Well said, finally someone says it.',
  'This. 100%.', 'So true, every word.', 'Agreed, and it needs saying louder.', 'Spot on.', 'Yes! Thank you for saying it.',
  'Absolutely right, time we did something about it.', 'Truth. Nobody else has the guts to say it.',
  'Exactly what I was thinking.', 'Amen to that.', 'You nailed it.', 'Preach. About time.', 'Yep, exactly this.',
  'Totally agree with you.', 'Best comment here.', 'Right on, couldn\'t have put it better.', 'This needs to be said more often.',
  'Correct, and everyone knows it.',
];
const replies = (parents: string[]): FunctionalCase[] => ENDORSEMENTS.map((text, i) => ({ text, parentText: parents[i % parents.length]! }));

export const FUNCTIONAL_SUITE: FunctionalCategory[] = [
  {
    id: 'derogation-explicit', kind: 'hateful', hold: true,
    description: 'Explicit negative statements about a protected group',
    cases: t(
      'Muslims are disgusting and I can\'t stand any of them.', 'Women are too stupid to hold public office.',
      'Mexicans are lazy thieves, every single one.', 'Gay men are disgusting degenerates.', 'Jews are greedy liars.',
      'Black people are violent by nature.', 'Trans women are mentally ill freaks.', 'Immigrants are filthy criminals.',
      'Disabled people are useless burdens on the rest of us.', 'Arabs are all savages.', 'I despise every Hindu I have met, they are scum.',
      'Chinese people are dirty and disgusting.', 'Lesbians are vile and twisted.', 'Refugees are nothing but dirty freeloaders.',
      'Old people are worthless and should stop wasting our money.', 'Roma are thieving scum, lock up your bikes.',
      'Native Americans are drunk losers.', 'Catholics are brainwashed idiots, all of them.', 'Asian drivers are brainless morons.',
      'Africans are stupid primitive people.',
    ),
  },
  {
    id: 'derogation-implicit', kind: 'hateful', hold: true,
    description: 'Stereotypes, coded language and insinuation with no insult word',
    cases: t(
      'Funny how crime went up right after the immigrants moved in.', 'You can always tell which houses the Somalis live in.',
      'Let\'s just say I wouldn\'t leave my purse around that crowd.', 'Another diversity hire, and it shows.',
      'Of course she got the job, she ticked the right boxes.', 'Notice how it\'s always the same people running the banks.',
      'Muslims would take over this town given half a chance.', 'Women belong at home raising kids, not in parliament.',
      'Gay couples adopting children is a recipe for disaster.', 'Ever wonder why their neighbourhoods all look like that?',
      'Immigrants come here for the welfare cheques, not to work.', 'They breed like there\'s no tomorrow and we pay for it.',
      'Give it twenty years and this country won\'t be ours anymore.', 'Check the names on the crime reports, it\'s always them.',
      'Trans people are just confused and need therapy, not rights.', 'Some cultures are simply not compatible with ours.',
      'Put a mosque in any town and watch the house prices fall.', 'Jews always look after their own, never anyone else.',
      'Those people have never built anything worth keeping.', 'A woman in charge of the army? God help us.',
    ),
  },
  {
    id: 'dehumanisation', kind: 'hateful', hold: true,
    description: 'Groups compared to animals, vermin, disease or objects',
    cases: t(
      'Immigrants are cockroaches crawling over the border.', 'Muslims are a plague on Europe.', 'Those refugees are rats, nothing more.',
      'Gays are a disease that spreads.', 'Black people are apes.', 'Jews are parasites feeding on the nation.',
      'Mexicans breed like rabbits.', 'Trans people are not human, they are things.', 'The migrants are an infestation.',
      'Those Somalis are animals and should be treated like animals.', 'Gypsies are vermin.', 'Women are just objects for breeding.',
      'Arabs are a swarm of locusts.', 'These asylum seekers are a tumour on the country.', 'Chinese people are like insects, all the same.',
      'Muslims are a virus we need a vaccine for.', 'Africans are monkeys in suits.', 'The homeless are human garbage.',
      'Jews are a rot inside every country they live in.', 'Immigrants are an invasive species.',
    ),
  },
  {
    id: 'threat-direct', kind: 'abusive', hold: true,
    description: 'Direct threats of violence against a person or group',
    cases: t(
      'I\'m going to break your legs when I see you.', 'I will put a bullet in your head.', 'Keep writing and I\'ll burn your car.',
      'I\'m coming to your office tomorrow and you\'ll regret it.', 'I will beat you until you can\'t stand.', 'We are going to hunt you down.',
      'I\'ll slit your throat.', 'Your family isn\'t safe anymore, reporter.', 'I\'m going to smash your face in.',
      'I will kill every one of you.', 'Next time I see you I\'ll stab you.', 'I\'m going to shoot up your newsroom.',
      'We will find out where your kids go to school.', 'I\'ll make you bleed for writing this.', 'You\'re going to get hurt, count on it.',
      'I will drag you out of your house and beat you.', 'Mark my words, I will end your life.', 'I\'m bringing my rifle to the town meeting for you.',
      'I\'ll break every bone in your body.', 'We are going to torch the mosque on Friday.',
    ),
  },
  {
    id: 'threat-normative', kind: 'abusive', hold: true,
    description: 'Statements that violence against someone would be good or deserved',
    cases: t(
      'Someone should put that judge in the ground.', 'The reporter deserves a good beating.', 'People like her ought to be shot.',
      'Traitors like the governor should hang.', 'Whoever wrote this deserves to be run over.', 'These protesters should be mowed down.',
      'Honestly the world would be better if he got shot.', 'A bullet is what that councillor deserves.', 'Immigrants should be lined up and shot.',
      'Gay people should be thrown off buildings.', 'That teacher needs a punch in the mouth.', 'Somebody should teach the mayor a lesson with a baseball bat.',
      'The editor deserves to be beaten bloody.', 'Jews should be gassed.', 'The senator should be dragged out and strung up.',
      'Muslims should all be deported or shot.', 'That cyclist deserved to be hit, hope he doesn\'t walk again.',
      'It would be a good day if the columnist got stabbed.', 'I hope someone bashes his skull in.', 'Trans people deserve to be beaten.',
    ),
  },
  {
    id: 'threat-conditional', kind: 'abusive', hold: true,
    description: 'Threats tied to a condition',
    cases: t(
      'If you show your face in this town again, you\'ll be carried out.', 'Publish one more article like this and I\'ll come for you.',
      'If they build that mosque, we will burn it down.', 'Vote for this and you won\'t make it home.', 'If I see you at the rally I\'ll knock you out.',
      'Say that to my face and I\'ll break your jaw.', 'If the council passes this, someone is going to get shot.',
      'Come near my street and you\'ll end up in hospital.', 'If that family moves in, their house will burn.',
      'One more word from you and I\'ll shut you up for good.', 'If you testify, you\'re dead.', 'Keep reporting on my business and your car gets torched.',
      'If he wins, we\'ll take care of him ourselves.', 'Touch my flag again and I\'ll stab you.', 'If you don\'t delete this, I\'ll find your address.',
      'Unless you resign, your family will pay.', 'If the refugees come here, we\'ll be waiting with guns.', 'Try it and I\'ll put you in the ground.',
      'If my kid gets that teacher again, I\'ll beat her senseless.', 'Write about me again and you won\'t be able to write at all.',
    ),
  },
  {
    id: 'slur', kind: 'hateful', hold: true,
    description: 'Slurs used against a person or group',
    cases: t(
      'Shut up, you faggot.', 'Go home, nigger.', 'Typical kike behaviour.', 'Another chink stealing our jobs.', 'Look at this tranny pretending.',
      'Get out of our country, you wetback.', 'The spics are taking over the block.', 'No ragheads in our town.', 'What a stupid dyke.',
      'Fags like you make me sick.', 'The niggers did this.', 'You dumb retard.', 'Sand niggers should stay in the desert.',
      'Those kikes own everything.', 'The wetbacks ruined this town.', 'Typical faggot reporter.', 'Chinks should go back to China.',
      'No trannies in women\'s bathrooms.', 'That coon should be fired.', 'Gooks everywhere now.',
    ),
  },
  {
    id: 'slur-obfuscated-spacing', kind: 'hateful', hold: true,
    description: 'Slurs and insults split by spaces or separators',
    cases: t(
      'Shut up you f a g g o t.', 'Go home n i g g e r.', 'Typical k i k e.', 'What a c h i n k.', 'Look at this t r a n n y.',
      'You are a f-a-g-g-o-t.', 'Dirty n-i-g-g-e-r.', 'Stupid k_i_k_e.', 'You r e t a r d.', 'f*a*g*g*o*t reporter.',
      'You absolute c u n t.', 'What a b i t c h.', 'Shut up and sit down, you w h o r e.', 'Go away s.l.u.t.', 'Everyone on this thread agrees you are an i d i o t.',
      'Dumb m o r o n.', 'Stupid a s s h o l e.', 'The councillor is a piece of s h i t.', 'You d i c k h e a d.', 'Total b a s t a r d.',
    ),
  },
  {
    id: 'slur-obfuscated-swap', kind: 'hateful', hold: true,
    description: 'Slurs and insults with swapped, doubled or missing letters',
    cases: t(
      'Shut up you fagott.', 'Go home niggre.', 'Typical kkike.', 'Another chnik.', 'Look at this trany.', 'You are a fagot.',
      'Dirty nigguh.', 'What a retrad.', 'You absolute cnut.', 'Stupid bicth.', 'Shut up you whroe.', 'Go away sult.',
      'You are an idoit.', 'Dumb mroon.', 'Total asshoel.', 'Piece of shti.', 'You dickhaed.', 'Total bastrad.', 'You stupdi clown.',
      'You imbecil.',
    ),
  },
  {
    id: 'slur-leetspeak', kind: 'hateful', hold: true,
    description: 'Slurs and insults in leetspeak',
    cases: t(
      'Shut up you f4gg0t.', 'Go home n1gg3r.', 'Typical k1ke.', 'Another ch1nk.', 'Look at this tr4nny.', 'You are a r3tard.',
      'You absolute c*nt.', 'Read the article first, you stupid b1tch.', 'Nobody asked you, wh0re.', 'Go away sl00t.', 'You are an 1d10t.', 'Dumb m0r0n.',
      'Total a55hole.', 'The author is a lying piece of sh1t.', 'You d1ckhead.', 'Total b4stard.', 'You stup1d clown.', 'F*ck you.', 'Fvck off and die.',
      'You are 5cum.',
    ),
  },
  {
    id: 'slur-dotted-digits', kind: 'hateful', hold: true,
    description: 'Letters separated by dots, with digits for letters (g.r.0.s.s)',
    cases: t(
      'You are g.r.0.s.s.', 'Go cry somewhere else f.4.g.g.0.t.', 'Go home n.1.g.g.3.r.', 'You are a r.3.t.4.r.d.', 'Learn to read, you i.d.1.0.t.',
      'Dumb m.0.r.0.n.', 'Shut it, stupid b.1.t.c.h.', 'The mayor is a c.u.n.t.', 'Total 4.s.s.h.0.l.3.', 'What a piece of s.h.1.t. you are.', 'Every reader here is s.t.u.p.1.d.',
      'Shut up w.h.0.r.3.', 'Go away s.l.u.t.', 'Go home, l.0.s.3.r.', 'Typical k.1.k.3.', 'What a c.h.1.n.k.', 'Immigrants are d.1.s.g.u.s.t.1.n.g.',
      'Your reporting is p.4.t.h.3.t.1.c. and so are you.', 'Get lost, you fat p.1.g.', 'F.u.c.k y.o.u.',
    ),
  },
  {
    id: 'negated-positive', kind: 'hateful', hold: true,
    description: 'Hate expressed by negating a positive statement',
    cases: t(
      'I don\'t respect women who think they can lead.', 'Muslims are not real Americans and never will be.', 'Gay people are not normal.',
      'Immigrants don\'t deserve to live here.', 'I will never trust a Jew.', 'Black people aren\'t capable of running a city.',
      'Trans women are not women and never will be, freaks.', 'Refugees are not welcome and never were.', 'Disabled people don\'t deserve jobs.',
      'I have zero respect for Mexicans.', 'Women aren\'t smart enough for science.', 'Arabs are not civilised people.',
      'I don\'t consider Asians real citizens.', 'Lesbians aren\'t fit to raise children.', 'Muslims can\'t be trusted with anything.',
      'No Hindu has ever contributed anything worthwhile.', 'Jews don\'t belong in this country.', 'Immigrants are not people I would ever help.',
      'Gay people shouldn\'t be allowed near schools.', 'Black voters don\'t know what\'s good for them, like children.',
    ),
  },
  {
    id: 'hate-question', kind: 'hateful', hold: true,
    description: 'Hate phrased as a question',
    cases: t(
      'Why are Muslims so violent?', 'Why do women always have to be so stupid?', 'Isn\'t it obvious immigrants are criminals?',
      'Why can\'t gay people just keep their perversion private?', 'How many more Mexicans do we need to deport before it\'s safe?',
      'Why are Jews so greedy?', 'Who let these animals from Somalia in?', 'Why do trans freaks get any rights at all?',
      'Why are black neighbourhoods always such dumps?', 'Can we finally admit refugees are parasites?', 'What is it with Asians and being sneaky?',
      'Why do disabled people think they deserve special treatment?', 'Why do Arabs love killing so much?', 'When will we get rid of the immigrants for good?',
      'Why are Indians so dirty?', 'Is there a single honest Roma anywhere?', 'Why do lesbians hate men so much, are they broken?',
      'How are Muslims even allowed to vote?', 'Why does every Jew lie?', 'Aren\'t women too emotional to be judges?',
    ),
  },
  {
    id: 'hate-opinion', kind: 'hateful', hold: true,
    description: 'Hate framed as an opinion',
    cases: t(
      'In my opinion, Muslims should be banned from this country.', 'I think gay people are an abomination.', 'Personally, I think immigrants are a disease.',
      'Just my view, but women should not be allowed to vote.', 'I honestly believe black people are inferior.', 'IMO Jews are behind every war.',
      'I feel trans people are disgusting.', 'My opinion: refugees are all rapists.', 'I believe Mexicans are a lower class of human.',
      'Frankly, I think disabled kids should not be born.', 'I really think Arabs are subhuman.', 'To be honest, Asians are all the same to me, soulless.',
      'I\'m entitled to my opinion that gays are sick.', 'I think Hindus are filthy.', 'My view is that Muslims are terrorists at heart.',
      'I honestly think Roma are born thieves.', 'I think women are worthless outside the kitchen.', 'I believe immigrants should be sterilised.',
      'In my honest opinion, Africans are savages.', 'Personally I think lesbians are repulsive.',
    ),
  },
  {
    id: 'abuse-person', kind: 'abusive', hold: true,
    description: 'Abuse aimed at a person (the author, another reader, a public figure)',
    cases: t(
      'You are a pathetic excuse for a reporter.', 'The author is a brain-dead hack.', 'Shut your mouth, you ignorant fool.',
      'The mayor is a lying sack of garbage.', 'You\'re a worthless troll and everyone here knows it.', 'Go crawl back under your rock, loser.',
      'This writer is a complete moron.', 'What an absolute clown the governor is.', 'You are a disgusting human being.',
      'Nobody cares what an idiot like you thinks.', 'The councillor is a corrupt scumbag.', 'You must be the dumbest person alive.',
      'Get lost, you pathetic little creep.', 'The editor is a spineless toad.', 'You\'re too stupid to read the article.',
      'The columnist is a vile hypocrite and a fraud.', 'What a dimwitted twit you are.', 'You absolute waste of oxygen.',
      'The senator is a senile old fool.', 'You are nothing but a bitter, ugly troll.',
    ),
  },
  {
    id: 'abuse-nonprotected-group', kind: 'abusive', hold: true,
    description: 'Abuse aimed at a group that is not a protected class',
    cases: t(
      'Journalists are all lying scum.', 'Cyclists are brain-dead idiots.', 'Every politician is a corrupt pig.', 'Landlords are parasites and scumbags.',
      'Lawyers are bloodsucking vermin.', 'Voters in this county are morons.', 'Teachers are lazy idiots who hate kids.', 'Cops are all pigs.',
      'Bankers are greedy scum.', 'Fans of this team are inbred morons.', 'Commenters here are pathetic losers.', 'Climate activists are brainless idiots.',
      'Tourists are filthy animals.', 'Drivers in this town are complete morons.', 'Republicans are stupid inbred hicks.', 'Democrats are all brainless sheep.',
      'City council members are useless scumbags.', 'Developers are greedy pigs.', 'Vegans are insufferable idiots.', 'Boomers are selfish stupid fools.',
    ),
  },
  {
    id: 'context-endorse-hateful-parent', kind: 'context', hold: true,
    description: 'A reply that endorses a hateful parent comment (civil on its own)',
    cases: replies(HATEFUL_PARENTS),
  },
  {
    id: 'context-title-top-level', kind: 'context', hold: true,
    description: 'A top-level comment aimed at the group the article is about, without naming it',
    cases: [
      ['Send them all back.', 'Refugee family opens a bakery on Main Street'], ['They should never have been let in.', 'Asylum seekers arrive in the county'],
      ['Deport every last one of them.', 'Immigrant workers rally for higher wages'], ['Animals, the lot of them.', 'Somali community holds festival in the park'],
      ['Get them out of our town.', 'New mosque approved by planning board'], ['Nobody wants them here.', 'Syrian refugees settle in local village'],
      ['They breed like rats.', 'Immigrant population grows in the county'], ['Disgusting people, keep them away from kids.', 'Gay couple adopts twins'],
      ['They ruin everything they touch.', 'Roma families move to the west side'], ['Lock them up and throw away the key.', 'Migrants cross the border at night'],
      ['Should have drowned them at sea.', 'Boat of migrants rescued off the coast'], ['Parasites, every one of them.', 'Immigrants now 20 % of the workforce'],
      ['Burn it down.', 'City approves synagogue expansion'], ['They are not welcome, send them packing.', 'Afghan refugees to be housed in old school'],
      ['Vermin.', 'Migrant camp opens near the highway'], ['Freaks, keep them out of schools.', 'Trans teacher honoured by district'],
      ['Build the wall higher and shoot the climbers.', 'Border crossings rise again'], ['Filthy people, all of them.', 'Indian restaurant opens downtown'],
      ['Kick them out before they take over.', 'Muslim candidate runs for council'], ['They are savages.', 'African students win science prize'],
    ].map(([text, articleTitle]) => ({ text: text!, articleTitle: articleTitle! })),
  },
  {
    id: 'context-endorse-civil-parent', kind: 'civil', hold: false,
    description: 'The same endorsing replies under a civil parent comment',
    cases: replies(CIVIL_PARENTS),
  },
  {
    id: 'negated-hate', kind: 'identity', hold: false,
    description: 'Hateful statements negated: the comment supports the group',
    cases: t(
      'I don\'t hate immigrants, they make this town better.', 'Muslims are not terrorists.', 'Gay people are not a threat to anyone.',
      'Women are not inferior to men in any way.', 'I would never say black people are less intelligent, it\'s false.', 'Jews do not control the media.',
      'Trans people are not mentally ill.', 'Refugees are not criminals, they are people fleeing war.', 'Disabled people are not a burden.',
      'Mexicans are not lazy, they work harder than most.', 'There is nothing wrong with being gay.', 'No one should be treated badly for being Muslim.',
      'Immigrants don\'t take our jobs, they create them.', 'I have never seen any reason to distrust my Jewish neighbours.', 'Being trans is not a disease.',
      'Asians are not all the same, that stereotype is lazy.', 'Lesbians are not a danger to children.', 'Arabs are not savages, that\'s a racist lie.',
      'Roma people are not thieves.', 'Women don\'t belong only in the kitchen.',
    ),
  },
  {
    id: 'identity-neutral', kind: 'identity', hold: false,
    description: 'Neutral statements mentioning identity groups',
    cases: t(
      'The Muslim community centre opens on Tuesday.', 'Gay couples can now register at city hall.', 'The report covers immigration from Mexico since 1990.',
      'Many Jewish families live on the north side.', 'A trans woman was elected to the school board.', 'The black business association meets monthly.',
      'Refugees from Syria arrived in the county last spring.', 'The survey asked disabled residents about bus access.', 'The mosque and the church share a car park.',
      'Lesbian and gay veterans marched in the parade.', 'Asian American voters turned out in record numbers.', 'The Hindu temple hosts a festival in October.',
      'Most immigrants here work in farming and construction.', 'The rabbi spoke at the memorial service.', 'Women make up half of the new police recruits.',
      'The Somali restaurant on 5th Street has a new menu.', 'Native American tribes signed the water agreement.', 'The deaf school celebrated its centenary.',
      'Arab Americans organised the street fair.', 'Older residents asked for more benches in the park.',
    ),
  },
  {
    id: 'identity-positive', kind: 'identity', hold: false,
    description: 'Positive statements about identity groups',
    cases: t(
      'I love my Muslim neighbours, they are wonderful people.', 'Gay people make this city more vibrant.', 'Immigrants built this country and still do.',
      'So proud of the Black students who won the robotics contest.', 'Trans people deserve respect and safety.', 'Jewish culture has given us so much.',
      'Women are brilliant leaders and we need more of them.', 'Refugees who settled here have enriched our town.', 'Disabled athletes are an inspiration.',
      'Mexican food and music make this town better.', 'My lesbian aunts are the kindest people I know.', 'The Sikh volunteers fed hundreds of people.',
      'Asian American history deserves more attention in schools.', 'Hindu families brought wonderful festivals to the area.', 'Native artists deserve this recognition.',
      'Arab hospitality is the best I have experienced.', 'Nonbinary people are valued members of our community.', 'The Somali community rebuilt the old market beautifully.',
      'Black women are the backbone of this neighbourhood.', 'Elderly people have so much wisdom to share.',
    ),
  },
  {
    id: 'identity-question', kind: 'identity', hold: false,
    description: 'Good-faith questions about identity groups and policy',
    cases: t(
      'How many refugees will the county take in this year?', 'Why are so many immigrants moving to Texas?', 'Do Muslim students get prayer rooms at the high school?',
      'What does the law change for gay couples who want to adopt?', 'Are trans athletes covered by the new policy?', 'How are Jewish holidays handled in the school calendar?',
      'Will women be able to apply for the firefighter programme?', 'What support is there for disabled voters?', 'Where do most Mexican immigrants in the state come from?',
      'Is the Black history museum open on weekends?', 'Do Hindu families have a cremation site nearby?', 'How did Asian Americans vote in the last election?',
      'What languages do the Somali families speak?', 'Are there lesbian support groups in town?', 'How old is the synagogue on Elm Street?',
      'Can asylum seekers work while they wait?', 'What do Arab business owners think of the new tax?', 'How many Native American students attend the college?',
      'Why do some Muslim women wear headscarves?', 'Do immigrants pay into social security?',
    ),
  },
  {
    id: 'counter-speech-quote', kind: 'counter', hold: false,
    description: 'Counter-speech that quotes the hate it condemns',
    cases: t(
      'Someone spray-painted "Muslims out" on the mosque. Shameful.', 'He told her "go back to Mexico" and the crowd laughed. Disgusting.',
      'When you call refugees "vermin" you are repeating Nazi propaganda.', '"Gay people are sick" is exactly the lie that got my friend beaten.',
      'My daughter was called a "dirty immigrant" at school and nobody stopped it.', 'Saying "women belong in the kitchen" in 2026 is embarrassing.',
      'The sign said "no Jews allowed" and people still defend it?', 'If your argument is "trans people are freaks", you have no argument.',
      'Graffiti saying "Blacks go home" appeared near the school. The police must act.', 'Quoting him: "Arabs are animals". How is he still on the council?',
      'Someone yelled "terrorist" at my sister for wearing a hijab.', 'Calling disabled kids "useless" is cruel and wrong.',
      'The flyer claimed "immigrants are a disease". That is hate, plain and simple.', '"They breed like rabbits" is a racist trope, stop repeating it.',
      'People wrote "Asians carry viruses" under the article. Please moderate that.', 'He said "lesbians are broken" and lost his job, good.',
      'The letter called Roma "thieves by birth". That is bigotry.', '"Go back where you came from" was shouted at a citizen born here.',
      'She was told "your kind is not welcome" at the shop. Unacceptable.', 'The troll wrote "Hindus are filthy", which is vile and false.',
    ),
  },
  {
    id: 'counter-speech-reference', kind: 'counter', hold: false,
    description: 'Counter-speech that refers to hate without quoting it',
    cases: t(
      'Comparing immigrants to animals is dehumanising and dangerous.', 'Racist abuse of players has no place in football.',
      'Homophobia is still a problem in our schools and we must talk about it.', 'Antisemitism is rising and we all have a duty to call it out.',
      'Hate crimes against Muslims doubled last year; this is shameful.', 'Stop blaming refugees for problems they did not create.',
      'Transphobic attacks are never acceptable.', 'Misogyny online drives women out of politics.', 'Mocking disabled people is cruel.',
      'Racial slurs hurt real people, please stop using them.', 'I reported the bigoted comments above; hate speech should be removed.',
      'Blaming Asians for the pandemic led to real attacks.', 'People who harass Jewish students should be expelled.',
      'Anti-immigrant rhetoric leads to violence, history proves it.', 'Calling gay people perverts is hateful and wrong.',
      'The racist remarks from the councillor were unacceptable.', 'Using slurs about Black people says more about you than them.',
      'Hate speech against Roma must be challenged.', 'Threats against trans people should be prosecuted.', 'Sexist jokes about female judges are not funny.',
    ),
  },
  {
    id: 'reclaimed-terms', kind: 'reclaimed', hold: false,
    description: 'Terms reclaimed by the group they once targeted, used about oneself or in-group',
    cases: t(
      'As a queer woman, I loved this article.', 'Proud to be queer and proud of this town.', 'We\'re here, we\'re queer, and we vote.',
      'The queer film festival was the best yet.', 'As a dyke who grew up here, this parade means a lot.', 'Dykes on bikes led the march again this year.',
      'I\'m a crip and proud, and this ramp changes my life.', 'Queer kids need to see this.', 'Our queer book club meets Thursdays.',
      'Being fat and happy is allowed, thank you for this piece.', 'As a fat woman, I found this refreshing.', 'Queer history is local history.',
      'Crip culture is finally getting the spotlight.', 'I\'m a proud queer elder.', 'Queer joy is resistance.', 'My queer friends and I went to the vigil.',
      'Fat activists spoke at the council meeting.', 'The queer choir sang beautifully.', 'As a proud old dyke, I remember the first parade.',
      'Queer and trans youth deserve support.',
    ),
  },
  {
    id: 'profanity-no-target', kind: 'civil', hold: false,
    description: 'Profanity aimed at no one',
    cases: t(
      'Holy shit, what a game last night!', 'Damn, that\'s a great result for the town.', 'Fuck yes, the library is staying open!',
      'That was one hell of a storm.', 'Shit happens, let\'s fix the road and move on.', 'Well, damn, I didn\'t expect that ending.',
      'Bloody brilliant reporting.', 'Oh crap, I forgot to vote.', 'The traffic this morning was fucking insane.', 'Shit, prices went up again.',
      'What the hell happened to the bus schedule?', 'Hell yeah, new bike lanes!', 'Damn good article.', 'Fucking finally, the bridge is open.',
      'This heat is a pain in the ass.', 'Goddamn, those photos are stunning.', 'Shit, I miss that old diner.', 'Jesus, what a mess the flood made.',
      'Holy crap, the team actually won.', 'Bullshit prices at the gas station again.',
    ),
  },
  {
    id: 'abuse-object', kind: 'civil', hold: false,
    description: 'Harsh words aimed at a thing, not a person',
    cases: t(
      'This stupid parking app is garbage.', 'The new website is a total disaster.', 'My phone is a useless piece of junk.',
      'The bus timetable is idiotic.', 'This printer is the dumbest machine ever made.', 'The new logo is ugly as sin.', 'That roundabout is a pathetic design.',
      'This paywall is ridiculous.', 'The traffic lights on Main are braindead.', 'The ticket machine is a worthless box.', 'What a pointless, stupid policy.',
      'This weather is disgusting.', 'The pothole on 3rd is a disgrace.', 'The new stadium seats are awful trash.', 'The comment system is clunky and dumb.',
      'The budget spreadsheet is a joke.', 'That song is horrible noise.', 'This road is a nightmare.', 'The font on this site is hideous.', 'My car is a lousy heap.',
    ),
  },
  {
    id: 'civil-criticism', kind: 'civil', hold: false,
    description: 'Strong but civil disagreement and criticism of public figures',
    cases: t(
      'The mayor\'s plan is a disaster and she should resign.', 'This article gets the facts wrong and should be corrected.',
      'The governor has failed this state on housing.', 'I strongly disagree with the editorial board.', 'The council wasted millions on this project.',
      'The senator\'s vote was cowardly and voters will remember.', 'This is the worst budget in decades.', 'The police chief misled the public.',
      'Your argument ignores the data entirely.', 'The school board should be ashamed of these test scores.', 'Frankly, this column is lazy journalism.',
      'The president\'s speech was full of half-truths.', 'The developer broke every promise he made.', 'I think you\'re wrong, and here is why.',
      'The judge\'s ruling was deeply unfair.', 'The company should be fined for polluting the river.', 'This policy hurts the poorest families.',
      'The minister should answer for the hospital waiting lists.', 'That decision was incompetent.', 'The reporter should have asked harder questions.',
    ),
  },
  {
    id: 'news-violence', kind: 'civil', hold: false,
    description: 'Comments discussing violence and crime in the news',
    cases: t(
      'The shooting on Elm Street left two people dead, so sad.', 'The man who stabbed his neighbour got twenty years.',
      'Police say the attacker threatened staff with a knife.', 'Three people were killed in the crash on the interstate.',
      'The trial of the accused murderer starts Monday.', 'Hate crimes are up, according to the FBI report.', 'The soldier died defending his unit.',
      'A teenager was beaten outside the station, police are asking for witnesses.', 'The bombing killed dozens in the market.',
      'The gunman was shot by officers after a standoff.', 'Domestic violence calls rose during the holidays.', 'He was convicted of strangling his wife.',
      'The victims of the massacre will be remembered.', 'The arson destroyed the old church.', 'Two officers were wounded in the raid.',
      'The documentary about the genocide is hard to watch.', 'The executed prisoner maintained his innocence.', 'The kidnapping suspect was arrested.',
      'Fire crews recovered the bodies this morning.', 'The assault happened just after midnight.',
    ),
  },
];
