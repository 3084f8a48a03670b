import nodemailer from 'nodemailer';
import type { Logger } from './logger.js';

/** One message to one recipient; plain text only (nothing in it is rendered as HTML). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

/**
 * The outgoing mail transport every feature shares. Without SMTP_URL it is `not_configured`:
 * sending fails (the caller decides what that means) and readiness reports it without failing.
 */
export interface Mailer {
  state: 'configured' | 'not_configured';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export class MailNotConfiguredError extends Error {
  constructor() {
    super('no mail transport is configured (SMTP_URL)');
  }
}

/**
 * An SMTP transport (nodemailer) from a connection URL such as `smtps://user:pass@smtp.example.com:465`. Connecting,
 * the greeting and every wait during a send are bounded by `timeoutMs` (nodemailer's own defaults let a silent
 * server hold a send for ten minutes).
 */
export function createMailer(opts: {
  smtpUrl: string | undefined;
  from: string;
  logger: Logger;
  timeoutMs?: number;
}): Mailer {
  if (!opts.smtpUrl) {
    return {
      state: 'not_configured',
      send: async () => {
        throw new MailNotConfiguredError();
      },
      close: () => undefined,
    };
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    state: 'configured',
    async send(m) {
      try {
        await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, headers: m.headers });
      } catch (err) {
        throw withoutAddresses(err);
      }
    },
    close: () => transport.close(),
  };
}

/**
 * A failed send as the mailer throws it: the transport's code, the server's reply code and the command it answered
 * (what an outage is told by), and the message with every address taken out. Nodemailer's own error names the
 * recipients (`rejected`, `rejectedErrors`, the server's "550 <ada@example.org>: no such user"), which are readers'
 * addresses, and whatever a failure is thrown to keeps it: a log line, a job's failed reason on the queue dashboard.
 */
function withoutAddresses(err: unknown): Error & { code?: string; responseCode?: number; command?: string } {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown };
  const strip = (text: string) => text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;]+/g, '[address]');
  return Object.assign(new Error(strip(typeof e.message === 'string' ? e.message : String(err))), {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.command === 'string' ? { command: strip(e.command) } : {}),
  });
}

/**
 * Whether a failed send is the recipient's mail server refusing the address for good: a permanent reply to RCPT TO that
 * is about the address. With an enhanced status code (RFC 3463) that is 5.1.x (no such mailbox, bad address) or 5.2.1
 * (mailbox disabled); without one, 550, 551 or 553 ("550 no such user"). Sending again gets the same answer. Other
 * refusals are the transport's, not the address's, and pass: a relay's policy (5.7.x, "relaying denied", an
 * unverified sender), a refusal after DATA (the message or the sending account, as a spam filter or a paused relay
 * answers), of the sender or the sign-in (MAIL FROM, AUTH), 503, 4xx replies, timeouts and connections refused.
 */
export function isPermanentRefusal(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { responseCode, command, message } = err as { responseCode?: unknown; command?: unknown; message?: unknown };
  if (typeof responseCode !== 'number' || command !== 'RCPT TO') return false;
  const enhanced = typeof message === 'string' ? /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(message) : null;
  if (enhanced) return enhanced[1] === '5' && (enhanced[2] === '1' || (enhanced[2] === '2' && enhanced[3] === '1'));
  return responseCode === 550 || responseCode === 551 || responseCode === 553;
}

/** Logs once at start-up what the transport is, never its URL (it may hold a password). */
export function announceMailer(mailer: Mailer, logger: Logger): void {
  if (mailer.state === 'configured') logger.info('mail transport configured');
  else
    logger.warn(
      'no mail transport configured (SMTP_URL): verification emails cannot be sent, so new native accounts stay unverified',
    );
}
