import type { Queryable } from '#shared/db/pool.js';
import type { Events } from '#shared/webhooks/events.js';

/**
 * `comment.deleted`, one per comment whose text is gone: its author deleted it, or erased their account with
 * their comments. Carries no text; a publisher that keeps copies drops its own. Keyed by the comment, so a
 * retry sends it once. Stored with `tx`, the transaction that deletes the text, so the deletion is never told of
 * less than once; the returned function queues the deliveries after the commit (`Events.stage`).
 */
export async function stageDeleted(
  deps: { events: Events },
  tx: Queryable,
  siteId: string,
  comments: readonly { id: string; postId: string }[],
  by: 'author' | 'account_erased',
): Promise<() => Promise<void>> {
  const queues: (() => Promise<void>)[] = [];
  for (const c of comments)
    queues.push(
      await deps.events.stage(tx, {
        siteId,
        type: 'comment.deleted',
        key: c.id,
        data: { comment: { id: c.id, postId: c.postId }, by },
      }),
    );
  return async () => {
    for (const queue of queues) await queue();
  };
}
