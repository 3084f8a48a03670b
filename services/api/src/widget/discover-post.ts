import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { httpUrlSchema, postIdSchema, siteIdSchema, titleSchema } from '#shared/schemas.js';
import { AppError, ForbiddenError, NotFoundError } from '../http/app-error.js';
import { findSite } from '#shared/db/sites.js';
import { insertPostIfAbsent } from '#shared/db/posts.js';
import type { Post } from '#shared/domain.js';
import { clientKey } from '../http/client-key.js';

const params = z.object({ siteId: siteIdSchema, postId: postIdSchema });
export const discoverBody = z.object({ title: titleSchema, url: httpUrlSchema });

const publicPost = (p: Post) => ({
  id: p.id,
  title: p.title,
  url: p.url,
  closed: p.closed,
  commentCount: p.commentCount,
  titleVerified: p.titleVerified,
});

/**
 * `POST /sites/:siteId/posts/:postId/discover {title,url}`: the widget's first load of a page.
 * Answers the post if it exists (200); otherwise creates it (201) when the request comes from
 * one of the site's origins, the site's `autoCreatePosts` is on and the url is on one of the
 * site's origins. A publisher's own title and url are never overwritten from a browser.
 */
export function discoverPost(deps: Pick<ApiDeps, 'db' | 'lookups' | 'limiters' | 'events'>) {
  return async (req: Request, res: Response): Promise<void> => {
    const { siteId, postId } = parse(params, req.params, 'path');
    const input = parse(discoverBody, req.body);
    const existing = await deps.lookups.post(siteId, postId);
    if (existing) {
      res.json({ post: publicPost(existing) });
      return;
    }
    const site = await findSite(deps.db, siteId);
    if (!site) throw new NotFoundError('site');
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !site.origins.includes(origin)) {
      throw new ForbiddenError(
        'origin_not_allowed',
        "posts are created on first load only from one of the site's origins",
      );
    }
    if (!site.settings.autoCreatePosts) {
      throw new ForbiddenError(
        'auto_create_disabled',
        'this site registers its posts itself; this post is not registered yet',
      );
    }
    // The page must be on the very origin the request says it comes from: a client that is not a browser
    // may send any Origin, but then it must also name a page of that origin.
    if (new URL(input.url).origin !== origin) {
      throw new AppError('url_not_allowed', 422, "the post's url must be on the site's origin the page is on", [
        { path: 'url', message: 'not on the origin of the request' },
      ]);
    }
    await consume(deps.limiters, deps.limiters.postCreateIp, clientKey(req.ip));
    await consume(deps.limiters, deps.limiters.postCreateSite, siteId);
    const { post, created } = await insertPostIfAbsent(deps.db, {
      siteId,
      id: postId,
      title: input.title,
      url: input.url,
    });
    res.status(created ? 201 : 200).json({ post: publicPost(post) });
    if (created) {
      deps.events
        .emit({ siteId, type: 'post.created', key: postId, data: { post: publicPost(post) } })
        .catch((err) => req.log.error({ err, siteId, postId }, 'could not emit post.created'));
    }
  };
}
