import { findCodedHate } from '../coded-hate.js';
import { createLexiconClassifier, type TextClassifier } from '../lexicon.js';
import { findGroupHate, mentionsGroup, onlyDeniesHate } from '../group-phrases.js';
import { withoutUndirectedProfanity } from '../profanity.js';
import { withoutVerdictsOnThings } from '../verdicts.js';
import { findSwappedSlurs } from '../swapped-slurs.js';
import { unswapInsults } from '../swapped-insults.js';
import { findThreats } from '../threat-phrases.js';
import { findThreatClauses } from '../threat-clauses.js';
import type { PhraseSpan } from '../shapes.js';
import { mayQuote, withoutReportedQuotations } from '../quotation.js';
import type { Attribute, ScoreResult } from '../types.js';
import { READABLE, type Readability, readability } from '../language.js';
import { type FeatureVector, modelText } from './features.js';
import { loadModel, type ToxicityModel } from './index.js';

export type { FeatureVector };

/**
 * The embedded model's library API: a comment (with its parent's text when it is a reply, the article's
 * title when it is top level) → a probability per attribute, the lexicon's spans, and what a per-site
 * adapter (`adapter.ts`) learns from: the hashed features and the shared model's TOXICITY logit.
 */

/** The attributes the embedded scorer always returns. */
export const HEAD_ATTRIBUTES = [
  'TOXICITY',
  'INSULT',
  'THREAT',
  'IDENTITY_ATTACK',
  'PROFANITY',
  'SEVERE_TOXICITY',
] as const;
export type HeadAttribute = (typeof HEAD_ATTRIBUTES)[number];

export interface CommentInput {
  text: string;
  /** For a reply: the text of the comment it answers. */
  parentText?: string;
  /** For a top-level comment: the title of the article. */
  articleTitle?: string;
}

export interface CommentScores {
  /**
   * Calibrated probabilities, one per attribute (see docs/model-card.md for where each comes from):
   * TOXICITY, INSULT, IDENTITY_ATTACK, THREAT from the model's heads (the lexicon's near-certain slurs
   * and insults, and threats and group hate found by their grammar, as a floor); PROFANITY and
   * SEVERE_TOXICITY from the lexicon.
   */
  attributes: Record<HeadAttribute, number>;
  /** The lexicon's matches (UTF-16 offsets into `text`). */
  spans: NonNullable<ScoreResult['spans']>;
  /** log(p / (1 − p)) of TOXICITY as returned, context included: the adapter's base input. */
  baseLogit: number;
  /** The text's hashed features (the adapter's other input). */
  features: FeatureVector;
  /** How context moved TOXICITY: which rule applied (none when it did not). */
  context: 'none' | 'endorses-parent' | 'title-target';
  /**
   * Whether the scorer reads the comment's language (`language.ts`): a comment in another language scores low
   * because none of its words are known, and its scores say little.
   */
  readability: Readability;
}

export interface CommentModel {
  readonly version: string;
  /**
   * Scores a comment. `features: false` leaves `features` empty (the worker's hot path, no adapter); `language: false`
   * skips the language check, for a site none of whose comments the scorer reads (`readsEnglish` in embedded.ts), and
   * `readability` then says nothing against the comment.
   */
  score(input: CommentInput, opts?: { features?: boolean; language?: boolean }): CommentScores;
}

// A reply that only agrees ("exactly", "well said", "this. 100%") says what its parent says.
const ENDORSE_RE =
  /^(?:(?:yes|yep|yeah|exactly|agreed|agree|absolutely|totally|correct|true|truth|this|amen|preach|spot on|well said|so true|right on|100|same|indeed|bingo|finally)\b|(?:i |totally |completely )?(?:couldnt|could not) agree more|(?:i )?(?:totally |completely |fully )?agree\b|you nailed it|nailed it|best comment|exactly what i|this needs to be said|thank you for saying)/;
const NEGATION_RE =
  /\b(?:not|no|never|dont|disagree|wrong|nonsense|disgusting|shameful|false|lie|racist|bigoted|hateful)\b/;
/** Replies longer than this many words say something of their own: their text is scored alone. */
const ENDORSE_MAX_WORDS = 16;
/** How much of the parent's TOXICITY a pure endorsement inherits. */
const ENDORSE_SHARE = 0.95;

