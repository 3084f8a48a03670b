import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { createDemoApp } from '#demo/app.js';
import { ensureDemoSite } from '#demo/bootstrap.js';
import { findSite, findSsoSecret } from '#shared/db/sites.js';

const SECRET = 'demo-publisher-test-secret-0123456789abcdef';
let env: TestEnv;
let api: TestApi;

before(async () => {
  env = await createTestEnv();
  api = await startTestApi(env);
});
after(async () => {
  await api.close();
  await env.close();
});

const demo = (siteId: string) =>
  createDemoApp({ apiUrl: 'http://127.0.0.1:3999', publicUrl: 'http://127.0.0.1:8099', siteId, ssoSecret: SECRET });

describe('the demo publisher', () => {
  it('when it starts twice, then its site exists once with its origin and secret; an existing site keeps its other origins', async () => {
    assert.deepEqual(
      await ensureDemoSite(env.db, {
        siteId: 'ledger',
        name: 'Ledger',
        origin: 'http://127.0.0.1:8099',
        ssoSecret: SECRET,
      }),
      ['created the site'],
    );
    assert.deepEqual(
      await ensureDemoSite(env.db, {
        siteId: 'ledger',
        name: 'Ledger',
        origin: 'http://127.0.0.1:8099',
        ssoSecret: SECRET,
      }),
      [],
    );
    await env.db.query(
      `UPDATE sites SET origins = '{https://ledger.example}', sso_secret = 'other' WHERE id = 'ledger'`,
    );
    const changes = await ensureDemoSite(env.db, {
      siteId: 'ledger',
      name: 'Ledger',
      origin: 'http://127.0.0.1:8099',
      ssoSecret: SECRET,
    });
    assert.deepEqual(changes, ['added the origin http://127.0.0.1:8099', 'set the SSO secret']);
    assert.deepEqual((await findSite(env.db, 'ledger'))!.origins, ['https://ledger.example', 'http://127.0.0.1:8099']);
    assert.equal(await findSsoSecret(env.db, 'ledger'), SECRET);
  });

  it('when it starts with its loopback twin (development), then both localhost and 127.0.0.1 are registered, on an existing site too', async () => {
    const twins = ['http://localhost:8098', 'http://127.0.0.1:8098'];
    await ensureDemoSite(env.db, {
      siteId: 'twins',
      name: 'Twins',
      origin: twins[0]!,
      ssoSecret: SECRET,
      alsoOrigins: twins,
    });
    assert.deepEqual((await findSite(env.db, 'twins'))!.origins, twins);
    await env.db.query(`UPDATE sites SET origins = '{http://localhost:8098}' WHERE id = 'twins'`);
    const changes = await ensureDemoSite(env.db, {
      siteId: 'twins',
      name: 'Twins',
      origin: twins[0]!,
      ssoSecret: SECRET,
      alsoOrigins: twins,
    });
    assert.deepEqual(changes, ['added the origin http://127.0.0.1:8098']);
    assert.deepEqual((await findSite(env.db, 'twins'))!.origins, twins);
  });

  it('when a visitor asks for a demo sign-in, then the token it signs is accepted by the comment service; renewing keeps the reader', async () => {
    await ensureDemoSite(env.db, {
      siteId: 'ledger2',
      name: 'Ledger',
      origin: 'http://127.0.0.1:8099',
      ssoSecret: SECRET,
    });
    const first = await request(demo('ledger2')).post('/demo/sso-token').send({});
    assert.equal(first.status, 200);
    assert.equal(first.headers['cache-control'], 'no-store');
    const signedIn = await request(api.app)
      .post('/api/v1/auth/sso')
      .send({ siteId: 'ledger2', token: first.body.token });
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.body.user.name, first.body.name);
    const again = await request(demo('ledger2'))
      .post('/demo/sso-token')
      .send({ sub: first.body.sub, name: first.body.name });
    const renewed = await request(api.app)
      .post('/api/v1/auth/sso')
      .send({ siteId: 'ledger2', token: again.body.token });
    assert.equal(renewed.body.user.id, signedIn.body.user.id);
    // A made-up sub or name is not taken from the visitor.
    const forged = await request(demo('ledger2')).post('/demo/sso-token').send({ sub: 'admin', name: '<script>' });
    assert.match(forged.body.sub, /^demo-reader-[0-9a-f]{8}$/);
    assert.notEqual(forged.body.name, '<script>');
  });

  it('when the article is served, then it embeds the widget by the snippet, under the documented CSP, with no inline script', async () => {
    const res = await request(demo('ledger')).get('/');
    assert.equal(res.status, 200);
    assert.match(
      res.text,
      /<div id="comments" data-site="ledger" data-post="article-123" data-title="[^"]+" data-url="http:\/\/127\.0\.0\.1:8099\/"/,
    );
    assert.match(res.text, /<script src="http:\/\/127\.0\.0\.1:3999\/embed\.js" async><\/script>/);
    assert.match(res.text, /Share this post/);
    assert.doesNotMatch(res.text, /<script>/);
    const csp = res.headers['content-security-policy']!;
    assert.match(csp, /script-src 'self' http:\/\/127\.0\.0\.1:3999/);
    assert.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:3999/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match((await request(demo('ledger')).get('/?lang=fr')).text, /data-lang="fr"/);
    assert.equal((await request(demo('ledger')).get('/nope')).status, 404);
  });
});
