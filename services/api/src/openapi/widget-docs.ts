import { z } from 'zod';
import { errorSchema, notFoundError, route } from './registry.js';
import { discoverBody } from '../widget/discover-post.js';
import { postIdSchema, siteIdSchema } from '#shared/schemas.js';

// What the embeddable widget calls and loads, described with the schemas it validates with.
const postParams = z.object({ siteId: siteIdSchema, postId: postIdSchema });
const post = z.object({
  post: z.object({
    id: z.string(),
    title: z.string(),
    url: z.string(),
    closed: z.boolean(),
    commentCount: z.number().int(),
  }),
});
const asset = (path: string, summary: string, contentType: string) =>
  route({
    method: 'get',
    path,
    tag: 'Widget',
    auth: 'none',
    summary,
    responses: { 200: { description: summary, contentType, schema: z.string() } },
  });

export const widgetDocs = [
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/posts/:postId/discover',
    tag: 'Widget',
    auth: "none (a browser on one of the site's origins)",
    summary: 'First load of an article: the post, created when the site allows it',
    params: postParams,
    body: discoverBody,
    responses: {
      200: { description: 'the existing post', schema: post },
      201: { description: 'created', schema: post },
      400: { description: 'invalid input', schema: errorSchema },
      403: { description: '`origin_not_allowed`, `auto_create_disabled`', schema: errorSchema },
      ...notFoundError,
      422: { description: '`url_not_allowed`', schema: errorSchema },
      429: { description: '`rate_limited`', schema: errorSchema },
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId/events',
    tag: 'Widget',
    auth: 'none',
    summary: "Server-sent events when the post's approved comments change",
    params: postParams,
    responses: {
      200: { description: 'an event stream', contentType: 'text/event-stream', schema: z.string() },
      400: { description: 'invalid input', schema: errorSchema },
      ...notFoundError,
    },
  }),
  asset('/embed.js', 'The widget script', 'text/javascript'),
  asset('/login', 'The sign-in popup', 'text/html'),
  asset('/login.js', "The sign-in popup's script", 'text/javascript'),
  asset('/login.css', "The sign-in popup's styles", 'text/css'),
];
