import { findLinks, inDomains } from '../rules/links.js';
import type { Phase } from './types.js';

/** Links from readers with few approved comments are held (links to allowed domains do not count). */
export const links: Phase = ({ comment, settings, author }) => {
  const { holdBelowApproved, allowDomains } = settings.links;
  if (author.approvedCount >= holdBelowApproved) return undefined;
  const found = findLinks(comment.body).filter((l) => !inDomains(l.host, allowDomains));
  if (found.length === 0) return undefined;
  return {
    status: 'pending',
    reasons: [
      {
        rule: 'links',
        detail: `contains a link from a reader with ${author.approvedCount} approved comments (the site holds links below ${holdBelowApproved})`,
        span: { start: found[0]!.start, end: found[0]!.end, text: found[0]!.text },
      },
    ],
  };
};
