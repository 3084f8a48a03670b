import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { ScorerError } from '#shared/scoring/types.js';
import type { WorkerDeps } from '../deps.js';
import { runPipeline } from '../pipeline/index.js';
import { changeCommentStatus, findComment, findHoldBy } from '#shared/db/comments.js';
import { createModerationMemory } from '../rules/memory.js';
import type { Effect, ModerationInput } from '../pipeline/types.js';
import { publishThreadChange } from '#shared/redis.js';
import { createCommandBatch } from '../rules/command-batch.js';
import { erasedCommentJob, type CommentJob } from '#shared/queues.js';
import { type CommentStatus, DECIDED_BY_PEOPLE, type Reason } from '#shared/domain.js';
import { emitCommentEvents, emitEditEvents } from '../webhooks/comment-events.js';
import { applyEdit, findEdit } from '#shared/db/comment-edits.js';
import { applyEffects, type EffectDeps, onOtherRows } from './effects.js';
import { createSiteAdapters } from '#shared/scoring/site-adapters.js';
import { shadowScore } from './shadow-scoring.js';
import { notifyReply } from '#shared/db/notifications.js';
import { enqueueNotifications } from '#shared/notifications/queue.js';
import { trackSurge } from './surge.js';
import { createCommentBatcher, type Stored } from './persist-batch.js';
import { createInputsLoader } from './inputs-loader.js';
import { automatedStatement, mailStatement, storeStatement } from '#shared/dsa/statements.js';
import { effectiveSettings, type SiteSettings } from '#shared/settings.js';
import { findSettingsOverrides } from '#shared/db/sites.js';

export interface ModerationOutcome {
  status: CommentStatus;
  duplicate: boolean;
  /** Not stored: the author erased their account before the worker got to it. */
  erased?: boolean;
}

/**
 * The processor: decide, then store comment, decision and counters (in a batch with the comments
 * decided meanwhile, persist-batch.ts; the job waits for its batch's commit), then apply
 * the decision's effects on other rows. Safe to run twice for one comment (after a crash, a
 * stalled-job recovery or a retry): the insert is keyed by the comment id, so the second run
 * finds the row and only repeats what follows the insert (effects not yet applied, the
 * announcement, the webhook events).
 */
