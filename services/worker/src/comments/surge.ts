import type { CommentJob } from '#shared/queues.js';
import type { Decision } from '#shared/domain.js';
import type { SiteSettings } from '#shared/settings.js';
import { endSurge, startSurge, surgeKeys, type SurgeDeps, type SurgeMode } from '#shared/surge.js';
import type { WorkerDeps } from '../deps.js';

/**
 * Reasons that say nothing of what the comment says: everyone is held (pre-moderation, a surge), a scorer could not
 * run or another stood in for it, the parent went away, the author is barred, or staff wrote it. (A trusted reader's
 * borderline score, let through, still says the text ran hot.)
 */
const NOT_ABOUT_THE_TEXT = new Set([
  'surge',
  'premod',
  'scorer_unavailable',
  'scorer_fallback',
  'parent_unavailable',
  'author_banned',
  'staff',
]);

/** Held or rejected by a rule that read the comment: what makes a post's discussion heated. */
export const isFlagged = (d: Pick<Decision, 'status' | 'reasons'>): boolean =>
  d.status !== 'approved' && d.reasons.some((r) => !NOT_ABOUT_THE_TEXT.has(r.rule));

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * After a decision is stored: counts it towards the post's surge state in Redis (one MULTI) and
 * switches the post when the site's threshold is crossed. Outside a surge, a window that starts
 * with its first comment; in a surge, batches of `minComments`: a calm batch (below half the
 * share) ends it, any other starts a new batch. Starting and ending happen once (the post row
 * changes only from the other state).
 */
export async function trackSurge(
  deps: Pick<WorkerDeps, 'db' | 'redis' | 'config' | 'events'>,
  c: Pick<CommentJob, 'siteId' | 'postId'>,
  d: Pick<Decision, 'status' | 'reasons'>,
  o: { settings: SiteSettings; surgeMode: SurgeMode | null },
): Promise<void> {
  const s = o.settings.surge;
  if (!s.enabled && !o.surgeMode) return;
  const surgeDeps: SurgeDeps = {
    db: deps.db,
    redis: deps.redis,
    queuePrefix: deps.config.QUEUE_PREFIX,
    events: deps.events,
  };
  const keys = surgeKeys(deps.config.QUEUE_PREFIX, c.siteId, c.postId);
  const key = o.surgeMode ? keys.calm : keys.window;
  const res = await deps.redis
    .multi()
    .hincrby(key, 'n', 1)
    .hincrby(key, 'f', isFlagged(d) ? 1 : 0)
    .pexpire(key, o.surgeMode ? 7 * 86_400_000 : s.windowSeconds * 1000, 'NX')
    .exec();
  const n = Number(res?.[0]?.[1] ?? 0);
  const f = Number(res?.[1]?.[1] ?? 0);
  if (n < s.minComments) return;
  const share = Math.min(1, f / n);
  if (!o.surgeMode) {
    if (share < s.share) return;
    await startSurge(surgeDeps, {
      siteId: c.siteId,
      postId: c.postId,
      mode: s.mode,
      slowSeconds: s.slowSeconds,
      why: `${f} of ${n} comments held, rejected or reported within ${s.windowSeconds} s (${pct(share)} ≥ ${pct(s.share)})`,
    });
    return;
  }
  if (share < s.share / 2) {
    await endSurge(surgeDeps, {
      siteId: c.siteId,
      postId: c.postId,
      actor: { id: null, name: 'surge protection' },
      why: `calm: ${f} of ${n} comments flagged (${pct(share)} < ${pct(s.share / 2)})`,
    });
  } else {
    await deps.redis.del(keys.calm);
  }
}
