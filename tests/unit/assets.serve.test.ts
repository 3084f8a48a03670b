import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import express, { type Express } from 'express';
import request from 'supertest';
import { ASSET_NAMES } from '#api/assets/catalog.js';
import { serveAsset } from '#api/assets/serve.js';
import { browserAssets } from '#api/assets/store.js';

const BUILT = 'console.log("built embed.js");'.repeat(20);
let dir: string;
let app: Express;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'assets-'));
  for (const name of ASSET_NAMES) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), name === 'embed.js' ? BUILT : `/* ${name} */`);
  }
  const assets = browserAssets({ production: true, dir });
  app = express();
  app.get('/embed.js', serveAsset(assets, 'embed.js', { cacheControl: 'public, max-age=300', gzip: true }));
  app.get(
    '/app.css',
    serveAsset(assets, 'moderate/app.css', { cacheControl: 'no-cache', headers: { 'X-Extra': 'y' } }),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('browser assets: serving', () => {
  it('when an asset is requested, then the built file is sent with its content type, Cache-Control and a strong ETag', async () => {
    const res = await request(app).get('/embed.js').set('Accept-Encoding', 'identity');
    assert.equal(res.status, 200);
    assert.equal(res.text, BUILT);
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.match(res.headers.etag!, /^"[A-Za-z0-9_-]{27}"$/);
    assert.equal(res.headers['content-encoding'], undefined);
    const css = await request(app).get('/app.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(css.headers['cache-control'], 'no-cache');
    assert.equal(css.headers['x-extra'], 'y');
    assert.notEqual(css.headers.etag, res.headers.etag);
  });

  it('when If-None-Match names the ETag (alone, in a list, or weak), then 304 with the same validators and no body', async () => {
    const etag = (await request(app).get('/embed.js')).headers.etag!;
    for (const header of [etag, `"other", ${etag}`, `W/${etag}`, `W/"x" , W/${etag}`, '*']) {
      const res = await request(app).get('/embed.js').set('If-None-Match', header);
      assert.equal(res.status, 304, header);
      assert.equal(res.headers.etag, etag);
      assert.equal(res.headers['cache-control'], 'public, max-age=300');
      assert.equal(res.text, '');
    }
  });

  it('when If-None-Match names other tags only, then 200 with the body', async () => {
    for (const header of ['"other"', 'W/"other", "again"', '']) {
      const res = await request(app).get('/embed.js').set('If-None-Match', header);
      assert.equal(res.status, 200, header);
      assert.equal(res.text, BUILT);
    }
  });

  it('when the client accepts gzip, then the gzipped bytes are sent and the answer varies on Accept-Encoding', async () => {
    const res = await request(app)
      .get('/embed.js')
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(res.headers.vary!, /Accept-Encoding/);
    // supertest may already have inflated it; either way the content is the built file.
    const body = res.body as Buffer;
    assert.equal((body[0] === 0x1f ? gunzipSync(body) : body).toString(), BUILT);
  });
});

describe('browser assets: loading', () => {
  it('when production has no built files, then loading fails at once naming the files and the build command', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'assets-empty-'));
    try {
      assert.throws(
        () => browserAssets({ production: true, dir: empty }),
        (err: Error) => /embed\.js/.test(err.message) && /npm run build/.test(err.message),
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('when development has no built files, then the assets are bundled on first use', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'assets-empty-'));
    try {
      const assets = browserAssets({ production: false, dir: empty });
      const embed = await assets.get('embed.js');
      assert.match(embed.body.toString(), /attachShadow/);
      assert.equal(embed.type, 'text/javascript; charset=utf-8');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('when development finds built files newer than their sources, then it serves them as built', async () => {
    const source = mkdtempSync(path.join(tmpdir(), 'assets-src-'));
    const old = new Date(Date.now() - 60_000);
    try {
      writeFileSync(path.join(source, 'main.ts'), '');
      utimesSync(path.join(source, 'main.ts'), old, old);
      const assets = browserAssets({ production: false, dir, sources: [source] });
      assert.equal((await assets.get('embed.js')).body.toString(), BUILT);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });

  it('when development finds a source newer than the built files, then it bundles afresh instead of serving them', async () => {
    const source = mkdtempSync(path.join(tmpdir(), 'assets-src-'));
    try {
      writeFileSync(path.join(source, 'main.ts'), '');
      const future = new Date(Date.now() + 60_000);
      utimesSync(path.join(source, 'main.ts'), future, future);
      const assets = browserAssets({ production: false, dir, sources: [source] });
      const embed = (await assets.get('embed.js')).body.toString();
      assert.notEqual(embed, BUILT);
      assert.match(embed, /attachShadow/);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});
