import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { publisherOf } from './access.js';
import { postIdSchema, siteIdSchema } from '#shared/schemas.js';
import { listPosts, setPostClosed, type PublisherPost } from '#shared/db/posts.js';
import { NotFoundError, ValidationError } from '../http/app-error.js';
import { commonErrors, notFoundError, route } from '../openapi/registry.js';

const siteParams = z.object({ siteId: siteIdSchema });
const postParams = siteParams.extend({ postId: postIdSchema });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional(),
});

const iso = z.iso.datetime({ offset: true });
export const publisherPostSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  closed: z.boolean().describe("true when closed by hand or by the site's auto-close"),
  closedByHand: z.boolean(),
  closesAt: iso.nullable().describe('when auto-close applies (null: never)'),
  commentCount: z.number().int().describe('approved comments'),
  titleVerified: z
    .boolean()
    .describe(
      "false while the title is the one the widget sent (a post created on a page's first load); the publisher's PUT confirms it",
    ),
  createdAt: iso,
});
const view = (p: PublisherPost) => ({
  id: p.id,
  title: p.title,
  url: p.url,
  closed: p.closed,
  closedByHand: p.closedByHand,
  closesAt: p.closesAt?.toISOString() ?? null,
  commentCount: p.commentCount,
  titleVerified: p.titleVerified,
  createdAt: p.createdAt.toISOString(),
});

// The time to the microsecond: a JavaScript Date would round it to the millisecond and skip posts at a page's edge.
const encodeCursor = (p: PublisherPost) => Buffer.from(JSON.stringify([p.createdKey, p.id])).toString('base64url');
const CURSOR_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
function decodeCursor(c: string): { createdKey: string; id: string } {
  try {
    const [t, id] = JSON.parse(Buffer.from(c, 'base64url').toString()) as [string, string];
    const year = typeof t === 'string' ? Number(CURSOR_TIME.exec(t)?.[1]) : Number.NaN;
    // A real day and time: Date.parse rolls 31 February over into March, Postgres refuses it.
    const real = year >= 1900 && year <= 9999 && new Date(t).toISOString().slice(0, 19) === t.slice(0, 19);
    if (typeof id === 'string' && id.length <= 200 && real) return { createdKey: t, id };
  } catch {
    /* falls through */
  }
  throw new ValidationError('invalid query: cursor: invalid cursor', [{ path: 'cursor', message: 'invalid cursor' }]);
}

const auth = 'publisher key (posts:write) or site admin';
export const publisherPostDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts',
    tag: 'Posts',
    auth,
    summary: 'List posts, newest first, with comment counts',
    params: siteParams,
    query: listQuery,
    responses: {
      200: {
        description: 'a page of posts',
        schema: z.object({ posts: z.array(publisherPostSchema), nextCursor: z.string().nullable() }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/posts/:postId/close',
    tag: 'Posts',
    auth,
    summary: 'Close commenting on a post',
    params: postParams,
    responses: {
      200: { description: 'closed', schema: z.object({ post: publisherPostSchema }) },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/posts/:postId/reopen',
    tag: 'Posts',
    auth,
    summary: "Reopen commenting (also exempts the post from the site's auto-close)",
    params: postParams,
    responses: {
      200: { description: 'open', schema: z.object({ post: publisherPostSchema }) },
      ...commonErrors,
      ...notFoundError,
    },
  }),
];

/** Publishers list their posts and close or reopen commenting. */
export function publisherPostRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.get('/sites/:siteId/posts', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'posts:write');
    const q = parse(listQuery, req.query, 'query');
    const rows = await listPosts(deps.db, {
      siteId,
      limit: q.limit + 1,
      before: q.cursor ? decodeCursor(q.cursor) : null,
    });
    const page = rows.slice(0, q.limit);
    res.json({
      posts: page.map(view),
      nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null,
    });
  });

  for (const [action, closed] of [
    ['close', true],
    ['reopen', false],
  ] as const) {
    r.post(`/sites/:siteId/posts/:postId/${action}`, bearer, async (req, res) => {
      const { siteId, postId } = parse(postParams, req.params, 'path');
      await publisherOf(deps.db, req, siteId, 'posts:write');
      const post = await setPostClosed(deps.db, { siteId, id: postId, closed });
      if (!post) throw new NotFoundError('post');
      await deps.announceThread({ siteId, postId, post: true });
      res.json({ post: view(post) });
    });
  }

  return r;
}
