import type { Reason } from '#shared/domain.js';
import type { Effect } from '../pipeline/types.js';
import type { ModerationMemory } from '../rules/memory.js';

/** What applying effects on other rows needs. */
export interface EffectDeps {
  memory: ModerationMemory;
  /** Holds other, already stored comments of the site (only those still visible); returns how many changed. */
  holdOthers(siteId: string, ids: readonly string[], reason: Reason): Promise<number>;
}

/** The effects that change other rows, which must run even if the run that decided them stops (see below). */
export const onOtherRows = (effects: readonly Effect[]): Effect[] => effects.filter((e) => e.kind === 'hold_campaign');

/**
 * Applies a decided comment's effects on other rows. Called once the comment is stored (never
 * by a phase), and again by a later run of the job if the first stopped before they ran: each
 * effect is safe to apply twice (marks are keys, holds change only what is still visible).
 */
export async function applyEffects(effects: readonly Effect[], deps: EffectDeps): Promise<void> {
  for (const e of effects) {
    if (e.kind !== 'hold_campaign') continue;
    // Marked before held: a member still being decided finds its mark once stored (recheck_campaign).
    await deps.memory.markCampaign({ siteId: e.siteId, ids: e.mark, windowS: e.windowS });
    if (e.hold.length > 0) await deps.holdOthers(e.siteId, e.hold, e.reason);
  }
}
