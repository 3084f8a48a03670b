import type { ModerationContext } from '../../services/worker/src/pipeline/types.js';
import type { Scorer } from '../../services/worker/src/scorers/types.js';
import { createLexiconScorer } from '../../services/worker/src/scorers/lexicon.js';
import type { User } from '../../shared/src/domain.js';
import { DEFAULT_SETTINGS, mergePatch, siteSettingsSchema } from '../../shared/src/settings.js';

export const testAuthor: User = {
  id: '0190a000-0000-7000-8000-000000000001', siteId: 's', displayName: 'A', email: null, role: 'commenter', status: 'active',
  suspendedUntil: null, createdAt: new Date(), premod: false, approvedCount: 5, rejectedCount: 0,
};

/** A moderation context for unit tests of phases: defaults everywhere, `settings` as a merge patch. */
export function moderationContext(body: string, o: Partial<Omit<ModerationContext, 'settings'>> & { settings?: unknown } = {}): ModerationContext {
  const { settings: patch, ...rest } = o;
  const settings = siteSettingsSchema.parse(mergePatch(structuredClone(DEFAULT_SETTINGS), patch ?? {}));
  return {
    comment: { commentId: '0190a000-0000-7000-8000-0000000000c1', siteId: 's', postId: 'p', authorId: testAuthor.id, parentId: null, body, acceptedAt: new Date().toISOString() },
    author: testAuthor,
    parentStatus: null,
    settings,
    settingsVersion: 1,
    postPremod: null,
    history: { total: 5, rejected: 0 },
    scorers: { embedded: createLexiconScorer() },
    scores: {},
    scoredBy: [],
    spans: [],
    canDefer: false,
    reasons: [],
    ...rest,
  };
}

/** A scorer that always answers the given attributes. */
export const fixedScorer = (name: Scorer['name'], attributes: Record<string, number>): Scorer => ({
  name,
  score: async () => ({ attributes, provider: `fixed-${name}`, model: 'fixed', latencyMs: 0 }),
});
