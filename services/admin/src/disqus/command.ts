import { SingleBar, Presets } from 'cli-progress';
import { CliError, type CliDeps, type Flags, redisReady } from '../commands.js';
import { findSite } from '#shared/db/sites.js';
import { siteIdSchema } from '#shared/schemas.js';
import { announceThreadChange } from '#shared/redis.js';
import { importDisqus } from './import.js';
import { DisqusFormatError } from './parse.js';

/**
 * import:disqus --site ID --file export.xml: imports a Disqus export (progress bar on stderr,
 * a JSON report on stdout), then tells running API processes to drop the threads it changed.
 */
export async function importDisqusCommand(deps: CliDeps, flags: Flags) {
  const site = siteIdSchema.safeParse(flags.site);
  if (!site.success) throw new CliError('--site: a site id is required');
  const file = flags.file;
  if (typeof file !== 'string' || file === '') throw new CliError('--file is required');
  if (!(await findSite(deps.db, site.data))) throw new CliError(`no site ${site.data}`);
  const bar = new SingleBar(
    { format: 'importing {bar} {percentage}% | {comments} comments read', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let result;
  try {
    result = await importDisqus(deps.db, {
      siteId: site.data,
      file,
      onStart: (total) => bar.start(total, 0, { comments: 0 }),
      onProgress: (bytes, comments) => bar.update(bytes, { comments }),
    });
  } catch (err) {
    if (err instanceof DisqusFormatError) throw new CliError(`${err.message}; nothing was imported`);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`cannot read ${file}`);
    throw err;
  } finally {
    bar.stop();
  }
  if (result.touchedPosts.length > 0) {
    const redis = deps.redis();
    // Caches expire by themselves too (THREAD_CACHE_TTL_MS): an unreachable Redis is only a note.
    const announced = (await redisReady(redis))
      ? await Promise.race([
          Promise.all(
            result.touchedPosts.map((postId) =>
              announceThreadChange(redis, deps.queuePrefix, { siteId: site.data, postId }),
            ),
          ).then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref()),
        ]).catch(() => false)
      : false;
    if (!announced) deps.note('could not announce the changed threads; they refresh within THREAD_CACHE_TTL_MS');
  }
  deps.note(
    `imported ${result.report.commentsImported} comments (${result.report.alreadyImported} were already there, ${result.report.skipped} skipped)`,
  );
  return { siteId: site.data, ...result.report };
}
