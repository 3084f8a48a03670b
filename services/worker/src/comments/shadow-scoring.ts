import { storeShadowScores } from '#shared/db/shadow-scores.js';
import type { ScorerName, SiteSettings } from '#shared/settings.js';
import type { CommentJob } from '#shared/queues.js';
import type { WorkerDeps } from '../deps.js';
import type { EmbeddedScoreContext } from '#shared/scoring/embedded.js';

/**
 * Scores a stored comment with the site's shadow scorer and stores the result beside it. Runs after
 * the decision is stored and never changes it; a scorer that cannot score leaves its error instead.
 */
export async function shadowScore(
  deps: Pick<WorkerDeps, 'db' | 'shadowScorers' | 'logger'>,
  c: CommentJob,
  o: { name: ScorerName; settings: SiteSettings; context: Omit<EmbeddedScoreContext, 'siteId'> },
): Promise<void> {
  const scorer = deps.shadowScorers[o.name];
  let shadow: Parameters<typeof storeShadowScores>[1]['shadow'];
  try {
    if (!scorer) throw new Error(`${o.name} is not configured on this service`);
    const r = await scorer.score(c.body, { ...o.context, siteId: c.siteId, languages: o.settings.languages });
    // A text the scorer could not read gets no scores from it (as the site's own scorers' are not counted then).
    shadow = r.unreadable
      ? { scorer: o.name, provider: r.provider, model: r.model, attributes: {}, error: `unreadable: ${r.unreadable}` }
      : { scorer: o.name, provider: r.provider, model: r.model, attributes: { ...r.attributes }, error: null };
  } catch (err) {
    shadow = { scorer: o.name, provider: null, model: null, attributes: {}, error: (err as Error).message };
  }
  await storeShadowScores(deps.db, { siteId: c.siteId, commentId: c.commentId, shadow }).catch((err) =>
    deps.logger.warn({ commentId: c.commentId, err: (err as Error).message }, 'could not store shadow scores'),
  );
}
