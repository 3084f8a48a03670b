import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** The package's subpath imports (`#shared/*` → `./shared/src/*`), from package.json. */
const SUBPATHS = Object.entries(
  (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, string> }).imports,
).map(([alias, target]) => [alias.replace(/\*$/, ''), target.replace(/^\.\//, '').replace(/\*$/, '')] as const);

/** Relative and `#subpath` imports of a file, resolved to repository paths (.js → .ts). */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(ROOT, file), 'utf8');
  const specs = [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([.#][^'"]+)['"]|import\(\s*['"]([.#][^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => {
    if (s.startsWith('#')) {
      const hit = SUBPATHS.find(([alias]) => s.startsWith(alias));
      assert.ok(hit, `${file}: ${s} is not one of package.json's subpath imports`);
      return (hit[1] + s.slice(hit[0].length)).replace(/\.js$/, '.ts');
    }
    return path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), s)).replace(/\.js$/, '.ts');
  });
}

/** Browser code (bundled for readers' and moderators' browsers). */
const BROWSER_APPS = ['services/widget/', 'services/moderate/'];
/** The one shared module browser code may import: plain facts, no Node APIs, no imports. */
const CONTRACT = 'shared/src/contract.ts';

const serviceOf = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1];

describe('architecture', () => {
  it('when services import code, then only their own folder and shared/; shared/ never imports a service', async () => {
    const files = [...(await sourceFiles('services')), ...(await sourceFiles('shared/src'))];
    const violations: string[] = [];
    for (const file of files) {
      for (const target of await importsOf(file)) {
        const from = serviceOf(file);
        const to = serviceOf(target);
        if (file.startsWith('shared/') && to) violations.push(`${file} → ${target}`);
        if (from && to && from !== to) violations.push(`${file} → ${target}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('when browser code imports shared code, then only the contract module, which imports nothing', async () => {
    const violations: string[] = [];
    for (const app of BROWSER_APPS) {
      for (const file of await sourceFiles(app)) {
        for (const target of await importsOf(file)) {
          if (!target.startsWith(app) && target !== CONTRACT) violations.push(`${file} → ${target}`);
        }
      }
    }
    assert.deepEqual(violations, []);
    assert.deepEqual(await importsOf(CONTRACT), []);
  });

  it("when the API's OpenAPI library imports code, then never a feature folder: routes document themselves", async () => {
    const library = 'services/api/src/openapi/';
    const violations: string[] = [];
    for (const file of await sourceFiles(library)) {
      for (const target of await importsOf(file)) {
        if (target.startsWith('services/') && !target.startsWith(library)) violations.push(`${file} → ${target}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('when an import climbs folders, then never more than two levels', async () => {
    const files = [
      ...(await sourceFiles('services')),
      ...(await sourceFiles('shared/src')),
      ...(await sourceFiles('tests')),
    ];
    const deep: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/from\s+['"]((?:\.\.\/){3,}[^'"]*)['"]/g)) deep.push(`${file}: ${m[1]}`);
    }
    assert.deepEqual(deep, []);
  });

  it('when following imports, then there is no cycle', async () => {
    const files = [...(await sourceFiles('services')), ...(await sourceFiles('shared/src'))];
    const graph = new Map<string, string[]>();
    for (const f of files)
      graph.set(
        f,
        (await importsOf(f)).filter((t) => t.endsWith('.ts')),
      );
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const f of files) visit(f, []);
    assert.deepEqual(cycles, []);
  });
});