// Words that refer back to a group without naming it, resolved to the group the title names.
const PRONOUN_RE = /\b(?:them|they|their|these people|those people|it|the lot)\b/g;
const HAS_PRONOUN_RE = /\b(?:them|they|their|these people|those people|it|the lot)\b/;
const TITLE_GROUPS: readonly [RegExp, string][] = [
  [/\b(?:refugees?|asylum seekers?|migrants?|immigrants?|immigration)\b/, 'immigrants'],
  [/\b(?:muslims?|mosques?|islamic)\b/, 'muslims'],
  [/\b(?:jews|jewish|synagogues?)\b/, 'jews'],
  [/\b(?:gay|lesbians?|lgbtq?|trans|transgender|queer)\b/, 'gay people'],
  [/\b(?:black|african|somali)\b/, 'black people'],
  [/\b(?:roma|gypsies|gypsy)\b/, 'roma'],
  [/\b(?:mexicans?|hispanic|latino)\b/, 'mexicans'],
  [/\b(?:asian|chinese|indian)\b/, 'asians'],
  [/\b(?:syrian|afghan|arab|arabs)\b/, 'arabs'],
  [/\b(?:women|female)\b/, 'women'],
];

/**
 * THREAT or IDENTITY_ATTACK, and the TOXICITY floor, of a comment whose grammar threatens (`threat-phrases.ts`)
 * or dehumanises or denies respect to a protected group (`group-phrases.ts`), or that has a slur with two letters
 * swapped (`swapped-slurs.ts`): held, not rejected.
 */
const PHRASE = 0.9;
const PHRASE_TOXICITY = 0.85;
/**
 * Under the default hold: TOXICITY and IDENTITY_ATTACK at most, of a comment that only denies hate about a group
 * (`onlyDeniesHate`); and where a comment that swears at no one is brought down to at least (`profanity.ts`): its
 * swearing is still some rudeness, ranked above civil comments, held only where a site sets a hold this low.
 */
const UNDER_HOLD = 0.5;

const logit = (p: number) => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));

/**
 * The scorer's model: shared weights (`loadModel`) with the lexicon, both reading each text with its swapped insults
 * spelled back ("idoit": `swapped-insults.ts`). Context, when given, can only raise
 * TOXICITY and IDENTITY_ATTACK, by two rules written by hand (no training data has parent texts):
 * - a short reply that only endorses its parent (and negates nothing) takes 0.95 of the parent's scores;
 * - a top-level comment that refers to "them"/"they"/"it" is scored again with the pronoun replaced by
 *   the group the article's title names (refugees, a mosque …), and the higher score is kept.
 */
export function createCommentModel(
  model: ToxicityModel = loadModel(),
  lexicon: TextClassifier = createLexiconClassifier(),
): CommentModel {
  const EMPTY: FeatureVector = { index: new Int32Array(0), value: new Float32Array(0) };
  let kept: FeatureVector = EMPTY;
  let read: Readability = READABLE;
  /** The scores of a text; `own`: the comment's own text (its features kept for an adapter when `keep`). */
  const textScores = (written: string, own = false, keep = false, language = true) => {
    const text = unswapInsults(written) ?? written;
    const lex = lexicon.classify(text);
    const lt = lex.attributes.TOXICITY ?? 0;
    const v = model.featurize(text);
    if (own) read = language ? readability(text, model.words()) : READABLE;
    if (keep) kept = model.adapterFeatures();
    const p = model.predictFeatures(v, lt);
    const a = lex.attributes;
    const attributes: Record<HeadAttribute, number> = {
      TOXICITY: Math.max(p.TOXICITY ?? 0, a.SEVERE_TOXICITY ?? 0),
      INSULT: Math.max(p.INSULT ?? 0, a.INSULT ?? 0),
      THREAT: p.THREAT ?? 0,
      IDENTITY_ATTACK: Math.max(p.IDENTITY_ATTACK ?? 0, a.IDENTITY_ATTACK ?? 0),
      PROFANITY: a.PROFANITY ?? 0,
      SEVERE_TOXICITY: a.SEVERE_TOXICITY ?? 0,
    };
    // The phrases' spans first: they are what a hold on TOXICITY shows the moderator (pipeline/scoring.ts).
    const spans = applyPhrases(attributes, text, lexiconFindings(lex.spans), (rest) =>
      lexicon.classify(rest).spans?.length ? null : model.predictFeatures(model.featurize(rest), 0),
    );
    for (const span of lex.spans ?? []) spans.push(span);
    return { attributes, spans };
  };
  return {
    version: model.version,
    score(input, opts) {
      kept = EMPTY;
      const own = textScores(input.text, true, opts?.features !== false, opts?.language !== false);
      const readable = read;
      const features = kept;
      const attributes = { ...own.attributes };
      let context: CommentScores['context'] = 'none';
      if (input.parentText) {
        const t = modelText(input.text);
        const words = t ? t.split(' ').length : 0;
        if (words > 0 && words <= ENDORSE_MAX_WORDS && ENDORSE_RE.test(t) && !NEGATION_RE.test(t)) {
          const parent = textScores(input.parentText).attributes;
          for (const k of ['TOXICITY', 'IDENTITY_ATTACK'] as const) {
            const inherited = ENDORSE_SHARE * parent[k];
            if (inherited > attributes[k]) {
              attributes[k] = inherited;
              context = 'endorses-parent';
            }
          }
        }
      } else if (input.articleTitle) {
        const title = modelText(input.articleTitle);
        const group = TITLE_GROUPS.find(([re]) => re.test(title))?.[1];
        const t = group ? modelText(input.text) : '';
        if (group && HAS_PRONOUN_RE.test(t)) {
          const resolved = textScores(t.replace(PRONOUN_RE, group)).attributes;
          for (const k of ['TOXICITY', 'IDENTITY_ATTACK'] as const) {
            if (resolved[k] > attributes[k]) {
              attributes[k] = resolved[k];
              context = 'title-target';
            }
          }
        }
      }
      return {
        attributes,
        spans: own.spans,
        baseLogit: logit(attributes.TOXICITY),
        context,
        features,
        readability: readable,
      };
    },
  };
}