export function createCommentProcessor(deps: WorkerDeps) {
  // Announcements of the jobs decided together go out in one pipeline.
  const publishes = createCommandBatch(deps.redis);
  const announce = async (c: { siteId: string; postId: string }) => {
    await publishes.send((p) => publishThreadChange(p, deps.config.QUEUE_PREFIX, c));
  };
  const memory = createModerationMemory(deps.redis, deps.config.QUEUE_PREFIX);
  const siteAdapters = createSiteAdapters(deps.db, deps.logger);
  // Two batches in flight: one is written while the next gathers.
  const batcher = createCommentBatcher({ db: deps.db, maxBatch: deps.config.WORKER_BATCH_MAX, maxInFlight: 2 });
  // The same on the read side: jobs that start together read their inputs in one statement.
  const inputs = createInputsLoader({ db: deps.db, maxBatch: deps.config.WORKER_BATCH_MAX, maxInFlight: 2 });
  const effectDeps: EffectDeps = {
    memory,
    async holdOthers(siteId, ids, reason) {
      let changed = 0;
      for (const id of ids) {
        const res = await changeCommentStatus(deps.db, {
          id,
          siteId,
          status: 'pending',
          reason,
          onlyFrom: ['approved'],
          // A moderator's approval stands, as it does for the comment's own re-runs and edits.
          unlessDecidedByPeople: true,
        });
        if (res) changed++;
        // Not changed now: a run that held it may have stopped before what follows; it is done again, under the
        // same keys (a comment held by an earlier campaign is told again under its own, which sends nothing twice).
        const hold = res ?? (await findHoldBy(deps.db, { siteId, id, rule: reason.rule }));
        if (!hold) continue;
        await announce({ siteId, postId: hold.postId });
        // One per hold: the comment approved again and held by a later campaign is held (and told) again.
        const key = `campaign:${id}:${hold.decidedAt}`;
        // Publishers that keep copies of approved comments learn it is no longer shown.
        await deps.events?.emit({
          siteId,
          type: 'comment.held',
          key,
          data: {
            comment: {
              id,
              postId: hold.postId,
              authorId: hold.authorId,
              status: 'pending',
              previousStatus: 'approved',
            },
            by: { kind: 'worker', id: null },
            decision: { reasons: [reason] },
          },
        });
        // The author of a visible comment now held sees it held: a statement of reasons (automated, DSA Art. 17).
        const overrides = await findSettingsOverrides(deps.db, siteId);
        const held = automatedStatement(
          { siteId, commentId: id, authorId: hold.authorId },
          { status: 'pending', reasons: [reason] },
          effectiveSettings(overrides?.overrides),
        );
        await mailStatement(deps, await storeStatement(deps.db, held && { ...held, sourceKey: key }));
      }
      return changed;
    },
  };

  /** An approved reply tells the author of the comment it answers (written here, so a retried job repeats it). */
  const notifyOfReply = async (c: CommentJob) => {
    if (c.parentId === null) return;
    const ids = await notifyReply(deps.db, c.commentId);
    if (deps.notifications) {
      await enqueueNotifications(deps.notifications, ids).catch((err: unknown) =>
        deps.logger.warn({ err: (err as Error).message }, 'notification not queued; the sweep will queue it'),
      );
    }
  };

  /**
   * A campaign member decided while this one was (before it was stored) marked it: it is held now, approved as it
   * was stored. The reason it was held, or null when it is not marked or no longer approved.
   */
  const holdIfMarked = async (c: CommentJob): Promise<Reason | null> => {
    if (!(await memory.inCampaign({ siteId: c.siteId, id: c.commentId }))) return null;
    const reason = {
      rule: 'coordinated',
      detail: 'near-identical text from several accounts, found while this comment was being decided',
    };
    const held = await changeCommentStatus(deps.db, {
      id: c.commentId,
      siteId: c.siteId,
      status: 'pending',
      reason,
      onlyFrom: ['approved'],
    });
    return held ? reason : null;
  };

  /**
   * The comment is in Postgres already (a retry after a crash, or a concurrent run): repeat what
   * may not have happened after the insert — the announcement and the webhook events (their ids
   * come from the comment id, so receivers get each once) — from the stored decision.
   */
  const alreadyStored = async (
    c: CommentJob,
    fallback: CommentStatus,
    settings: SiteSettings | null,
  ): Promise<ModerationOutcome> => {
    const pending = await memory.pendingEffects({ siteId: c.siteId, commentId: c.commentId });
    if (pending) await applyAndForget(c, JSON.parse(pending) as Effect[]);
    let stored = await findComment(deps.db, c.commentId);
    // The run that stored it may have stopped before it looked for a campaign's mark (approved by the worker only:
    // a moderator's approval stands).
    if (stored?.status === 'approved' && !stored.reasons.some((r) => DECIDED_BY_PEOPLE.has(r.rule))) {
      if (await holdIfMarked(c)) {
        await announce(c);
        stored = await findComment(deps.db, c.commentId);
      }
    }
    const status = stored?.status ?? fallback;
    if (status === 'approved') await announce(c);
    // Its author deleted it since the run that stored it: no notification of it, and none of its text goes out.
    if (stored?.deleted) {
      deps.metrics.jobs.inc({ outcome: 'duplicate' });
      return { status, duplicate: true };
    }
    if (status === 'approved') await notifyOfReply(c);
    if (stored) {
      // Only the worker's own decision: what people did since (a moderator, readers' reports, a notice) has its own
      // statement and its own event, which a re-run must not send again as the worker's.
      const own = !stored.reasons.some((r) => DECIDED_BY_PEOPLE.has(r.rule));
      if (settings && own) await recordStatement(c, stored, settings);
      await emitCommentEvents(
        deps,
        c,
        {
          status: stored.status,
          reasons: stored.reasons,
          scores: stored.scores,
          scoredBy: stored.scoredBy,
          settingsVersion: stored.settingsVersion,
        },
        { decided: own },
      );
    }
    deps.metrics.jobs.inc({ outcome: 'duplicate' });
    return { status, duplicate: true };
  };

  /**
   * The statement of reasons for the worker's own decision (DSA Art. 17: detected and decided by
   * automated means). Keyed by the comment id, so a re-run stores it once and mails it once.
   */
  const recordStatement = async (
    c: CommentJob,
    d: { status: CommentStatus; reasons: Reason[] },
    settings: SiteSettings,
  ) => {
    const stored = await storeStatement(deps.db, automatedStatement(c, d, settings));
    await mailStatement(deps, stored);
  };

  /**
   * A job whose author erased their account keeps none of them (text, id) once it is done: the erasure clears the
   * jobs it finds, and this one ran (or was queued) as it did. Completed jobs are kept a while for the dashboard.
   */
  const forgetAuthor = async (job: Job<CommentJob>) => {
    await job.updateData(erasedCommentJob(job.data));
  };

  /** Keeps a decision's effects on other comments until they are applied (`applyAndForget`). */
  const saveEffects = async (c: CommentJob, effects: readonly Effect[]) => {
    const windowS = Math.max(...effects.map((e) => (e.kind === 'hold_campaign' ? e.windowS : 0)));
    await memory.saveEffects({ siteId: c.siteId, commentId: c.commentId, effects: JSON.stringify(effects), windowS });
  };

  const applyAndForget = async (c: CommentJob, effects: readonly Effect[]) => {
    await applyEffects(effects, effectDeps);
    await memory.clearEffects({ siteId: c.siteId, commentId: c.commentId });
  };

  /** An edit's statement of reasons when the worker held or removed it, keyed by the edit (stored and mailed once). */
  const recordEditStatement = async (
    c: CommentJob & { editId: string },
    d: { status: CommentStatus; reasons: Reason[] },
    settings: SiteSettings,
  ) => {
    const statement = automatedStatement(c, d, settings);
    if (!statement) return;
    await mailStatement(deps, await storeStatement(deps.db, { ...statement, sourceKey: `worker:edit:${c.editId}` }));
  };

  /** Runs the pipeline on a comment's text, deferring the job while scorers are rate-limited. */
  const decide = async (job: Job<CommentJob>, token: string | undefined, input: ModerationInput) => {
    const endTimer = deps.metrics.moderationDuration.startTimer();
    try {
      return await runPipeline(input);
    } catch (err) {
      if (err instanceof ScorerError && err.kind === 'rate_limited' && token) {
        // Back in the queue without spending an attempt: the provider's quota, not a failure.
        await job.moveToDelayed(Date.now() + Math.max(250, err.retryAfterMs ?? 1000), token);
        deps.metrics.jobs.inc({ outcome: 'deferred' });
        throw new DelayedError();
      }
      throw err;
    } finally {
      endTimer();
    }
  };

  /**
   * An author's edit of a stored comment: the new text goes through the same pipeline, then
   * `applyEdit` stores text and decision once (the revision row says whether it was). A second
   * run finds the revision applied and only repeats the announcement and the events.
   */
  const decideEdit = async (
    job: Job<CommentJob>,
    token: string | undefined,
    c: CommentJob & { editId: string },
  ): Promise<ModerationOutcome> => {
    const edit = await findEdit(deps.db, c.editId);
    if (!edit || edit.discarded) {
      // Dropped by its author's erasure (a job queued as they left): the job keeps neither the text nor them.
      if ((await inputs.load(c)).authorDeleted) {
        await forgetAuthor(job);
        return { status: 'rejected', duplicate: false, erased: true };
      }
      return { status: 'rejected', duplicate: false };
    }
    if (edit.applied) {
      const pending = await memory.pendingEffects({ siteId: c.siteId, commentId: c.commentId });
      if (pending) await applyAndForget(c, JSON.parse(pending) as Effect[]);
      if (edit.status === 'approved' || edit.previousStatus === 'approved') await announce(c);
      const stored = await findComment(deps.db, c.commentId);
      // Its author deleted it since the run that applied the edit: no notification, and none of its text goes out.
      if (!stored || stored.deleted) {
        deps.metrics.jobs.inc({ outcome: 'duplicate' });
        return { status: edit.status ?? 'rejected', duplicate: true };
      }
      if (edit.status === 'approved' && edit.previousStatus !== 'approved') await notifyOfReply(c);
      const site = edit.status ? (await inputs.load(c)).site : null;
      if (edit.status && site)
        await recordEditStatement(c, { status: edit.status, reasons: stored.reasons }, site.settings);
      if (edit.status)
        await emitEditEvents(deps, c, {
          status: edit.status,
          reasons: stored.reasons,
          scores: stored.scores,
          scoredBy: stored.scoredBy,
          settingsVersion: stored.settingsVersion,
        });
      deps.metrics.jobs.inc({ outcome: 'duplicate' });
      return { status: edit.status ?? 'rejected', duplicate: true };
    }
    const { parentStatus, site, author, postPremod, postSurge, history, context, adapterVersion } =
      await inputs.load(c);
    if (!site) throw new UnrecoverableError(`site ${c.siteId} no longer exists`);
    if (!author) throw new UnrecoverableError(`author ${c.authorId} no longer exists`);
    const canDefer = Date.now() - Date.parse(c.acceptedAt) < deps.config.SCORER_MAX_DEFER_S * 1000;
    const { effects, ...decided } = await decide(job, token, {
      comment: c,
      author,
      parentStatus,
      postPremod,
      postSurge,
      history,
      canDefer,
      settings: site.settings,
      settingsVersion: site.settingsVersion,
      scorers: deps.scorers,
      commentContext: context,
      siteScorer: site.settings.adapter.enabled ? await siteAdapters.scorerFor(c.siteId, adapterVersion) : null,
      services: { memory },
    });
    // Holds of other comments, kept until applied as a new comment's are: a run that stops after the edit is
    // stored leaves them to the next run.
    const otherRows = onOtherRows(effects);
    if (otherRows.length > 0) await saveEffects(c, otherRows);
    const applied = await applyEdit(deps.db, c.editId, decided);
    if (!applied.applied) {
      if (otherRows.length > 0) await memory.clearEffects({ siteId: c.siteId, commentId: c.commentId });
      return { status: 'rejected', duplicate: false };
    }
    if (otherRows.length > 0) await applyAndForget(c, otherRows);
    if (applied.after === 'approved' || applied.before === 'approved') await announce(c);
    // A held reply an edit made visible is news to the comment it answers, as a new reply would be.
    if (applied.after === 'approved' && applied.before !== 'approved') await notifyOfReply(c);
    const after = applied.after ?? decided.status;
    const stored = await findComment(deps.db, c.commentId);
    // Deleted by its author in the moment since the edit was stored: none of its text goes out.
    if (!stored || stored.deleted) {
      deps.metrics.jobs.inc({ outcome: after });
      return { status: after, duplicate: false };
    }
    await recordEditStatement(c, { status: after, reasons: stored.reasons }, site.settings);
    await emitEditEvents(deps, c, { ...decided, status: after, reasons: stored.reasons });
    const shadow = site.settings.shadowScorer;
    if (shadow) await shadowScore(deps, c, { name: shadow, settings: site.settings, context });
    deps.metrics.jobs.inc({ outcome: after });
    return { status: after, duplicate: false };
  };

  return async (job: Job<CommentJob>, token?: string): Promise<ModerationOutcome> => {
    const c = job.data;
    // Cleared by its author's erasure while it waited (or ran): there is nothing left to store.
    if (c.erased) {
      deps.metrics.jobs.inc({ outcome: 'erased' });
      return { status: 'rejected', duplicate: false, erased: true };
    }
    if (c.editId) return decideEdit(job, token, { ...c, editId: c.editId });
    const {
      existingStatus,
      parentStatus,
      site,
      author,
      authorDeleted,
      postPremod,
      postSurge,
      history,
      context,
      adapterVersion,
    } = await inputs.load(c);
    if (existingStatus) return alreadyStored(c, existingStatus, site?.settings ?? null);
    // The reader erased their account while this comment waited: their erasure wins over storing it.
    if (authorDeleted) {
      await forgetAuthor(job);
      deps.metrics.jobs.inc({ outcome: 'erased' });
      deps.logger.info({ commentId: c.commentId }, 'comment not stored: its author erased their account');
      return { status: 'rejected', duplicate: false, erased: true };
    }
    // Deleted since it was accepted: nothing can be stored; keep the job in the failed set for an operator.
    if (!site) throw new UnrecoverableError(`site ${c.siteId} no longer exists`);
    if (!author) throw new UnrecoverableError(`author ${c.authorId} no longer exists`);

    // A job may wait for rate-limited scorers this long after it was accepted; then the site's policy applies.
    const canDefer = Date.now() - Date.parse(c.acceptedAt) < deps.config.SCORER_MAX_DEFER_S * 1000;
    const input: ModerationInput = {
      comment: c,
      author,
      parentStatus,
      postPremod,
      postSurge,
      history,
      canDefer,
      settings: site.settings,
      settingsVersion: site.settingsVersion,
      scorers: deps.scorers,
      commentContext: context,
      siteScorer: site.settings.adapter.enabled ? await siteAdapters.scorerFor(c.siteId, adapterVersion) : null,
      services: { memory },
    };
    const { effects, ...decided } = await decide(job, token, input);
    const otherRows = onOtherRows(effects);
    // Kept until applied: a run that stops after the insert leaves them to the next run (alreadyStored).
    if (otherRows.length > 0) await saveEffects(c, otherRows);
    let stored: Stored;
    try {
      stored = await batcher.store(
        {
          id: c.commentId,
          siteId: c.siteId,
          postId: c.postId,
          authorId: c.authorId,
          parentId: c.parentId,
          body: c.body,
          createdAt: new Date(c.acceptedAt),
        },
        decided,
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23503')
        throw new UnrecoverableError(`post ${c.siteId}/${c.postId} no longer exists`);
      throw err;
    }
    if (stored.authorGone) {
      // Erased while the pipeline ran: the insert waited for the erasure and then stored nothing.
      // The campaign it was part of is still one (its text counted).
      if (otherRows.length > 0) await applyAndForget(c, otherRows);
      await forgetAuthor(job);
      deps.metrics.jobs.inc({ outcome: 'erased' });
      return { status: 'rejected', duplicate: false, erased: true };
    }
    if (!stored.inserted) {
      // Another run of this job stored it first (a stalled job recovered while the first run
      // was still going): the stored decision stands.
      return alreadyStored(c, decided.status, site.settings);
    }
    // The final decision, as stored (a ban that raced the pipeline made it a rejection).
    const decision = stored.decision;
    // Readers may have seen it (and a page been cached) from the moment it was stored approved, whatever follows.
    const storedApproved = decision.status === 'approved';
    // Effects on other rows, only now that this comment is stored.
    if (otherRows.length > 0) await applyAndForget(c, otherRows);
    if (decision.status === 'approved' && effects.some((e) => e.kind === 'recheck_campaign')) {
      const reason = await holdIfMarked(c);
      if (reason) {
        decision.status = 'pending';
        decision.reasons = [...decision.reasons, reason];
      }
    }
    if (storedApproved) await announce(c);
    if (decision.status === 'approved') await notifyOfReply(c);
    await recordStatement(c, decision, site.settings);
    await emitCommentEvents(deps, c, decision);
    await trackSurge(deps, c, decision, { settings: site.settings, surgeMode: postSurge });
    const shadow = site.settings.shadowScorer;
    if (shadow) await shadowScore(deps, c, { name: shadow, settings: site.settings, context });

    deps.metrics.jobs.inc({ outcome: decision.status });
    const decidedBy =
      decision.status === 'approved' && decision.reasons.at(-1)?.rule !== 'staff'
        ? 'none'
        : (decision.reasons.at(-1)?.rule ?? 'none');
    deps.metrics.decisions.inc({ outcome: decision.status, rule: decidedBy });
    for (const r of decision.reasons) deps.metrics.reasons.inc({ rule: r.rule });
    deps.metrics.acceptToPersist.observe((Date.now() - Date.parse(c.acceptedAt)) / 1000);
    return { status: decision.status, duplicate: false };
  };
}
