import passport from 'passport';
import { Strategy as CustomStrategy } from 'passport-custom';
import { Strategy as LocalStrategy } from 'passport-local';
import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps.js';
import { AppError, UnauthorizedError } from '../http/app-error.js';
import { checkTotp } from './totp.js';
import { findStaffTotp } from '#shared/db/staff-totp.js';
import { findSsoSecret } from '#shared/db/sites.js';
import { currentTokenVersions, findPasswordUser, isReservedName, upsertSsoUser } from '#shared/db/users.js';
import { createBatchLoader } from '#shared/db/batch-loader.js';
import { findApiKey, touchApiKey } from '#shared/db/api-keys.js';
import { apiKeyMatches, parseApiKey, sha256 } from '#shared/secrets.js';
import { newId } from '#shared/ids.js';
import type { Principal, User as DomainUser } from '#shared/domain.js';
import { verifySsoToken } from './sso.js';
import { cachedVerifier, type TokenKeys } from './tokens.js';
import { verifyPassword } from '#shared/passwords.js';
import { consume, countAttempt } from '../http/rate-limit.js';
import { keyUseThrottle } from './key-use.js';
import { clientKey } from '../http/client-key.js';

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

type StrategyDeps = Pick<ApiDeps, 'db' | 'config' | 'limiters' | 'logger' | 'redis'> & { tokens: TokenKeys };

/**
 * Records an SSO token's `jti` until the token expires (plus the clock tolerance); false when it
 * was recorded already, i.e. the token is being replayed. Shared by every API process through Redis.
 */
async function firstUseOfJti(deps: StrategyDeps, siteId: string, jti: string, exp: number): Promise<boolean> {
  const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000) + 60);
  const key = `${deps.config.QUEUE_PREFIX}:sso-jti:${siteId}:${sha256(jti).toString('hex')}`;
  return (await deps.redis.set(key, '1', 'EX', ttl, 'NX')) === 'OK';
}

// Per account and address: a stranger guessing passwords cannot lock the owner out from elsewhere.
const loginKey = (siteId: string, email: string, ip: string | undefined) =>
  `${siteId}:${email.toLowerCase()}:${ip ?? 'unknown'}`;

/**
 * One Passport instance per app (no global state): `sso` and `password` sign readers in,
 * `bearer` authenticates each API call by access token or publisher API key.
 */
export function createPassport(deps: StrategyDeps): passport.PassportStatic {
  const p = new passport.Passport() as passport.PassportStatic;
  // The bearer checks of concurrent requests share one statement (never a cache).
  const tokenVersion = createBatchLoader(
    (keys: readonly { siteId: string; userId: string }[]) => currentTokenVersions(deps.db, keys),
    { maxBatch: 100, maxInFlight: 2 },
  );
  const verifyAccessToken = cachedVerifier(deps.tokens);
  const shouldRecordUse = keyUseThrottle();

  p.use(
    'sso',
    new CustomStrategy((req, done) => {
      const { siteId, token } = req.body as { siteId: string; token: string };
      (async () => {
        const secret = await findSsoSecret(deps.db, siteId);
        if (!secret) return done(null, false, { message: 'unknown site' });
        const v = await verifySsoToken(token, secret, deps.config.SSO_MAX_TTL_S, siteId);
        if (!v.ok) return done(null, false, { message: v.reason });
        if (await isReservedName(deps.db, siteId, v.claims.name, { externalId: v.claims.sub }))
          return done(null, false, { message: 'SSO token name is reserved for the site’s staff' });
        if (v.claims.jti && !(await firstUseOfJti(deps, siteId, v.claims.jti, v.claims.exp)))
          return done(null, false, { message: 'SSO token has been used already' });
        const user = await upsertSsoUser(deps.db, {
          id: newId(),
          siteId,
          externalId: v.claims.sub,
          name: v.claims.name,
          email: v.claims.email ?? null,
          iat: v.claims.iat,
          verified: v.claims.verified === true,
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
        const key = loginKey(siteId, email, clientKey(req.ip));
        const account = `${siteId}:${email.toLowerCase()}`;
        (async () => {
          // Every attempt is counted as a failure before the password is checked, and refunded if it was right:
          // guesses sent at once are counted as they arrive, not after their checks.
          const fromAddress = await countAttempt(deps.limiters, deps.limiters.loginFailures, key, { block: true });
          const onAccount = await countAttempt(deps.limiters, deps.limiters.loginAccountFailures, account, {
            block: false,
          });
          // Past its failure budget an account is slowed down (one attempt per interval, from anywhere),
          // so guessing from many addresses crawls while the owner can still get in.
          const succeeded = () => Promise.all([fromAddress.refund(), onAccount.refund()]);
          // Refused unchecked (the slowed account's one attempt is taken): not a failure, so it costs neither budget.
          if (onAccount.exhausted)
            await consume(deps.limiters, deps.limiters.loginSlowed, account).catch(async (err: unknown) => {
              await succeeded();
              throw err;
            });
          const user = await findPasswordUser(deps.db, siteId, email);
          if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user)
            return done(null, false, { message: 'wrong email or password' });
          // Two-factor: asked for only once the password is right, so the question reveals nothing
          // to someone who does not know it; a wrong or replayed code is a failed sign-in.
          const totp = user.role === 'commenter' ? null : await findStaffTotp(deps.db, siteId, user.id);
          if (totp?.enabledAt) {
            const code = (req.body as { totp?: string }).totp;
            if (code === undefined) {
              await succeeded();
              return done(new AppError('totp_required', 401, 'this account needs a code from its authenticator app'));
            }
            if (!(await checkTotp(deps.db, siteId, user.id, totp, code)))
              return done(new AppError('invalid_credentials', 401, 'wrong email, password or code'));
          }
          await succeeded();
          const { passwordHash: _omit, ...safe } = user;
          return done(null, safe);
        })().catch(done);
      },
    ),
  );

  p.use(
    'bearer',
    new CustomStrategy((req, done) => {
      const token = bearerToken(req.headers.authorization);
      if (!token) return done(null, false, 'an Authorization: Bearer token is required');
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
        if (principal?.kind !== 'user') return done(null, false, 'invalid or expired access token');
        // Read on every request (one primary-key look-up, sent after the request arrived), so a sign-out
        // or a ban revokes at once.
        const version = await tokenVersion({ siteId: principal.siteId, userId: principal.userId });
        if (version !== principal.tokenVersion) return done(null, false, 'this access token has been revoked');
        return done(null, principal);
      })().catch(done);
    }),
  );

  return p;
}

const BEARER_RE = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The credential of the Authorization header, and only there: a token in the query string would
 * be written to access logs, proxies and browser history, and one in the body is too easy to leak
 * the same ways, so `?access_token=` and a body `access_token` are not read.
 */
export function bearerToken(header: string | undefined): string | null {
  return header ? (BEARER_RE.exec(header)?.[1] ?? null) : null;
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
