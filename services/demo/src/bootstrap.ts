import type { Queryable } from '#shared/db/pool.js';
import { findSite, findSsoSecret, insertSite, setSsoSecret, updateSite } from '#shared/db/sites.js';

/**
 * Makes sure the demo site exists, lists the demo page's origin and uses the demo publisher's
 * SSO secret. Idempotent: run at every start of the demo server. Returns what it changed.
 */
export async function ensureDemoSite(
  db: Queryable,
  o: { siteId: string; name: string; origin: string; ssoSecret: string },
): Promise<string[]> {
  if (await insertSite(db, { id: o.siteId, name: o.name, origins: [o.origin], ssoSecret: o.ssoSecret }))
    return ['created the site'];
  const changes: string[] = [];
  const site = (await findSite(db, o.siteId))!;
  if (!site.origins.includes(o.origin)) {
    await updateSite(db, { id: o.siteId, name: site.name, origins: [...site.origins, o.origin] });
    changes.push(`added the origin ${o.origin}`);
  }
  if ((await findSsoSecret(db, o.siteId)) !== o.ssoSecret) {
    await setSsoSecret(db, o.siteId, o.ssoSecret);
    changes.push('set the SSO secret');
  }
  return changes;
}
