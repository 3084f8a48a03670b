import { findLinks, inDomains } from '../rules/links.js';
import type { Phase } from './types.js';

/** A link to a domain the site denies rejects the comment. */
export const linkDomains: Phase = ({ comment, settings }) => {
  const { denyDomains } = settings.links;
  if (denyDomains.length === 0) return undefined;
  const denied = findLinks(comment.body).filter((l) => inDomains(l.host, denyDomains));
  if (denied.length === 0) return undefined;
  return {
    status: 'rejected',
    reasons: denied.map((l) => ({
      rule: 'link_denied',
      detail: `links to ${l.host}, which this site denies`,
      span: { start: l.start, end: l.end, text: l.text },
    })),
  };
};
