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
import { emptyState, mergePhaseResult, type PipelineState } from './merge.js';
import { isWrongGuess, ruleSession } from './rule-state.js';
import type { ModerationInput, ModerationResult, Phase, PhaseResult } from './types.js';

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
 *
 * The repeat and campaign rules' state is one round trip (rule-state.ts): the repeat claim is
 * answered ahead of Redis and sent with the campaign step, or alone before a phase that reaches
 * out and at the end. When the claim was lost, the run goes back to the phase that claimed,
 * with the state it had then, and continues from there with the real answer.
 */
export async function runPipeline(
  input: ModerationInput,
  phases: readonly Phase[] = PHASES,
): Promise<ModerationResult> {
  const rules = ruleSession(input.services.memory);
  const services = { ...input.services, memory: rules.memory };
  let state = emptyState();
  let i = 0;
  // Where the claim answered ahead was taken: the phase and the state it ran with.
  let claimedAt: { i: number; state: PipelineState } | null = null;
  const goBack = () => {
    if (!claimedAt) throw new Error('the rule state was wrong without a claim answered ahead');
    ({ i, state } = claimedAt);
    claimedAt = null;
  };
  // The context phases read, built again only when the state is another (phases never write to it).
  // Object.assign rather than spreads: V8 copies a second spread key by key, microseconds a phase.
  const contextOf = (s: PipelineState) => Object.assign({}, input, s, { services });
  let ctxOf = state;
  let ctx = contextOf(state);
  for (;;) {
    const phase = state.status ? undefined : phases[i];
    if (ctxOf !== state) {
      ctxOf = state;
      ctx = contextOf(state);
    }
    if ((!phase || phase.reachesOut?.(ctx)) && !(await rules.settle())) {
      goBack();
      continue;
    }
    if (!phase) break;
    const guessing = rules.guessing();
    let result: PhaseResult | undefined;
    try {
      // Most phases answer at once: awaiting only a promise spares each of them a microtask and its allocations.
      const answer = phase(ctx);
      result = answer instanceof Promise ? await answer : answer;
    } catch (err) {
      if (!isWrongGuess(err)) throw err;
      goBack();
      continue;
    }
    if (!guessing && rules.guessing()) claimedAt = { i, state };
    if (result) state = mergePhaseResult(state, result);
    i++;
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
