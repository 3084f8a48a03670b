import { minhash } from '../rules/fingerprint.js';
import type { Reason } from '#shared/domain.js';
import type { Phase } from './types.js';

/** Shorter texts ("Great article!") are too common to call a campaign. */
export const MIN_CAMPAIGN_CHARS = 40;

/**
 * Near-identical text from K or more distinct accounts on the site within the window is a
 * campaign: this comment is held with reason `coordinated`, and the others, if still visible,
 * are held too once this one is stored (the `hold_campaign` effect). Comments of the campaign
 * still in the queue find it themselves when the worker gets to them.
 */
export const coordinated: Phase = async ({ comment, settings, services }) => {
  const { accounts, windowSeconds, similarity } = settings.coordinated;
  if (accounts === 0) return undefined;
  const sig = minhash(comment.body, MIN_CAMPAIGN_CHARS);
  if (!sig) return undefined;
  const matches = await services.memory.nearDuplicates({
    siteId: comment.siteId,
    commentId: comment.commentId,
    authorId: comment.authorId,
    sig,
    atMs: Date.parse(comment.acceptedAt),
    windowS: windowSeconds,
    minSimilarity: similarity,
  });
  const authors = new Set([comment.authorId, ...matches.map((m) => m.authorId)]);
  // The text is recorded now: a later member may mark this comment while it is being decided.
  if (authors.size < accounts) return { effects: [{ kind: 'recheck_campaign', siteId: comment.siteId }] };
  const reason: Reason = {
    rule: 'coordinated',
    detail: `near-identical text from ${authors.size} accounts within ${windowSeconds} s (similarity ≥ ${similarity})`,
  };
  // Members found earlier were held then; only the others need holding now.
  const fresh = matches.filter((m) => !m.inCampaign).map((m) => m.commentId);
  return {
    status: 'pending',
    reasons: [reason],
    effects: [
      {
        kind: 'hold_campaign',
        siteId: comment.siteId,
        mark: [comment.commentId, ...fresh],
        hold: fresh,
        windowS: windowSeconds,
        reason,
      },
    ],
  };
};
