import type { Decision } from '#shared/domain.js';
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
import { toxicityHold } from './toxicity-hold.js';
import type { ModerationContext, Phase } from './types.js';

/**
 * The moderation rules, in order: rules that reject first, then the staff bypass, then rules
 * that hold. The first phase that sets a status ends the run. A new rule is one file and one
 * line here.
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
];

/** Runs phases until one sets a final status; with none, the comment is approved. */
export async function runPipeline(ctx: ModerationContext, phases: Phase[] = PHASES): Promise<Decision> {
  const decision: Decision = {
    status: 'approved',
    reasons: ctx.reasons,
    scores: ctx.scores,
    scoredBy: ctx.scoredBy,
    settingsVersion: ctx.settingsVersion,
  };
  for (const phase of phases) {
    const result = await phase(ctx);
    if (!result) continue;
    if (result.scores) Object.assign(ctx.scores, result.scores);
    if (result.reasons) ctx.reasons.push(...result.reasons);
    if (result.status) {
      decision.status = result.status;
      break;
    }
  }
  return decision;
}
