import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { encodeCursor } from '../comments/thread.js';
import { cursorSchema, staffAuth } from '../moderation/routes.js';
import { auditView } from '../moderation/views.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { listAudit } from '#shared/db/audit.js';
import { commonErrors, route } from '../openapi/registry.js';

export const auditQuery = z.object({
  moderator: uuidSchema.optional(),
  comment: uuidSchema.optional(),
  reader: uuidSchema.optional(),
  cursor: cursorSchema,
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** The site's moderation log, newest first, for its moderators and admins. */
/** The moderation log. */
export const auditDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/audit',
    tag: 'Audit',
    auth: staffAuth,
    summary: 'The moderation log, newest first',
    params: z.object({ siteId: siteIdSchema }),
    query: auditQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.object({
          entries: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })),
          nextCursor: z.string().nullable(),
        }),
      },
      ...commonErrors,
    },
  }),
];

export function auditRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.get('/sites/:siteId/audit', bearer, async (req, res) => {
    const { siteId } = parse(z.object({ siteId: siteIdSchema }), req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    const q = parse(auditQuery, req.query, 'query');
    const rows = await listAudit(deps.db, {
      siteId,
      actorId: q.moderator,
      commentId: q.comment,
      readerId: q.reader,
      before: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      entries: page.map(auditView),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null,
    });
  });
  return r;
}
