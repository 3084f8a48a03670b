import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';

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
  it('when the API or the worker starts (image, Compose, Kubernetes, npm), then node compiles expressions before running them', () => {
    // V8's default interprets a regular expression first; with the scorer's phrase lists that leaves it about
    // 1.5 times as slow (docs/operations.md, "Node options"). The flag must be on node's command line.
    const FLAG = '--no-regexp-tier-up';
    const starts: [string, string[]][] = [];
    const cmd = /^CMD\s+(\[.*\])$/m.exec(read('infra/Dockerfile'));
    starts.push(['infra/Dockerfile CMD', JSON.parse(cmd?.[1] ?? '[]') as string[]]);
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { command: string[] }>;
    };
    for (const name of ['api', 'worker']) starts.push([`docker-compose.yml ${name}`, compose.services[name]!.command]);
    for (const file of ['infra/k8s/api.yaml', 'infra/k8s/worker.yaml']) {
      const deployment = parseAllDocuments(read(file))
        .map((d) => d.toJS() as { kind: string; spec: { template: { spec: { containers: { command: string[] }[] } } } })
        .find((o) => o.kind === 'Deployment');
      starts.push([file, deployment!.spec.template.spec.containers[0]!.command]);
    }
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'start:api', 'start:worker', 'model:eval'])
      starts.push([`npm run ${name}`, scripts[name]!.replace(/^.*?(?=\bnode )/, '').split(' ')]);
    assert.equal(starts.length, 9);
    for (const [where, command] of starts) {
      assert.equal(command[0], 'node', where);
      const script = command.findIndex((a, i) => i > 0 && !a.startsWith('-'));
      assert.ok(command.slice(1, script).includes(FLAG), `${where}: ${command.join(' ')} passes ${FLAG} to node`);
    }
  });
});
