import type { Logger } from '../../../../shared/src/logger.js';

/** A moderation action that completed (committed, audited, caches told). */
export type ModerationEvent =
  | { type: 'comment.moderated'; siteId: string; commentId: string; action: string; before: string; after: string; actorId: string | null }
  | { type: 'comment.reported'; siteId: string; commentId: string; reason: string; openReports: number; held: boolean }
  | { type: 'reader.changed'; siteId: string; userId: string; action: string; actorId: string };

/**
 * The one place moderation actions announce themselves once they are done. Webhook delivery
 * (`comment.approved`, `comment.rejected`, `comment.reported`, `reader.banned`, …) hooks in here.
 */
export function moderationCompleted(deps: { logger: Logger }, event: ModerationEvent): void {
  deps.logger.debug({ event }, 'moderation action completed');
}
