import type { Logger } from '#shared/logger.js';
import { moderatorDecision, type Events, type NewEvent } from '#shared/webhooks/events.js';

/** A moderation action that completed (committed, audited, caches told). */
export type ModerationEvent =
  | {
      type: 'comment.moderated';
      siteId: string;
      commentId: string;
      action: string;
      before: string;
      after: string;
      actorId: string | null;
    }
  | { type: 'comment.reported'; siteId: string; commentId: string; reason: string; openReports: number; held: boolean }
  | {
      type: 'comment.report_threshold';
      siteId: string;
      commentId: string;
      postId: string;
      openReports: number;
      threshold: number;
      /** Names the crossing (the report that reached the threshold), so a crossing is delivered once. */
      key: string;
    }
  | { type: 'reader.changed'; siteId: string; userId: string; action: string; actorId: string }
  | {
      type: 'comment.featured';
      siteId: string;
      comment: { id: string; postId: string; parentId: string | null; authorId: string; body: string };
      actorId: string;
    };

/** The webhook event a moderation action makes publishers see, if any. */
function webhookEventOf(e: ModerationEvent): NewEvent | null {
  switch (e.type) {
    case 'comment.moderated':
      return moderatorDecision(e);
    case 'comment.reported':
      return {
        siteId: e.siteId,
        type: 'comment.reported',
        data: { comment: { id: e.commentId }, reason: e.reason, openReports: e.openReports, held: e.held },
      };
    case 'comment.featured':
      return {
        siteId: e.siteId,
        type: 'comment.featured',
        // One delivery per featuring: featuring again after unfeaturing is a new occurrence.
        data: { comment: e.comment, by: { kind: 'moderator', id: e.actorId } },
      };
    case 'comment.report_threshold':
      return {
        siteId: e.siteId,
        type: 'comment.report_threshold',
        key: e.key,
        data: {
          comment: { id: e.commentId, postId: e.postId },
          openReports: e.openReports,
          threshold: e.threshold,
        },
      };
    case 'reader.changed':
      return e.action === 'reader.ban' || e.action === 'reader.suspend'
        ? readerBanned(e.siteId, e.userId, e.action === 'reader.ban' ? 'ban' : 'suspend', {
            kind: 'moderator',
            id: e.actorId,
          })
        : null;
  }
}

/**
 * The one place moderation actions announce themselves once they are done: logged, and sent
 * to the site's webhooks (`comment.approved|held|rejected` by a moderator, `comment.reported`,
 * `comment.report_threshold`, `reader.banned` for bans and suspensions, `comment.featured`). Emitting never delays or fails the action.
 */
export function moderationCompleted(deps: { logger: Logger; events?: Events }, event: ModerationEvent): void {
  deps.logger.debug({ event }, 'moderation action completed');
  const hook = webhookEventOf(event);
  if (hook && deps.events) {
    deps.events
      .emit(hook)
      .catch((err) => deps.logger.error({ err, event: event.type }, 'could not emit a webhook event'));
  }
}

/** `reader.banned`: a ban or a suspension, by a moderator or by the service (the DSA misuse rule). */
export function readerBanned(
  siteId: string,
  userId: string,
  action: 'ban' | 'suspend',
  by: { kind: 'moderator'; id: string } | { kind: 'service' },
): NewEvent {
  return { siteId, type: 'reader.banned', data: { reader: { id: userId }, action, by } };
}
