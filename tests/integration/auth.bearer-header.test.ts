import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { createApp } from '#api/app.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let token: string;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  token = (await signInReader(api.app, site)).accessToken;
});
after(async () => {
  await api.close();
  await env.close();
});

describe('bearer credentials come from the Authorization header only', () => {
  it('when a valid token is in the header, then the call is authenticated', async () => {
    const res = await request(api.app).get('/api/v1/me/export').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200);
  });

  it('when the same token is sent as ?access_token=, then the call is refused with 401', async () => {
    const res = await request(api.app).get('/api/v1/me/export').query({ access_token: token });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
  });

  it('when the same token is sent as a body access_token, then the call is refused with 401', async () => {
    const res = await request(api.app).delete('/api/v1/me').send({ access_token: token });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
  });

  it('when a request carries a secret in its query string, then the access log shows it redacted', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const app = createApp({ ...api.deps, logger: pino({ level: 'debug' }, sink) });
    await request(app).get('/api/v1/me/export').query({ access_token: token, page: '2' });
    const logged = lines.join('');
    assert.ok(logged.includes('/api/v1/me/export'), 'the request is logged');
    assert.ok(logged.includes('access_token=[redacted]'), logged);
    assert.ok(logged.includes('page=2'));
    assert.ok(!logged.includes(token), 'the token itself never reaches the log');
  });
});
