import { randomBytes } from 'node:crypto';
import type { ApiDeps } from '../deps.js';
import { sha256 } from '#shared/secrets.js';
import { setEmailVerification, setPasswordReset } from '#shared/db/users.js';
import { tryConsume } from '../http/rate-limit.js';

/** The stored form of a verification token: its SHA-256, so a database dump verifies nobody. */
export const verificationHash = (token: string): string => sha256(token).toString('hex');

type MailDeps = Pick<ApiDeps, 'db' | 'mailer' | 'config' | 'logger' | 'limiters'>;

/**
 * Whether an account mail may go to this address now (RATE_LIMIT_ACCOUNT_MAIL per site and address): whoever asks,
 * from however many addresses, the owner of an address receives only so many. Past it nothing is sent, silently:
 * the answer must not tell whether an address is registered.
 */
const mayMail = (deps: MailDeps, siteId: string, email: string): Promise<boolean> =>
  tryConsume(deps.limiters, deps.limiters.accountMail, `${siteId}:${email.toLowerCase()}`);

/**
 * Sends, in the background, a link that proves the reader owns the address. Any earlier link is
 * replaced. A transport failure is logged, never told to the caller (registration answers alike
 * for new and known addresses).
 */
export function sendVerificationLink(deps: MailDeps, u: { siteId: string; userId: string; email: string }): void {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + deps.config.EMAIL_VERIFICATION_TTL_S * 1000);
  const base = (deps.config.PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/+$/, '');
  const link = `${base}/api/v1/auth/verify-email?token=${token}`;
  const hours = Math.max(1, Math.round(deps.config.EMAIL_VERIFICATION_TTL_S / 3600));
  void (async () => {
    if (!(await mayMail(deps, u.siteId, u.email))) {
      deps.logger.info({ siteId: u.siteId }, 'confirmation mail not sent: this address received its share');
      return;
    }
    await setEmailVerification(deps.db, {
      siteId: u.siteId,
      userId: u.userId,
      tokenHash: verificationHash(token),
      expiresAt,
    });
    await deps.mailer.send({
      to: u.email,
      subject: 'Confirm your email address',
      text: `Someone, probably you, created a commenting account with this address.\n\nTo confirm it, open this link within ${hours} hours:\n\n${link}\n\nIf it was not you, ignore this message: the account cannot comment until the address is confirmed.\n`,
    });
  })().catch((err: unknown) => deps.logger.warn({ err }, 'could not send an email verification link'));
}

/** Tells the owner of a known address that someone tried to register it again (instead of telling the caller). */
export function sendAlreadyRegistered(deps: MailDeps, siteId: string, email: string): void {
  void (async () => {
    if (!(await mayMail(deps, siteId, email))) return;
    await deps.mailer.send({
      to: email,
      subject: 'Someone tried to create an account with your address',
      text: 'Someone tried to create a commenting account with this address, which already has one.\n\nIf it was you, sign in with your password instead. If not, you need do nothing.\n',
    });
  })().catch((err: unknown) => deps.logger.warn({ err }, 'could not send an already-registered notice'));
}

/** How long a password-reset link works. */
const RESET_TTL_S = 3600;

/**
 * Sends, in the background, a link to choose a new password (`/password-reset?token=…`, a page of the service),
 * replacing any earlier one. Within the address's share of account mails; a failure is logged, never told.
 */
export function sendPasswordResetLink(deps: MailDeps, u: { siteId: string; userId: string; email: string }): void {
  const token = randomBytes(32).toString('base64url');
  const base = (deps.config.PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/+$/, '');
  const link = `${base}/password-reset?token=${token}`;
  void (async () => {
    if (!(await mayMail(deps, u.siteId, u.email))) return;
    await setPasswordReset(deps.db, {
      siteId: u.siteId,
      userId: u.userId,
      tokenHash: verificationHash(token),
      expiresAt: new Date(Date.now() + RESET_TTL_S * 1000),
    });
    await deps.mailer.send({
      to: u.email,
      subject: 'Choose a new password',
      text: `Someone, probably you, asked to change the password of the commenting account with this address.\n\nTo choose a new one, open this link within an hour:\n\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.\n`,
    });
  })().catch((err: unknown) => deps.logger.warn({ err }, 'could not send a password reset link'));
}
