import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { siteIdSchema } from '#shared/schemas.js';
import { findApiKeyView, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from '#shared/db/api-keys.js';
import { API_KEY_SCOPES, generateApiKey } from '#shared/secrets.js';
import { NotFoundError } from '../http/app-error.js';
import { normalizeLine } from '#shared/text.js';
import { commonErrors, notFoundError, route } from '../openapi/registry.js';

const siteParams = z.object({ siteId: siteIdSchema });
const keyParams = siteParams.extend({ keyId: z.string().regex(/^[0-9a-f]{12}$/, 'a key id is 12 hex digits') });
const createBody = z.object({
  label: z.string().max(200).transform(normalizeLine).pipe(z.string().min(1, 'a label is required').max(100)),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1)
    .max(API_KEY_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, 'each scope at most once'),
});
const keySchema = z.object({
  id: z.string(),
  label: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.iso.datetime({ offset: true }),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});
const keyView = (k: ApiKeyView) => ({
  id: k.id,
  label: k.label,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

const PATH = '/api/v1/sites/:siteId/api-keys';
const auth = 'site admin (access token)';
export const apiKeyDocs = [
  route({
    method: 'post',
    path: PATH,
    tag: 'API keys',
    auth,
    summary: 'Create an API key; the key is shown once',
    params: siteParams,
    body: createBody,
    responses: {
      201: { description: 'created', schema: z.object({ key: keySchema, apiKey: z.string() }) },
      ...commonErrors,
    },
  }),
  route({
    method: 'get',
    path: PATH,
    tag: 'API keys',
    auth,
    summary: "List the site's API keys (never their secrets)",
    params: siteParams,
    responses: { 200: { description: 'the keys', schema: z.object({ keys: z.array(keySchema) }) }, ...commonErrors },
  }),
  route({
    method: 'delete',
    path: `${PATH}/:keyId`,
    tag: 'API keys',
    auth,
    summary: 'Revoke a key: every request after this one refuses it (an export already streaming runs to its end)',
    params: keyParams,
    responses: { 204: { description: 'revoked' }, ...commonErrors, ...notFoundError },
  }),
];

/** Site admins manage their publisher API keys: each shown once, stored as a SHA-256, revoked at once. */
export function apiKeyRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.post('/sites/:siteId/api-keys', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    const body = parse(createBody, req.body);
    const key = generateApiKey();
    await insertApiKey(deps.db, {
      id: key.id,
      siteId,
      label: body.label,
      secretHash: key.secretHash,
      scopes: body.scopes,
    });
    req.log.info({ siteId, keyId: key.id, scopes: body.scopes, by: admin.userId }, 'api key created');
    res.status(201).json({ key: keyView((await findApiKeyView(deps.db, siteId, key.id))!), apiKey: key.key });
  });

  r.get('/sites/:siteId/api-keys', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'admin');
    res.json({ keys: (await listApiKeys(deps.db, siteId)).map(keyView) });
  });

  r.delete('/sites/:siteId/api-keys/:keyId', bearer, async (req, res) => {
    const { siteId, keyId } = parse(keyParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    if (!(await revokeApiKey(deps.db, siteId, keyId))) throw new NotFoundError('api_key');
    req.log.info({ siteId, keyId, by: admin.userId }, 'api key revoked');
    res.status(204).end();
  });

  return r;
}
