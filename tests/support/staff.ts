import type { Express } from 'express';
import type { Pool } from '../../shared/src/db/pool.js';
import type { Role } from '../../shared/src/domain.js';
import { signInReader, type BuiltSite } from './builders.js';

/** Signs a reader in through SSO and gives them a role on the site (roles are read from the database). */
export async function signInAs(app: Express, db: Pool, site: BuiltSite, role: Role, name = `${role} of ${site.siteId}`) {
  const session = await signInReader(app, site, { name });
  await db.query('UPDATE users SET role = $3 WHERE site_id = $1 AND id = $2', [site.siteId, session.user.id, role]);
  return session;
}
