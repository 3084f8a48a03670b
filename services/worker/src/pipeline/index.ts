import { authorStatus } from './author-status.js';
import { bannedWords } from './banned-words.js';
import { bodyLength } from './body-length.js';
import { coordinated } from './coordinated.js';
import { history } from './history.js';
import { linkDomains } from './link-domains.js';
import { links } from './links.js';
import { parentStatus } from './parent-status.js';
import { premod } from './premod.js';
import { repeat } from './repeat.js';
import { scoring } from './scoring.js';
import { staff } from './staff.js';
import { suspectWords } from './suspect-words.js';
import { surge } from './surge.js';
import { toxicityHold } from './toxicity-hold.js';
import { emptyState, mergePhaseResult } from './merge.js';
import type { ModerationInput, ModerationResult, Phase } from './types.js';

/**
 * The moderation rules, in order: rules that reject first, then the staff bypass, then rules
 * that hold. The first phase that sets a status ends the run; every phase before it may add
 * reasons, scores and effects. A new rule is one file and one line here.
 */
export const PHASES: Phase[] = [
  // Reject.
  authorStatus,
  bodyLength,
  repeat,
  bannedWords,
  linkDomains,
  scoring,
  // A reply under a comment readers can no longer see waits, whoever wrote it.
  parentStatus,
  // Staff are not held.
  staff,
  // Hold.
  suspectWords,
  toxicityHold,
  links,
  coordinated,
  history,
  premod,
  // Last: a surge's blanket hold must not hide what a rule above found (calm is measured by those).
  surge,
];

/**
 * Runs phases until one sets a final status; with none, the comment is approved. Each phase
 * reads the input and what earlier phases found, and returns what it decides; the results are
 * merged here (`mergePhaseResult`), never written into the context.
 */
export async function runPipeline(
  input: ModerationInput,
  phases: readonly Phase[] = PHASES,
): Promise<ModerationResult> {
  let state = emptyState();
  for (const phase of phases) {
    const result = await phase({ ...input, ...state });
    if (!result) continue;
    state = mergePhaseResult(state, result);
    if (state.status) break;
  }
  return {
    status: state.status ?? 'approved',
    reasons: state.reasons,
    scores: state.scores,
    scoredBy: state.scoredBy,
    settingsVersion: input.settingsVersion,
    effects: state.effects,
  };
}
