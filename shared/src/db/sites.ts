import type { Queryable } from './pool.js';
import type { Site } from '../domain.js';
import { effectiveSettings } from '../settings.js';

interface SiteRow {
  id: string;
  name: string;
  origins: string[];
  settings: unknown;
}
const toSite = (r: SiteRow): Site => ({
  id: r.id,
  name: r.name,
  origins: r.origins,
  settings: effectiveSettings(r.settings),
});

/** Inserts a site; returns false when the id is taken. */
export async function insertSite(
  db: Queryable,
  s: { id: string; name: string; origins: string[]; ssoSecret: string },
): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO sites (id, name, origins, sso_secret) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
    [s.id, s.name, s.origins, s.ssoSecret],
  );
  return res.rowCount === 1;
}

export async function updateSite(
  db: Queryable,
  s: { id: string; name: string; origins: string[] },
): Promise<Site | null> {
  const res = await db.query<SiteRow>(
    `UPDATE sites SET name = $2, origins = $3 WHERE id = $1 RETURNING id, name, origins, settings`,
    [s.id, s.name, s.origins],
  );
  return res.rows[0] ? toSite(res.rows[0]) : null;
}

export async function findSite(db: Queryable, id: string): Promise<Site | null> {
  const res = await db.query<SiteRow>(`SELECT id, name, origins, settings FROM sites WHERE id = $1`, [id]);
  return res.rows[0] ? toSite(res.rows[0]) : null;
}

export async function findSsoSecret(db: Queryable, siteId: string): Promise<string | null> {
  const res = await db.query<{ sso_secret: string }>(`SELECT sso_secret FROM sites WHERE id = $1`, [siteId]);
  return res.rows[0]?.sso_secret ?? null;
}

export async function setSsoSecret(db: Queryable, siteId: string, secret: string): Promise<boolean> {
  const res = await db.query(`UPDATE sites SET sso_secret = $2 WHERE id = $1`, [siteId, secret]);
  return res.rowCount === 1;
}

/** A site's stored settings overrides (not merged with the defaults) and their version. */
export async function findSettingsOverrides(
  db: Queryable,
  siteId: string,
): Promise<{ overrides: unknown; version: number } | null> {
  const res = await db.query<{ settings: unknown; settings_version: number }>(
    `SELECT settings, settings_version FROM sites WHERE id = $1`,
    [siteId],
  );
  const r = res.rows[0];
  return r ? { overrides: r.settings, version: r.settings_version } : null;
}

/**
 * Replaces a site's settings overrides if they are still at `expectedVersion` (optimistic
 * concurrency: two admins editing at once cannot silently undo each other). Returns the new
 * version, or null when the version moved on.
 */
export async function replaceSettingsOverrides(
  db: Queryable,
  siteId: string,
  overrides: unknown,
  expectedVersion: number,
): Promise<number | null> {
  const res = await db.query<{ settings_version: number }>(
    `UPDATE sites SET settings = $2, settings_version = settings_version + 1
      WHERE id = $1 AND settings_version = $3 RETURNING settings_version`,
    [siteId, JSON.stringify(overrides), expectedVersion],
  );
  return res.rows[0]?.settings_version ?? null;
}

/**
 * Whether any site registered this origin. The one look-up not scoped to a site: the CORS
 * preflight of a site-less path (sign-in, a comment's status) carries no site id.
 */
export async function isRegisteredOrigin(db: Queryable, origin: string): Promise<boolean> {
  const res = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM sites WHERE $1 = ANY(origins)) AS found`,
    [origin],
  );
  return res.rows[0]?.found === true;
}
