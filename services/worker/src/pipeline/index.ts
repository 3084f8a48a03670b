import type { Decision } from '../../../../shared/src/domain.js';
import { authorStatus } from './author-status.js';
import { bodyLength } from './body-length.js';
import { parentStatus } from './parent-status.js';
import { toxicity } from './toxicity.js';
import type { ModerationContext, Phase } from './types.js';

/** The moderation rules, in order. A new rule is one file and one line here. */
export const PHASES: Phase[] = [authorStatus, bodyLength, parentStatus, toxicity];

/** Runs phases until one sets a final status; with none, the comment is approved. */
export async function runPipeline(ctx: ModerationContext, phases: Phase[] = PHASES): Promise<Decision> {
  const decision: Decision = { status: 'approved', reasons: [], scores: {} };
  for (const phase of phases) {
    const result = await phase(ctx);
    if (!result) continue;
    if (result.scores) {
      Object.assign(decision.scores, result.scores);
      Object.assign(ctx.scores, result.scores);
    }
    if (result.reasons) decision.reasons.push(...result.reasons);
    if (result.status) {
      decision.status = result.status;
      break;
    }
  }
  return decision;
}
