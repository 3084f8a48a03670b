import { ApiError, call, type CommentStatus } from './api.js';
import type { Session } from './session.js';

/**
 * Polls a comment's status until it is approved, rejected, or held with a statement of reasons (1 s, backing off to every 15 s,
 * for at most an hour, while `alive()`); null when it stops without a decision.
 */
export async function awaitDecision(o: {
  base: string;
  session: Session;
  id: string;
  alive(): boolean;
  /** When to stop (default: once approved or rejected); an edit waits until it is no longer pending. */
  done?(c: CommentStatus): boolean;
}): Promise<CommentStatus | null> {
  const done = o.done ?? ((c: CommentStatus) => c.status === 'approved' || c.status === 'rejected' || !!c.statement);
  const started = Date.now();
  let delay = 1000;
  while (Date.now() - started < 3_600_000 && o.alive()) {
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 15_000);
    try {
      const { comment } = await o.session.authed((token) =>
        call<{ comment: CommentStatus }>(o.base, `/api/v1/comments/${o.id}`, { token, cache: 'no-store' }),
      );
      if (done(comment)) return comment;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 401)) return null;
    }
  }
  return null;
}

/**
 * Opens the post's live-update stream. The browser reconnects a dropped stream by itself; as announcements made
 * while it was away are lost, every reconnection counts as a change of the comments and of the post (closed, say). A stream the server refused
 * (its limits) is tried again after 30 s, doubling to 5 minutes, each wait spread at random so that readers
 * refused together do not all come back together.
 */
export function connectLive(url: string, on: { comments(): void; post(): void }, refused = 0): void {
  if (typeof EventSource === 'undefined') return;
  const es = new EventSource(url);
  let opened = false;
  es.addEventListener('open', () => {
    // Back after a drop or a refusal: what was announced meanwhile is looked for.
    if (opened || refused > 0) {
      on.comments();
      on.post();
    }
    opened = true;
    refused = 0;
  });
  es.addEventListener('comments', () => on.comments());
  es.addEventListener('post', () => on.post());
  es.addEventListener('error', () => {
    if (es.readyState !== EventSource.CLOSED) return;
    const ceiling = Math.min(300_000, 30_000 * 2 ** refused);
    setTimeout(() => connectLive(url, on, refused + 1), ceiling / 2 + Math.random() * (ceiling / 2));
  });
}
