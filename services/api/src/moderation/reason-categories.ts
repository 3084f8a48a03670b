import type { CommentStatus, Reason } from '#shared/domain.js';

/**
 * What an author is told about their own comment: a category and a sentence, never scores,
 * matched words of other rules, or anything about other readers. Held comments all read the
 * same, so a campaign cannot learn which rule held it.
 */
export interface AuthorReason {
  category:
    | 'held_for_review'
    | 'banned_word'
    | 'abusive_language'
    | 'repeat'
    | 'link_not_allowed'
    | 'account_restricted'
    | 'too_long'
    | 'empty'
    | 'removed_by_moderator'
    | 'not_published';
  message: string;
}

const REJECTED: Record<string, AuthorReason> = {
  banned_word: { category: 'banned_word', message: 'It contains a word this site does not allow.' },
  toxicity: { category: 'abusive_language', message: "It breaks this site's rules on abusive language." },
  repeat: { category: 'repeat', message: 'You posted the same comment a moment ago.' },
  link_denied: { category: 'link_not_allowed', message: 'It links to a site this site does not allow.' },
  author_banned: { category: 'account_restricted', message: 'Your account may not comment on this site right now.' },
  too_long: { category: 'too_long', message: 'It is longer than this site allows.' },
  empty: { category: 'empty', message: 'It is empty.' },
  moderator: { category: 'removed_by_moderator', message: 'A moderator removed it.' },
};

export function authorReason(status: CommentStatus | 'queued', reasons: Reason[]): AuthorReason | null {
  if (status === 'approved' || status === 'queued') return null;
  if (status === 'pending')
    return { category: 'held_for_review', message: 'It is waiting for a moderator to review it.' };
  // The last reason that decided wins (a moderator's action comes after the worker's).
  for (let i = reasons.length - 1; i >= 0; i--) {
    const known = REJECTED[reasons[i]!.rule];
    if (known) return known;
  }
  return { category: 'not_published', message: 'It was not published.' };
}
