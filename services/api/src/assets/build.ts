import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '#shared/package-root.js';
import { LOGIN_CSS, LOGIN_JS } from '../widget/login-assets.js';
import { ASSET_NAMES, PUBLIC_DIR, type AssetName } from './catalog.js';

/**
 * Builds the browser apps: the reader widget and the moderators' page bundled by esbuild (one
 * minified script each, no runtime dependencies), their HTML and CSS copied, the sign-in popup's
 * script and style written out. Used by `npm run build` (through build-cli.ts) and, in
 * development only, by the API when the built files are missing or older than their sources.
 * esbuild is a devDependency: it is imported here, on demand, never on the production path.
 */
export async function buildBrowserAssets(): Promise<Map<AssetName, Buffer>> {
  const { build } = await import('esbuild');
  const bundle = async (entry: string): Promise<Buffer> => {
    const out = await build({
      entryPoints: [path.join(PACKAGE_ROOT, entry)],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      legalComments: 'none',
      write: false,
      logLevel: 'silent',
    });
    return Buffer.from(out.outputFiles[0]!.contents);
  };
  const moderate = path.join(PACKAGE_ROOT, 'services/moderate/src');
  const [embed, moderateJs, moderateHtml, moderateCss] = await Promise.all([
    bundle('services/widget/src/main.ts'),
    bundle('services/moderate/src/main.ts'),
    readFile(path.join(moderate, 'index.html')),
    readFile(path.join(moderate, 'styles.css')),
  ]);
  const built: Record<AssetName, Buffer> = {
    'embed.js': embed,
    'login.js': Buffer.from(LOGIN_JS),
    'login.css': Buffer.from(LOGIN_CSS),
    'moderate/index.html': moderateHtml,
    'moderate/app.js': moderateJs,
    'moderate/app.css': moderateCss,
  };
  return new Map(ASSET_NAMES.map((name) => [name, built[name]]));
}

/** Builds and writes every asset under `dir`; each file is replaced atomically (readers never see half a file). */
export async function writeBrowserAssets(dir: string = PUBLIC_DIR): Promise<AssetName[]> {
  const built = await buildBrowserAssets();
  for (const [name, body] of built) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, file);
  }
  return [...built.keys()];
}
