import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { signInAs } from '../support/staff.js';
import { openApiChecker, openApiPath } from '../support/openapi.js';
import { waitFor } from '../support/wait-for.js';

let env: TestEnv;
let api: TestApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  worker = await startTestWorker(env);
  site = await buildSite(env.db);
});
after(async () => {
  await worker.close();
  await api.close();
  await env.close();
});

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
}

/** Every method and path the Express app routes, found by walking its routers (not from our declarations). */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = ([] as string[]).concat(layer.route.path as string | string[]);
        // A trailing slash is the same route (Express matches both unless strict routing is on).
        for (const p of new Set(paths.map((x) => (prefix + x).replace(/(.)\/$/, '$1')))) {
          for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m} ${p}`);
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

describe('OpenAPI document', () => {
  it("when the app's routers are walked, then every route is in the document, and the document lists nothing the app lacks", async () => {
    const res = await request(api.app).get('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    const served = routesOf(api.app)
      .map((r) => {
        const [m, p] = r.split(' ');
        return `${m} ${openApiPath(p!)}`;
      })
      .sort();
    assert.ok(served.length >= 30, `found ${served.length} routes`);
    assert.deepEqual(
      served.filter((r) => !documented.includes(r)),
      [],
      'routes missing from the document',
    );
    assert.deepEqual(
      documented.filter((r) => !served.includes(r)),
      [],
      'documented routes the app does not serve',
    );
    for (const [path, ops] of Object.entries(
      res.body.paths as Record<string, Record<string, { responses: object; operationId: string }>>,
    )) {
      for (const op of Object.values(ops)) {
        assert.ok(Object.keys(op.responses).length > 0, `${path} declares responses`);
        assert.ok(op.operationId);
      }
    }
  });

  it('when /docs is opened, then a self-contained page lists every operation, with nothing loaded from elsewhere', async () => {
    const res = await request(api.app).get('/docs');
    assert.equal(res.status, 200);
    assert.match(res.type, /html/);
    const doc = (await request(api.app).get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops))
        assert.ok(res.text.includes(`${m.toUpperCase()} ${path}`), `${m} ${path} on the page`);
    }
    assert.doesNotMatch(res.text, /<script|src=["']https?:|href=["']https?:/);
  });

  it('when the document describes a route that reads request headers, then it names them (Idempotency-Key, If-None-Match, If-Match), says comment bodies hold at most 5,000 characters, and that PATCH takes a merge patch', async () => {
    type Op = {
      parameters: { name: string; in: string }[];
      requestBody?: { content: Record<string, { schema: { properties?: Record<string, { maxLength?: number }> } }> };
    };
    const doc = (await request(api.app).get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, Op>>;
    };
    const headersOf = (op: Op | undefined) =>
      (op?.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
    const comments = doc.paths['/api/v1/sites/{siteId}/posts/{postId}/comments']!;
    assert.deepEqual(headersOf(comments.post), ['Idempotency-Key']);
    assert.equal(comments.post!.requestBody!.content['application/json']!.schema.properties!.body!.maxLength, 5000);
    assert.deepEqual(headersOf(comments.get), ['If-None-Match']);
    const settings = doc.paths['/api/v1/sites/{siteId}/settings']!.patch!;
    assert.deepEqual(headersOf(settings), ['If-Match']);
    assert.ok(settings.requestBody!.content['application/merge-patch+json']);
  });

  it("when the API's address itself is opened, then it answers 200 with where the reference is, never 404", async () => {
    const res = await request(api.app).get('/');
    assert.equal(res.status, 200);
    assert.equal(res.body.docs, '/docs');
    assert.equal(res.body.openapi, '/api/v1/openapi.json');
    assert.equal((await request(api.app).get(res.body.docs)).status, 200);
    assert.equal(res.body.demo, undefined, 'no demo is configured here');
  });

  it('when a demo publisher is configured (DEMO_URL, as npm start sets it), then / links it too', async () => {
    const withDemo = await startTestApi(env, { DEMO_URL: 'http://localhost:8080/' });
    try {
      const res = await request(withDemo.app).get('/').expect(200);
      assert.equal(res.body.demo, 'http://localhost:8080/');
      openApiChecker().check(res);
    } finally {
      await withDemo.close();
    }
  });

  it('when the pre-existing routes answer, then their responses validate against the document', async () => {
    const check = openApiChecker().check;
    check(await request(api.app).get('/healthz'));
    check(await request(api.app).get('/readyz'));
    check(await request(api.app).get('/docs'));
    check(await request(api.app).get('/api/v1/openapi.json'));
    const reader = await signInReader(api.app, site, { name: 'Ada' });
    check(await request(api.app).post('/api/v1/auth/sso').send({ siteId: site.siteId, token: 'nope' }));
    const registered = check(
      await request(api.app)
        .post('/api/v1/auth/register')
        .send({ siteId: site.siteId, email: 'r@example.com', password: 'long enough pass', displayName: 'Reg' }),
    );
    assert.equal(registered.status, 202);
    check(
      await request(api.app)
        .post('/api/v1/auth/register')
        .send({ siteId: site.siteId, email: 'r@example.com', password: 'long enough pass', displayName: 'Reg' }),
    );
    check(
      await request(api.app)
        .post('/api/v1/auth/login')
        .send({ siteId: site.siteId, email: 'r@example.com', password: 'long enough pass' }),
    );
    check(
      await request(api.app)
        .post('/api/v1/auth/login')
        .send({ siteId: site.siteId, email: 'r@example.com', password: 'wrong password' }),
    );
    const put = check(
      await request(api.app)
        .put(`/api/v1/sites/${site.siteId}/posts/doc-post`)
        .set('Authorization', `Bearer ${site.apiKey}`)
        .send({ title: 'Docs', url: 'https://n.example/docs' }),
    );
    assert.equal(put.status, 201);
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/doc-post`));
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/missing`));
    const auth = { Authorization: `Bearer ${reader.accessToken}` };
    const top = check(
      await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/doc-post/comments`)
        .set(auth)
        .send({ body: 'Top *comment*.' }),
    ).body.id;
    await waitFor(async () => (await env.db.query('SELECT 1 FROM comments WHERE id = $1', [top])).rowCount === 1);
    const reply = check(
      await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/doc-post/comments`)
        .set(auth)
        .send({ body: 'A reply.', parentId: top }),
    ).body.id;
    check(await request(api.app).get(`/api/v1/comments/${reply}`).set(auth));
    await waitFor(async () => (await env.db.query('SELECT 1 FROM comments WHERE id = $1', [reply])).rowCount === 1);
    check(await request(api.app).get(`/api/v1/comments/${reply}`).set(auth));
    const thread = check(await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/doc-post/comments`));
    assert.equal(thread.body.comments[0].replies.length, 1);
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/doc-post/comments/${top}/replies`));
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/doc-post/comments?limit=0`));
    check(
      await request(api.app).post(`/api/v1/sites/${site.siteId}/posts/doc-post/comments`).send({ body: 'anonymous' }),
    );
    const closedPost = await buildPost(env.db, site.siteId, { closed: true });
    check(
      await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${closedPost}/comments`)
        .set(auth)
        .send({ body: 'closed' }),
    );
    const admin = await signInAs(api.app, env.db, site, 'admin');
    const adminAuth = { Authorization: `Bearer ${admin.accessToken}` };
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/settings`).set(adminAuth));
    check(
      await request(api.app).patch(`/api/v1/sites/${site.siteId}/settings`).set(adminAuth).send({ autoCloseDays: 30 }),
    );
    check(
      await request(api.app)
        .patch(`/api/v1/sites/${site.siteId}/settings`)
        .set(adminAuth)
        .send({ autoCloseDays: 'soon' }),
    );
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/settings`).set(auth));
    // The moderators' routes answer within their documented shapes too.
    const other = await signInReader(api.app, site, { name: 'Reporter' });
    check(
      await request(api.app)
        .post(`/api/v1/comments/${top}/reports`)
        .set({ Authorization: `Bearer ${other.accessToken}` })
        .send({ reason: 'spam' }),
    );
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/moderation/counts`).set(adminAuth));
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/moderation/queues/reported`).set(adminAuth));
    check(
      await request(api.app).post(`/api/v1/comments/${reply}/moderation`).set(adminAuth).send({ action: 'reject' }),
    );
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/audit`).set(adminAuth));
    check(await request(api.app).get(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/history`).set(adminAuth));
  });
});

describe('settings as a JSON Merge Patch', () => {
  it('when an admin PATCHes settings as application/merge-patch+json, then it is applied as with application/json; a POST in that type stays 415', async () => {
    const admin = await signInAs(api.app, env.db, site, 'admin');
    const adminAuth = { Authorization: `Bearer ${admin.accessToken}` };
    const merge = await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(adminAuth)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ autoCloseDays: 12 }));
    assert.equal(merge.status, 200, JSON.stringify(merge.body));
    assert.equal(merge.body.settings.autoCloseDays, 12);
    const plain = await request(api.app)
      .patch(`/api/v1/sites/${site.siteId}/settings`)
      .set(adminAuth)
      .send({ autoCloseDays: 13 });
    assert.equal(plain.status, 200);
    assert.equal(plain.body.settings.autoCloseDays, 13);
    const post = await request(api.app)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ siteId: site.siteId }));
    assert.equal(post.status, 415);
    assert.equal(post.body.error.code, 'unsupported_media_type');
  });
});
