import { IDEMPOTENCY_KEY_RE } from './idempotency.js';
import { MAX_BODY_LENGTH } from '#shared/contract.js';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { CachedPage } from './thread-cache.js';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { commentStatus } from './comment-status.js';
import { loadRepliesPage, loadThreadPage } from './thread.js';
import { repliesQuery, threadParams, threadQuery } from './thread-query.js';
import { repliesVariant, sendCachedPage, threadVariant } from './cached-read.js';
import { uuidSchema } from '#shared/schemas.js';
import { commentBody, commentParams, createComment } from './create-comment.js';
import { ownCommentRoutes } from './own-comments.js';
import { reactionRoutes } from './reaction-routes.js';
import { mineRoutes } from './mine-routes.js';
import { commentEtag } from '#shared/db/comment-edits.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';

const iso = z.iso.datetime({ offset: true });
/** A thread comment nested `depth` levels deep (the API nests replies to depth 3). */
function threadComment(depth: number): z.ZodObject {
  return z.object({
    id: z.uuid(),
    author: z.object({
      id: z.uuid(),
      name: z.string(),
      role: z.enum(['moderator', 'admin']).optional().describe("the author's staff role, shown as a staff badge"),
      verified: z
        .literal(true)
        .optional()
        .describe("a reader the publisher vouches for (the SSO token's `verified` claim), shown as a verified badge"),
    }),
    body: z.string(),
    bodyHtml: z.string(),
    createdAt: iso,
    editedAt: iso.optional().describe('set once its author edited it'),
    reactions: z.record(z.string(), z.number().int()).describe('reactions by kind, only kinds that have any'),
    featured: z.literal(true).optional().describe("featured by the site's moderators"),
    replyTo: z.object({ id: z.uuid(), name: z.string() }).optional(),
    replies: depth > 0 ? z.array(threadComment(depth - 1)) : z.array(z.never()).max(0),
    replyCount: z.number().int(),
  });
}
const threadPage = z.object({
  site: z
    .object({ reactions: z.array(z.string()), editWindowMinutes: z.number().int() })
    .describe("what readers may do: the site's reactions, and the minutes an author may edit a comment"),
  featured: z.array(threadComment(0)).describe("comments moderators featured (Editors' picks): first page only"),
  comments: z.array(threadComment(3)),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});
