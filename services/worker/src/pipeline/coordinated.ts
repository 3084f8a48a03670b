import { minhash } from '../rules/fingerprint.js';
import type { Reason } from '#shared/domain.js';
import type { Phase } from './types.js';

/** Shorter texts ("Great article!") are too common to call a campaign. */
export const MIN_CAMPAIGN_CHARS = 40;

/**
 * Near-identical text from K or more distinct accounts on the site within the window is a
 * campaign: this comment and the others, if still visible, are held with reason `coordinated`.
 * Comments of the campaign still in the queue find it themselves when the worker gets to them.
 */
export const coordinated: Phase = async (ctx) => {
  const { comment, settings, services } = ctx;
  const { accounts, windowSeconds, similarity } = settings.coordinated;
  if (accounts === 0) return undefined;
  const sig = minhash(comment.body, MIN_CAMPAIGN_CHARS);
  if (!sig) return undefined;
  ctx.campaignRecorded = true;
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
  if (authors.size < accounts) return undefined;
  const reason: Reason = {
    rule: 'coordinated',
    detail: `near-identical text from ${authors.size} accounts within ${windowSeconds} s (similarity ≥ ${similarity})`,
  };
  // Members found earlier were held then; only the others need holding now. They are marked
  // first: a member still being decided finds its mark after its insert (moderate-comment.ts).
  const fresh = matches.filter((m) => !m.inCampaign).map((m) => m.commentId);
  await services.memory.markCampaign({
    siteId: comment.siteId,
    ids: [comment.commentId, ...fresh],
    windowS: windowSeconds,
  });
  await services.holdOthers(comment.siteId, fresh, reason);
  return { status: 'pending', reasons: [reason] };
};
