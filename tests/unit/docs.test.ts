import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The README and the manual under docs/ say only what the repository holds: the README stays short,
 * every relative link (and its #anchor) leads somewhere, every repository path written in backticks
 * exists, and every `npm run` script named is in package.json.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PATH_PREFIXES = ['services/', 'shared/', 'tests/', 'infra/', 'docs/', '.ci/'];

interface Page {
  file: string;
  text: string;
  prose: string;
}

/** The page with fenced code blocks blanked (line numbers kept), for links and inline code. */
const withoutFences = (text: string): string =>
  text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ''));

async function pages(): Promise<Page[]> {
  const docs = (await readdir(path.join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return Promise.all(
    ['README.md', ...docs].map(async (file) => {
      const text = await readFile(path.join(ROOT, file), 'utf8');
      return { file, text, prose: withoutFences(text) };
    }),
  );
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

const where = (page: Page, index: number) => `${page.file}:${page.text.slice(0, index).split('\n').length}`;

describe('docs', () => {
  it('when the README is counted, then it has at most 200 lines', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
    assert.ok(lines <= 200, `README.md has ${lines} lines; move detail into docs/`);
  });

  it('when a page links to another file, then the file exists, and so does the heading its #anchor names', async () => {
    const broken: string[] = [];
    for (const page of await pages()) {
      for (const m of page.prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const resolved =
          file === ''
            ? page.file
            : path.posix.normalize(path.posix.join(path.posix.dirname(page.file), decodeURI(file)));
        if (!existsSync(path.join(ROOT, resolved))) {
          broken.push(`${where(page, m.index)} → ${target} (no ${resolved})`);
          continue;
        }
        if (anchor && resolved.endsWith('.md')) {
          const anchors = anchorsOf(await readFile(path.join(ROOT, resolved), 'utf8'));
          if (!anchors.has(anchor))
            broken.push(`${where(page, m.index)} → ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it('when a page names a repository path in backticks, then that path exists (glob-like mentions aside)', async () => {
    const missing: string[] = [];
    for (const page of await pages()) {
      for (const m of page.prose.matchAll(/`([^`\n]+)`/g)) {
        const mention = m[1]!.trim();
        if (!PATH_PREFIXES.some((p) => mention.startsWith(p))) continue;
        if (/[*…<>{}]|\.\.\./.test(mention) || /\s/.test(mention)) continue; // a pattern or a command, not one path
        const file = mention.replace(/[.,;:]+$/, '');
        if (!existsSync(path.join(ROOT, file))) missing.push(`${where(page, m.index)}: ${file}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('when a page says `npm run X`, then X is a script in package.json', async () => {
    const { scripts } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const unknown: string[] = [];
    for (const page of await pages()) {
      for (const m of page.text.matchAll(/\bnpm run((?:\s+-[a-z-]+)*)\s+([A-Za-z0-9:._-]+)/g)) {
        const name = m[2]!;
        if (name === '--' || name.startsWith('-')) continue;
        if (!(name in scripts)) unknown.push(`${where(page, m.index)}: npm run ${name}`);
      }
    }
    assert.deepEqual(unknown, []);
  });
});
