import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isOutage } from '#shared/outage.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('outage errors', () => {
  it('when a server cannot be reached, is shutting down or full, then it is an outage', () => {
    for (const err of [
      withCode('ECONNREFUSED'),
      withCode('ETIMEDOUT'),
      withCode('08006'),
      withCode('57P01'),
      withCode('57P03'),
      withCode('53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''),
      Object.assign(withCode('EENVELOPE', '421 closing'), { responseCode: 421 }),
    ])
      assert.equal(isOutage(err), true, String((err as { code?: string }).code ?? err.message));
  });

  it('when the error is about the job’s own data or a bug, then it is not an outage', () => {
    for (const err of [
      withCode('23503', 'insert or update violates foreign key constraint'),
      withCode('22021', 'invalid byte sequence'),
      withCode('40P01', 'deadlock detected'),
      new TypeError('cannot read properties of undefined'),
      new AggregateError([withCode('ECONNREFUSED'), new Error('bad data')], ''),
      Object.assign(withCode('EENVELOPE', '452 mailbox full'), { responseCode: 452 }),
      null,
      'ECONNREFUSED',
    ])
      assert.equal(isOutage(err), false, String(err));
  });
});
