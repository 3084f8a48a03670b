import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { SignJWT } from 'jose';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, uniq, type BuiltSite } from '../support/builders.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let postId: string;
let token: string;
let tried = 0;
// How many generated requests got past validation (a property that never reaches the database proves little).
const accepted = { put: 0, sso: 0, register: 0 };

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  postId = await buildPost(env.db, site.siteId);
  ({ accessToken: token } = await signInReader(api.app, site));
});
after(async () => {
  process.stdout.write(
    `# hostile input: ${tried} requests tried; accepted: ${accepted.put} post upserts, ${accepted.sso} SSO sign-ins, ${accepted.register} registrations\n`,
  );
  await api.close();
  await env.close();
});

// Strings with the characters that break naive code: quotes, SQL and path metacharacters,
// control and bidi characters, lone surrogates, very long runs.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "'; DROP TABLE comments;--",
    '../../etc/passwd',
    '%00',
    '\u202e',
    '\ud800',
    '<script>',
    'x'.repeat(6000),
    '',
    ' ',
    'null',
  ),
);
const json = fc.jsonValue({ maxDepth: 4 });

// Single characters that break text handling: NUL and other C0/C1 controls, bidi overrides and
// isolates, invisible formatting, line and paragraph separators, lone surrogates, combining marks.
const hostileChar = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\u0001',
    '\u0007',
    '\b',
    '\u001b',
    '\u007f',
    '\u0080',
    '\u0085',
    '\u009b',
    '\u009f',
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\u200b',
    '\u200d',
    '\u200e',
    '\u200f',
    '\u2060',
    '\ufeff',
    '\u00ad',
    '\u061c',
    '\t',
    '\n',
    '\r',
    '\u2028',
    '\u2029',
    '\u3000',
    ' ',
  ),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom('a', 'Z', '7', '\u00e9', 'e\u0301', '\u{1F600}', '\u0130', "'", '"', '<', '>', '&', '\\', '%', '.'),
);
/** Text a hostile or careless client may send as a title or a name: short mixes, long runs, and the classics. */
const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: hostileChar, minLength: 590, maxLength: 620 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hostileChar, fc.integer({ min: 1, max: 620 }), fc.string({ maxLength: 5 }))
      .map(([c, n, tail]) => c.repeat(n) + tail),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '\u0000',
      'Title\u0000',
      'A\u0000B',
      '\u202eevil.exe',
      'x\ud800y',
      '\udc00',
      'x'.repeat(600),
      'x'.repeat(500),
      '\u200b',
      ' ',
    ),
  },
  { weight: 1, arbitrary: nasty },
);
const nastyUrl = fc.oneof(
  hostileText,
  hostileText.map((t) => `https://example.com/${t}`),
  hostileText.map((t) => `http://${t}.example/`),
  fc.constantFrom(
    'http://example.com/\u0000',
    'https://exa\u202emple.com/',
    'http://example.com/\ud800',
    'javascript:alert(1)',
    'http://[::1]:99999/',
    `https://example.com/${'a'.repeat(2100)}`,
    'http://exa mple.com/',
    'https://example.com/%00',
  ),
);
const url = fc.oneof(
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }),
  nastyUrl,
);
/** Control characters no stored display text may keep: C0, DEL, C1, bidi embeddings, overrides and isolates. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 160);
/** Text with something visible in it, wrapped in hostile text: most of these should be accepted. */
const visibleHostileText = fc
  .tuple(hostileText, fc.constantFrom('Ann', 'Bo', 'Zo\u00eb', '\u674e', '\u{1F600}', 'x'), hostileText)
  .map(([a, b, c]) => a + b + c);

