import type { Reason, ScoredBy } from '#shared/domain.js';
import type { ScorerName } from '#shared/settings.js';
import { ScorerError, type ScoreResult, type Scorer } from '#shared/scoring/types.js';
import { type Crossing, crossed } from '#shared/scoring/thresholds.js';
import type { Phase, ScoredSpan, Unscored } from './types.js';

/** The `scorer_unavailable` reasons for the chosen scorers that could not run. */
export const unscoredReasons = (unscored: readonly Readonly<Unscored>[]): Reason[] =>
  unscored.map((u) => ({ rule: 'scorer_unavailable', detail: `${u.scorer} could not score: ${u.error}` }));

/**
 * Runs the site's scorers and rejects at the site's reject thresholds. Scores combine by
 * taking the highest per attribute. A scorer that cannot run is returned as unscored for the
 * hold phase (policy `hold`) or replaced by the embedded scorer (policy `embedded`, and always when the
 * provider refuses the text, e.g. its language). A rate-limited remote scorer defers the job
 * while `ctx.canDefer` allows, so the queue absorbs the provider's quota. The embedded scorer reads
 * the comment's context (a reply's parent text, a top-level comment's article title) and is the
 * site's adapter when one is in use (`ctx.siteScorer`, recorded as `adapter` in `scoredBy`). A comment that every
 * scorer scored but none could read (`ScoreResult.unreadable`: the embedded scorer reads English) is unscored too.
 */
export const scoring: Phase = async (ctx) => {
  const { settings, scorers, comment } = ctx;
  const scoreCtx = { siteId: comment.siteId, languages: [...settings.languages] };
  const results: { name: ScorerName; result: ScoreResult; fallbackFor?: string }[] = [];
  const reasons: Reason[] = [];
  const unscored: Unscored[] = [];
  let embeddedResult: Promise<ScoreResult> | null = null;
  const embeddedScorer = ctx.siteScorer ?? scorers.embedded;
  const embedded = () =>
    (embeddedResult ??= embeddedScorer.score(comment.body, Object.assign({}, scoreCtx, ctx.commentContext)));

  await Promise.all(
    settings.scorers.map(async (name) => {
      const scorer: Scorer | undefined = scorers[name];
      try {
        if (!scorer) throw new ScorerError('unavailable', name, `${name} is not configured on this service`);
        results.push({
          name,
          result: name === 'embedded' ? await embedded() : await scorer.score(comment.body, scoreCtx),
        });
      } catch (err) {
        const e = err instanceof ScorerError ? err : new ScorerError('unavailable', name, (err as Error).message);
        if (e.kind === 'rate_limited' && ctx.canDefer) throw e;
        // The embedded scorer has nothing to stand in for it: what it could not score was not screened.
        if (name === 'embedded') {
          unscored.push({ scorer: name, error: e.message });
          return;
        }
        if (e.kind === 'unsupported' || settings.onScorerUnavailable === 'embedded') {
          reasons.push({
            rule: 'scorer_fallback',
            detail: `${name} could not score (${e.message}); scored by the embedded scorer instead`,
          });
          if (!settings.scorers.includes('embedded'))
            results.push({ name: 'embedded', result: await embedded(), fallbackFor: name });
        } else {
          unscored.push({ scorer: name, error: e.message });
        }
      }
    }),
  );

  const scores: Record<string, number> = {};
  const scoredBy: ScoredBy[] = [];
  const spans: ScoredSpan[] = [];
  for (const { result, fallbackFor } of results) {
    const by: ScoredBy = {
      provider: result.provider,
      model: result.model,
      latencyMs: Math.round(result.latencyMs * 100) / 100,
    };
    if (fallbackFor) by.fallbackFor = fallbackFor;
    if (result.adapter) by.adapter = true;
    scoredBy.push(by);
    for (const [attr, value] of Object.entries(result.attributes)) {
      scores[`${result.provider}.${attr}`] = value;
      scores[attr] = Math.max(scores[attr] ?? 0, value);
    }
    for (const s of result.spans ?? []) spans.push({ ...s, text: comment.body.slice(s.start, s.end) });
  }

  // A comment no scorer could read (the embedded scorer reads English) was not screened: held, as a scorer that could
  // not run is. Its scores are kept (a slur still rejects it); one scorer that read it is enough.
  if (results.length > 0 && results.every(({ result }) => result.unreadable))
    for (const { name, result } of results) unscored.push({ scorer: name, error: result.unreadable! });

  const found = { scores, scoredBy, spans, unscored };
  const over = crossed(scores, settings.thresholds.reject);
  if (over.length > 0) {
    return {
      ...found,
      status: 'rejected',
      reasons: [...reasons, ...over.map((o) => thresholdReason(spans, o, 'reject'))],
    };
  }
  return { ...found, reasons };
};

// The embedded scorer (or the site's adapter) runs in the worker; any other scorer is a request.
scoring.reachesOut = ({ settings }) => settings.scorers.some((name) => name !== 'embedded');

export { crossed, type Crossing } from '#shared/scoring/thresholds.js';

/** A threshold reason, pointing at the text the scorer named for that attribute (or any it named). */
export function thresholdReason(spans: readonly Readonly<ScoredSpan>[], o: Crossing, kind: 'hold' | 'reject'): Reason {
  const reason: Reason = {
    rule: 'toxicity',
    attribute: o.attribute,
    score: o.score,
    detail: `${o.attribute} ${o.score.toFixed(2)} ≥ ${kind} threshold ${o.threshold}`,
  };
  const span = spans.find((s) => s.attribute === o.attribute) ?? spans[0];
  if (span) reason.span = { start: span.start, end: span.end, text: span.text };
  return reason;
}
