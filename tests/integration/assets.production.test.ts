import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeBrowserAssets } from '#api/assets/build.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { exited, freePort, ROOT } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The API as production runs it (NODE_ENV=production), from a copy of the package whose
 * dist/public is first missing, then built. A module hook makes `esbuild` unresolvable in the
 * process, so any run-time bundling on the production path would fail the requests below.
 */

const FORBID_ESBUILD = `export async function resolve(specifier, context, next) {
  if (/^esbuild(\\/|$)/.test(specifier)) throw new Error('esbuild imported in production');
  return next(specifier, context);
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(
  `data:text/javascript,${encodeURIComponent(FORBID_ESBUILD)}`,
)});`;

let env: TestEnv;
let pkg: string;
const children: ChildProcess[] = [];

/** Starts the copied API with tsx and the esbuild-forbidding hook, collecting its output. */
function startCopiedApi(port: number): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      `data:text/javascript,${encodeURIComponent(REGISTER)}`,
      path.join(pkg, 'services/api/src/main.ts'),
    ],
    {
      cwd: pkg,
      env: {
        ...env.childEnv,
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  children.push(child);
  return Object.assign(child, { output: () => out });
}

before(async () => {
  env = await createTestEnv();
  // The API's part of the package: what it imports, nothing built yet.
  pkg = mkdtempSync(path.join(tmpdir(), 'api-production-'));
  for (const p of ['package.json', 'tsconfig.json', 'shared', 'services/api']) {
    cpSync(path.join(ROOT, p), path.join(pkg, p), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await env?.close();
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

describe('browser assets in production', () => {
  it('when the browser assets are not built, then the API exits 1 at start-up naming them and the build command', async () => {
    const api = startCopiedApi(await freePort());
    assert.equal(await exited(api), 1, api.output());
    assert.match(api.output(), /browser assets are not built: embed\.js.*missing/);
    assert.match(api.output(), /npm run build/);
  });

  it('when they are built, then the API serves the built files without ever importing esbuild', async () => {
    await writeBrowserAssets(path.join(pkg, 'dist/public'));
    const port = await freePort();
    const api = startCopiedApi(port);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, {
      what: `api ready\n${api.output()}`,
      timeoutMs: 30_000,
    });

    const embed = await fetch(`${base}/embed.js`, { headers: { 'Accept-Encoding': 'identity' } });
    assert.equal(embed.status, 200, api.output());
    assert.equal(embed.headers.get('cache-control'), 'public, max-age=300, stale-while-revalidate=3600');
    assert.equal(await embed.text(), readFileSync(path.join(pkg, 'dist/public/embed.js'), 'utf8'));
    const etag = embed.headers.get('etag')!;
    const again = await fetch(`${base}/embed.js`, { headers: { 'If-None-Match': `W/${etag}` } });
    assert.equal(again.status, 304);

    const page = await fetch(`${base}/moderate`);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), readFileSync(path.join(pkg, 'dist/public/moderate/index.html'), 'utf8'));
    const script = await fetch(`${base}/moderate/app.js`);
    assert.equal(script.status, 200);
    assert.doesNotMatch(api.output(), /esbuild imported/);

    api.kill('SIGTERM');
    assert.equal(await exited(api), 0, api.output());
  });
});
