import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The widget's entry point, found from both the sources and the compiled dist/ (whose image ships services/widget/). */
export const WIDGET_ENTRY = path.resolve(
  here,
  here.includes(`${path.sep}dist${path.sep}`)
    ? '../../../../../services/widget/src/main.ts'
    : '../../../widget/src/main.ts',
);

export interface EmbedBundle {
  js: Buffer;
  gzip: Buffer;
  etag: string;
}

/** Bundles the widget (TypeScript, no runtime dependencies) into one minified script, in memory. */
export async function bundleWidget(): Promise<EmbedBundle> {
  const out = await build({
    entryPoints: [WIDGET_ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const js = Buffer.from(out.outputFiles[0]!.contents);
  return {
    js,
    gzip: gzipSync(js, { level: 9 }),
    etag: `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"`,
  };
}
