import type { Request } from 'express';
import type { Queryable } from '#shared/db/pool.js';
import { apiKeyOf, staffOf } from '../auth/guards.js';

/** Who acted, for logs: an API key or a staff member. */
export type Actor = { kind: 'apiKey'; keyId: string } | { kind: 'user'; userId: string };

/**
 * A publisher's server (an API key of the site with the scope) or a signed-in admin of the
 * site: the two ways a publisher reaches its own data.
 */
export async function publisherOf(db: Queryable, req: Request, siteId: string, scope: string): Promise<Actor> {
  if (req.principal?.kind === 'apiKey') {
    const k = apiKeyOf(req, siteId, scope);
    return { kind: 'apiKey', keyId: k.keyId };
  }
  const u = await staffOf(db, req, siteId, 'admin');
  return { kind: 'user', userId: u.userId };
}
