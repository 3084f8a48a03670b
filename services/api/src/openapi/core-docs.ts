import { z } from 'zod';
import { commonErrors, errorSchema, notFoundError, route } from './registry.js';
import { loginBody, registerBody, ssoBody } from '../auth/routes.js';
import { postBody, postParams } from '../posts/routes.js';
import { commentBody, commentParams } from '../comments/create-comment.js';
import { threadParams, threadQuery } from '../comments/routes.js';
import { settingsParams } from '../sites/settings-routes.js';
import { siteSettingsSchema } from '#shared/settings.js';
import { uuidSchema } from '#shared/schemas.js';

const iso = z.iso.datetime({ offset: true });
const userSchema = z.object({
  id: z.uuid(),
  siteId: z.string(),
  name: z.string(),
  role: z.enum(['commenter', 'moderator', 'admin']),
});
const signedIn = z.object({ accessToken: z.string(), user: userSchema });
const postSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  closed: z.boolean(),
  commentCount: z.number().int(),
});

/** A thread comment nested `depth` levels deep (the API nests replies to depth 3). */
function threadComment(depth: number): z.ZodObject {
  return z.object({
    id: z.uuid(),
    author: z.object({ id: z.uuid(), name: z.string() }),
    body: z.string(),
    bodyHtml: z.string(),
    createdAt: iso,
    replyTo: z.object({ id: z.uuid(), name: z.string() }).optional(),
    replies: depth > 0 ? z.array(threadComment(depth - 1)) : z.array(z.never()).max(0),
    replyCount: z.number().int(),
  });
}
const threadPage = z.object({
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
const commentStatus = z.object({
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
    reason: z
      .object({ category: z.string(), message: z.string() })
      .nullable()
      .describe('for the author: why it is not published'),
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
const settingsDoc = z.object({ settings: siteSettingsSchema, version: z.number().int() });
const rateLimited = { 429: { description: '`rate_limited`, with Retry-After', schema: errorSchema } };

/** The routes that existed before the OpenAPI document, described with the schemas they validate with. */
export const coreDocs = [
  route({
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    auth: 'none',
    summary: 'Liveness',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
  }),
  route({
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    auth: 'none',
    summary: 'Readiness: Postgres and Redis reachable',
    responses: {
      200: {
        description: 'ready',
        schema: z.object({ status: z.string(), checks: z.object({ postgres: z.string(), redis: z.string() }) }),
      },
      503: {
        description: 'a dependency is unreachable',
        schema: z.object({ status: z.string(), checks: z.object({ postgres: z.string(), redis: z.string() }) }),
      },
    },
  }),
  route({
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    auth: 'none',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'text exposition format', contentType: 'text/plain', schema: z.string() } },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/sso',
    tag: 'Sign-in',
    auth: 'none',
    summary: "Sign a reader in with the publisher's SSO token",
    body: ssoBody,
    responses: {
      200: { description: 'signed in', schema: signedIn },
      400: commonErrors[400],
      401: commonErrors[401],
      ...rateLimited,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/login',
    tag: 'Sign-in',
    auth: 'none',
    summary: 'Sign in with email and password',
    body: loginBody,
    responses: {
      200: { description: 'signed in', schema: signedIn },
      400: commonErrors[400],
      401: commonErrors[401],
      ...rateLimited,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/auth/register',
    tag: 'Sign-in',
    auth: 'none',
    summary: 'Create a native account',
    body: registerBody,
    responses: {
      201: { description: 'created', schema: signedIn },
      400: commonErrors[400],
      ...notFoundError,
      409: { description: '`email_taken`', schema: errorSchema },
      ...rateLimited,
    },
  }),
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
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/posts/:postId/comments',
    tag: 'Comments',
    auth: 'reader access token',
    summary: 'Post a comment; decided by the worker a moment later',
    params: commentParams,
    body: commentBody,
    responses: {
      202: { description: 'accepted', schema: z.object({ id: z.uuid(), status: z.literal('queued') }) },
      ...commonErrors,
      ...notFoundError,
      409: { description: '`post_closed`', schema: errorSchema },
      422: { description: '`invalid_parent`, `idempotency_key_reused`', schema: errorSchema },
      ...rateLimited,
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
    responses: { 200: { description: 'a page', schema: threadPage }, 400: commonErrors[400], ...notFoundError },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId/comments/:commentId/replies',
    tag: 'Comments',
    auth: 'none',
    summary: 'More replies under one comment',
    params: threadParams.extend({ commentId: uuidSchema }),
    query: threadQuery.omit({ sort: true }),
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
    responses: { 200: { description: 'the comment', schema: commentStatus }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/settings',
    tag: 'Settings',
    auth: 'site admin',
    summary: "The site's effective moderation settings",
    params: settingsParams,
    responses: { 200: { description: 'settings', schema: settingsDoc }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'patch',
    path: '/api/v1/sites/:siteId/settings',
    tag: 'Settings',
    auth: 'site admin',
    summary: 'Change settings with a JSON merge patch (If-Match supported)',
    params: settingsParams,
    body: z.record(z.string(), z.unknown()).describe('RFC 7396 merge patch over the settings document'),
    responses: {
      200: { description: 'settings', schema: settingsDoc },
      ...commonErrors,
      ...notFoundError,
      412: { description: '`precondition_failed`', schema: errorSchema },
    },
  }),
];
