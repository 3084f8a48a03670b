import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { apiKeyOf } from '../auth/guards.js';
import { httpUrlSchema, postIdSchema, siteIdSchema, titleSchema } from '#shared/schemas.js';
import { upsertPost } from '#shared/db/posts.js';
import { NotFoundError } from '../http/app-error.js';
import type { Post } from '#shared/domain.js';
import { commonErrors, notFoundError, route } from '../openapi/registry.js';

export const postParams = z.object({ siteId: siteIdSchema, postId: postIdSchema });
export const postBody = z.object({
  title: titleSchema,
  url: httpUrlSchema,
  closed: z.boolean().optional(),
});

const publicPost = (p: Post) => ({
  id: p.id,
  title: p.title,
  url: p.url,
  closed: p.closed,
  commentCount: p.commentCount,
  titleVerified: p.titleVerified,
});

/** Publishers register their articles (API key, scope posts:write); anyone may read one. */
const postSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  closed: z.boolean(),
  commentCount: z.number().int(),
  titleVerified: z
    .boolean()
    .describe("false while the title is the one a reader's browser sent, until the publisher writes the post"),
});

/** A publisher's articles, as the widget and the publisher's CMS see them. */
export const postDocs = [
  route({
    method: 'put',
    path: '/api/v1/sites/:siteId/posts/:postId',
    tag: 'Posts',
    auth: 'publisher key (posts:write)',
    summary: 'Create or update an article (emits post.created when new)',
    params: postParams,
    body: postBody,
    responses: {
      200: { description: 'updated', schema: z.object({ post: postSchema }) },
      201: { description: 'created', schema: z.object({ post: postSchema }) },
      ...commonErrors,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId',
    tag: 'Posts',
    auth: 'none',
    summary: "One post (closed includes the site's auto-close)",
    params: postParams,
    responses: {
      200: { description: 'the post', schema: z.object({ post: postSchema }) },
      400: commonErrors[400],
      ...notFoundError,
    },
  }),
];

export function postRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.put('/sites/:siteId/posts/:postId', bearer, async (req, res) => {
    const { siteId, postId } = parse(postParams, req.params, 'path');
    apiKeyOf(req, siteId, 'posts:write');
    const body = parse(postBody, req.body);
    const { post, created, changed } = await upsertPost(deps.db, { siteId, id: postId, ...body });
    // Only a change is news: every open widget of the post reads it again when told.
    if (changed) await deps.announceThread({ siteId, postId, post: true });
    res.status(created ? 201 : 200).json({ post: publicPost(post) });
    if (created) {
      // After answering: a slow webhook store never delays the publisher's call.
      deps.events
        .emit({ siteId, type: 'post.created', key: postId, data: { post: publicPost(post) } })
        .catch((err) => req.log.error({ err, siteId, postId }, 'could not emit post.created'));
    }
  });

  r.get('/sites/:siteId/posts/:postId', async (req, res) => {
    const { siteId, postId } = parse(postParams, req.params, 'path');
    // From the process's look-up cache: an announced change of the post drops it, and the open widgets' reads after
    // that announcement share one query.
    const post = await deps.lookups.post(siteId, postId);
    if (!post) throw new NotFoundError('post');
    res.json({ post: publicPost(post) });
  });

  return r;
}
