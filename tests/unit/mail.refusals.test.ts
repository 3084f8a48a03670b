import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPermanentRefusal } from '#shared/mail.js';

/**
 * Which failed sends say the recipient's address is refused for good (no retries, the address marked as bouncing),
 * as the mailer throws them: nodemailer's reply code and the command it answered.
 */
describe('permanent refusals of an address', () => {
  it('when the server answers RCPT TO that the address does not exist or is disabled, then it is refused for good', () => {
    for (const err of [
      { responseCode: 550, command: 'RCPT TO', message: 'Recipient address rejected: User unknown' },
      { responseCode: 553, command: 'RCPT TO', message: 'mailbox name not allowed' },
      { responseCode: 550, command: 'RCPT TO', message: '550 5.1.1 <[address]>: Recipient address rejected' },
      { responseCode: 554, command: 'RCPT TO', message: '554 5.2.1 mailbox disabled' },
    ])
      assert.equal(isPermanentRefusal(err), true, JSON.stringify(err));
  });

  it("when a relay refuses by its policy, or the message after DATA, then it is the transport's, not the address's", () => {
    for (const err of [
      { responseCode: 550, command: 'RCPT TO', message: '550 5.7.1 Relaying denied' },
      { responseCode: 554, command: 'RCPT TO', message: 'Transaction failed' },
      { responseCode: 554, command: 'DATA', message: '554 Message rejected: Email address is not verified' },
      { responseCode: 550, command: 'DATA', message: '550 5.7.1 message looks like spam' },
    ])
      assert.equal(isPermanentRefusal(err), false, JSON.stringify(err));
  });

  it('when the failure is transient, the sender or sign-in is refused, or the connection fails, then it is not', () => {
    for (const err of [
      { responseCode: 450, command: 'RCPT TO' },
      { responseCode: 452, command: 'RCPT TO' },
      { responseCode: 421, command: 'RCPT TO' },
      { responseCode: 503, command: 'DATA' },
      { responseCode: 550, command: 'MAIL FROM' },
      { responseCode: 535, command: 'AUTH PLAIN' },
      { code: 'ECONNECTION' },
      { code: 'ETIMEDOUT' },
      null,
      'failed',
    ])
      assert.equal(isPermanentRefusal(err), false, JSON.stringify(err));
  });
});