const reasonSchema = z.object({
  rule: z.string(),
  detail: z.string(),
  score: z.number().optional(),
  attribute: z.string().optional(),
  span: z.object({ start: z.number().int(), end: z.number().int(), text: z.string() }).optional(),
});
const commentStatusSchema = z.object({
  comment: z.object({
    id: z.uuid(),
    siteId: z.string(),
    postId: z.string(),
    parentId: z.uuid().nullable(),
    status: z.enum(['queued', 'approved', 'pending', 'rejected']),
    body: z.string(),
    bodyHtml: z.string(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    editedAt: z.string().nullable().optional().describe('when its author last edited it'),
    editCount: z.number().int().optional().describe('applied edits; the ETag is this version'),
    editPending: z.boolean().optional().describe('an edit is waiting for moderation'),
    reason: z
      .object({ category: z.string(), message: z.string() })
      .nullable()
      .describe('for the author: why it is not published'),
    statement: z
      .looseObject({
        id: z.uuid(),
        restriction: z.enum(['removal', 'hold', 'suspension', 'ban']),
        automatedDetection: z.boolean(),
        automatedDecision: z.boolean(),
        appealUntil: z.string(),
      })
      .nullable()
      .optional()
      .describe('DSA Art. 17: the statement of reasons in force for a held or removed comment, with its appeal'),
    decision: z
      .object({
        reasons: z.array(reasonSchema),
        scores: z.record(z.string(), z.number()),
        scoredBy: z.array(
          z.object({
            provider: z.string(),
            model: z.string(),
            latencyMs: z.number(),
            fallbackFor: z.string().optional(),
          }),
        ),
        settingsVersion: z.number().int().nullable(),
      })
      .optional()
      .describe("for the site's moderators only"),
  }),
});

const ifNoneMatch = z.object({
  'If-None-Match': z.string().optional().describe('An ETag of an earlier answer: 304 when the thread is unchanged'),
});

/** Posting a comment, reading threads, and a comment's status. */
export const commentDocs = [
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/posts/:postId/comments',
    tag: 'Comments',
    auth: 'reader access token',
    summary: 'Post a comment; decided by the worker a moment later',
    params: commentParams,
    headers: z.object({
      'Idempotency-Key': z
        .string()
        .regex(IDEMPOTENCY_KEY_RE)
        .optional()
        .describe('Any unique string per comment: sending the same comment again with it answers the first id'),
    }),
    body: commentBody.extend({
      // What the document promises is the limit the API enforces (after normalising), not the raw guard.
      body: commentBody.shape.body.meta({ maxLength: MAX_BODY_LENGTH }),
    }),
    responses: {
      202: { description: 'accepted', schema: z.object({ id: z.uuid(), status: z.literal('queued') }) },
      ...commonErrors,
      ...notFoundError,
      409: { description: '`post_closed`', schema: errorSchema },
      422: { description: '`invalid_parent`, `idempotency_key_reused`', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId/comments',
    tag: 'Comments',
    auth: 'none',
    summary: 'A thread: approved comments, threaded',
    params: threadParams,
    query: threadQuery,
    headers: ifNoneMatch,
    responses: {
      200: { description: 'a page', schema: threadPage },
      304: { description: 'not modified (If-None-Match names the current ETag)' },
      400: commonErrors[400],
      ...notFoundError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId/comments/:commentId/replies',
    tag: 'Comments',
    auth: 'none',
    summary: 'More replies under one comment',
    params: threadParams.extend({ commentId: uuidSchema }),
    query: repliesQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.object({ comments: z.array(threadComment(0)), nextCursor: z.string().nullable() }),
      },
      400: commonErrors[400],
      ...notFoundError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/comments/:id',
    tag: 'Comments',
    auth: 'the author, or staff of the site',
    summary: "A comment's status and reasons",
    params: z.object({ id: uuidSchema }),
    responses: { 200: { description: 'the comment', schema: commentStatusSchema }, ...commonErrors, ...notFoundError },
  }),
];

/** Readers post comments, anyone reads threads, authors and moderators follow a comment's status. */
export function commentRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.post('/sites/:siteId/posts/:postId/comments', bearer, async (req, res) => {
    const { id, replayed } = await createComment(deps, req);
    deps.metrics.commentsAccepted.inc({ outcome: replayed ? 'replayed' : 'queued' });
    const prompted = (req.body as { prompted?: unknown }).prompted;
    if (!replayed && (prompted === 'edited' || prompted === 'unchanged'))
      deps.metrics.commentPromptOutcomes.inc({ choice: prompted });
    res.status(202).json({ id, status: 'queued' });
  });

  /** Sends a cached page with its validators, or 304 when the client has it already. */
  function sendPage(req: Request, res: Response, { page, hit }: { page: CachedPage; hit: boolean }): void {
    const result = sendCachedPage(res, {
      page,
      ifNoneMatch: req.headers['if-none-match'],
      maxAgeS: deps.config.THREAD_MAX_AGE_S,
    });
    deps.metrics.threadCache.inc({ result: result === 'hit' && !hit ? 'miss' : result });
  }

  // A cached page of either is usually answered before the app (server.ts, cached-read.ts); these answer the rest.
  r.get('/sites/:siteId/posts/:postId/comments', async (req, res) => {
    const { siteId, postId } = parse(threadParams, req.params, 'path');
    const q = parse(threadQuery, req.query, 'query');
    sendPage(
      req,
      res,
      await deps.threadCache.get(siteId, postId, threadVariant(q), () =>
        loadThreadPage(deps.db, { siteId, postId, sort: q.sort, limit: q.limit, after: q.cursor }),
      ),
    );
  });

  r.get('/sites/:siteId/posts/:postId/comments/:commentId/replies', async (req, res) => {
    const { siteId, postId, commentId } = parse(threadParams.extend({ commentId: uuidSchema }), req.params, 'path');
    const q = parse(repliesQuery, req.query, 'query');
    sendPage(
      req,
      res,
      await deps.threadCache.get(siteId, postId, repliesVariant(commentId, q), () =>
        loadRepliesPage(deps.db, { siteId, postId, commentId, limit: q.limit, after: q.cursor }),
      ),
    );
  });

  r.get('/comments/:id', bearer, async (req, res) => {
    const { id } = parse(z.object({ id: uuidSchema }), req.params, 'path');
    const comment = await commentStatus(deps, req, id);
    // The validator PATCH and DELETE take as If-Match.
    if (comment.editCount !== undefined) res.setHeader('ETag', commentEtag(comment.editCount));
    res.json({ comment });
  });

  r.use(ownCommentRoutes(deps, bearer));
  r.use(reactionRoutes(deps, bearer));
  r.use(mineRoutes(deps, bearer));

  return r;
}
