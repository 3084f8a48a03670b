import { canPost } from '#shared/db/users.js';
import type { Phase } from './types.js';

/** A reader banned or suspended after the API accepted their comment is refused here. */
export const authorStatus: Phase = ({ author }) => {
  if (canPost(author)) return undefined;
  const detail =
    author.status === 'suspended' && author.suspendedUntil
      ? `author is suspended until ${author.suspendedUntil.toISOString()}`
      : `author is ${author.status}`;
  return { status: 'rejected', reasons: [{ rule: 'author_banned', detail }] };
};
