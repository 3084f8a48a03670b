import { textHash } from '../rules/fingerprint.js';
import type { Phase } from './types.js';

/** The same text from the same reader within the site's window is a repeat: rejected. */
export const repeat: Phase = async ({ comment, settings, services }) => {
  const windowS = settings.repeat.windowSeconds;
  if (windowS === 0) return undefined;
  const first = await services.memory.claimText({
    siteId: comment.siteId,
    authorId: comment.authorId,
    hash: textHash(comment.body),
    commentId: comment.commentId,
    windowS,
  });
  if (first === comment.commentId) return undefined;
  return {
    status: 'rejected',
    reasons: [{ rule: 'repeat', detail: `same text as comment ${first}, posted by this reader within ${windowS} s` }],
  };
};
