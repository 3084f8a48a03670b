import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPermanentRefusal } from '#shared/mail.js';

/**
 * Which failed sends say the recipient's address is refused for good (no retries, the address marked as bouncing),
 * as the mailer throws them: nodemailer's reply code and the command it answered.
 */
describe('permanent refusals of an address', () => {
  it('when the server answers RCPT TO or DATA with a 5xx other than 503, then the address is refused for good', () => {
    for (const [responseCode, command] of [
      [550, 'RCPT TO'],
      [553, 'RCPT TO'],
      [554, 'DATA'],
    ] as const)
      assert.equal(isPermanentRefusal({ responseCode, command }), true, `${responseCode} ${command}`);
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
