import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '#api/http/errors.js';
import { createLogger } from '#shared/logger.js';

/** How errors the database raises become HTTP answers: the client's mistakes 4xx, a lost race a retryable 503. */

function appThrowing(err: Error & { code?: string }) {
  const app = express();
  app.get('/x', () => {
    throw err;
  });
  app.use(errorHandler(createLogger({ level: 'silent', service: 'test' })));
  return app;
}
const pgError = (code: string) => Object.assign(new Error(`postgres ${code}`), { code });

describe('errors from Postgres', () => {
  it('when a transaction is ended by a deadlock or a serialization failure, then 503 busy with Retry-After, never 500', async () => {
    for (const code of ['40P01', '40001']) {
      const res = await request(appThrowing(pgError(code))).get('/x');
      assert.equal(res.status, 503, code);
      assert.equal(res.body.error.code, 'busy');
      assert.equal(res.headers['retry-after'], '1');
    }
  });

  it('when Postgres refuses a value the client sent (a NUL byte, a day that does not exist), then 400', async () => {
    for (const code of ['22021', '22008', '22007']) {
      const res = await request(appThrowing(pgError(code))).get('/x');
      assert.equal(res.status, 400, code);
    }
  });

  it('when anything else fails, then 500 internal with nothing of the error in the answer', async () => {
    const res = await request(appThrowing(pgError('XX000'))).get('/x');
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { error: { code: 'internal', message: 'internal error' } });
  });
});
