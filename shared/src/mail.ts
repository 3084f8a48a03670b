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
      await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, headers: m.headers });
    },
    close: () => transport.close(),
  };
}

/**
 * What a failed send may put in a log: the transport's code, the server's reply code and the command it answered,
 * and the message with every address taken out. Nodemailer's error itself names the recipients (`rejected`,
 * `rejectedErrors`, the server's "550 <ada@example.org>: no such user"), which are readers' addresses.
 */
export function mailFailure(err: unknown): { code?: string; responseCode?: number; command?: string; message: string } {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown };
  const noAddresses = (text: string) => text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;]+/g, '[address]');
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.command === 'string' ? { command: noAddresses(e.command) } : {}),
    message: noAddresses(typeof e.message === 'string' ? e.message : String(err)),
  };
}

/** Logs once at start-up what the transport is, never its URL (it may hold a password). */
export function announceMailer(mailer: Mailer, logger: Logger): void {
  if (mailer.state === 'configured') logger.info('mail transport configured');
  else
    logger.warn(
      'no mail transport configured (SMTP_URL): verification emails cannot be sent, so new native accounts stay unverified',
    );
}
