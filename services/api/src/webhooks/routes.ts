import { consume } from '../http/rate-limit.js';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { publisherOf } from '../publishers/access.js';
import { apiKeyOf } from '../auth/guards.js';
import { httpUrlSchema, siteIdSchema, uuidSchema } from '#shared/schemas.js';
import {
  deleteWebhook,
  findWebhook,
  insertRedelivery,
  insertWebhook,
  MAX_WEBHOOKS_PER_SITE,
  listDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
  type Webhook,
} from '#shared/db/webhooks.js';
import { EVENT_TYPES } from '#shared/webhooks/events.js';
import { generateWebhookSecret } from '#shared/webhooks/signing.js';
import { assertPublicUrl, createAllowlist, UnsafeUrlError } from '#shared/webhooks/ssrf.js';
import { AppError, ConflictError, NotFoundError } from '../http/app-error.js';
import { newId } from '#shared/ids.js';
import { commonErrors, notFoundError, route, rateLimitedError } from '../openapi/registry.js';

const siteParams = z.object({ siteId: siteIdSchema });
const hookParams = siteParams.extend({ webhookId: uuidSchema });
const deliveryParams = hookParams.extend({ deliveryId: uuidSchema });
const events = z
  .array(z.enum(EVENT_TYPES))
  .min(1)
  .max(EVENT_TYPES.length)
  .refine((e) => new Set(e).size === e.length, 'each event at most once');
const createBody = z.object({ url: httpUrlSchema, events });
const patchBody = z
  .object({ url: httpUrlSchema.optional(), events: events.optional(), enabled: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
const rotateBody = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .optional(),
  })
  .optional();
const deliveriesQuery = z.object({
  cursor: uuidSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const iso = z.iso.datetime({ offset: true });
const webhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  failingSince: iso.nullable(),
  previousSecretExpiresAt: iso.nullable(),
  createdAt: iso,
  updatedAt: iso,
});
const deliverySchema = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  redeliveryOf: z.uuid().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  attemptLog: z.array(
    z.object({
      attempt: z.number().int(),
      startedAt: z.string(),
      durationMs: z.number().int(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
    }),
  ),
});
const view = (w: Webhook) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  disabledReason: w.disabledReason,
  failingSince: w.failingSince?.toISOString() ?? null,
  previousSecretExpiresAt: w.previousSecretExpiresAt?.toISOString() ?? null,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

