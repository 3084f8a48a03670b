import { Router, type Request } from 'express';
import type passport from 'passport';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { authenticate } from './passport.js';
import { hashPassword } from '#shared/passwords.js';
import { issueAccessToken, type TokenKeys } from './tokens.js';
import { displayNameSchema, emailSchema, siteIdSchema } from '#shared/schemas.js';
import { ConflictError, NotFoundError } from '../http/app-error.js';
import { findSite } from '#shared/db/sites.js';
import { insertPasswordUser } from '#shared/db/users.js';
import { newId } from '#shared/ids.js';
import type { User } from '#shared/domain.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';

export const ssoBody = z.object({ siteId: siteIdSchema, token: z.string().min(1).max(8192) });
export const loginBody = z.object({ siteId: siteIdSchema, email: emailSchema, password: z.string().min(1).max(1024) });
export const registerBody = z.object({
  siteId: siteIdSchema,
  email: emailSchema,
  password: z.string().min(10, 'use at least 10 characters').max(1024),
  displayName: displayNameSchema,
});

const publicUser = (u: User) => ({ id: u.id, siteId: u.siteId, name: u.displayName, role: u.role });

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
    summary: 'Create a native account',
    body: registerBody,
    responses: {
      201: { description: 'created', schema: signedIn },
      400: commonErrors[400],
      ...notFoundError,
      409: { description: '`email_taken`', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
];

export function authRoutes(deps: ApiDeps, p: passport.PassportStatic, tokens: TokenKeys): Router {
  const r = Router();
  const limitIp = async (req: Request) => consume(deps.limiters, deps.limiters.authIp, req.ip ?? 'unknown');
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

  r.post('/auth/register', async (req, res) => {
    await limitIp(req);
    const body = parse(registerBody, req.body);
    if (!(await findSite(deps.db, body.siteId))) throw new NotFoundError('site');
    const user = await insertPasswordUser(deps.db, {
      id: newId(),
      siteId: body.siteId,
      email: body.email,
      passwordHash: await hashPassword(body.password),
      displayName: body.displayName,
      role: 'commenter',
    });
    if (!user) throw new ConflictError('email_taken', 'an account with this email already exists on this site');
    res.status(201).json(await answer(user));
  });

  return r;
}
