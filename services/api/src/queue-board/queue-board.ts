import { Router, type Request, type RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { SignJWT, jwtVerify } from 'jose';
import type { ApiDeps } from '../deps.js';
import type { TokenKeys } from '../auth/tokens.js';
import { staffOf } from '../auth/guards.js';
import { findUser } from '#shared/db/users.js';
import { insertAudit } from '#shared/db/audit.js';
import type { User } from '#shared/domain.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../http/app-error.js';
import { routeBase } from '../http/metrics.js';
import { z } from 'zod';
import { commonErrors, route } from '../openapi/registry.js';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'queues_session';
const ISSUER = 'comments-api';
// Its own audience: this cookie is never accepted as a bearer token, nor a bearer token as this cookie.
const AUDIENCE = 'queue-dashboard';
// The only writes the board may make: retry one failed job, or every failed job of a queue. The board's router
// matches paths in any case, so these do too; everything else that is not a read is refused.
const RETRY_JOB = /^\/api\/queues\/([^/]+)\/([^/]+)\/retry\/?$/i;
const RETRY_FAILED = /^\/api\/queues\/([^/]+)\/retry\/failed\/?$/i;

function cookieOf(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/**
 * Bull Board for operators. The board's page makes its own requests, without our bearer
 * header, so a signed-in admin of QUEUE_DASHBOARD_SITE first asks the API for a session: a
 * short-lived signed token in an HttpOnly, SameSite=Strict cookie scoped to the board's path
 * (no script can read it, no other site can send it). Every request to the board re-reads the
 * admin from the database, so a demotion or a ban ends access at once.
 *
 * The board is read-only over every site's jobs: adding or editing a job (which would publish a comment as any
 * reader of any site), cleaning, emptying or pausing a queue are refused with 403. Retrying a failed job (or every
 * failed job of a queue) is the one action allowed, and each is written to the operator site's audit log.
 */
/** Whether the signed-in staff member may open the queue dashboard, and the session that opens it. */
export const queueDashboardDocs = [
  route({
    method: 'get',
    path: '/api/v1/admin/queue-dashboard',
    tag: 'Operations',
    auth: 'moderator or admin',
    summary: 'Whether this staff member may open the queue dashboard (an admin of QUEUE_DASHBOARD_SITE)',
    responses: {
      200: { description: 'availability', schema: z.object({ available: z.boolean() }) },
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
];

export function queueDashboard(
  deps: ApiDeps,
  tokens: TokenKeys,
  bearer: RequestHandler,
): { session: Router; board: Router } {
  const ttl = deps.config.QUEUE_DASHBOARD_SESSION_S;
  const dashboardSite = deps.config.QUEUE_DASHBOARD_SITE;

  const session = Router();
  // The moderation page shows its "Queue dashboard" button only to those the session route below would accept.
  session.get('/admin/queue-dashboard', bearer, async (req, res) => {
    const siteId = req.principal?.siteId;
    if (!req.principal || !siteId) throw new UnauthorizedError("a staff member's access token is required");
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ available: Boolean(dashboardSite) && siteId === dashboardSite && staff.role === 'admin' });
  });
  session.post('/admin/queue-dashboard/session', bearer, async (req, res) => {
    const siteId = req.principal?.siteId;
    if (!req.principal || !siteId) throw new UnauthorizedError("an admin's access token is required");
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    if (!dashboardSite || siteId !== dashboardSite)
      throw new ForbiddenError('forbidden', "the queue dashboard is for the operator's admins");
    // The session carries the access token's version: a sign-out, a password or role change ends it too.
    const version = req.principal.kind === 'user' ? req.principal.tokenVersion : -1;
    const token = await new SignJWT({ site: siteId, ver: version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(admin.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(tokens.key);
    res.cookie(COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      path: DASHBOARD_PATH,
      maxAge: ttl * 1000,
      // Secure whenever the public address is https, whatever the proxy says (and in production unless it is http).
      secure: req.secure || secureCookies(deps.config),
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ url: `${DASHBOARD_PATH}/`, expiresInSeconds: ttl });
  });

  const guard: RequestHandler = async (req, res, next) => {
    const token = cookieOf(req, COOKIE);
    if (!token) throw new UnauthorizedError('sign in on /moderate as an admin and open the queue dashboard from there');
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, tokens.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      }));
    } catch {
      throw new UnauthorizedError('the queue dashboard session expired; open it again from /moderate');
    }
    const siteId = typeof claims.site === 'string' ? claims.site : '';
    const user =
      dashboardSite && siteId === dashboardSite && typeof claims.sub === 'string'
        ? await findUser(deps.db, siteId, claims.sub)
        : null;
    if (user?.role !== 'admin' || user.status !== 'active')
      throw new ForbiddenError('forbidden', "the queue dashboard is for the operator's admins");
    if (claims.ver !== user.tokenVersion)
      throw new UnauthorizedError('the queue dashboard session ended with your sign-in; open it again from /moderate');
    res.locals.dashboardAdmin = user;
    next();
  };

  // Readers' notifications too: their failed jobs are kept for an operator, and the sweep leaves a job that exists.
  const queues: Queue[] = [deps.queue, deps.tasks, deps.notifications];
  // A path segment as it was escaped; a malformed escape names no queue or job (a 400, not a failure of ours).
  const decoded = (segment: string) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new ValidationError('a queue or job id in the path is not a valid escape');
    }
  };
  const readOnly: RequestHandler = async (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const admin = res.locals.dashboardAdmin as User;
    const one = req.method === 'PUT' ? RETRY_JOB.exec(req.path) : null;
    const all = req.method === 'PUT' ? RETRY_FAILED.exec(req.path) : null;
    const queue = queues.find((q) => q.name === decoded((all ?? one)?.[1] ?? ''));
    if (!queue || (!one && !all))
      throw new ForbiddenError(
        'read_only',
        'the queue dashboard is read-only: retrying failed jobs is the only action',
      );
    let jobId: string | null = null;
    if (!all && one) {
      jobId = decoded(one[2]!);
      const job = await queue.getJob(jobId);
      if (!job || (await job.getState()) !== 'failed')
        throw new ForbiddenError('read_only', 'only a failed job may be retried from the queue dashboard');
    }
    await insertAudit(deps.db, {
      siteId: admin.siteId,
      actor: { id: admin.id, name: admin.displayName },
      action: jobId ? 'queue.retry_job' : 'queue.retry_failed',
      after: { queue: queue.name, ...(jobId ? { jobId } : {}) },
    });
    next();
  };

  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  const options = { readOnlyMode: false, allowRetries: true, allowCompletedRetries: false };
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, options)), serverAdapter: adapter });
  const board = Router();
  board.use(DASHBOARD_PATH, guard, readOnly, routeBase(DASHBOARD_PATH), adapter.getRouter() as RequestHandler);
  return { session, board };
}

/** Whether cookies must be Secure whatever the request looks like: an https public address, or production without one. */
function secureCookies(config: ApiDeps['config']): boolean {
  if (config.PUBLIC_URL) return new URL(config.PUBLIC_URL).protocol === 'https:';
  return config.NODE_ENV === 'production';
}
