import { createLexiconClassifier } from './lexicon.js';
import { createModelClassifier } from './model/classifier.js';
import { loadModel } from './model/index.js';
import type { ScoreContext, Scorer } from './types.js';
import { languageName, type Readability } from './language.js';
import { primaryLanguage } from '#shared/settings.js';

/** The embedded scorer's context: the site's, plus the comment's own context when the caller has it. */
export interface EmbeddedScoreContext extends ScoreContext {
  /** For a reply: the text of the comment it answers. */
  parentText?: string;
  /** For a top-level comment: the article's title. */
  articleTitle?: string;
}

/**
 * The scorer every site has: the trained toxicity model (weights in `services/worker/models/`,
 * loaded once per process) with the lexicon for spans and slurs. Offline; no text leaves the worker.
 * A `parentText` or `articleTitle` in the context is read when present (model/comment.ts).
 */
export function createEmbeddedScorer(weightsPath?: string): Scorer {
  const classifier = createModelClassifier(loadModel(weightsPath), createLexiconClassifier());
  return {
    name: 'embedded',
    async score(text: string, ctx: EmbeddedScoreContext) {
      const started = performance.now();
      const { attributes, spans, readability } = classifier.classifyComment(
        { text, parentText: ctx?.parentText, articleTitle: ctx?.articleTitle },
        { language: readsEnglish(ctx?.languages) },
      );
      return {
        attributes,
        spans,
        provider: 'embedded',
        model: classifier.model,
        latencyMs: performance.now() - started,
        ...unreadable(readability, ctx?.languages),
      };
    },
  };
}

/**
 * Whether a site's declared languages leave the embedded scorer, which reads English, any comment to read: none
 * declared, or English among them. When not, no comment's language need be checked.
 */
export function readsEnglish(siteLanguages: readonly string[] = []): boolean {
  return siteLanguages.length === 0 || siteLanguages.some((tag) => primaryLanguage(tag) === 'en');
}

/**
 * `ScoreResult.unreadable` for a comment the embedded scorer cannot read, none for one it can. It reads English: a
 * site that declared the languages of its comments (`languages`) without English has none of them read, however
 * English a short one looks; a site that declared none, or English among them, has each comment's language checked
 * (`readability`).
 */
export function unreadable(r: Readability, siteLanguages: readonly string[] = []): { unreadable?: string } {
  if (!readsEnglish(siteLanguages))
    return {
      unreadable: `it reads English, and this site's comments are in ${siteLanguages.map(languageName).join(', ')}`,
    };
  return r.readable ? {} : { unreadable: `it reads English, and this comment reads as ${r.language!.name}` };
}

/**
 * Comments that reach every phrase reader behind its first test: threats said, wished, called for and put as a
 * condition, group hate and its implicit shapes, a denial, a reported quotation, swearing at no one, coded words.
 * A process scores them twice before it takes comments (`warmUp`): the services run node with `--no-regexp-tier-up`
 * (docs/operations.md, "Node options"), so V8 compiles a regular expression the first time it runs, and compiling the
 * readers' large expressions takes about half a second of CPU that the first readers' comments would otherwise wait
 * for. Without the flag V8 interprets an expression first and compiles it on the second run.
 */
export const WARM_UP_TEXTS: readonly string[] = [
  'I will kill you and burn your house down.',
  'If you print my name again you are dead.',
  'I hope you die. Someone should shoot him.',
  'Immigrants are vermin and should all be deported.',
  'Send the Romanians home, every last one of them.',
  'Muslims are not terrorists.',
  'He told her "refugees are rats", which is racist.',
  'This is fucking brilliant news for the town.',
  'The (((globalists))) want the great replacement.',
  'The council meets on Tuesday to discuss the new bus routes.',
];

/** Scores `texts` twice (see `WARM_UP_TEXTS`); resolves to the milliseconds it took. */
export async function warmUp(scorer: Scorer, texts: readonly string[] = WARM_UP_TEXTS): Promise<number> {
  const started = performance.now();
  for (let round = 0; round < 2; round++) for (const text of texts) await scorer.score(text, { siteId: 'warm-up' });
  return performance.now() - started;
}
