import type { ApiDeps } from '../deps.js';
import { encodeUserChange, userChannel } from '#shared/redis.js';

/**
 * Tells every API process that an account changed (banned, suspended, promoted, signed out), so
 * each drops its cached copy and the change applies to the very next request. This process forgets
 * at once; a failed publish is logged, and other processes fall back to their cache's short TTL.
 */
export async function announceUserChange(
  deps: Pick<ApiDeps, 'redis' | 'lookups' | 'config' | 'logger'>,
  siteId: string,
  userId: string,
): Promise<void> {
  deps.lookups.forgetUser(siteId, userId);
  await deps.redis
    .publish(userChannel(deps.config.QUEUE_PREFIX), encodeUserChange({ siteId, userId }))
    .catch((err: unknown) => deps.logger.warn({ err }, 'could not announce an account change'));
}
