import { randomBytes } from 'node:crypto';
import type { ApiDeps } from '../deps.js';
import { sha256 } from '#shared/secrets.js';
import { setEmailVerification, setPasswordReset } from '#shared/db/users.js';
import { tryConsume } from '../http/rate-limit.js';

/** The stored form of a verification token: its SHA-256, so a database dump verifies nobody. */
export const verificationHash = (token: string): string => sha256(token).toString('hex');

type MailDeps = Pick<ApiDeps, 'db' | 'mailer' | 'config' | 'logger' | 'limiters'>;

/**
 * Whether an account mail of this kind may go to this address now (RATE_LIMIT_ACCOUNT_MAIL per site, address and
 * kind): whoever asks, from however many addresses, the owner of an address receives only so many. Past it nothing
 * is sent, silently: the answer must not tell whether an address is registered. Reset links have a share of their
 * own, so spending the confirmation mails cannot keep an owner from resetting their password.
 */
const mayMail = (deps: MailDeps, kind: 'confirm' | 'reset', siteId: string, email: string): Promise<boolean> =>
  tryConsume(deps.limiters, deps.limiters.accountMail, `${kind}:${siteId}:${email.toLowerCase()}`);

/**
 * Sends, in the background, a single-use link to `path?token=…` on the service: the token's hash is stored first
 * (`store`, replacing an earlier link), then the mail goes. A transport failure is logged, never told to the
 * caller (the routes answer alike whatever the address).
 */
function sendLink(
  deps: MailDeps,
  o: {
    kind: 'confirm' | 'reset';
    siteId: string;
    email: string;
    path: string;
    store(tokenHash: string): Promise<void>;
    mail(link: string): { subject: string; text: string };
  },
): void {
  const token = randomBytes(32).toString('base64url');
  const base = (deps.config.PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/+$/, '');
  const link = `${base}${o.path}?token=${token}`;
  void (async () => {
    if (!(await mayMail(deps, o.kind, o.siteId, o.email))) {
      deps.logger.info({ siteId: o.siteId, kind: o.kind }, 'account mail not sent: this address received its share');
      return;
    }
    await o.store(verificationHash(token));
    await deps.mailer.send({ to: o.email, ...o.mail(link) });
  })().catch((err: unknown) => deps.logger.warn({ err, kind: o.kind }, 'could not send an account link'));
}

/**
 * A link that proves the reader owns the address (`EMAIL_VERIFICATION_TTL_S`). `again`: the address was confirmed
 * before and then bounced, and the link confirms it again, so notification email is sent to it once more.
 */
export function sendVerificationLink(
  deps: MailDeps,
  u: { siteId: string; userId: string; email: string; again?: boolean },
): void {
  const ttlS = deps.config.EMAIL_VERIFICATION_TTL_S;
  const hours = Math.max(1, Math.round(ttlS / 3600));
  sendLink(deps, {
    kind: 'confirm',
    siteId: u.siteId,
    email: u.email,
    path: '/verify-email',
    store: (tokenHash) =>
      setEmailVerification(deps.db, {
        siteId: u.siteId,
        userId: u.userId,
        tokenHash,
        expiresAt: new Date(Date.now() + ttlS * 1000),
      }),
    mail: (link) => ({
      subject: 'Confirm your email address',
      text: u.again
        ? `Mail to this address was refused, so comment notifications stopped being sent to it. Someone, probably you, asked to confirm it again.\n\nTo receive notification emails here again, open this link within ${hours} hours:\n\n${link}\n\nIf it was not you, ignore this message: nothing changes.\n`
        : `Someone, probably you, created a commenting account with this address.\n\nTo confirm it, open this link within ${hours} hours:\n\n${link}\n\nIf it was not you, ignore this message: the account cannot comment until the address is confirmed.\n`,
    }),
  });
}

/** Tells the owner of a known address that someone tried to register it again (instead of telling the caller). */
export function sendAlreadyRegistered(deps: MailDeps, siteId: string, email: string): void {
  void (async () => {
    if (!(await mayMail(deps, 'confirm', siteId, email))) return;
    await deps.mailer.send({
      to: email,
      subject: 'Someone tried to create an account with your address',
      text: 'Someone tried to create a commenting account with this address, which already has one.\n\nIf it was you, sign in with your password instead, or choose a new one with "Forgot your password?". If not, you need do nothing.\n',
    });
  })().catch((err: unknown) => deps.logger.warn({ err }, 'could not send an already-registered notice'));
}

/** How long a password-reset link works. */
const RESET_TTL_S = 3600;

/** A link to choose a new password (`/password-reset?token=…`, a page of the service), for an hour. */
export function sendPasswordResetLink(deps: MailDeps, u: { siteId: string; userId: string; email: string }): void {
  sendLink(deps, {
    kind: 'reset',
    siteId: u.siteId,
    email: u.email,
    path: '/password-reset',
    store: (tokenHash) =>
      setPasswordReset(deps.db, {
        siteId: u.siteId,
        userId: u.userId,
        tokenHash,
        expiresAt: new Date(Date.now() + RESET_TTL_S * 1000),
      }),
    mail: (link) => ({
      subject: 'Choose a new password',
      text: `Someone, probably you, asked to change the password of the commenting account with this address.\n\nTo choose a new one, open this link within an hour:\n\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.\n`,
    }),
  });
}
