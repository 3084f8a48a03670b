import passport from 'passport';
import { Strategy as CustomStrategy } from 'passport-custom';
import { Strategy as LocalStrategy } from 'passport-local';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps.js';
import { UnauthorizedError } from '../http/app-error.js';
import { findSsoSecret } from '#shared/db/sites.js';
import { findPasswordUser, upsertSsoUser } from '#shared/db/users.js';
import { findApiKey, touchApiKey } from '#shared/db/api-keys.js';
import { apiKeyMatches, parseApiKey } from '#shared/secrets.js';
import { newId } from '#shared/ids.js';
import type { Principal, User as DomainUser } from '#shared/domain.js';
import { verifySsoToken } from './sso.js';
import { cachedVerifier, type TokenKeys } from './tokens.js';
import { verifyPassword } from '#shared/passwords.js';
import { ensureNotBlocked, penalize } from '../http/rate-limit.js';
import { keyUseThrottle } from './key-use.js';

declare global {
  namespace Express {
    interface Request {
      /** Who is calling, set by the bearer strategy. */
      principal?: Principal;
      /** The user a sign-in strategy authenticated. */
      signedIn?: DomainUser;
    }
  }
}

type StrategyDeps = Pick<ApiDeps, 'db' | 'config' | 'limiters' | 'logger'> & { tokens: TokenKeys };

// Per account and address: a stranger guessing passwords cannot lock the owner out from elsewhere.
const loginKey = (siteId: string, email: string, ip: string | undefined) =>
  `${siteId}:${email.toLowerCase()}:${ip ?? 'unknown'}`;

/**
 * One Passport instance per app (no global state): `sso` and `password` sign readers in,
 * `bearer` authenticates each API call by access token or publisher API key.
 */
export function createPassport(deps: StrategyDeps): passport.PassportStatic {
  const p = new passport.Passport() as passport.PassportStatic;
  const verifyAccessToken = cachedVerifier(deps.tokens);
  const shouldRecordUse = keyUseThrottle();

  p.use(
    'sso',
    new CustomStrategy((req, done) => {
      const { siteId, token } = req.body as { siteId: string; token: string };
      (async () => {
        const secret = await findSsoSecret(deps.db, siteId);
        if (!secret) return done(null, false, { message: 'unknown site' });
        const v = await verifySsoToken(token, secret, deps.config.SSO_MAX_TTL_S);
        if (!v.ok) return done(null, false, { message: v.reason });
        const user = await upsertSsoUser(deps.db, {
          id: newId(),
          siteId,
          externalId: v.claims.sub,
          name: v.claims.name,
          email: v.claims.email ?? null,
          iat: v.claims.iat,
        });
        return done(null, user);
      })().catch(done);
    }),
  );

  p.use(
    'password',
    new LocalStrategy(
      { usernameField: 'email', passReqToCallback: true, session: false },
      (req, email, password, done) => {
        const siteId = (req.body as { siteId: string }).siteId;
        const key = loginKey(siteId, email, req.ip);
        (async () => {
          await ensureNotBlocked(deps.limiters, deps.limiters.loginFailures, key);
          const user = await findPasswordUser(deps.db, siteId, email);
          if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user) {
            await penalize(deps.limiters, deps.limiters.loginFailures, key);
            return done(null, false, { message: 'wrong email or password' });
          }
          const { passwordHash: _omit, ...safe } = user;
          return done(null, safe);
        })().catch(done);
      },
    ),
  );

  p.use(
    'bearer',
    new BearerStrategy((token, done) => {
      (async () => {
        if (token.startsWith('ck_')) {
          const parsed = parseApiKey(token);
          const key = parsed ? await findApiKey(deps.db, parsed.id) : null;
          if (!parsed || !key || key.revokedAt || !apiKeyMatches(parsed.secret, key.secretHash)) {
            return done(null, false, 'invalid API key');
          }
          // The key's row is read on every request (no cache), so a revocation applies at once.
          if (shouldRecordUse(key.id))
            touchApiKey(deps.db, key.id).catch((err) => deps.logger.warn({ err }, 'could not record API key use'));
          return done(null, {
            kind: 'apiKey',
            keyId: key.id,
            siteId: key.siteId,
            scopes: key.scopes,
          } satisfies Principal);
        }
        const principal = await verifyAccessToken(token);
        return principal ? done(null, principal) : done(null, false, 'invalid or expired access token');
      })().catch(done);
    }),
  );

  return p;
}

/**
 * Runs a strategy without sessions and with our error model: a failed authentication is a 401
 * `{"error":{"code":"unauthorized"}}`, never Passport's plain-text response.
 */
export function authenticate(p: passport.PassportStatic, strategy: 'sso' | 'password' | 'bearer'): RequestHandler {
  return (req, res, next) => {
    p.authenticate(strategy, { session: false }, (err: unknown, user: unknown, info: unknown) => {
      if (err) return next(err);
      if (!user) {
        const message = typeof info === 'string' ? info : (info as { message?: string } | undefined)?.message;
        return next(
          new UnauthorizedError(
            strategy === 'bearer' && !req.headers.authorization
              ? 'an Authorization: Bearer token is required'
              : message && !/missing credentials/i.test(message)
                ? message
                : 'authentication failed',
          ),
        );
      }
      if (strategy === 'bearer') req.principal = user as Principal;
      else req.signedIn = user as DomainUser;
      next();
    })(req, res, next);
  };
}