const P = '/api/v1/sites/:siteId/webhooks';
const auth = 'publisher key (webhooks:manage) or site admin';
/** Routes that point, turn on or resend deliveries: their data is what comments:read gives. */
const directs = 'publisher key (webhooks:manage and comments:read) or site admin';
const tag = 'Webhooks';
const one = z.object({ webhook: webhookSchema });
const withSecret = z.object({ webhook: webhookSchema, secret: z.string().describe('signing secret, shown once') });
export const webhookDocs = [
  route({
    method: 'post',
    path: P,
    tag,
    auth: directs,
    summary: 'Register an endpoint; the signing secret is shown once',
    params: siteParams,
    body: createBody,
    responses: {
      201: { description: 'created', schema: withSecret },
      ...commonErrors,
      409: { description: '`webhook_limit`: the site has the most endpoints it may have (10)' },
      422: { description: '`unsafe_url`: resolves to an internal address' },
    },
  }),
  route({
    method: 'get',
    path: P,
    tag,
    auth,
    summary: 'List endpoints',
    params: siteParams,
    responses: {
      200: { description: 'endpoints', schema: z.object({ webhooks: z.array(webhookSchema) }) },
      ...commonErrors,
    },
  }),
  route({
    method: 'get',
    path: `${P}/:webhookId`,
    tag,
    auth,
    summary: 'One endpoint',
    params: hookParams,
    responses: { 200: { description: 'the endpoint', schema: one }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'patch',
    path: `${P}/:webhookId`,
    tag,
    auth: directs,
    summary: 'Change URL or events, or enable / disable (enabling clears the failure record)',
    params: hookParams,
    body: patchBody,
    responses: { 200: { description: 'changed', schema: one }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'delete',
    path: `${P}/:webhookId`,
    tag,
    auth,
    summary: 'Delete an endpoint and its delivery log',
    params: hookParams,
    responses: { 204: { description: 'deleted' }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'post',
    path: `${P}/:webhookId/rotate-secret`,
    tag,
    auth,
    summary:
      'New signing secret (shown once); the old one keeps signing alongside for graceSeconds (default WEBHOOK_SECRET_GRACE_S)',
    params: hookParams,
    body: rotateBody.unwrap(),
    bodyOptional: true,
    responses: { 200: { description: 'rotated', schema: withSecret }, ...commonErrors, ...notFoundError },
  }),
  route({
    method: 'get',
    path: `${P}/:webhookId/deliveries`,
    tag,
    auth,
    summary: 'Deliveries, newest first, each with every attempt',
    params: hookParams,
    query: deliveriesQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.object({ deliveries: z.array(deliverySchema), nextCursor: z.uuid().nullable() }),
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'post',
    path: `${P}/:webhookId/deliveries/:deliveryId/redeliver`,
    tag,
    auth: directs,
    summary: 'Send a delivery again (same event id and body, fresh signature)',
    params: deliveryParams,
    responses: {
      202: { description: 'queued', schema: z.object({ deliveryId: z.uuid() }) },
      ...commonErrors,
      ...notFoundError,
      ...rateLimitedError,
      409: { description: '`webhook_disabled`' },
    },
  }),
];

/** Publishers register webhook endpoints, follow their deliveries and redeliver by hand. */
export function webhookRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  const allow = createAllowlist(deps.config.WEBHOOK_ALLOW_HOSTS);
  const checkUrl = async (url: string) => {
    try {
      await assertPublicUrl(url, { allow });
    } catch (err) {
      if (err instanceof UnsafeUrlError) throw new AppError('unsafe_url', 422, err.message);
      throw err;
    }
  };
  // Where deliveries go decides who reads them, and they carry what `comments:read` gives (comment text, decisions,
  // readers): a key that points, turns on or resends them needs that scope too. A site admin has both.
  const directsDeliveries = async (req: Request, siteId: string) => {
    const actor = await publisherOf(deps.db, req, siteId, 'webhooks:manage');
    if (actor.kind === 'apiKey') apiKeyOf(req, siteId, 'comments:read');
  };
  const found = (w: Webhook | null) => {
    if (!w) throw new NotFoundError('webhook');
    return w;
  };

  r.post('/sites/:siteId/webhooks', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await directsDeliveries(req, siteId);
    const body = parse(createBody, req.body);
    await checkUrl(body.url);
    const secret = generateWebhookSecret();
    const webhook = await insertWebhook(deps.db, { id: newId(), siteId, url: body.url, events: body.events, secret });
    if (!webhook)
      throw new ConflictError(
        'webhook_limit',
        `a site has at most ${MAX_WEBHOOKS_PER_SITE} webhook endpoints; delete one first (one endpoint can take several events)`,
      );
    deps.events.forgetSite(siteId);
    req.log.info({ siteId, webhookId: webhook.id, events: body.events }, 'webhook created');
    res.status(201).json({ webhook: view(webhook), secret });
  });

  r.get('/sites/:siteId/webhooks', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'webhooks:manage');
    res.json({ webhooks: (await listWebhooks(deps.db, siteId)).map(view) });
  });

  r.get('/sites/:siteId/webhooks/:webhookId', bearer, async (req, res) => {
    const { siteId, webhookId } = parse(hookParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'webhooks:manage');
    res.json({ webhook: view(found(await findWebhook(deps.db, siteId, webhookId))) });
  });

  r.patch('/sites/:siteId/webhooks/:webhookId', bearer, async (req, res) => {
    const { siteId, webhookId } = parse(hookParams, req.params, 'path');
    await directsDeliveries(req, siteId);
    const body = parse(patchBody, req.body);
    if (body.url) await checkUrl(body.url);
    const webhook = found(await updateWebhook(deps.db, { siteId, id: webhookId, ...body }));
    deps.events.forgetSite(siteId);
    res.json({ webhook: view(webhook) });
  });

  r.delete('/sites/:siteId/webhooks/:webhookId', bearer, async (req, res) => {
    const { siteId, webhookId } = parse(hookParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'webhooks:manage');
    if (!(await deleteWebhook(deps.db, siteId, webhookId))) throw new NotFoundError('webhook');
    deps.events.forgetSite(siteId);
    res.status(204).end();
  });

  r.post('/sites/:siteId/webhooks/:webhookId/rotate-secret', bearer, async (req, res) => {
    const { siteId, webhookId } = parse(hookParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'webhooks:manage');
    const body = parse(rotateBody, req.body);
    const secret = generateWebhookSecret();
    const graceS = body?.graceSeconds ?? deps.config.WEBHOOK_SECRET_GRACE_S;
    const webhook = found(await rotateWebhookSecret(deps.db, { siteId, id: webhookId, secret, graceS }));
    req.log.info({ siteId, webhookId, graceS }, 'webhook secret rotated');
    res.json({ webhook: view(webhook), secret });
  });

  r.get('/sites/:siteId/webhooks/:webhookId/deliveries', bearer, async (req, res) => {
    const { siteId, webhookId } = parse(hookParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'webhooks:manage');
    const q = parse(deliveriesQuery, req.query, 'query');
    found(await findWebhook(deps.db, siteId, webhookId));
    const rows = await listDeliveries(deps.db, { siteId, webhookId, before: q.cursor ?? null, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    res.json({ deliveries: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null });
  });

  r.post('/sites/:siteId/webhooks/:webhookId/deliveries/:deliveryId/redeliver', bearer, async (req, res) => {
    const { siteId, webhookId, deliveryId } = parse(deliveryParams, req.params, 'path');
    await directsDeliveries(req, siteId);
    const webhook = found(await findWebhook(deps.db, siteId, webhookId));
    if (!webhook.enabled)
      throw new ConflictError('webhook_disabled', 'enable the endpoint (PATCH {"enabled":true}) before redelivering');
    await consume(deps.limiters, deps.limiters.redeliverSite, siteId);
    const id = await insertRedelivery(deps.db, { siteId, webhookId, deliveryId, newId: newId() });
    if (!id) throw new NotFoundError('delivery');
    await deps.events.enqueue(siteId, id);
    res.status(202).json({ deliveryId: id });
  });

  return r;
}
