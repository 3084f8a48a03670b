import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { ConflictError, NotFoundError } from '../http/app-error.js';
import { siteIdSchema } from '#shared/schemas.js';
import { endSurge, listSurges } from '#shared/surge.js';
import { commonErrors, errorSchema, notFoundError, route } from '../openapi/registry.js';
import { staffAuth } from './routes.js';

const siteParams = z.object({ siteId: siteIdSchema });
const postParams = siteParams.extend({
  postId: z.string().regex(/^[A-Za-z0-9._~-]{1,200}$/, 'post ids are 1–200 URL-safe characters'),
});
const surgeSchema = z.object({
  postId: z.string(),
  title: z.string(),
  url: z.string(),
  mode: z.enum(['premod', 'slow']),
  since: z.iso.datetime(),
});

export const surgeDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/surges',
    tag: 'Moderation',
    auth: staffAuth,
    summary: 'Posts in a surge now (pre-moderated or in slow mode by surge protection)',
    params: siteParams,
    responses: {
      200: { description: 'the posts', schema: z.object({ surges: z.array(surgeSchema) }) },
      ...commonErrors,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/moderation/surges/:postId/end',
    tag: 'Moderation',
    auth: staffAuth,
    summary: "End a post's surge: new comments are moderated as before",
    params: postParams,
    responses: {
      200: { description: 'ended', schema: z.object({ post: z.object({ id: z.string(), surgeMode: z.null() }) }) },
      ...commonErrors,
      ...notFoundError,
      409: { description: '`not_in_surge`', schema: errorSchema },
    },
  }),
];

/** Moderators see which posts surge protection switched, and switch them back. */
export function surgeRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.get('/sites/:siteId/moderation/surges', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    const surges = await listSurges(deps.db, siteId);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ surges: surges.map((p) => ({ ...p, since: p.since.toISOString() })) });
  });

  r.post('/sites/:siteId/moderation/surges/:postId/end', bearer, async (req, res) => {
    const { siteId, postId } = parse(postParams, req.params, 'path');
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const ended = await endSurge(
      { db: deps.db, redis: deps.redis, queuePrefix: deps.config.QUEUE_PREFIX, events: deps.events },
      { siteId, postId, actor: { id: staff.userId, name: staff.name }, why: `ended by ${staff.name}` },
    );
    if (!ended) {
      const exists = await deps.db.query('SELECT 1 FROM posts WHERE site_id = $1 AND id = $2', [siteId, postId]);
      if (exists.rowCount === 0) throw new NotFoundError('post');
      throw new ConflictError('not_in_surge', 'this post is in no surge');
    }
    await deps.announceThread({ siteId, postId, post: true });
    res.json({ post: { id: postId, surgeMode: null } });
  });
  return r;
}
