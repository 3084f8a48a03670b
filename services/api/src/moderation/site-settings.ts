import type { Queryable } from '#shared/db/pool.js';
import { findSettingsOverrides } from '#shared/db/sites.js';
import { effectiveSettings, type SiteSettings } from '#shared/settings.js';
import { NotFoundError } from '../http/app-error.js';

/** A site's effective settings, or a 404 when the site is gone. */
export async function findSettings(db: Queryable, siteId: string): Promise<SiteSettings> {
  const stored = await findSettingsOverrides(db, siteId);
  if (!stored) throw new NotFoundError('site');
  return effectiveSettings(stored.overrides);
}
