import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Relative imports of a file, resolved to repository paths (.js → .ts). */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2]!);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), s)).replace(/\.js$/, '.ts'));
}

const serviceOf = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1];

describe('architecture', () => {
  it('when services import code, then only their own folder and shared/; shared/ never imports a service', async () => {
    const files = [...await sourceFiles('services'), ...await sourceFiles('shared/src')];
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

  it('when following imports, then there is no cycle', async () => {
    const files = [...await sourceFiles('services'), ...await sourceFiles('shared/src')];
    const graph = new Map<string, string[]>();
    for (const f of files) graph.set(f, (await importsOf(f)).filter((t) => t.endsWith('.ts')));
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
