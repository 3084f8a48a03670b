import type { Job, JobType, Queue } from 'bullmq';
import type { ApiDeps } from '../deps.js';
import { erasedCommentJob } from '#shared/queues.js';
import { notificationJobId } from '#shared/notifications/queue.js';
import { rejectAuthorJobId, type RejectAuthorCommentsTask } from '#shared/moderation-tasks.js';
import { DELETED_USER_NAME } from '#shared/db/data-rights.js';
import { listOpenCommentIds } from '#shared/db/reader-moderation.js';

/** Every state a comment job can be in (read in one step, so a job moving between states is not missed). */
const STATES: JobType[] = ['delayed', 'prioritized', 'waiting-children', 'waiting', 'active', 'failed', 'completed'];
/** Jobs read (or removed) at once. */
const BATCH = 200;

export interface ClearedJobs {
  comments: number;
  notifications: number;
  tasks: number;
}

/**
 * Takes an erased reader out of the job queues, run once the erasure committed: their comment and edit jobs (text
 * and author id) in any state — waiting, delayed, failed (kept for an operator) or completed (kept a while for the
 * dashboard) — the jobs of their deleted notifications, and the tasks of their bans (and of the bans they made, which
 * keep their name). A job a worker holds cannot be removed: it is cleared instead; the worker, finding the account
 * erased, stores nothing, and clears any job of theirs it takes later (queued as they left).
 *
 * Comment jobs carry no index by author, so the comments queue is read whole, ids first and then the jobs in
 * batches: a cost paid once per erasure, bounded by the queue's retention (`removeOnComplete`) and its failed set.
 */
export async function clearReaderJobs(
  deps: Pick<ApiDeps, 'db' | 'queue' | 'notifications' | 'tasks'>,
  q: { siteId: string; userId: string; mode: 'remove' | 'anonymize'; notificationIds: readonly string[] },
): Promise<ClearedJobs> {
  const cleared: ClearedJobs = { comments: 0, notifications: 0, tasks: 0 };

  const ids = await deps.queue.getRanges(STATES, 0, -1);
  for (let i = 0; i < ids.length; i += BATCH) {
    const jobs = await Promise.all(ids.slice(i, i + BATCH).map((id) => deps.queue.getJob(id)));
    for (const job of jobs) {
      if (!job || job.data.siteId !== q.siteId || job.data.authorId !== q.userId) continue;
      await removeOrReplace(deps.queue, job, erasedCommentJob(job.data));
      cleared.comments++;
    }
  }

  // A notification job carries only its notification's id; the one a worker holds finds no notification.
  for (let i = 0; i < q.notificationIds.length; i += BATCH) {
    const removed = await Promise.all(
      q.notificationIds.slice(i, i + BATCH).map((id) => deps.notifications.remove(notificationJobId(id))),
    );
    cleared.notifications += removed.reduce((n, r) => n + r, 0);
  }

  // A ban's task is found by the ban's audit entry.
  const bans = await deps.db.query<{ id: string }>(
    `SELECT id FROM audit_log WHERE site_id = $1 AND action = 'reader.ban' AND (reader_id = $2 OR actor_id = $2)`,
    [q.siteId, q.userId],
  );
  for (const ban of bans.rows) {
    const job = (await deps.tasks.getJob(rejectAuthorJobId(ban.id))) as Job<RejectAuthorCommentsTask> | undefined;
    if (job?.data.kind !== 'reject-author-comments') continue;
    if (job.data.userId === q.userId) {
      // Done, or nothing left to do (their comments were removed with the account): the task goes. Still to do on a
      // site that keeps their comments: it names the comments instead of them.
      const done = q.mode === 'remove' || (await job.getState()) === 'completed';
      const commentIds = done ? [] : await openCommentIds(deps, q);
      await removeOrReplace(deps.tasks, job, { ...job.data, userId: null, commentIds }, { keep: !done });
      cleared.tasks++;
    } else if (job.data.actor.id === q.userId) {
      // A ban they made as staff: its rejections are recorded under the name the account now has, as the audit log.
      await job.updateData({ ...job.data, actor: { ...job.data.actor, name: DELETED_USER_NAME } });
      cleared.tasks++;
    }
  }
  return cleared;
}

/** Removes the job; one a worker holds, or one that must still run (`keep`), has its data replaced instead. */
async function removeOrReplace<T>(queue: Queue<T>, job: Job<T>, replacement: T, opts: { keep?: boolean } = {}) {
  if (!opts.keep && (await queue.remove(job.id!)) === 1) return;
  try {
    await job.updateData(replacement);
  } catch (err) {
    // Finished and dropped by its queue's retention meanwhile: nothing is left to clear.
    if (await queue.getJob(job.id!)) throw err;
  }
}

async function openCommentIds(deps: Pick<ApiDeps, 'db'>, q: { siteId: string; userId: string }): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const page = await listOpenCommentIds(deps.db, {
      siteId: q.siteId,
      of: { userId: q.userId },
      after: ids.at(-1) ?? null,
      limit: 1000,
    });
    ids.push(...page);
    if (page.length < 1000) return ids;
  }
}
