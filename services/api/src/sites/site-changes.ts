import type { ApiDeps } from '../deps.js';
import { siteChannel } from '#shared/redis.js';

/**
 * Tells every API process that what a site's thread pages show changed (its settings; a staff member's two-factor
 * sign-in, which their badge depends on), so each drops the site's cached pages and the next read shows it. This
 * process drops them at once; a failed publish is logged, and other processes fall back to their cache's short TTL.
 */
export async function announceSiteChange(
  deps: Pick<ApiDeps, 'redis' | 'threadCache' | 'config' | 'logger'>,
  siteId: string,
): Promise<void> {
  deps.threadCache.invalidateSite(siteId);
  await deps.redis
    .publish(siteChannel(deps.config.QUEUE_PREFIX), siteId)
    .catch((err: unknown) => deps.logger.warn({ err }, 'could not announce a change of site settings'));
}