/** What the phrase rules need of the lexicon's matches in a text. */
export interface LexiconFindings {
  matches: number;
  /** Every match is a swear word (none is a slur or an insult). */
  profanityOnly: boolean;
}

export function lexiconFindings(spans: ScoreResult['spans']): LexiconFindings {
  const all = spans ?? [];
  return { matches: all.length, profanityOnly: all.every((s) => s.attribute === 'PROFANITY') };
}

/**
 * The phrase rules, applied to a text's attributes from the model and the lexicon (changed in place):
 * - a threat (`threat-phrases.ts`, or a clause `threat-clauses.ts` reads) or group hate (`group-phrases.ts`, a slur with two letters swapped:
 *   `swapped-slurs.ts`, and coded hate: `coded-hate.ts`) floors THREAT or IDENTITY_ATTACK at 0.9 and TOXICITY at 0.85;
 * - a comment that only denies hate about a group, with nothing else found in it (no phrase, no lexicon match),
 *   is capped at 0.5;
 * - a comment whose swear words all aim at no one (`profanity.ts`), with nothing else found in it and no group
 *   named, keeps at most the scores of the rest of its words, which `rescore` gives (the model on that text, or
 *   null to leave the scores as they are), but not under 0.5; PROFANITY takes the TOXICITY it
 *   had with them.
 * Returns the phrases' spans. `model:eval --loso` applies it too.
 */
