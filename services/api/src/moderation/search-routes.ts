import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { encodeCursor } from '../comments/thread.js';
import { ValidationError } from '../http/app-error.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { searchComments } from '#shared/db/moderation-search.js';
import { commonErrors, route } from '../openapi/registry.js';
import { queueItemView } from './views.js';
import { isSevere } from './wellbeing.js';
import { findSettings } from './site-settings.js';
import { cursorSchema, staffAuth } from './routes.js';

const siteParams = z.object({ siteId: siteIdSchema });
const trimmed = (min: number, max: number) => z.string().trim().min(min).max(max).optional();
export const searchQuery = z.object({
  q: trimmed(3, 200).describe("a piece of the comment's text, 3 to 200 characters, any case"),
  author: trimmed(2, 100).describe("the author's account id, or a piece of their name"),
  postId: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{1,200}$/, 'post ids are 1–200 URL-safe characters')
    .optional(),
  commentId: uuidSchema.optional(),
  status: z.enum(['approved', 'pending', 'rejected']).optional(),
  cursor: cursorSchema,
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const searchDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/search',
    tag: 'Moderation',
    auth: staffAuth,
    summary: "Search the site's comments by text, author, post or id, newest first",
    params: siteParams,
    query: searchQuery,
    responses: {
      200: {
        description: 'a page of queue items',
        schema: z.object({
          items: z.array(z.looseObject({ id: z.uuid(), status: z.string() })),
          nextCursor: z.string().nullable(),
        }),
      },
      ...commonErrors,
    },
  }),
];

/** Moderators find any comment of their site, whatever its status. */
export function searchRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.get('/sites/:siteId/moderation/search', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    const q = parse(searchQuery, req.query, 'query');
    if (!q.q && !q.author && !q.postId && !q.commentId) {
      throw new ValidationError('invalid query: give q, author, postId or commentId', [
        { path: 'q', message: 'at least one of q, author, postId, commentId' },
      ]);
    }
    const rows = await searchComments(deps.db, {
      siteId,
      text: q.q,
      author: q.author,
      postId: q.postId,
      commentId: q.commentId,
      status: q.status,
      before: q.cursor,
      limit: q.limit,
    });
    const settings = await findSettings(deps.db, siteId);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: page.map((i) => queueItemView(i, (scores) => isSevere(scores, settings))),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null,
    });
  });
  return r;
}
