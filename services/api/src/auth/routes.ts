import { Router, type Request, type RequestHandler } from 'express';
import type passport from 'passport';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { authenticate } from './passport.js';
import { hashPassword } from '#shared/passwords.js';
import { issueAccessToken, type TokenKeys } from './tokens.js';
import { displayNameSchema, emailSchema, siteIdSchema } from '#shared/schemas.js';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../http/app-error.js';
import { findSite } from '#shared/db/sites.js';
import { findUser, insertPasswordUser, isReservedName, revokeTokens, useEmailVerification } from '#shared/db/users.js';
import { newId } from '#shared/ids.js';
import type { User } from '#shared/domain.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';
import { sendAlreadyRegistered, sendVerificationLink, verificationHash } from './email-verification.js';
import { announceUserChange } from './user-changes.js';
import { clientKey } from '../http/client-key.js';

export const ssoBody = z.object({ siteId: siteIdSchema, token: z.string().min(1).max(8192) });
export const loginBody = z.object({ siteId: siteIdSchema, email: emailSchema, password: z.string().min(1).max(1024) });
export const registerBody = z.object({
  siteId: siteIdSchema,
  email: emailSchema,
  password: z.string().min(10, 'use at least 10 characters').max(1024),
  displayName: displayNameSchema,
});

export const verifyEmailQuery = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a verification token'),
});

const publicUser = (u: User) => ({ id: u.id, siteId: u.siteId, name: u.displayName, role: u.role });
const REGISTERED = {
  status: 'verification_sent',
  message: 'If this address can receive mail, a link to confirm it is on its way; then sign in.',
} as const;

/** Sign-in: publisher SSO and native accounts, each answered with a short-lived access token. */
const userSchema = z.object({
  id: z.uuid(),
  siteId: z.string(),
  name: z.string(),
  role: z.enum(['commenter', 'moderator', 'admin']),
});
const signedIn = z.object({ accessToken: z.string(), user: userSchema });

/** Sign-in and registration. */
export const authDocs = [
  route({
    method: 'post',
    path: '/api/v1/auth/sso',
    tag: 'Sign-in',
    auth: 'none',
    summary: "Sign a reader in with the publisher's SSO token",
    body: ssoBody,
    responses: {
      200: { description: 'signed in', schema: signedIn },
      400: commonErrors[400],
      401: commonErrors[401],
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/login',
    tag: 'Sign-in',
    auth: 'none',
    summary: 'Sign in with email and password',
    body: loginBody,
    responses: {
      200: { description: 'signed in', schema: signedIn },
      400: commonErrors[400],
      401: commonErrors[401],
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/register',
    tag: 'Sign-in',
    auth: 'none',
    summary:
      'Create a native account; a link to confirm the address is emailed (the answer is the same for a known address)',
    body: registerBody,
    responses: {
      202: {
        description: 'accepted: confirm the address, then sign in',
        schema: z.object({ status: z.literal('verification_sent'), message: z.string() }),
      },
      400: commonErrors[400],
      403: { description: '`native_accounts_disabled`', schema: errorSchema },
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/logout',
    tag: 'Sign-in',
    auth: 'access token',
    summary: 'Sign out everywhere: every access token of the account issued so far stops working',
    responses: { 204: { description: 'signed out' }, 401: commonErrors[401] },
  }),
  route({
    method: 'get',
    path: '/api/v1/auth/verify-email',
    tag: 'Sign-in',
    auth: 'none',
    summary: "Confirm a native account's email address (the link sent by email; single use)",
    query: verifyEmailQuery,
    responses: {
      200: {
        description: 'verified',
        schema: z.object({ verified: z.literal(true), user: z.object({ id: z.uuid(), siteId: z.string() }) }),
      },
      400: { description: '`invalid_link`: unknown, used or expired', schema: errorSchema },
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/verify-email/resend',
    tag: 'Sign-in',
    auth: "reader's access token",
    summary: 'Send a new verification link to an unverified native account',
    responses: { 202: { description: 'sent, if the account needs one' }, 401: commonErrors[401] },
  }),
];

export function authRoutes(
  deps: ApiDeps,
  p: passport.PassportStatic,
  tokens: TokenKeys,
  bearer: RequestHandler,
): Router {
  const r = Router();
  const limitIp = async (req: Request) => consume(deps.limiters, deps.limiters.authIp, clientKey(req.ip));
  const answer = async (user: User) => ({ accessToken: await issueAccessToken(tokens, user), user: publicUser(user) });

  r.post(
    '/auth/sso',
    async (req, _res, next) => {
      await limitIp(req);
      req.body = parse(ssoBody, req.body);
      next();
    },
    authenticate(p, 'sso'),
    async (req, res) => {
      res.json(await answer(req.signedIn!));
    },
  );

  r.post(
    '/auth/login',
    async (req, _res, next) => {
      await limitIp(req);
      req.body = parse(loginBody, req.body);
      next();
    },
    authenticate(p, 'password'),
    async (req, res) => {
      res.json(await answer(req.signedIn!));
    },
  );

  // The answer is the same whether the address is new or known (the owner of a known one is told
  // by email instead), and no token is given: the account is usable once its address is confirmed.
  r.post('/auth/register', async (req, res) => {
    await limitIp(req);
    const body = parse(registerBody, req.body);
    const site = await findSite(deps.db, body.siteId);
    if (!site) throw new NotFoundError('site');
    if (!site.settings.nativeAccounts)
      throw new ForbiddenError('native_accounts_disabled', 'this site signs readers in through its own accounts only');
    if (await isReservedName(deps.db, body.siteId, body.displayName))
      throw new ValidationError('this display name is reserved for the site’s staff', [
        { path: 'displayName', message: 'reserved' },
      ]);
    const user = await insertPasswordUser(deps.db, {
      id: newId(),
      siteId: body.siteId,
      email: body.email,
      passwordHash: await hashPassword(body.password),
      displayName: body.displayName,
      role: 'commenter',
    });
    if (user) sendVerificationLink(deps, { siteId: user.siteId, userId: user.id, email: body.email });
    else sendAlreadyRegistered(deps, body.email);
    res.status(202).json(REGISTERED);
  });

  r.get('/auth/verify-email', async (req, res) => {
    await limitIp(req);
    const { token } = parse(verifyEmailQuery, req.query, 'query');
    const user = await useEmailVerification(deps.db, verificationHash(token));
    if (!user) throw new AppError('invalid_link', 400, 'this link is unknown, already used or expired');
    await announceUserChange(deps, user.siteId, user.id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ verified: true, user: { id: user.id, siteId: user.siteId } });
  });

  r.post('/auth/verify-email/resend', bearer, async (req, res) => {
    const who = req.principal;
    if (who?.kind !== 'user') throw new UnauthorizedError("a reader's access token is required");
    await limitIp(req);
    const user = await findUser(deps.db, who.siteId, who.userId);
    if (user && !user.emailVerified && user.email)
      sendVerificationLink(deps, { siteId: user.siteId, userId: user.id, email: user.email });
    res.status(202).json({ status: 'accepted' });
  });

  r.post('/auth/logout', bearer, async (req, res) => {
    const who = req.principal;
    if (who?.kind !== 'user') throw new UnauthorizedError('an access token is required');
    await revokeTokens(deps.db, who.siteId, who.userId);
    await announceUserChange(deps, who.siteId, who.userId);
    res.status(204).end();
  });

  return r;
}
