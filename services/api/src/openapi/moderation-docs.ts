import { z } from 'zod';
import { commonErrors, errorSchema, notFoundError, route } from './registry.js';
import { actionBody, bulkBody, queueQuery } from '../moderation/routes.js';
import { banBody, historyQuery, premodBody, readerParams, suspendBody, unbanBody } from '../readers/routes.js';
import { reportBody } from '../reports/routes.js';
import { auditQuery } from '../audit/routes.js';
import { QUEUES } from '#shared/db/moderation-queues.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';

// The moderators' routes, described with the schemas they validate with. Responses are given by
// their top-level shape; the README's API table details each item.
const siteParams = z.object({ siteId: siteIdSchema });
const commentParams = z.object({ id: uuidSchema });
const tag = 'Moderation';
const staff = 'moderator or admin of the site';
const item = z.looseObject({ id: z.uuid(), status: z.string() });
const readerAction = z.object({
  user: z.looseObject({ id: z.uuid(), status: z.string() }),
  task: z.looseObject({ id: z.string() }).nullable(),
});
const conflict = { 409: { description: 'conflict', schema: errorSchema } };

export const moderationDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/counts',
    tag,
    auth: staff,
    summary: 'Counts per queue',
    params: siteParams,
    responses: {
      200: {
        description: 'counts',
        schema: z.object({ counts: z.record(z.string(), z.number().int()), capped: z.array(z.string()) }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/queues/:queue',
    tag,
    auth: staff,
    summary: 'One moderation queue, keyset-paginated',
    params: siteParams.extend({ queue: z.enum(QUEUES) }),
    query: queueQuery,
    responses: {
      200: { description: 'a page', schema: z.object({ items: z.array(item), nextCursor: z.string().nullable() }) },
      ...commonErrors,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/comments/:id/moderation',
    tag,
    auth: staff,
    summary: 'Approve or reject one comment',
    params: commentParams,
    body: actionBody,
    responses: {
      200: {
        description: 'decided',
        schema: z.object({ comment: z.looseObject({ id: z.uuid(), status: z.string() }) }),
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/moderation/bulk',
    tag,
    auth: staff,
    summary: 'Approve or reject up to 100 comments',
    params: siteParams,
    body: bulkBody,
    responses: {
      200: {
        description: 'one result per id',
        schema: z.object({ results: z.array(z.looseObject({ id: z.string(), ok: z.boolean() })) }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/tasks/:taskId',
    tag,
    auth: staff,
    summary: 'Progress of a background task',
    params: siteParams.extend({ taskId: z.string() }),
    responses: {
      200: {
        description: 'the task',
        schema: z.object({ task: z.looseObject({ id: z.string(), state: z.string() }) }),
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  ...(['ban', 'suspend', 'premod', 'unban'] as const).map((action) =>
    route({
      method: 'post',
      path: `/api/v1/sites/:siteId/users/:userId/${action}`,
      tag: 'Readers',
      auth: action === 'ban' ? 'moderator (on commenters), admin' : staff,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a reader`,
      params: readerParams,
      body: { ban: banBody, suspend: suspendBody, premod: premodBody, unban: unbanBody }[action],
      responses: {
        200: { description: 'done', schema: readerAction },
        202: { description: 'done; a background task rejects their comments', schema: readerAction },
        ...commonErrors,
        ...notFoundError,
        ...conflict,
      },
    }),
  ),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/users/:userId/history',
    tag: 'Readers',
    auth: staff,
    summary: 'A reader, their comments and the actions about them',
    params: readerParams,
    query: historyQuery,
    responses: { 200: { description: 'history', schema: z.looseObject({}) }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'post',
    path: '/api/v1/comments/:id/reports',
    tag: 'Reports',
    auth: 'a signed-in reader of the site',
    summary: 'Report a visible comment',
    params: commentParams,
    body: reportBody,
    responses: {
      201: { description: 'reported', schema: z.looseObject({}) },
      ...commonErrors,
      ...notFoundError,
      ...conflict,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/audit',
    tag: 'Audit',
    auth: staff,
    summary: 'The moderation log, newest first',
    params: siteParams,
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
  route({
    method: 'post',
    path: '/api/v1/admin/queue-dashboard/session',
    tag: 'Operations',
    auth: 'admin of QUEUE_DASHBOARD_SITE',
    summary: 'A session cookie for the queue dashboard at /admin/queues',
    responses: { 200: { description: 'cookie set', schema: z.object({ url: z.string() }) }, ...commonErrors },
  }),
  route({
    method: 'get',
    path: '/moderate',
    tag: 'Moderation',
    auth: 'none',
    summary: 'The moderation page (signs in itself)',
    responses: { 200: { description: 'HTML', contentType: 'text/html', schema: z.string() } },
  }),
  route({
    method: 'get',
    path: '/moderate/app.js',
    tag: 'Moderation',
    auth: 'none',
    summary: "The moderation page's script",
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript', schema: z.string() } },
  }),
  route({
    method: 'get',
    path: '/moderate/app.css',
    tag: 'Moderation',
    auth: 'none',
    summary: "The moderation page's styles",
    responses: { 200: { description: 'CSS', contentType: 'text/css', schema: z.string() } },
  }),
];
