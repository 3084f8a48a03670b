import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createMailer } from '#shared/mail.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { createLogger } from '#shared/logger.js';

/**
 * A stalled mail server fails a send within SMTP_TIMEOUT_MS, whether it never greets or stops answering after its
 * greeting: a send held for nodemailer's default ten minutes would hold an API request, and outlast the lease on a
 * claimed statement mail.
 */

/** A TCP server on 127.0.0.1 that says `greeting` (or nothing) on connect and then never answers. */
async function silentServer(greeting: string | null): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    if (greeting) socket.write(`${greeting}\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const logger = createLogger({ level: 'silent', service: 'test' });

describe('mail transport timeouts', () => {
  for (const [what, greeting] of [
    ['never greets', null],
    ['greets, then stops answering', '220 mail.example ESMTP'],
  ] as const) {
    it(`when the mail server ${what}, then the send fails within the timeout`, async () => {
      const server = await silentServer(greeting);
      const mailer = createMailer({ smtpUrl: server.url, from: 'x <x@localhost>', logger, timeoutMs: 300 });
      const started = Date.now();
      try {
        await assert.rejects(mailer.send({ to: 'reader@example.org', subject: 'S', text: 'T' }));
        const took = Date.now() - started;
        assert.ok(took < 5_000, `failed after ${took} ms`);
      } finally {
        mailer.close();
        await server.close();
      }
    });
  }
});

describe('mail failures in logs', () => {
  it("when the mail server refuses a reader's address, then the failure the mailer throws (what a log or a job keeps) names the reply, not the address", async () => {
    const smtp = await startSmtpReceiver({ refuse: /^gone@/ });
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'comments@news.example', logger });
    try {
      const err = await mailer.send({ to: 'gone@reader.example', subject: 'A reply', text: 'Hello.' }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string; responseCode?: number },
      );
      assert.ok(err, 'the send fails');
      assert.doesNotMatch(JSON.stringify(err, Object.getOwnPropertyNames(err)), /@/);
      assert.equal(err.responseCode, 550);
      assert.equal(err.code, 'EENVELOPE');
      assert.match(err.message, /\[address\]/);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});

describe('STARTTLS required', () => {
  it('when SMTP_URL says requireTLS=true and the server offers no STARTTLS, then the send fails and the server receives nothing; without it, the mail goes in clear', async () => {
    const smtp = await startSmtpReceiver();
    const required = createMailer({ smtpUrl: `${smtp.url}?requireTLS=true`, from: 'comments@news.example', logger });
    const plain = createMailer({ smtpUrl: smtp.url, from: 'comments@news.example', logger });
    try {
      const mail = { to: 'reader@example.org', subject: 'Reset your password', text: 'https://x/reset?token=t' };
      await assert.rejects(required.send(mail), /STARTTLS/);
      assert.equal(smtp.mails.length, 0);
      // What production refuses (SMTP_URL to another machine without TLS): nodemailer carries on unencrypted.
      await plain.send(mail);
      assert.equal(smtp.mails.length, 1);
    } finally {
      required.close();
      plain.close();
      await smtp.close();
    }
  });
});