export function applyPhrases(
  attributes: Record<HeadAttribute, number>,
  text: string,
  lexicon: LexiconFindings,
  rescore?: (rest: string) => Partial<Record<HeadAttribute, number>> | null,
): CommentScores['spans'] {
  const threats = withClauses(findThreats(text), findThreatClauses(text));
  const hate = [...findGroupHate(text), ...findSwappedSlurs(text), ...findCodedHate(text)];
  const spans: CommentScores['spans'] = threats.map((t) => ({ start: t.start, end: t.end, attribute: 'THREAT' }));
  for (const h of hate) spans.push({ start: h.start, end: h.end, attribute: 'IDENTITY_ATTACK' });
  if (threats.length > 0) {
    attributes.THREAT = Math.max(attributes.THREAT, PHRASE);
    attributes.TOXICITY = Math.max(attributes.TOXICITY, PHRASE_TOXICITY);
  }
  if (hate.length > 0) {
    attributes.IDENTITY_ATTACK = Math.max(attributes.IDENTITY_ATTACK, PHRASE);
    attributes.TOXICITY = Math.max(attributes.TOXICITY, PHRASE_TOXICITY);
  }
  if (spans.length > 0) return spans;
  // A comment that only denies hate about a group ("muslims are not terrorists") reads, to a bag of words,
  // like the hate it denies: it is kept under the default hold when nothing else in it holds it.
  if (lexicon.matches === 0 && onlyDeniesHate(text)) {
    attributes.TOXICITY = Math.min(attributes.TOXICITY, UNDER_HOLD);
    attributes.IDENTITY_ATTACK = Math.min(attributes.IDENTITY_ATTACK, UNDER_HOLD);
  }
  // Hate about a group that the comment reports or rejects in quotation marks ('a boy told her "muslims … should be
  // deported"', '"roma are a plague" is 1930s language'), where the comment names a group, is not the comment's
  // own: its own words are scored alone, and the quotation keeps it no lower than just under the default hold.
  // Quoted insults about no group are left to the model (news comments quote their opponents' insults to insult them
  // back). A slur or an insult in any quotation it reports or rejects is a moderator's to see: the comment is held,
  // never rejected for it.
  const slur = lexicon.matches > 0 && !lexicon.profanityOnly;
  const reported = rescore && mayQuote(text) && (slur || mentionsGroup(text)) ? withoutReportedQuotations(text) : null;
  const ownScores = reported === null ? null : rescore!(reported);
  if (ownScores && slur) {
    attributes.SEVERE_TOXICITY = Math.min(attributes.SEVERE_TOXICITY, PHRASE);
  } else if (ownScores) {
    downToRest(attributes, ownScores);
    return spans;
  }
  // Swearing aimed at no one is PROFANITY's to hold (a site sets that threshold): the rest is scored alone, and the
  // swearing keeps the comment no lower than just under the default hold.
  if (rescore && lexicon.profanityOnly) {
    const rest = withoutUndirectedProfanity(text);
    const scores = rest !== null && !mentionsGroup(text) ? rescore(rest) : null;
    if (scores) {
      // What the swearing added moves to PROFANITY: a site that holds swearing holds it there.
      attributes.PROFANITY = Math.max(attributes.PROFANITY, attributes.TOXICITY);
      downToRest(attributes, scores);
    }
  }
  // A harsh verdict on a thing ("this paywall is ridiculous", "what a stupid policy") is scored again without its
  // harsh words (`verdicts.ts`), and kept no lower than just under the default hold, as swearing at no one is.
  if (rescore && lexicon.matches === 0 && attributes.TOXICITY > UNDER_HOLD && !mentionsGroup(text)) {
    const rest = withoutVerdictsOnThings(text);
    const scores = rest !== null ? rescore(rest) : null;
    if (scores) downToRest(attributes, scores);
  }
  return spans;
}

/**
 * The texts the phrase rules may score again instead of a comment (`rescore` above): its words but the swearing aimed
 * at no one, its own words when it reports or rejects what it quotes, its words but its harsh verdicts on things.
 * `model:eval --loso` scores these ahead with each fold's model.
 */
export function phraseRests(text: string): (string | null)[] {
  return [withoutUndirectedProfanity(text), withoutReportedQuotations(text), withoutVerdictsOnThings(text)];
}

/** Down to the rest's scores, but no lower than just under the default hold. */
function downToRest(attributes: Record<HeadAttribute, number>, rest: Partial<Record<HeadAttribute, number>>): void {
  for (const k of RESCORED) attributes[k] = Math.min(attributes[k], Math.max(rest[k] ?? attributes[k], UNDER_HOLD));
}

/** The shapes' threats, and the clauses' that none of them overlaps. */
function withClauses(shapes: PhraseSpan[], clauses: PhraseSpan[]): PhraseSpan[] {
  if (clauses.length === 0) return shapes;
  const out = [...shapes];
  for (const c of clauses) if (!shapes.some((t) => t.start < c.end && c.start < t.end)) out.push(c);
  return out.sort((a, b) => a.start - b.start);
}

/** The attributes a comment's rest is scored again for (not PROFANITY, nor the lexicon's SEVERE_TOXICITY). */
const RESCORED = ['TOXICITY', 'INSULT', 'THREAT', 'IDENTITY_ATTACK'] as const;

/** Attributes as the pipeline reads them (`Partial<Record<Attribute, number>>`). */
export function asAttributes(a: Record<HeadAttribute, number>): Partial<Record<Attribute, number>> {
  return { ...a };
}
