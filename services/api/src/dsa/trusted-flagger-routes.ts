import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { NotFoundError } from '../http/app-error.js';
import { withTransaction } from '#shared/db/pool.js';
import { findUser } from '#shared/db/users.js';
import { insertAudit } from '#shared/db/audit.js';
import { normalizeLine } from '#shared/text.js';
import { commonErrors, notFoundError, route } from '../openapi/registry.js';

const siteParams = z.object({ siteId: siteIdSchema });
const flaggerParams = siteParams.extend({ userId: uuidSchema });
export const flaggerBody = z.strictObject({
  organisation: z
    .string()
    .max(400)
    .transform(normalizeLine)
    .pipe(z.string().min(1, 'the organisation is required').max(200)),
});
const flaggerSchema = z.object({
  userId: z.uuid(),
  name: z.string(),
  organisation: z.string(),
  createdAt: z.string(),
});
const adminAuth = 'site admin';

export const trustedFlaggerDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/trusted-flaggers',
    tag: 'DSA',
    auth: adminAuth,
    summary: "The site's trusted flaggers (DSA Art. 22)",
    params: siteParams,
    responses: {
      200: { description: 'the list', schema: z.object({ items: z.array(flaggerSchema) }) },
      ...commonErrors,
    },
  }),
  route({
    method: 'put',
    path: '/api/v1/sites/:siteId/trusted-flaggers/:userId',
    tag: 'DSA',
    auth: adminAuth,
    summary: 'Mark an account as a trusted flagger: its notices go to the top of the queue',
    params: flaggerParams,
    body: flaggerBody,
    responses: {
      200: { description: 'marked', schema: z.object({ trustedFlagger: flaggerSchema }) },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/sites/:siteId/trusted-flaggers/:userId',
    tag: 'DSA',
    auth: adminAuth,
    summary: 'Withdraw trusted-flagger status',
    params: flaggerParams,
    responses: { 204: { description: 'withdrawn' }, ...commonErrors, ...notFoundError },
  }),
];

export function trustedFlaggerRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.get('/sites/:siteId/trusted-flaggers', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'admin');
    const rows = await deps.db.query<{ user_id: string; display_name: string; organisation: string; created_at: Date }>(
      `SELECT t.user_id, u.display_name, t.organisation, t.created_at
         FROM dsa_trusted_flaggers t JOIN users u ON u.id = t.user_id
        WHERE t.site_id = $1 ORDER BY t.created_at`,
      [siteId],
    );
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: rows.rows.map((r) => ({
        userId: r.user_id,
        name: r.display_name,
        organisation: r.organisation,
        createdAt: r.created_at.toISOString(),
      })),
    });
  });

  r.put('/sites/:siteId/trusted-flaggers/:userId', bearer, async (req, res) => {
    const { siteId, userId } = parse(flaggerParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    const body = parse(flaggerBody, req.body);
    const user = await findUser(deps.db, siteId, userId);
    if (!user) throw new NotFoundError('user');
    const createdAt = await withTransaction(deps.db, async (tx) => {
      const row = await tx.query<{ created_at: Date }>(
        `INSERT INTO dsa_trusted_flaggers (site_id, user_id, organisation, added_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (site_id, user_id) DO UPDATE SET organisation = EXCLUDED.organisation
         RETURNING created_at`,
        [siteId, userId, body.organisation, admin.userId],
      );
      await insertAudit(tx, {
        siteId,
        actor: { id: admin.userId, name: admin.name },
        action: 'dsa.trusted_flagger_add',
        readerId: userId,
        after: { organisation: body.organisation },
      });
      return row.rows[0]!.created_at;
    });
    res.json({
      trustedFlagger: {
        userId,
        name: user.displayName,
        organisation: body.organisation,
        createdAt: createdAt.toISOString(),
      },
    });
  });

  r.delete('/sites/:siteId/trusted-flaggers/:userId', bearer, async (req, res) => {
    const { siteId, userId } = parse(flaggerParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    const removed = await withTransaction(deps.db, async (tx) => {
      const del = await tx.query(`DELETE FROM dsa_trusted_flaggers WHERE site_id = $1 AND user_id = $2`, [
        siteId,
        userId,
      ]);
      if (del.rowCount !== 1) return false;
      await insertAudit(tx, {
        siteId,
        actor: { id: admin.userId, name: admin.name },
        action: 'dsa.trusted_flagger_remove',
        readerId: userId,
      });
      return true;
    });
    if (!removed) throw new NotFoundError('trusted flagger');
    res.status(204).end();
  });

  return r;
}