/** fc.assert, with the failed assertion's own message next to the counterexample. */
async function holds<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  params: fc.Parameters<Ts>,
): Promise<void> {
  try {
    await fc.assert(property, params);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (err instanceof Error && cause instanceof Error) err.message += `\nFailure: ${cause.message}`;
    throw err;
  }
}
const body = fc.oneof(
  json,
  fc.record({ body: fc.oneof(nasty, json), parentId: fc.oneof(nasty, json) }, { requiredKeys: [] }),
  fc.record(
    {
      siteId: fc.oneof(nasty, json),
      token: fc.oneof(nasty, json),
      email: fc.oneof(nasty, json),
      password: fc.oneof(nasty, json),
      displayName: nasty,
    },
    { requiredKeys: [] },
  ),
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
    const endpoints = () =>
      [
        ['post', `/api/v1/sites/${site.siteId}/posts/${postId}/comments`, token],
        ['post', '/api/v1/auth/sso', null],
        ['post', '/api/v1/auth/login', null],
        ['post', '/api/v1/auth/register', null],
        ['put', `/api/v1/sites/${site.siteId}/posts/${postId}`, site.apiKey],
      ] as const;
    await holds(
      fc.asyncProperty(body, fc.nat(4), async (b, i) => {
        const [method, path, auth] = endpoints()[i]!;
        let r = request(api.app)[method](path);
        if (auth) r = r.set('Authorization', `Bearer ${auth}`);
        // Serialised here so primitives (a bare number, null) are sent as JSON too.
        const res = await r.set('Content-Type', 'application/json').send(JSON.stringify(b));
        assertClientError(res, `${method} ${path} ${JSON.stringify(b).slice(0, 100)}`);
      }),
      { numRuns: 600 },
    );
  });

  it('when paths, queries and cursors are random, then reads answer 2xx or 4xx', async () => {
    await holds(
      fc.asyncProperty(segment, segment, nasty, nasty, nasty, async (s, p, sort, limit, cursor) => {
        const q = new URLSearchParams({ sort, limit, cursor }).toString();
        const res = await request(api.app).get(`/api/v1/sites/${fill(s)}/posts/${fill(p)}/comments?${q}`);
        assertClientError(res, `GET thread ${s}/${p}?${q}`);
        const status = await request(api.app)
          .get(`/api/v1/comments/${encode(cursor)}`)
          .set('Authorization', `Bearer ${token}`);
        assertClientError(status, `GET comment ${cursor}`);
      }),
      { numRuns: 400 },
    );
  });

  it('when bodies are raw bytes with odd content types and headers, then the answer is never a 5xx', async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json;;;',
      '',
    );
    await holds(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), contentType, nasty, async (bytes, type, auth) => {
        const r = request(api.app)
          .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
          .set(
            'Authorization',
            auth.length > 0 && !/[\r\n\u0000-\u001f\u007f-\uffff]/.test(auth) ? `Bearer ${auth}` : `Bearer ${token}`,
          )
          .set('Idempotency-Key', 'k');
        if (type) r.set('Content-Type', type);
        const res = await r.send(Buffer.from(bytes));
        assertClientError(res, `raw ${type} ${bytes.length} bytes`);
      }),
      { numRuns: 400 },
    );
  });

  it('when a publisher PUTs a post whose title (and maybe url) is hostile text, then the answer is never a 5xx and a stored title is clean', async () => {
    const postIdArb = fc.oneof(fc.constant(postId), fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/));
    await holds(
      fc.asyncProperty(
        postIdArb,
        hostileText,
        url,
        fc.option(fc.boolean(), { nil: undefined }),
        async (id, title, u, closed) => {
          const body = closed === undefined ? { title, url: u } : { title, url: u, closed };
          const res = await request(api.app)
            .put(`/api/v1/sites/${site.siteId}/posts/${id}`)
            .set('Authorization', `Bearer ${site.apiKey}`)
            .send(body);
          assertClientError(res, `PUT post ${id} ${show(body)}`);
          if (res.status === 200 || res.status === 201) {
            accepted.put++;
            const stored = res.body.post as { title: string; url: string };
            assert.ok(
              !CONTROL.test(stored.title),
              `stored title keeps a control character: ${show(stored.title)} from ${show(title)}`,
            );
            assert.ok(
              !/[\u0000-\u001F\u007F-\u009F]/.test(stored.url),
              `stored url keeps a control character: ${show(stored.url)}`,
            );
            assert.ok(stored.title.trim().length > 0, `stored an empty title from ${show(title)}`);
            const read = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${id}`);
            assertClientError(read, `GET post ${id}`);
            assert.equal(read.status, 200);
            assert.equal(read.body.post.title, stored.title);
          }
        },
      ),
      {
        numRuns: 400,
        examples: [
          [postId, 'A\u0000B', 'https://example.com/a', undefined],
          [postId, '\u202eevil\u0000', 'http://example.com/\u0000', true],
          [postId, 'x\ud800'.repeat(300), 'https://example.com/\udc00', undefined],
        ],
      },
    );
    assert.ok(accepted.put >= 40, `only ${accepted.put} generated posts were valid enough to be stored`);
  });

  it('when a correctly signed SSO token carries hostile claims, then sign-in never answers 5xx and a signed-in name has no control characters', async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claim = fc.oneof(
      { weight: 3, arbitrary: hostileText },
      { weight: 3, arbitrary: visibleHostileText },
      { weight: 1, arbitrary: json },
    );
    const email = fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constant('UNIQ') },
      { weight: 1, arbitrary: fc.emailAddress() },
      { weight: 1, arbitrary: hostileText },
      { weight: 1, arbitrary: hostileText.map((t) => `${t}@example.com`) },
      { weight: 1, arbitrary: json },
    );
    // Mostly plausible times, so many tokens pass verification and reach the database; some absurd ones.
    const absurd = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -1, 2 ** 53, -(2 ** 53), 1e300, 1.5),
    );
    // `{ fromNow }`: seconds from the moment the token is signed; a bare number: that exact claim.
    const time = (centre: number) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: centre - 300, max: centre + 300 }).map((fromNow) => ({ fromNow })) },
        { weight: 1, arbitrary: absurd },
      );
    const at = (v: number | { fromNow: number }) => (typeof v === 'number' ? v : now() + v.fromNow);
    const claims = fc.record({
      sub: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 4, arbitrary: fc.constant('SUB') },
        { weight: 4, arbitrary: claim },
      ),
      name: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 6, arbitrary: claim }),
      email,
      iat: time(-60),
      exp: time(300),
    });
    await holds(
      fc.asyncProperty(claims, async (c) => {
        const payload: Record<string, unknown> = { iat: at(c.iat), exp: at(c.exp) };
        if (c.sub !== undefined) payload.sub = c.sub === 'SUB' ? uniq('reader') : c.sub;
        if (c.name !== undefined) payload.name = c.name;
        if (c.email !== undefined) payload.email = c.email === 'UNIQ' ? `${uniq('reader')}@example.com` : c.email;
        const token = await new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(site.ssoSecret));
        const res = await request(api.app).post('/api/v1/auth/sso').send({ siteId: site.siteId, token });
        assertClientError(res, `SSO ${show(payload)}`);
        if (res.status === 200) {
          accepted.sso++;
          const name = res.body.user?.name as string;
          assert.equal(typeof name, 'string');
          assert.ok(
            !CONTROL.test(name),
            `signed-in name keeps a control character: ${show(name)} from ${show(payload.name)}`,
          );
          assert.ok(name.trim().length > 0, `signed in with an empty name from ${show(payload.name)}`);
          // The access token works.
          const me = await request(api.app)
            .get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
            .set('Authorization', `Bearer ${res.body.accessToken}`);
          assertClientError(me, 'GET thread as the signed-in reader');
        }
      }),
      {
        numRuns: 500,
        // The reported crashes: NUL and other controls in sub and name.
        examples: [
          [{ sub: 'a\u0000b', name: 'Ann', email: undefined, iat: { fromNow: 0 }, exp: { fromNow: 300 } }],
          [{ sub: 'SUB', name: 'A\u0000B', email: undefined, iat: { fromNow: 0 }, exp: { fromNow: 300 } }],
          [{ sub: 'SUB', name: '\u202eAnn\u0007', email: 'UNIQ', iat: { fromNow: 0 }, exp: { fromNow: 300 } }],
          [{ sub: '\ud800', name: 'Ann', email: undefined, iat: { fromNow: 0 }, exp: { fromNow: 300 } }],
        ],
      },
    );
    assert.ok(accepted.sso >= 25, `only ${accepted.sso} generated tokens signed a reader in`);
  });

  it('when someone registers with a hostile display name or email, then the answer is never a 5xx', async () => {
    const email = fc.oneof(
      { weight: 3, arbitrary: fc.constant('UNIQ') },
      { weight: 1, arbitrary: fc.emailAddress() },
      { weight: 1, arbitrary: hostileText },
      { weight: 1, arbitrary: hostileText.map((t) => `${t}@example.com`) },
      { weight: 1, arbitrary: json },
    );
    const password = fc.oneof(
      { weight: 4, arbitrary: fc.constant('a long enough password') },
      { weight: 1, arbitrary: fc.oneof(hostileText, json) },
    );
    const displayName = fc.oneof(
      { weight: 3, arbitrary: hostileText },
      { weight: 3, arbitrary: visibleHostileText },
      { weight: 1, arbitrary: json },
    );
    await holds(
      fc.asyncProperty(email, password, displayName, async (e, pw, name) => {
        const body = {
          siteId: site.siteId,
          email: e === 'UNIQ' ? `${uniq('reader')}@example.com` : e,
          password: pw,
          displayName: name,
        };
        const res = await request(api.app).post('/api/v1/auth/register').send(body);
        assertClientError(res, `register ${show(body)}`);
        if (res.status === 202) {
          accepted.register++;
          const row = await env.db.query<{ display_name: string }>(
            'SELECT display_name FROM users WHERE site_id = $1 AND lower(email) = lower($2) AND password_hash IS NOT NULL',
            [site.siteId, body.email],
          );
          const stored = row.rows[0]!.display_name;
          assert.ok(
            !CONTROL.test(stored),
            `registered name keeps a control character: ${show(stored)} from ${show(name)}`,
          );
          assert.ok(stored.trim().length > 0, `registered with an empty name from ${show(name)}`);
        }
      }),
      {
        numRuns: 250,
        examples: [
          ['UNIQ', 'a long enough password', 'A\u0000B'],
          ['UNIQ', 'a long enough password', '\u202eAnn'],
          ['a\u0000@example.com', 'a long enough password', 'Ann'],
        ],
      },
    );
    assert.ok(accepted.register >= 20, `only ${accepted.register} generated registrations were accepted`);
  });

  it('when a display name holds only invisible characters, then registration is refused with a 400', async () => {
    const invisible = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\u00a0',
      '\u3000',
      '\u2028',
      '\u200b',
      '\u200c',
      '\u200d',
      '\u200e',
      '\u200f',
      '\u2060',
      '\u2061',
      '\ufeff',
      '\u00ad',
      '\u061c',
      '\u180e',
      '\u0000',
      '\u0007',
      '\u007f',
      '\u0085',
      '\u009b',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
    );
    await holds(
      fc.asyncProperty(fc.string({ unit: invisible, minLength: 1, maxLength: 30 }), async (name) => {
        const res = await request(api.app)
          .post('/api/v1/auth/register')
          .send({
            siteId: site.siteId,
            email: `${uniq('r')}@example.com`,
            password: 'a long enough password',
            displayName: name,
          });
        assertClientError(res, `register with name ${show(name)}`);
        assert.equal(res.status, 400, `display name ${show(name)} → ${res.status} ${res.text.slice(0, 200)}`);
      }),
      { numRuns: 100, examples: [['\u200b'], ['\u200b\u200b'], [' \u200e '], ['\u0000']] },
    );
  });

  it('when a body is deeply nested, then it is refused with a 4xx', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(deep);
    assertClientError(res, 'deeply nested');
    assert.ok(res.status >= 400);
  });
});
