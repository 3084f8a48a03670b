import type { Phase } from './types.js';

/** A post in a surge with pre-moderation holds every comment the rules above let through. */
export const surge: Phase = ({ postSurge }) =>
  postSurge === 'premod'
    ? {
        status: 'pending',
        reasons: [{ rule: 'surge', detail: 'this post is pre-moderated while a surge of flagged comments lasts' }],
      }
    : undefined;
