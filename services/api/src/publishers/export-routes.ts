import { Router, type RequestHandler } from 'express';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import QueryStream from 'pg-query-stream';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { publisherOf } from './access.js';
import { siteIdSchema } from '#shared/schemas.js';
import { findSite } from '#shared/db/sites.js';
import { EXPORT_COMMENTS_SQL, EXPORT_POSTS_SQL } from '#shared/db/site-comments.js';
import { NotFoundError } from '../http/app-error.js';
import { endWhenStalled } from './export-limits.js';
import { commonErrors, route, rateLimitedError } from '../openapi/registry.js';

const siteParams = z.object({ siteId: siteIdSchema });

export const exportDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/export',
    tag: 'Export',
    auth: 'publisher key (comments:read) or site admin',
    summary:
      "The site's posts and comments as NDJSON: a `site` line, `post` lines, `comment` lines (the shape of GET …/comments plus `type`), then an `end` line with the counts; an export without its `end` line was cut off",
    params: siteParams,
    responses: {
      200: { description: 'one JSON object per line', contentType: 'application/x-ndjson', schema: z.string() },
      ...commonErrors,
      ...rateLimitedError,
    },
  }),
];

/**
 * Streams a site's posts and comments as NDJSON from Postgres cursors, in one snapshot
 * (REPEATABLE READ), with backpressure: rows are fetched only as fast as the client reads, so
 * memory stays flat whatever the size. The statement timeout is lifted for this transaction only.
 *
 * A client may read as slowly as it likes, so an export holds its connection for as long as the client
 * lets it: exports take connections from a small pool of their own, one per site and a few per process
 * (429 beyond). One whose client reads nothing for EXPORT_STALL_TIMEOUT_MS is ended — by the API (the write stall)
 * and by Postgres (`idle_in_transaction_session_timeout`, while the cursor waits for its next fetch), whichever
 * notices first — and one still going after EXPORT_MAX_DURATION_S is ended however its client reads: a client that
 * reads steadily but slowly never holds the snapshot, which keeps Postgres from cleaning up after every site, longer.
 */
export function exportRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.get('/sites/:siteId/export', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'comments:read');
    const site = await findSite(deps.db, siteId);
    if (!site) throw new NotFoundError('site');

    const release = deps.exports.acquire(siteId);
    const client = await deps.exports.db.connect().catch((err: unknown) => {
      release();
      throw err;
    });
    let failed: unknown = null;
    const stopWatching = endWhenStalled(
      res,
      deps.exports.stallTimeoutMs,
      () => {
        failed = new Error('the client stopped reading');
      },
      {
        maxMs: deps.exports.maxDurationMs,
        onTooLong: () => {
          failed = new Error('the export went on past EXPORT_MAX_DURATION_S');
        },
      },
    );
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET LOCAL statement_timeout = 0`);
      await client.query(`SELECT set_config('idle_in_transaction_session_timeout', $1, true)`, [
        String(deps.exports.stallTimeoutMs),
      ]);
      res.status(200);
      res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${siteId}-export.ndjson"`);
      res.setHeader('Cache-Control', 'no-store');
      res.write(
        `${JSON.stringify({ type: 'site', id: site.id, name: site.name, exportedAt: new Date().toISOString() })}\n`,
      );
      const counts = { posts: 0, comments: 0 };
      for (const [sql, params, counted] of [
        [EXPORT_POSTS_SQL, [siteId, site.settings.autoCloseDays], 'posts'],
        [EXPORT_COMMENTS_SQL, [siteId], 'comments'],
      ] as const) {
        const rows = client.query(new QueryStream(sql, [...params], { batchSize: 500, highWaterMark: 500 }));
        const lines = new Transform({
          writableObjectMode: true,
          transform(row: { line: string }, _enc, cb) {
            counts[counted]++;
            cb(null, `${row.line}\n`);
          },
        });
        await pipeline(rows, lines, res, { end: false });
      }
      await client.query('COMMIT');
      // The last line says the export is whole: a reader that stops without it knows it was cut off.
      res.end(`${JSON.stringify({ type: 'end', ...counts })}\n`);
    } catch (err) {
      failed = err;
      // Headers are out: the only honest signal left is a cut connection, without the `end` line.
      if (!res.headersSent) throw err;
      req.log.warn({ err, siteId }, 'export interrupted');
      res.destroy();
    } finally {
      stopWatching();
      // A connection left mid-cursor is discarded rather than returned to the pool.
      client.release(failed ? (failed as Error) : undefined);
      release();
    }
  });
  return r;
}
