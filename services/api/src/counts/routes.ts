import { Router } from 'express';
import { z } from 'zod';
import { postIdSchema, siteIdSchema } from '#shared/schemas.js';
import type { ApiDeps } from '../deps.js';
import { ValidationError } from '../http/app-error.js';
import { parse } from '../http/validate.js';
import { route } from '../openapi/registry.js';
import { commonErrors } from '../openapi/registry.js';

/** Posts one request may ask about (a home page's list). */
export const MAX_COUNT_POSTS = 50;

const params = z.object({ siteId: siteIdSchema });
const query = z.object({
  posts: z
    .string()
    .max(MAX_COUNT_POSTS * 201)
    .describe(`comma-separated post ids, at most ${MAX_COUNT_POSTS}`),
});
const answer = z.object({
  counts: z
    .record(z.string(), z.number().int())
    .describe('approved comments per known post; unknown posts are left out'),
});

export const countDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/counts',
    tag: 'Widget',
    auth: 'none',
    summary: "Approved-comment counts of a list of posts, for a home page's article list (cached briefly)",
    params,
    query,
    responses: { 200: { description: 'the counts', schema: answer }, 400: commonErrors[400] },
  }),
];

/**
 * Counts for article lists: read from the posts' own approved-comment counter (kept by the worker in
 * the comment's statement), so a request never counts comment rows. Public, like the threads.
 */
export function countRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.get('/sites/:siteId/counts', async (req, res) => {
    const { siteId } = parse(params, req.params, 'path');
    const { posts } = parse(query, req.query, 'query');
    const ids = [...new Set(posts.split(',').filter((p) => p !== ''))];
    if (ids.length === 0 || ids.length > MAX_COUNT_POSTS)
      throw new ValidationError(`posts: name 1 to ${MAX_COUNT_POSTS} post ids`);
    for (const id of ids) {
      if (!postIdSchema.safeParse(id).success)
        throw new ValidationError(`posts: '${id.slice(0, 40)}' is not a post id`);
    }
    const rows = await deps.db.query<{ id: string; comment_count: number }>(
      'SELECT id, comment_count FROM posts WHERE site_id = $1 AND id = ANY($2::text[])',
      [siteId, ids],
    );
    res.setHeader(
      'Cache-Control',
      `public, max-age=${Math.max(deps.config.THREAD_MAX_AGE_S, 30)}, stale-while-revalidate=60`,
    );
    res.json({ counts: Object.fromEntries(rows.rows.map((p) => [p.id, p.comment_count])) });
  });
  return r;
}
