import type { Phase } from './types.js';

/** Moderators and admins are not held (they still pass every reject rule before this phase). */
export const staff: Phase = ({ author }) => {
  if (author.role === 'commenter') return undefined;
  return { status: 'approved', reasons: [{ rule: 'staff', detail: `author is a site ${author.role}; holds do not apply` }] };
};
