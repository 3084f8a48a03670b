import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { userOf } from '../auth/guards.js';
import { findOwnStanding, listOwnUnpublished } from '#shared/db/own-unpublished.js';
import { authorReason } from '../moderation/reason-categories.js';
import { statementView } from '../dsa/views.js';
import { commonErrors, route } from '../openapi/registry.js';
import { threadParams } from './thread-query.js';

/** How many of their own unpublished comments on one post a reader is shown (newest first). */
const LIMIT = 50;

const statementSchema = z
  .looseObject({ id: z.uuid(), restriction: z.string(), automatedDetection: z.boolean() })
  .nullable()
  .describe('DSA Art. 17: the statement of reasons in force, with its appeal');

const mineSchema = z.object({
  comments: z.array(
    z.object({
      id: z.uuid(),
      parentId: z.uuid().nullable(),
      status: z.enum(['pending', 'rejected']),
      body: z.string(),
      createdAt: z.string(),
      reason: z.object({ category: z.string(), message: z.string() }).nullable(),
      statement: statementSchema,
    }),
  ),
  standing: z
    .object({
      status: z.enum(['suspended', 'banned']),
      until: z.string().nullable().describe('when a suspension ends; null for a ban'),
      statement: statementSchema,
    })
    .nullable()
    .describe("the reader's own account restriction in force, with its statement and appeal; null when they may post"),
});

export const mineDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId/comments/mine',
    tag: 'Comments',
    auth: 'reader access token',
    summary:
      "The signed-in reader's own held and rejected comments on a post, newest first (at most 50), each with its statement of reasons (DSA Art. 17), and their account's suspension or ban with its statement: what the widget shows its author alone, with Appeal (Art. 20)",
    params: threadParams,
    responses: { 200: { description: 'their unpublished comments', schema: mineSchema }, ...commonErrors },
  }),
];

/**
 * A returning author sees their comments that readers do not (held, or not published) with the
 * statement of reasons and the way to appeal it, and a suspended or banned reader the restriction and its
 * statement: signing in again is how they appeal it. Never part of the thread's shared, cached pages:
 * only the author's own token reads them, on the token's own site.
 */
export function mineRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.get('/sites/:siteId/posts/:postId/comments/mine', bearer, async (req, res) => {
    const { siteId, postId } = parse(threadParams, req.params, 'path');
    const user = userOf(req, siteId);
    const [rows, standing] = await Promise.all([
      listOwnUnpublished(deps.db, { siteId, postId, userId: user.userId, limit: LIMIT }),
      deps.lookups.user(siteId, user.userId).then((account) => findOwnStanding(deps.db, { siteId, user: account })),
    ]);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json({
      comments: rows.map((c) => ({
        id: c.id,
        parentId: c.parentId,
        status: c.status,
        body: c.body,
        createdAt: c.createdAt.toISOString(),
        reason: authorReason(c.status, c.reasons),
        statement: c.statement ? statementView(c.statement.statement, c.statement.appeal) : null,
      })),
      standing: standing && {
        status: standing.status,
        until: standing.until?.toISOString() ?? null,
        statement: standing.statement ? statementView(standing.statement.statement, standing.statement.appeal) : null,
      },
    });
  });
  return r;
}
