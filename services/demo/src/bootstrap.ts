import type { Queryable } from '#shared/db/pool.js';
import { findSite, findSsoSecret, insertSite, setSsoSecret, updateSite } from '#shared/db/sites.js';

/**
 * Makes sure the demo site exists, lists the demo page's origins and uses the demo publisher's
 * SSO secret. Idempotent: run at every start of the demo server. Returns what it changed.
 */
export async function ensureDemoSite(
  db: Queryable,
  o: { siteId: string; name: string; origin: string; ssoSecret: string; alsoOrigins?: string[] },
): Promise<string[]> {
  const wanted = [...new Set([o.origin, ...(o.alsoOrigins ?? [])])];
  if (await insertSite(db, { id: o.siteId, name: o.name, origins: wanted, ssoSecret: o.ssoSecret }))
    return ['created the site'];
  const changes: string[] = [];
  const site = (await findSite(db, o.siteId))!;
  const missing = wanted.filter((origin) => !site.origins.includes(origin));
  if (missing.length > 0) {
    await updateSite(db, { id: o.siteId, name: site.name, origins: [...site.origins, ...missing] });
    for (const origin of missing) changes.push(`added the origin ${origin}`);
  }
  if ((await findSsoSecret(db, o.siteId)) !== o.ssoSecret) {
    await setSsoSecret(db, o.siteId, o.ssoSecret);
    changes.push('set the SSO secret');
  }
  return changes;
}
