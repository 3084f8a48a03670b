import path from 'node:path';
import { PACKAGE_ROOT } from '#shared/package-root.js';

/** The browser assets the API serves, by file name under PUBLIC_DIR, with their content types. */
export const ASSET_TYPES = {
  'embed.js': 'text/javascript; charset=utf-8',
  'login.js': 'text/javascript; charset=utf-8',
  'login.css': 'text/css; charset=utf-8',
  'moderate/index.html': 'text/html; charset=utf-8',
  'moderate/app.js': 'text/javascript; charset=utf-8',
  'moderate/app.css': 'text/css; charset=utf-8',
} as const;

export type AssetName = keyof typeof ASSET_TYPES;
export const ASSET_NAMES = Object.keys(ASSET_TYPES) as AssetName[];

/** Where `npm run build` writes them and the API reads them: `dist/public` beside package.json. */
export const PUBLIC_DIR = path.join(PACKAGE_ROOT, 'dist/public');

/** What they are built from; in development, a build older than any of these is rebuilt. */
export const ASSET_SOURCES = [
  'services/widget/src',
  'services/moderate/src',
  'services/api/src/widget/login-assets.ts',
  'shared/src',
].map((p) => path.join(PACKAGE_ROOT, p));
