import path from 'node:path';
import { writeBrowserAssets } from './build.js';
import { PUBLIC_DIR } from './catalog.js';

// `npm run build:assets`, part of `npm run build` and run before `npm start` and the tests. The
// build lives beside the API that serves its output, so the build and the development fallback
// share one definition (build.ts).
const names = await writeBrowserAssets(PUBLIC_DIR);
process.stdout.write(`built ${names.length} browser assets into ${path.relative(process.cwd(), PUBLIC_DIR)}\n`);
