import { Router, type Request, type RequestHandler } from 'express';
import type passport from 'passport';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { authenticate } from './passport.js';
import { hashPassword } from '#shared/passwords.js';
import { issueAccessToken, type TokenKeys, type TokenUse } from './tokens.js';
import { displayNameSchema, emailSchema, siteIdSchema } from '#shared/schemas.js';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../http/app-error.js';
import { findSite } from '#shared/db/sites.js';
import {
  findPasswordUser,
  findUser,
  insertPasswordUser,
  isEmailBounced,
  isReservedName,
  revokeTokens,
  useEmailVerification,
  usePasswordReset,
} from '#shared/db/users.js';
import { newId } from '#shared/ids.js';
import type { User } from '#shared/domain.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';
import {
  sendAlreadyRegistered,
  sendPasswordResetLink,
  sendVerificationLink,
  verificationHash,
} from './email-verification.js';
import { announceSiteChange } from '../sites/site-changes.js';
import { announceUserChange } from './user-changes.js';
import { clientKey } from '../http/client-key.js';
import { disableTotp, enableTotp, findStaffTotp, setPendingTotp } from '#shared/db/staff-totp.js';
import { checkTotp, newTotpSecret } from './totp.js';
import { stepUpChecks } from './step-up.js';

export const ssoBody = z.object({ siteId: siteIdSchema, token: z.string().min(1).max(8192) });
export const loginBody = z.object({
  siteId: siteIdSchema,
  email: emailSchema,
  password: z.string().min(1).max(1024),
  /** The current code of the account's authenticator app, for staff who enabled two-factor sign-in. */
  totp: z.string().min(1).max(16).optional(),
  /**
   * What the token is for: the comment widget (the default), or the moderation page, whose token alone reaches
   * staff routes. A widget token lives in the publisher's article page, where any of its scripts could read it.
   */
  use: z.enum(['widget', 'moderation']).optional(),
});
export const totpCodeBody = z.object({ code: z.string().min(1).max(16) });
/** Starting two-factor sign-in asks for the password again: a stolen access token alone cannot enrol its own app. */
export const totpSetupBody = z.object({ password: z.string().min(1).max(1024) });
export const registerBody = z.object({
  siteId: siteIdSchema,
  email: emailSchema,
  password: z.string().min(10, 'use at least 10 characters').max(1024),
  displayName: displayNameSchema,
});

export const passwordResetBody = z.object({ siteId: siteIdSchema, email: emailSchema });
export const passwordResetConfirmBody = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a reset token'),
  password: registerBody.shape.password,
});
const RESET_SENT = {
  status: 'reset_sent',
  message: 'If this address has an account, a link to choose a new password is on its way.',
} as const;

