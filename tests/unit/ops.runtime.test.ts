import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Node majors with security support (Active or Maintenance LTS) as of this release. */
const SUPPORTED_MAJORS = [22, 24];

describe('the runtime', () => {
  it('when the image is built, then every stage runs a supported Node LTS (slim Debian), pinned by digest', () => {
    const froms = [...read('infra/Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    assert.ok(froms.length >= 2);
    for (const image of froms) {
      const m = /^node:(\d+)-bookworm-slim@sha256:[0-9a-f]{64}$/.exec(image);
      assert.ok(m, `${image} is an official slim Node image, named by tag and pinned by digest`);
      assert.ok(SUPPORTED_MAJORS.includes(Number(m[1])), `${image}: Node ${m[1]} has no security support`);
    }
  });

  it('when Compose pulls images, then each names its tag and is pinned by digest, so a rebuild cannot change it', () => {
    const images = [...read('docker-compose.yml').matchAll(/^\s+image:\s+(\S+)/gm)].map((m) => m[1]!);
    const pulled = images.filter((image) => !image.startsWith('newsroom-comments:'));
    assert.deepEqual(
      pulled.map((image) => image.split('@')[0]).sort(),
      ['postgres:16-bookworm', 'redis:7-bookworm'],
      'Postgres and Redis come from their official images',
    );
    for (const image of pulled) assert.match(image, /^[a-z0-9.-]+:[\w.-]+@sha256:[0-9a-f]{64}$/, image);
  });

  it('when package.json states its engines, then they allow only supported Node majors', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const min = /^>=(\d+)/.exec(engines);
    assert.ok(min, engines);
    assert.ok(Number(min[1]) >= Math.min(...SUPPORTED_MAJORS), `engines ${engines} allows an unsupported Node`);
  });
});
