import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../../../shared/src/errors.js';
import type { Principal } from '../../../../shared/src/domain.js';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;
type KeyPrincipal = Extract<Principal, { kind: 'apiKey' }>;

/** The signed-in reader, who must belong to siteId; a token of another site is a 401. */
export function userOf(req: Request, siteId: string): UserPrincipal {
  const p = req.principal;
  if (!p || p.kind !== 'user') throw new UnauthorizedError('a reader\'s access token is required');
  if (p.siteId !== siteId) throw new UnauthorizedError('this access token is for another site');
  return p;
}

/** The publisher's API key, which must belong to siteId and carry the scope. */
export function apiKeyOf(req: Request, siteId: string, scope: string): KeyPrincipal {
  const p = req.principal;
  if (!p || p.kind !== 'apiKey') throw new UnauthorizedError('a publisher API key is required');
  if (p.siteId !== siteId) throw new UnauthorizedError('this API key is for another site');
  if (!p.scopes.includes(scope)) throw new ForbiddenError('insufficient_scope', `this API key lacks the ${scope} scope`);
  return p;
}