export const verifyEmailBody = z.object({
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
    summary: 'Sign in with email and password (and the authenticator code, for staff with two-factor sign-in)',
    body: loginBody,
    responses: {
      200: { description: 'signed in', schema: signedIn },
      400: commonErrors[400],
      401: {
        description:
          '`unauthorized` (wrong email or password), `totp_required` (send `totp`), `invalid_credentials` (wrong or used code)',
        schema: errorSchema,
      },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/password-reset',
    tag: 'Sign-in',
    auth: 'none',
    summary:
      'Forgotten password: a link to choose a new one is emailed to the address of a native account (the answer is the same for any address)',
    body: passwordResetBody,
    responses: {
      202: { description: 'accepted', schema: z.object({ status: z.literal('reset_sent'), message: z.string() }) },
      400: commonErrors[400],
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/password-reset/confirm',
    tag: 'Sign-in',
    auth: 'the token of the mailed link',
    summary:
      'Set a new password with the mailed link: the address is confirmed, and every access token issued before stops working',
    body: passwordResetConfirmBody,
    responses: {
      200: { description: 'the password is changed; sign in with it', schema: z.object({ reset: z.literal(true) }) },
      400: { description: '`invalid_link` (unknown, used or expired), `validation_failed`', schema: errorSchema },
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
    method: 'post',
    path: '/api/v1/auth/totp/setup',
    tag: 'Sign-in',
    auth: "staff member's access token",
    summary:
      'Start two-factor sign-in, with the account password: a new authenticator secret, pending until confirmed (replaces an unconfirmed one)',
    body: totpSetupBody,
    responses: {
      200: {
        description: 'the secret, shown this once, and the otpauth:// URL an authenticator app scans',
        schema: z.object({ secret: z.string(), otpauthUrl: z.string() }),
      },
      400: commonErrors[400],
      401: {
        description: '`invalid_credentials`: the password is wrong (counted as a failed sign-in)',
        schema: errorSchema,
      },
      403: { description: '`staff_only`', schema: errorSchema },
      409: { description: '`totp_already_enabled`: disable it first', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/totp/enable',
    tag: 'Sign-in',
    auth: "staff member's access token",
    summary:
      'Confirm the pending secret with a code from the app: two-factor sign-in is on, and every token issued before stops working',
    body: totpCodeBody,
    responses: {
      200: {
        description: 'enabled; a new access token replaces the revoked ones',
        schema: z.object({ enabled: z.literal(true), accessToken: z.string() }),
      },
      400: { description: '`validation_failed`, `invalid_code`', schema: errorSchema },
      401: commonErrors[401],
      403: { description: '`staff_only`', schema: errorSchema },
      409: { description: '`totp_not_pending`: call setup first, or it is enabled already', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/totp/disable',
    tag: 'Sign-in',
    auth: "staff member's access token",
    summary: 'Turn two-factor sign-in off with a current code; every token issued before stops working',
    body: totpCodeBody,
    responses: {
      204: { description: 'disabled' },
      400: { description: '`validation_failed`, `invalid_code`', schema: errorSchema },
      401: commonErrors[401],
      403: { description: '`staff_only`', schema: errorSchema },
      409: { description: '`totp_not_enabled`', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/verify-email',
    tag: 'Sign-in',
    auth: 'the token of the mailed link',
    summary:
      "Confirm a native account's email address with the token of the mailed link (single use), as the page it leads to does",
    body: verifyEmailBody,
    responses: {
      200: {
        description: 'verified',
        schema: z.object({ verified: z.literal(true), user: z.object({ id: z.uuid(), siteId: z.string() }) }),
      },
      400: { description: '`invalid_link` (unknown, used or expired), `validation_failed`', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/auth/verify-email',
    tag: 'Sign-in',
    auth: 'none',
    summary:
      'Where confirmation links mailed before they led to the `/verify-email` page point: sent on to that page, which confirms only when the reader asks (a mail scanner that opens links confirms nothing)',
    query: verifyEmailBody,
    responses: {
      303: { description: 'to `/verify-email?token=…`' },
      400: commonErrors[400],
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/verify-email/resend',
    tag: 'Sign-in',
    auth: "reader's access token",
    summary:
      'Send a new verification link to an unverified native account, or to any account whose address bounced (confirming it again)',
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
  const answer = async (user: User, use: TokenUse = 'widget') => ({
    accessToken: await issueAccessToken(tokens, user, use),
    user: publicUser(user),
  });

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
      res.json(await answer(req.signedIn!, (req.body as z.infer<typeof loginBody>).use));
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
    else sendAlreadyRegistered(deps, body.siteId, body.email);
    res.status(202).json(REGISTERED);
  });

  // Forgotten password: the same answer whatever the address, and the link goes only to the address itself.
  r.post('/auth/password-reset', async (req, res) => {
    await limitIp(req);
    const body = parse(passwordResetBody, req.body);
    const site = await findSite(deps.db, body.siteId);
    if (!site) throw new NotFoundError('site');
    const user = await findPasswordUser(deps.db, body.siteId, body.email);
    // Mailed to the address as the account has it, not as typed (mail hosts may tell the cases apart).
    if (user?.email) sendPasswordResetLink(deps, { siteId: user.siteId, userId: user.id, email: user.email });
    res.status(202).json(RESET_SENT);
  });

  r.post('/auth/password-reset/confirm', async (req, res) => {
    await limitIp(req);
    const body = parse(passwordResetConfirmBody, req.body);
    const user = await usePasswordReset(deps.db, verificationHash(body.token), await hashPassword(body.password));
    if (!user) throw new AppError('invalid_link', 400, 'this link is unknown, already used or expired');
    await announceUserChange(deps, user.siteId, user.id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ reset: true });
  });

  r.get('/auth/verify-email', (req, res) => {
    const { token } = parse(verifyEmailBody, req.query, 'query');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.redirect(303, `/verify-email?token=${token}`);
  });

  r.post('/auth/verify-email', async (req, res) => {
    await limitIp(req);
    const { token } = parse(verifyEmailBody, req.body);
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
    // A confirmed address that bounced is confirmed again, so notification email goes to it once more.
    const again = user?.emailVerified === true && (await isEmailBounced(deps.db, user.siteId, user.id));
    if (user?.email && (!user.emailVerified || again))
      sendVerificationLink(deps, { siteId: user.siteId, userId: user.id, email: user.email, again });
    res.status(202).json({ status: 'accepted' });
  });

  // Two-factor enrolment. Reached by staff whose site requires it before they enrolled, so these
  // routes check the role themselves instead of going through staffOf.
  const staffMember = async (req: Request): Promise<User> => {
    const who = req.principal;
    if (who?.kind !== 'user') throw new UnauthorizedError("a staff member's access token is required");
    const user = await findUser(deps.db, who.siteId, who.userId);
    if (user?.status !== 'active' || user.role === 'commenter')
      throw new ForbiddenError('staff_only', 'two-factor sign-in is for moderators and admins');
    return user;
  };
  // Wrong codes count against the account like failed sign-ins (its own code budget, and the account's sign-in
  // budget): a stolen token cannot guess its way to disable. Counted before the check, as sign-ins are.
  const { countCheck, usePassword } = stepUpChecks(deps);
  const useCode = async (u: User, code: string, mustBeEnabled: boolean) => {
    const notFailed = await countCheck(u);
    const totp = await findStaffTotp(deps.db, u.siteId, u.id);
    if (!totp || (totp.enabledAt !== null) !== mustBeEnabled) {
      await notFailed();
      throw mustBeEnabled
        ? new ConflictError('totp_not_enabled', 'two-factor sign-in is not enabled')
        : new ConflictError('totp_not_pending', 'no secret awaits confirmation: call /auth/totp/setup first');
    }
    if (!(await checkTotp(deps.db, u.siteId, u.id, totp, code)))
      throw new AppError('invalid_code', 400, 'this code is wrong, expired or used already');
    await notFailed();
  };

  r.post('/auth/totp/setup', bearer, async (req, res) => {
    const user = await staffMember(req);
    await limitIp(req);
    const { password } = parse(totpSetupBody, req.body);
    await usePassword(user, password);
    const site = await findSite(deps.db, user.siteId);
    const fresh = newTotpSecret(site?.name ?? user.siteId, user.email ?? user.displayName);
    if (!(await setPendingTotp(deps.db, user.siteId, user.id, fresh.secret)))
      throw new ConflictError('totp_already_enabled', 'two-factor sign-in is enabled already: disable it first');
    res.setHeader('Cache-Control', 'no-store');
    res.json(fresh);
  });

  r.post('/auth/totp/enable', bearer, async (req, res) => {
    const user = await staffMember(req);
    await limitIp(req);
    const { code } = parse(totpCodeBody, req.body);
    await useCode(user, code, false);
    const version = await enableTotp(deps.db, user.siteId, user.id);
    if (version === null) throw new ConflictError('totp_not_pending', 'no secret awaits confirmation');
    await announceUserChange(deps, user.siteId, user.id);
    // On a site that requires it, their badge shows from now on (the thread pages' staff badge).
    await announceSiteChange(deps, user.siteId);
    res.setHeader('Cache-Control', 'no-store');
    // The new token is for what the caller's was for.
    const use = req.principal?.kind === 'user' && req.principal.moderation ? 'moderation' : 'widget';
    res.json({ enabled: true, accessToken: await issueAccessToken(tokens, { ...user, tokenVersion: version }, use) });
  });

  r.post('/auth/totp/disable', bearer, async (req, res) => {
    const user = await staffMember(req);
    await limitIp(req);
    const { code } = parse(totpCodeBody, req.body);
    await useCode(user, code, true);
    await disableTotp(deps.db, user.siteId, user.id);
    await announceUserChange(deps, user.siteId, user.id);
    await announceSiteChange(deps, user.siteId);
    res.status(204).end();
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
