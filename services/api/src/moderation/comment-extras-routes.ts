import { enqueueNotifications } from '#shared/notifications/queue.js';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { listRevisions, setFeatured } from '#shared/db/comment-edits.js';
import { findComment } from '#shared/db/comments.js';
import { moderationCompleted } from './events.js';
import { commonErrors, notFoundError, route } from '../openapi/registry.js';
import { staffAuth } from './routes.js';

const featureBody = z.strictObject({ featured: z.boolean() });
const revisionsParams = z.object({ siteId: siteIdSchema, id: uuidSchema });

/** Featuring comments ("Editors' picks") and reading a comment's earlier texts. */
export const commentExtrasDocs = [
  route({
    method: 'post',
    path: '/api/v1/comments/:id/feature',
    tag: 'Moderation',
    auth: staffAuth,
    summary: "Feature or unfeature an approved comment (shown at the top of its thread as an Editors' pick)",
    params: z.object({ id: uuidSchema }),
    body: featureBody,
    responses: {
      200: {
        description: 'done (also when it already was as asked)',
        schema: z.object({ comment: z.object({ id: z.uuid(), featured: z.boolean() }) }),
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/comments/:id/revisions',
    tag: 'Moderation',
    auth: staffAuth,
    summary: 'The texts a comment had before its author edited it, oldest first',
    params: revisionsParams,
    responses: {
      200: {
        description: 'revisions',
        schema: z.object({
          revisions: z.array(
            z.object({
              editedAt: z.string(),
              previousBody: z.string(),
              previousStatus: z.string(),
              status: z.string(),
            }),
          ),
        }),
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
];

export function commentExtrasRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.post('/comments/:id/feature', bearer, async (req, res) => {
    const { id } = parse(z.object({ id: uuidSchema }), req.params, 'path');
    if (!req.principal) throw new UnauthorizedError("a staff member's access token is required");
    const siteId = req.principal.siteId;
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const { featured } = parse(featureBody, req.body);
    const result = await setFeatured(deps.db, {
      siteId,
      commentId: id,
      featured,
      actor: { id: staff.userId, name: staff.name },
    });
    if (!result) throw new NotFoundError('comment');
    if (result.changed) {
      await deps.announceThread({ siteId, postId: result.postId });
      // Written with the change; a lost job is queued by the worker's sweep.
      await enqueueNotifications(deps.notifications, result.notificationIds ?? []).catch(() => undefined);
      if (featured)
        moderationCompleted(deps, {
          type: 'comment.featured',
          siteId,
          comment: {
            id,
            postId: result.postId,
            parentId: result.parentId,
            authorId: result.authorId,
            body: result.body,
          },
          actorId: staff.userId,
        });
    }
    res.json({ comment: { id, featured } });
  });

  r.get('/sites/:siteId/moderation/comments/:id/revisions', bearer, async (req, res) => {
    const { siteId, id } = parse(revisionsParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    // Another site's comment (or none) is not found here, rather than answered with no revisions.
    const found = await findComment(deps.db, id);
    if (found?.siteId !== siteId) throw new NotFoundError('comment');
    const revisions = await listRevisions(deps.db, siteId, id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      revisions: revisions.map((v) => ({ ...v, editedAt: v.editedAt.toISOString() })),
    });
  });

  return r;
}
