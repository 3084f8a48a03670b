import type { Phase } from './types.js';

/** Pre-moderation: a flagged reader always; per post or site, everyone or new readers (first N approved). */
export const premod: Phase = ({ author, settings, postPremod }) => {
  if (author.premod)
    return { status: 'pending', reasons: [{ rule: 'premod', detail: 'this reader is always pre-moderated' }] };
  const mode = postPremod ?? settings.premod;
  const where = postPremod ? 'this post' : 'the site';
  if (mode === 'all')
    return { status: 'pending', reasons: [{ rule: 'premod', detail: `${where} pre-moderates every comment` }] };
  if (mode === 'new' && author.approvedCount < settings.premodNewCount) {
    return {
      status: 'pending',
      reasons: [
        {
          rule: 'premod',
          detail: `${where} pre-moderates readers until ${settings.premodNewCount} comments are approved (this reader has ${author.approvedCount})`,
        },
      ],
    };
  }
  return undefined;
};
