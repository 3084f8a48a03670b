import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { apiKeyOf } from '../auth/guards.js';
import { httpUrlSchema, postIdSchema, siteIdSchema, titleSchema } from '#shared/schemas.js';
import { findPost, upsertPost } from '#shared/db/posts.js';
import { NotFoundError } from '../http/app-error.js';
import { encodeThreadChange, threadChannel } from '#shared/redis.js';
import type { Post } from '#shared/domain.js';

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
});

/** Publishers register their articles (API key, scope posts:write); anyone may read one. */
export function postRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.put('/sites/:siteId/posts/:postId', bearer, async (req, res) => {
    const { siteId, postId } = parse(postParams, req.params, 'path');
    apiKeyOf(req, siteId, 'posts:write');
    const body = parse(postBody, req.body);
    const { post, created } = await upsertPost(deps.db, { siteId, id: postId, ...body });
    deps.lookups.forgetPost(siteId, postId);
    // Other API processes drop their cached copy of this post too.
    await deps.redis
      .publish(threadChannel(deps.config.QUEUE_PREFIX), encodeThreadChange({ siteId, postId, post: true }))
      .catch(() => undefined);
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
    const post = await findPost(deps.db, siteId, postId);
    if (!post) throw new NotFoundError('post');
    res.json({ post: publicPost(post) });
  });

  return r;
}
