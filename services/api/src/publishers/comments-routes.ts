import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { publisherOf } from './access.js';
import { postIdSchema, siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { listSiteComments } from '#shared/db/site-comments.js';
import { commonErrors, route } from '../openapi/registry.js';

const siteParams = z.object({ siteId: siteIdSchema });
// Years Postgres and every client agree on; anything else is a client's mistake, not a 500.
const timeBound = z.iso.datetime({ offset: true }).refine((t) => {
  const y = new Date(t).getUTCFullYear();
  return y >= 1900 && y <= 9999;
}, 'a time between the years 1900 and 9999');
const listQuery = z.object({
  postId: postIdSchema.optional(),
  status: z.enum(['approved', 'pending', 'rejected']).optional().describe('pending = held for a moderator'),
  since: timeBound.optional().describe('created at or after'),
  until: timeBound.optional().describe('created before'),
  cursor: uuidSchema.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const iso = z.iso.datetime({ offset: true });
export const publisherCommentSchema = z.object({
  id: z.uuid(),
  postId: z.string(),
  parentId: z.uuid().nullable(),
  author: z.object({ id: z.uuid(), name: z.string() }),
  body: z.string(),
  status: z.enum(['approved', 'pending', 'rejected']),
  createdAt: iso,
  decidedAt: iso,
  replyCount: z.number().int(),
  deletedAt: iso
    .nullable()
    .describe('when its author deleted it (its text is gone, `body` empty); null while it stands'),
  decision: z.object({
    reasons: z.array(
      z.object({
        rule: z.string(),
        detail: z.string(),
        score: z.number().optional(),
        attribute: z.string().optional(),
        span: z.object({ start: z.number().int(), end: z.number().int(), text: z.string() }).optional(),
      }),
    ),
    scores: z.record(z.string(), z.number()),
    scoredBy: z.array(
      z.object({
        provider: z.string(),
        model: z.string(),
        latencyMs: z.number(),
        fallbackFor: z.string().optional(),
        adapter: z
          .boolean()
          .optional()
          .describe("true when the site's adapter, learned from its moderators, gave TOXICITY"),
      }),
    ),
    settingsVersion: z.number().int().nullable(),
  }),
});

export const publisherCommentDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/comments',
    tag: 'Comments',
    auth: 'publisher key (comments:read) or site admin',
    summary: "A site's comments of every status with their decision, oldest first",
    params: siteParams,
    query: listQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.object({ comments: z.array(publisherCommentSchema), nextCursor: z.uuid().nullable() }),
      },
      ...commonErrors,
    },
  }),
];

/** Publishers read their site's comments, held and rejected ones included, with the decision. */
export function publisherCommentRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.get('/sites/:siteId/comments', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'comments:read');
    const q = parse(listQuery, req.query, 'query');
    const rows = await listSiteComments(deps.db, {
      siteId,
      postId: q.postId ?? null,
      status: q.status ?? null,
      since: q.since ? new Date(q.since) : null,
      until: q.until ? new Date(q.until) : null,
      after: q.cursor ?? null,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    res.json({ comments: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null });
  });
  return r;
}
