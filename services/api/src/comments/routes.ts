import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { CachedPage } from './thread-cache.js';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { matchesEtag } from '../http/etag.js';
import { createComment } from './create-comment.js';
import { commentStatus } from './comment-status.js';
import { decodeCursor, loadRepliesPage, loadThreadPage } from './thread.js';
import { postIdSchema, siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { isUuid } from '#shared/ids.js';

export const threadParams = z.object({ siteId: siteIdSchema, postId: postIdSchema });
export const threadQuery = z.object({
  sort: z.enum(['newest', 'oldest']).default('newest'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .max(64)
    .optional()
    .transform((c) => (c === undefined || c === '' ? null : decodeCursor(c)))
    .refine((id) => id === null || isUuid(id), 'invalid cursor'),
});

/** Readers post comments, anyone reads threads, authors and moderators follow a comment's status. */
export function commentRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.post('/sites/:siteId/posts/:postId/comments', bearer, async (req, res) => {
    const { id, replayed } = await createComment(deps, req);
    deps.metrics.commentsAccepted.inc({ outcome: replayed ? 'replayed' : 'queued' });
    res.status(202).json({ id, status: 'queued' });
  });

  /** Sends a cached page with its validators, or 304 when the client has it already. */
  function sendPage(req: Request, res: Response, { page, hit }: { page: CachedPage; hit: boolean }): void {
    res.setHeader('ETag', page.etag);
    res.setHeader('Cache-Control', `public, max-age=${deps.config.THREAD_MAX_AGE_S}, stale-while-revalidate=30`);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (matchesEtag(req.headers['if-none-match'], page.etag)) {
      deps.metrics.threadCache.inc({ result: 'not_modified' });
      res.status(304).end();
      return;
    }
    deps.metrics.threadCache.inc({ result: hit ? 'hit' : 'miss' });
    res.end(page.body);
  }

  r.get('/sites/:siteId/posts/:postId/comments', async (req, res) => {
    const { siteId, postId } = parse(threadParams, req.params, 'path');
    const q = parse(threadQuery, req.query, 'query');
    const variant = `${q.sort}\n${q.limit}\n${q.cursor ?? ''}`;
    sendPage(
      req,
      res,
      await deps.threadCache.get(siteId, postId, variant, () =>
        loadThreadPage(deps.db, { siteId, postId, sort: q.sort, limit: q.limit, after: q.cursor }),
      ),
    );
  });

  r.get('/sites/:siteId/posts/:postId/comments/:commentId/replies', async (req, res) => {
    const { siteId, postId, commentId } = parse(threadParams.extend({ commentId: uuidSchema }), req.params, 'path');
    const q = parse(threadQuery.omit({ sort: true }), req.query, 'query');
    const variant = `replies\n${commentId}\n${q.limit}\n${q.cursor ?? ''}`;
    sendPage(
      req,
      res,
      await deps.threadCache.get(siteId, postId, variant, () =>
        loadRepliesPage(deps.db, { siteId, postId, commentId, limit: q.limit, after: q.cursor }),
      ),
    );
  });

  r.get('/comments/:id', bearer, async (req, res) => {
    const { id } = parse(z.object({ id: uuidSchema }), req.params, 'path');
    res.json({ comment: await commentStatus(deps, req, id) });
  });

  return r;
}
