import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ASSET_NAMES, ASSET_SOURCES, ASSET_TYPES, PUBLIC_DIR, type AssetName } from './catalog.js';

/** One browser asset as served: its bytes (plain and gzipped), strong ETag and content type. */
export interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  type: string;
}

/** The built browser assets, read once per process. */
export interface BrowserAssets {
  get(name: AssetName): Promise<Asset>;
}

export function toAsset(name: AssetName, body: Buffer): Asset {
  return {
    body,
    gzip: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    type: ASSET_TYPES[name],
  };
}

const readBuilt = (dir: string): Map<AssetName, Asset> =>
  new Map(ASSET_NAMES.map((name) => [name, toAsset(name, readFileSync(path.join(dir, name)))]));

/** Every built file exists and none is older than the newest source file. */
function upToDate(dir: string, sources: string[]): boolean {
  const files = ASSET_NAMES.map((n) => path.join(dir, n));
  if (!files.every((f) => existsSync(f))) return false;
  const builtAt = Math.min(...files.map((f) => statSync(f).mtimeMs));
  const sourceFiles = sources.flatMap((s) =>
    statSync(s).isDirectory() ? readdirSync(s, { recursive: true, encoding: 'utf8' }).map((f) => path.join(s, f)) : [s],
  );
  return sourceFiles.every((f) => statSync(f).mtimeMs <= builtAt);
}

/**
 * The browser assets of `dir` (`dist/public`, written by `npm run build`).
 * In production they are read at once: a missing file stops the start-up with a clear error, and
 * nothing is ever bundled at run time. Elsewhere they are read on first use, or, when missing or
 * older than their sources, bundled in memory (esbuild, a devDependency, imported only then).
 */
export function browserAssets({
  production,
  dir = PUBLIC_DIR,
  sources = ASSET_SOURCES,
}: {
  production: boolean;
  dir?: string;
  sources?: string[];
}): BrowserAssets {
  if (production) {
    const missing = ASSET_NAMES.filter((n) => !existsSync(path.join(dir, n)));
    if (missing.length > 0) {
      throw new Error(
        `browser assets are not built: ${missing.join(', ')} missing from ${dir}; run \`npm run build\` (production never bundles at run time)`,
      );
    }
    const built = readBuilt(dir);
    return { get: async (name) => built.get(name)! };
  }
  let loading: Promise<Map<AssetName, Asset>> | undefined;
  const load = async (): Promise<Map<AssetName, Asset>> => {
    if (upToDate(dir, sources)) return readBuilt(dir);
    const { buildBrowserAssets } = await import('./build.js');
    const built = await buildBrowserAssets();
    return new Map([...built].map(([name, body]) => [name, toAsset(name, body)]));
  };
  return {
    get: async (name) => {
      loading ??= load().catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
      return (await loading).get(name)!;
    },
  };
}
