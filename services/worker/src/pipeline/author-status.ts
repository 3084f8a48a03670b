import { canPost } from '../../../../shared/src/db/users.js';
import type { Phase } from './types.js';

/** A reader banned or suspended after the API accepted their comment is refused here. */
export const authorStatus: Phase = ({ author }) => {
  if (canPost(author)) return undefined;
  return { status: 'rejected', reasons: [{ code: 'author_banned', message: `author is ${author.status}` }] };
};
