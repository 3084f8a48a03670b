import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { addMute, listMutes, removeMute } from '#shared/db/mutes.js';
import type { ApiDeps } from '../deps.js';
import { findUser } from '#shared/db/users.js';
import { userOf } from '../auth/guards.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/app-error.js';
import { consume } from '../http/rate-limit.js';
import { parse } from '../http/validate.js';
import { commonErrors, notFoundError, rateLimitedError, route } from '../openapi/registry.js';
import { needsTotpEnrolment } from '#shared/db/staff-totp.js';

const siteParams = z.object({ siteId: siteIdSchema });
const muteParams = siteParams.extend({ userId: uuidSchema });
const muteList = z.object({ mutes: z.array(z.object({ id: z.uuid(), name: z.string() })) });

export const muteDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/mutes',
    tag: 'Readers',
    auth: 'reader access token',
    summary: 'The readers this reader muted (their comments are collapsed in the widget)',
    params: siteParams,
    responses: { 200: { description: 'the list', schema: muteList }, ...commonErrors, ...rateLimitedError },
  }),
  route({
    method: 'put',
    path: '/api/v1/sites/:siteId/mutes/:userId',
    tag: 'Readers',
    auth: 'reader access token',
    summary: 'Mute another reader of the site',
    params: muteParams,
    responses: {
      200: { description: 'muted; the list after', schema: muteList },
      ...commonErrors,
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/sites/:siteId/mutes/:userId',
    tag: 'Readers',
    auth: 'reader access token',
    summary: 'Unmute a reader',
    params: muteParams,
    responses: {
      200: { description: 'the list after', schema: muteList },
      ...commonErrors,
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
];

/** A signed-in reader's mutes: stored per reader, so they follow the reader to every page and device. */
export function muteRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  const reader = async (req: Request) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const user = userOf(req, siteId);
    await consume(deps.limiters, deps.limiters.readerUser, `${siteId}:${user.userId}`);
    return { siteId, userId: user.userId };
  };
  const answer = async (q: { siteId: string; userId: string }) => ({ mutes: await listMutes(deps.db, q) });

  r.get('/sites/:siteId/mutes', bearer, async (req, res) => {
    const q = await reader(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await answer(q));
  });
  r.put('/sites/:siteId/mutes/:userId', bearer, async (req, res) => {
    const q = await reader(req);
    const { userId: mutedId } = parse(muteParams, req.params, 'path');
    if (mutedId === q.userId) throw new ValidationError('a reader cannot mute themselves');
    // Staff speak for the site (answers, corrections, the rules): readers do not mute them. Staff who have not set up
    // the two-factor sign-in their site requires are shown and moderated as readers, so they may be muted as readers.
    const target = await findUser(deps.db, q.siteId, mutedId);
    if (target && target.role !== 'commenter' && !(await needsTotpEnrolment(deps.db, q.siteId, target.id)))
      throw new ForbiddenError('staff_not_mutable', "the site's moderators and admins cannot be muted");
    if (!(await addMute(deps.db, { ...q, mutedId }))) throw new NotFoundError('reader');
    res.json(await answer(q));
  });
  r.delete('/sites/:siteId/mutes/:userId', bearer, async (req, res) => {
    const q = await reader(req);
    const { userId: mutedId } = parse(muteParams, req.params, 'path');
    if (!(await removeMute(deps.db, { ...q, mutedId }))) throw new NotFoundError('reader');
    res.json(await answer(q));
  });
  return r;
}
