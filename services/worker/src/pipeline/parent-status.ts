import type { Phase } from './types.js';

/**
 * A reply whose parent was held or removed after the API accepted it would hang under a comment
 * readers cannot see; a moderator decides instead.
 */
export const parentStatus: Phase = ({ comment, parentStatus: status }) => {
  if (!comment.parentId || status === 'approved') return undefined;
  return {
    status: 'pending',
    reasons: [{ rule: 'parent_unavailable', detail: `the comment it replies to is ${status ?? 'gone'}` }],
  };
};
