import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { siteIdSchema } from '#shared/schemas.js';
import { findApiKeyView, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from '#shared/db/api-keys.js';
import { API_KEY_SCOPES, generateApiKey } from '#shared/secrets.js';
import { NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { normalizeLine } from '#shared/text.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';
import { withTransaction } from '#shared/db/pool.js';
import { insertAudit } from '#shared/db/audit.js';
import { findUser } from '#shared/db/users.js';
import { stepUpChecks } from '../auth/step-up.js';

const siteParams = z.object({ siteId: siteIdSchema });
const keyParams = siteParams.extend({ keyId: z.string().regex(/^[0-9a-f]{12}$/, 'a key id is 12 hex digits') });
const createBody = z.object({
  label: z.string().max(200).transform(normalizeLine).pipe(z.string().min(1, 'a label is required').max(100)),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1)
    .max(API_KEY_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, 'each scope at most once'),
  /** The admin's own password, asked again: an access token alone (one read off a screen or a log) mints no key. */
  password: z.string().min(1).max(1024),
});
const keySchema = z.object({
  id: z.string(),
  label: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.iso.datetime({ offset: true }),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
  createdBy: z.uuid().nullable().describe("the admin account that made it; null: the operator's CLI"),
  revokedBy: z.uuid().nullable(),
});
const keyView = (k: ApiKeyView) => ({
  id: k.id,
  label: k.label,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  createdBy: k.createdBy,
  revokedBy: k.revokedBy,
});

const PATH = '/api/v1/sites/:siteId/api-keys';
const auth = 'site admin (access token)';
export const apiKeyDocs = [
  route({
    method: 'post',
    path: PATH,
    tag: 'API keys',
    auth,
    summary: "Create an API key with the admin's password; the key is shown once",
    params: siteParams,
    body: createBody,
    responses: {
      201: { description: 'created', schema: z.object({ key: keySchema, apiKey: z.string() }) },
      ...commonErrors,
      401: {
        description: '`invalid_credentials`: the password is wrong (counted as a failed sign-in)',
        schema: errorSchema,
      },
      ...rateLimitedError,
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

/**
 * Site admins manage their publisher API keys: each made with the admin's password asked again, shown once, stored
 * as a SHA-256, revoked at once; who made and who revoked each is kept on the key and in the audit log.
 */
export function apiKeyRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  const { usePassword } = stepUpChecks(deps);

  r.post('/sites/:siteId/api-keys', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    const body = parse(createBody, req.body);
    const account = await findUser(deps.db, siteId, admin.userId);
    if (!account) throw new UnauthorizedError('this account is gone');
    await usePassword(account, body.password);
    const key = generateApiKey();
    await withTransaction(deps.db, async (tx) => {
      await insertApiKey(tx, {
        id: key.id,
        siteId,
        label: body.label,
        secretHash: key.secretHash,
        scopes: body.scopes,
        createdBy: admin.userId,
      });
      await insertAudit(tx, {
        siteId,
        actor: { id: admin.userId, name: admin.name },
        action: 'api_key.create',
        after: { keyId: key.id, label: body.label, scopes: body.scopes },
      });
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
    const revoked = await withTransaction(deps.db, async (tx) => {
      const r = await revokeApiKey(tx, siteId, keyId, admin.userId);
      if (r.revokedNow)
        await insertAudit(tx, {
          siteId,
          actor: { id: admin.userId, name: admin.name },
          action: 'api_key.revoke',
          before: { keyId },
        });
      return r;
    });
    if (!revoked.found) throw new NotFoundError('api_key');
    if (revoked.revokedNow) req.log.info({ siteId, keyId, by: admin.userId }, 'api key revoked');
    res.status(204).end();
  });

  return r;
}
