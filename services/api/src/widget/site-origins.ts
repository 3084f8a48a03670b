import { LRUCache } from 'lru-cache';
import type { Queryable } from '#shared/db/pool.js';
import { findSite, isRegisteredOrigin } from '#shared/db/sites.js';

/**
 * Which browser origins may call the API for a site (its registered `origins`), cached for a
 * few seconds: every cross-origin request and preflight asks. Concurrent misses share a query.
 */
export interface SiteOrigins {
  /** The site's origins, or null when there is no such site. */
  of(siteId: string): Promise<string[] | null>;
  /** Whether the origin belongs to the site; with no site, whether it belongs to any site. */
  allows(origin: string, siteId: string | null): Promise<boolean>;
  /** The site's origins if cached now (null: no such site); undefined when only a query can tell. */
  peek(siteId: string): string[] | null | undefined;
}

type Entry = { origins: string[] | null } | { any: boolean };

export function createSiteOrigins(db: Queryable, ttlMs: number): SiteOrigins {
  const cache = new LRUCache<string, Entry, () => Promise<Entry>>({
    max: 10_000,
    ttl: Math.max(1, ttlMs),
    fetchMethod: async (_key, _stale, { context }) => context(),
  });
  const get = async (key: string, load: () => Promise<Entry>): Promise<Entry> =>
    ttlMs === 0 ? load() : ((await cache.fetch(key, { context: load }).catch(load)) ?? load());

  const of = async (siteId: string) => {
    const e = await get(`site:${siteId}`, async () => ({ origins: (await findSite(db, siteId))?.origins ?? null }));
    return 'origins' in e ? e.origins : null;
  };
  return {
    of,
    peek(siteId) {
      const e = ttlMs === 0 ? undefined : cache.get(`site:${siteId}`);
      return e && 'origins' in e ? e.origins : undefined;
    },
    async allows(origin, siteId) {
      if (siteId !== null) return (await of(siteId))?.includes(origin) ?? false;
      const e = await get(`origin:${origin}`, async () => ({ any: await isRegisteredOrigin(db, origin) }));
      return 'any' in e && e.any;
    },
  };
}
