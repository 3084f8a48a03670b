import type { CommentStatus } from '#shared/domain.js';
import type { Findings, PhaseResult } from './types.js';

/** What the runner holds between phases: the findings so far and the final status, once one is set. */
export interface PipelineState extends Findings {
  status?: CommentStatus;
}

export const emptyState = (): PipelineState => ({
  reasons: [],
  scores: {},
  scoredBy: [],
  spans: [],
  unscored: [],
  effects: [],
});

/**
 * Adds a phase's result to the state, returning a new state (neither argument changes): the
 * first final status wins, lists append in phase order, scores merge by key (a later phase's
 * score for the same key replaces the earlier one).
 */
export function mergePhaseResult(state: PipelineState, result: PhaseResult): PipelineState {
  const merged: PipelineState = {
    reasons: [...state.reasons, ...(result.reasons ?? [])],
    scores: Object.assign({}, state.scores, result.scores), // not spreads: V8 copies a second one key by key
    scoredBy: [...state.scoredBy, ...(result.scoredBy ?? [])],
    spans: [...state.spans, ...(result.spans ?? [])],
    unscored: [...state.unscored, ...(result.unscored ?? [])],
    effects: [...state.effects, ...(result.effects ?? [])],
  };
  const status = state.status ?? result.status;
  if (status) merged.status = status;
  return merged;
}
