import type { Job } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { moderateComment } from '#shared/comment-moderation.js';
import { threadAnnouncer } from '#shared/redis.js';
import { countOpenComments, listOpenCommentIds } from '#shared/db/reader-moderation.js';
import type { RejectAuthorCommentsTask, TaskProgress } from '#shared/moderation-tasks.js';
import { moderatorDecision } from '#shared/webhooks/events.js';
import { findSettingsOverrides } from '#shared/db/sites.js';
import { effectiveSettings } from '#shared/settings.js';
import { mailStatements } from '#shared/dsa/statements.js';
import type { Statement } from '#shared/db/dsa-statements.js';

const BATCH = 100;

/**
 * Rejects every visible or held comment of a banned reader, oldest first, each in its own
 * transaction with its own audit entry and, where the site has the DSA features on, its own
 * statement of reasons (Art. 17: decided by the moderator who banned, on the ban's ground), notified
 * as any moderator's removal; each batch's statements are mailed to the author together, in one mail. A retry after a crash continues where it
 * stopped: rejected comments are no longer listed, and a statement whose mail was lost is sent by
 * the statement mail sweep. Progress is reported after every batch.
 */
export async function rejectAuthorComments(
  deps: Pick<WorkerDeps, 'db' | 'redis' | 'config' | 'logger' | 'events' | 'mailer' | 'notifications'>,
  job: Job<RejectAuthorCommentsTask>,
): Promise<TaskProgress> {
  const { siteId, userId, commentIds, actor, reason } = job.data;
  // The reader erased their account while the task waited: the task names their comments instead.
  const of = userId !== null ? { userId } : { commentIds: commentIds ?? [] };
  const stored = await findSettingsOverrides(deps.db, siteId);
  // The site was deleted meanwhile: nothing is left to reject.
  if (!stored) return { done: 0, total: 0 };
  const settings = effectiveSettings(stored.overrides);
  const announceThread = threadAnnouncer(deps.redis, deps.config.QUEUE_PREFIX, {
    onError: (err) => deps.logger.warn({ err }, 'thread change not announced; caches expire by themselves'),
  });
  const why = reason ? `: ${reason}` : '';
  const total = await countOpenComments(deps.db, siteId, of);
  let done = 0;
  let after: string | null = null;
  await job.updateProgress({ done, total } satisfies TaskProgress);
  for (;;) {
    const ids = await listOpenCommentIds(deps.db, { siteId, of, after, limit: BATCH });
    if (ids.length === 0) break;
    const statements: Statement[] = [];
    for (const id of ids) {
      const changed = await moderateComment(
        {
          db: deps.db,
          announceThread,
          ...(deps.notifications ? { notifications: deps.notifications } : {}),
        },
        {
          siteId,
          commentId: id,
          action: 'reject',
          actor,
          reason,
          detail: `rejected with the ban of its author by ${actor.name}${why}`,
          onlyFrom: ['approved', 'pending'],
          // Each decision is in the author's notifications; none is emailed to a banned reader (loadDelivery), and on
          // a DSA site the batch's statements reach them in one mail (below).
          notifyReaders: true,
          statement: {
            settings,
            facts: `A moderator banned your account from commenting on this site${why}. Your comments were removed with the ban.`,
            groundDetail: `site rules: account banned${why}`,
            automatedDetection: false,
          },
        },
      );
      if (!changed) continue;
      done++;
      if (changed.statement) statements.push(changed.statement);
      // Publishers see these rejections as a moderator's (`comment.rejected`, by the ban's author).
      // As for the API's actions, emitting never fails the task.
      const event = moderatorDecision({
        siteId,
        commentId: id,
        before: changed.before,
        after: changed.after,
        actorId: actor.id,
      });
      if (event && deps.events)
        await deps.events
          .emit(event)
          .catch((err) => deps.logger.error({ err, commentId: id }, 'could not emit a webhook event'));
    }
    // The batch's statements reach the author in one mail (a mail a comment would flood them).
    await mailStatements(deps, statements);
    after = ids[ids.length - 1]!;
    await job.updateProgress({ done, total: Math.max(total, done) } satisfies TaskProgress);
  }
  return { done, total: Math.max(total, done) };
}
