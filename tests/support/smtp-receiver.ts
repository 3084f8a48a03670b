import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait-for.js';

export interface ReceivedMail {
  to: string[];
  subject: string;
  /** The decoded plain-text body. */
  text: string;
  /** One header's value ('' when absent). */
  header(name: string): string;
}

export interface SmtpReceiver {
  /** SMTP_URL that sends to this server. */
  url: string;
  mails: ReceivedMail[];
  /** Every recipient the server refused, in order (one entry per attempt). */
  refused: string[];
  /** Changes which recipients are refused from now on (null: none), and with which reply code (550 unless given). */
  setRefuse(refuse: RegExp | null, code?: number): void;
  /** Waits for a mail to `to` (the newest first) whose body matches, and returns it. */
  waitForMail(to: string, match?: RegExp): Promise<ReceivedMail>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function parse(raw: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const qp = /quoted-printable/i.test(header('Content-Transfer-Encoding'));
  return { to, subject: header('Subject'), text: qp ? decodeQuotedPrintable(body) : body, header };
}

/**
 * A real SMTP server on 127.0.0.1 (plain, no authentication) that keeps every message it receives. Recipients that
 * `refuse` matches are refused as a mail server refuses an unknown mailbox (550, naming the address), or a busy one
 * (a 4xx code given to setRefuse).
 */
export async function startSmtpReceiver(o: { refuse?: RegExp } = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const refused: string[] = [];
  let refuse = o.refuse ?? null;
  let refuseCode = 550;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refuse?.test(address.address)) return callback();
      refused.push(address.address);
      const reply = refuseCode >= 500 ? 'User unknown' : 'Mailbox busy, try again later';
      const err = Object.assign(new Error(`<${address.address}>: Recipient address rejected: ${reply}`), {
        responseCode: refuseCode,
      });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(
          parse(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refused,
    setRefuse: (r, code = 550) => {
      refuse = r;
      refuseCode = code;
    },
    waitForMail: (to, match = /./) =>
      waitFor(
        () =>
          [...mails]
            .reverse()
            .find((m) => m.to.some((a) => a.toLowerCase() === to.toLowerCase()) && match.test(m.text)),
        { what: `a mail to ${to}` },
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
