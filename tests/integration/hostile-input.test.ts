import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let postId: string;
let token: string;
let tried = 0;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  postId = await buildPost(env.db, site.siteId);
  ({ accessToken: token } = await signInReader(api.app, site));
});
after(async () => {
  process.stdout.write(`# hostile input: ${tried} requests tried\n`);
  await api.close();
  await env.close();
});

// Strings with the characters that break naive code: quotes, SQL and path metacharacters,
// control and bidi characters, lone surrogates, very long runs.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom("'; DROP TABLE comments;--", '../../etc/passwd', '%00', '\u202e', '\ud800', '<script>', 'x'.repeat(6000), '', ' ', 'null'),
);
const json = fc.jsonValue({ maxDepth: 4 });
const body = fc.oneof(
  json,
  fc.record({ body: fc.oneof(nasty, json), parentId: fc.oneof(nasty, json) }, { requiredKeys: [] }),
  fc.record({ siteId: fc.oneof(nasty, json), token: fc.oneof(nasty, json), email: fc.oneof(nasty, json), password: fc.oneof(nasty, json), displayName: nasty }, { requiredKeys: [] }),
);
// encodeURIComponent throws on lone surrogates; send their raw UTF-8 bytes percent-encoded instead.
const encode = (s: string): string => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const segment = fc.oneof(fc.constant('SITE'), fc.constant('POST'), nasty.map(encode));

const assertClientError = (res: request.Response, what: string) => {
  tried++;
  assert.ok(res.status < 500, `${what} → ${res.status} ${res.text.slice(0, 200)}`);
  // 431 comes from Node's HTTP parser (URL and headers over 16 KiB) before any app code runs.
  if (res.status >= 400 && res.status !== 431) {
    assert.equal(typeof res.body?.error?.code, 'string', `${what} → ${res.status} without an error code`);
  }
};
const fill = (s: string) => s.replace('SITE', site.siteId).replace('POST', postId);

describe('hostile input', () => {
  it('when random JSON is posted to every write endpoint, then the answer is never a 5xx', async () => {
    const endpoints = () => [
      ['post', `/api/v1/sites/${site.siteId}/posts/${postId}/comments`, token],
      ['post', '/api/v1/auth/sso', null],
      ['post', '/api/v1/auth/login', null],
      ['post', '/api/v1/auth/register', null],
      ['put', `/api/v1/sites/${site.siteId}/posts/${postId}`, site.apiKey],
    ] as const;
    await fc.assert(fc.asyncProperty(body, fc.nat(4), async (b, i) => {
      const [method, path, auth] = endpoints()[i]!;
      let r = request(api.app)[method](path);
      if (auth) r = r.set('Authorization', `Bearer ${auth}`);
      // Serialised here so primitives (a bare number, null) are sent as JSON too.
      const res = await r.set('Content-Type', 'application/json').send(JSON.stringify(b));
      assertClientError(res, `${method} ${path} ${JSON.stringify(b).slice(0, 100)}`);
    }), { numRuns: 600 });
  });

  it('when paths, queries and cursors are random, then reads answer 2xx or 4xx', async () => {
    await fc.assert(fc.asyncProperty(segment, segment, nasty, nasty, nasty, async (s, p, sort, limit, cursor) => {
      const q = new URLSearchParams({ sort, limit, cursor }).toString();
      const res = await request(api.app).get(`/api/v1/sites/${fill(s)}/posts/${fill(p)}/comments?${q}`);
      assertClientError(res, `GET thread ${s}/${p}?${q}`);
      const status = await request(api.app).get(`/api/v1/comments/${encode(cursor)}`).set('Authorization', `Bearer ${token}`);
      assertClientError(status, `GET comment ${cursor}`);
    }), { numRuns: 400 });
  });

  it('when bodies are raw bytes with odd content types and headers, then the answer is never a 5xx', async () => {
    const contentType = fc.constantFrom('application/json', 'application/json; charset=latin1', 'application/json; charset=utf-16',
      'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json;;;', '');
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), contentType, nasty, async (bytes, type, auth) => {
      const r = request(api.app).post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
        .set('Authorization', auth.length > 0 && !/[\r\n\u0000-\u001f\u007f-\uffff]/.test(auth) ? `Bearer ${auth}` : `Bearer ${token}`)
        .set('Idempotency-Key', 'k');
      if (type) r.set('Content-Type', type);
      const res = await r.send(Buffer.from(bytes));
      assertClientError(res, `raw ${type} ${bytes.length} bytes`);
    }), { numRuns: 400 });
  });

  it('when a body is deeply nested, then it is refused with a 4xx', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await request(api.app).post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(deep);
    assertClientError(res, 'deeply nested');
    assert.ok(res.status >= 400);
  });
});
