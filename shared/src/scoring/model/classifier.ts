import type { TextClassifier } from '../lexicon.js';
import { type CommentInput, createCommentModel } from './comment.js';
import type { ToxicityModel } from './index.js';
import type { Readability } from '../language.js';

/** A text classifier that also reads a comment's context (optional): what the embedded scorer runs. */
export interface ContextClassifier extends TextClassifier {
  /** `language: false` skips the language check (`CommentModel.score`). */
  classifyComment(
    input: CommentInput,
    opts?: { language?: boolean },
  ): ReturnType<TextClassifier['classify']> & { readability: Readability };
}

/**
 * The embedded scorer's classifier: the model's heads (TOXICITY, INSULT, IDENTITY_ATTACK, THREAT) with
 * the lexicon's finding as one more input to TOXICITY's calibration (it knows profanity and slurs the
 * data lacks); the lexicon's findings stay as reasons (matched spans), give slurs their near-certain
 * TOXICITY, SEVERE_TOXICITY and IDENTITY_ATTACK, and give PROFANITY (`comment.ts`).
 */
export function createModelClassifier(model: ToxicityModel, lexicon: TextClassifier): ContextClassifier {
  const comments = createCommentModel(model, lexicon);
  const classifyComment = (input: CommentInput, opts?: { language?: boolean }) => {
    const s = comments.score(input, { features: false, language: opts?.language });
    return { attributes: { ...s.attributes }, spans: s.spans, readability: s.readability };
  };
  return { model: model.version, classify: (text) => classifyComment({ text }), classifyComment };
}
