import { randomBytes } from 'node:crypto';
import type { ModerationInput, ModerationServices } from '#worker/pipeline/types.js';
import { createModerationMemory } from '#worker/rules/memory.js';
import { createRedis, type RedisClient } from '#shared/redis.js';
import { TEST_REDIS_URL } from './env.js';
import type { Scorer } from '#shared/scoring/types.js';
import { createEmbeddedScorer } from '#shared/scoring/embedded.js';
import type { User } from '#shared/domain.js';
import { DEFAULT_SETTINGS, mergePatch, siteSettingsSchema } from '#shared/settings.js';

export const testAuthor: User = {
  id: '0190a000-0000-7000-8000-000000000001',
  siteId: 's',
  displayName: 'A',
  email: null,
  role: 'commenter',
  status: 'active',
  suspendedUntil: null,
  createdAt: new Date(),
  premod: false,
  approvedCount: 5,
  rejectedCount: 0,
  tokenVersion: 0,
  emailVerified: true,
};

let redis: RedisClient | null = null;
const prefix = `{unit-${randomBytes(4).toString('hex')}}`;

/** The real Redis-backed moderation memory (a private key prefix; keys expire with their windows). */
export function testServices(): ModerationServices {
  redis ??= createRedis(TEST_REDIS_URL, () => undefined);
  return { memory: createModerationMemory(redis, prefix) };
}

export async function closeTestServices(): Promise<void> {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  redis = null;
}

const uniqueComment = () => `0190a000-0000-7000-8000-${randomBytes(6).toString('hex')}`;

/** A moderation context for unit tests of phases: defaults everywhere, `settings` as a merge patch. */
export function moderationContext(
  body: string,
  o: Partial<Omit<ModerationInput, 'settings'>> & { settings?: unknown } = {},
): ModerationInput {
  const { settings: patch, ...rest } = o;
  const settings = siteSettingsSchema.parse(mergePatch(structuredClone(DEFAULT_SETTINGS), patch ?? {}));
  return {
    comment: {
      commentId: uniqueComment(),
      siteId: 's',
      postId: 'p',
      authorId: uniqueComment(),
      parentId: null,
      body,
      acceptedAt: new Date().toISOString(),
    },
    author: testAuthor,
    parentStatus: null,
    settings,
    settingsVersion: 1,
    postPremod: null,
    postSurge: null,
    history: { total: 5, rejected: 0 },
    scorers: { embedded: createEmbeddedScorer() },
    services: testServices(),
    canDefer: false,
    ...rest,
  };
}

/** A scorer that always answers the given attributes. */
export const fixedScorer = (name: Scorer['name'], attributes: Record<string, number>): Scorer => ({
  name,
  score: async () => ({ attributes, provider: `fixed-${name}`, model: 'fixed', latencyMs: 0 }),
});
