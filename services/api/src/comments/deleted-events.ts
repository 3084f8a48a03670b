import type { Events } from '#shared/webhooks/events.js';

/**
 * `comment.deleted`, one per comment whose text is gone: its author deleted it, or erased their account with
 * their comments. Carries no text; a publisher that keeps copies drops its own. Keyed by the comment, so a
 * retry sends it once.
 */
export async function emitDeleted(
  deps: { events: Events },
  siteId: string,
  comments: readonly { id: string; postId: string }[],
  by: 'author' | 'account_erased',
): Promise<void> {
  for (const c of comments)
    await deps.events.emit({
      siteId,
      type: 'comment.deleted',
      key: c.id,
      data: { comment: { id: c.id, postId: c.postId }, by },
    });
}
