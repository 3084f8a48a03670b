import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../http/app-error.js';
import type { Principal, Role } from '#shared/domain.js';
import type { Queryable } from '#shared/db/pool.js';
import { findUser } from '#shared/db/users.js';
import { needsTotpEnrolment } from '#shared/db/staff-totp.js';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;
type KeyPrincipal = Extract<Principal, { kind: 'apiKey' }>;

/** The signed-in reader, who must belong to siteId; a token of another site is a 401. */
export function userOf(req: Request, siteId: string): UserPrincipal {
  const p = req.principal;
  if (p?.kind !== 'user') throw new UnauthorizedError("a reader's access token is required");
  if (p.siteId !== siteId) throw new UnauthorizedError('this access token is for another site');
  return p;
}

/** The publisher's API key, which must belong to siteId and carry the scope. */
export function apiKeyOf(req: Request, siteId: string, scope: string): KeyPrincipal {
  const p = req.principal;
  if (p?.kind !== 'apiKey') throw new UnauthorizedError('a publisher API key is required');
  if (p.siteId !== siteId) throw new UnauthorizedError('this API key is for another site');
  if (!p.scopes.includes(scope))
    throw new ForbiddenError('insufficient_scope', `this API key lacks the ${scope} scope`);
  return p;
}

const RANK: Record<Role, number> = { commenter: 0, moderator: 1, admin: 2 };

/**
 * A signed-in member of the site's staff with at least `minRole`. The role is read from the
 * database, not trusted from the token, so a demotion or a ban applies at once. Anonymous →
 * 401; a token of another site, a publisher key, a lesser role, or a staff member's widget token (not the
 * moderation page's) → 403. On a site that requires two-factor sign-in, a member who has not enabled it → 403
 * `totp_enrolment_required` (only the /auth/totp routes and sign-out, which do not come through here, stay open
 * to them).
 */
export async function staffOf(
  db: Queryable,
  req: Request,
  siteId: string,
  minRole: 'moderator' | 'admin',
): Promise<UserPrincipal & { name: string }> {
  const p = req.principal;
  if (!p) throw new UnauthorizedError("a staff member's access token is required");
  if (p.kind !== 'user')
    throw new ForbiddenError('staff_only', 'this needs a signed-in moderator or admin, not an API key');
  if (p.siteId !== siteId) throw new ForbiddenError('other_site', 'this access token is for another site');
  const user = await findUser(db, siteId, p.userId);
  if (user?.status !== 'active' || RANK[user.role] < RANK[minRole]) {
    throw new ForbiddenError('forbidden', `this needs a site ${minRole}`);
  }
  // Staff, with a token the widget was given (which the publisher's page could read).
  if (!p.moderation)
    throw new ForbiddenError(
      'moderation_token_required',
      'this needs a token from the moderation page’s sign-in, not the comment widget’s',
    );
  if (await needsTotpEnrolment(db, siteId, p.userId))
    throw new ForbiddenError(
      'totp_enrolment_required',
      'this site requires two-factor sign-in: set up an authenticator at /api/v1/auth/totp/setup first',
    );
  return { ...p, role: user.role, name: user.displayName };
}
