import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { siteIdSchema } from '#shared/schemas.js';
import { findSettingsOverrides, replaceSettingsOverrides } from '#shared/db/sites.js';
import { AppError, NotFoundError, ValidationError } from '../http/app-error.js';
import { applySettingsPatch, effectiveSettings, siteSettingsSchema } from '#shared/settings.js';
import { announceSiteChange } from './site-changes.js';
import { commonErrors, errorSchema, notFoundError, route } from '../openapi/registry.js';

export const settingsParams = z.object({ siteId: siteIdSchema });
const etagOf = (version: number) => `"settings-v${version}"`;

/**
 * A site's moderation settings, for its admins: GET the effective document, PATCH it with a
 * JSON merge patch (RFC 7396). The worker reads settings for every comment, so a change applies
 * to the next comment without a restart. `If-Match` with the ETag guards against lost updates.
 */
const settingsDoc = z.object({ settings: siteSettingsSchema, version: z.number().int() });

/** A site's moderation settings. */
export const settingsDocs = [
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
    headers: z.object({
      'If-Match': z
        .string()
        .optional()
        .describe('The ETag of the settings read before: 412 `precondition_failed` when they changed since'),
    }),
    body: z.record(z.string(), z.unknown()).describe('RFC 7396 merge patch over the settings document'),
    responses: {
      200: { description: 'settings', schema: settingsDoc },
      ...commonErrors,
      ...notFoundError,
      412: { description: '`precondition_failed`', schema: errorSchema },
    },
  }),
];

export function settingsRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.get('/sites/:siteId/settings', bearer, async (req, res) => {
    const { siteId } = parse(settingsParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'admin');
    const stored = await findSettingsOverrides(deps.db, siteId);
    if (!stored) throw new NotFoundError('site');
    res.setHeader('ETag', etagOf(stored.version));
    res.json({ settings: effectiveSettings(stored.overrides), version: stored.version });
  });

  r.patch('/sites/:siteId/settings', bearer, async (req, res) => {
    const { siteId } = parse(settingsParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'admin');
    const ifMatch = req.get('If-Match');
    // A concurrent PATCH between our read and write is retried on the new version (without If-Match).
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await findSettingsOverrides(deps.db, siteId);
      if (!stored) throw new NotFoundError('site');
      if (ifMatch && ifMatch !== etagOf(stored.version)) {
        throw new AppError('precondition_failed', 412, 'the settings changed since you read them; read them again');
      }
      const result = applySettingsPatch(stored.overrides, req.body);
      if (!result.ok) {
        const first = result.problems[0]!;
        throw new ValidationError(
          `invalid settings: ${first.field || 'body'}: ${first.message}`,
          result.problems.map((p) => ({ path: p.field, message: p.message })),
        );
      }
      const version = await replaceSettingsOverrides(deps.db, siteId, result.overrides, stored.version);
      if (version === null) continue;
      req.log.info({ siteId, version, fields: Object.keys(req.body as object) }, 'site settings changed');
      await announceSiteChange(deps, siteId);
      res.setHeader('ETag', etagOf(version));
      res.json({ settings: result.settings, version });
      return;
    }
    throw new AppError('conflict', 409, 'the settings are being changed by someone else; try again');
  });

  return r;
}
