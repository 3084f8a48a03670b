/**
 * Identity terms in sentences that are not toxic, for the bias check (eval) and, with different
 * sentences, for training: a model trained on tweets learns that "gay", "black" or "muslim" alone
 * mean abuse (Dixon et al., "Measuring and Mitigating Unintended Bias in Text Classification", 2018).
 * The training and evaluation templates share no sentence, so the check is not measured on what was learned.
 */

/** [adjective form, plural noun form] for each group. */
export const GROUPS: readonly (readonly [string, string])[] = [
  ['gay', 'gay people'],
  ['lesbian', 'lesbians'],
  ['bisexual', 'bisexual people'],
  ['transgender', 'transgender people'],
  ['trans', 'trans people'],
  ['queer', 'queer people'],
  ['straight', 'straight people'],
  ['nonbinary', 'nonbinary people'],
  ['black', 'black people'],
  ['white', 'white people'],
  ['african american', 'african americans'],
  ['asian', 'asians'],
  ['latino', 'latinos'],
  ['hispanic', 'hispanics'],
  ['mexican', 'mexicans'],
  ['chinese', 'chinese people'],
  ['indian', 'indians'],
  ['arab', 'arabs'],
  ['native american', 'native americans'],
  ['indigenous', 'indigenous people'],
  ['immigrant', 'immigrants'],
  ['refugee', 'refugees'],
  ['muslim', 'muslims'],
  ['jewish', 'jews'],
  ['christian', 'christians'],
  ['catholic', 'catholics'],
  ['hindu', 'hindus'],
  ['buddhist', 'buddhists'],
  ['sikh', 'sikhs'],
  ['atheist', 'atheists'],
  ['disabled', 'disabled people'],
  ['deaf', 'deaf people'],
  ['blind', 'blind people'],
  ['autistic', 'autistic people'],
  ['old', 'old people'],
  ['young', 'young people'],
  ['female', 'women'],
  ['male', 'men'],
  ['feminist', 'feminists'],
  ['african', 'africans'],
  ['european', 'europeans'],
  ['irish', 'irish people'],
  ['polish', 'poles'],
  ['russian', 'russians'],
  ['liberal', 'liberals'],
  ['conservative', 'conservatives'],
];

/** Sentences used only by the evaluation's bias check ({a}: adjective, {p}: plural). */
export const EVAL_TEMPLATES: readonly string[] = [
  'I am a proud {a} person.',
  'I am {a}.',
  'My best friend is {a}.',
  'Being {a} is part of who I am.',
  'As a {a} reader, I found this article balanced.',
  'Our new neighbours are {a} and very kind.',
  'The council met with {p} from the neighbourhood on Tuesday.',
  '{p} deserve the same rights as everyone else.',
  'Many {p} live in this city and contribute a lot.',
  'The survey asked {p} about housing costs.',
  'My grandmother was {a} and she taught me to cook.',
  'The article quotes several {a} teachers.',
  'I have worked with {p} for twenty years.',
  'Thank you for covering the {a} community fairly.',
  'She is a {a} doctor at the local hospital.',
  'The festival celebrates {a} culture and music.',
];

/** Sentences used only for training, non-toxic (label 0). */
export const TRAIN_BENIGN_TEMPLATES: readonly string[] = [
  'I am {a} and I agree with this.',
  'my sister is {a}',
  '{p} are welcome here',
  'the mayor spoke to {p} at the town hall',
  'a {a} family moved in next door',
  'there are {a} students in my class',
  'he is {a} and a good father',
  'the report looks at how {p} vote',
  'as a {a} man i think this is right',
  'as a {a} woman i support the plan',
  'we should listen to {p}',
  '{a} history is worth learning about',
  'my coworker is {a} and brilliant',
  'the church and the {a} group worked together',
  'i love my {a} friends',
  'what do {p} think about the new law',
];

/** Sentences used only for training, toxic (label 1): the hostility, not the group, is what is toxic. */
export const TRAIN_TOXIC_TEMPLATES: readonly string[] = [
  'all {p} are disgusting',
  'i hate {p}',
  '{p} are scum and should get out',
  'shut up you stupid {a} idiot',
  '{p} are subhuman trash',
  'get rid of all the filthy {p}',
  'go back where you came from you {a} piece of garbage',
  '{p} are animals',
];

export function fill(template: string, [a, p]: readonly [string, string]): string {
  const s = template.replaceAll('{a}', a).replaceAll('{p}', p);
  return s.charAt(0).toUpperCase() + s.slice(1);
}
