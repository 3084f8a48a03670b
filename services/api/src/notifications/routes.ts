import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { siteIdSchema, uuidSchema } from '#shared/schemas.js';
import {
  EMAIL_MODES,
  countUnread,
  findEmailMode,
  listNotifications,
  markRead,
  setEmailMode,
} from '#shared/db/notifications.js';
import type { ApiDeps } from '../deps.js';
import { clientKey } from '../http/client-key.js';
import { tooManyStreams } from '../widget/stream-admission.js';
import { FrameWriter } from '../widget/thread-events.js';
import { opening } from '../widget/events-route.js';
import { userOf } from '../auth/guards.js';
import { ConflictError, RateLimitedError } from '../http/app-error.js';
import { consume } from '../http/rate-limit.js';
import { parse } from '../http/validate.js';
import { userStreamKey } from './stream-key.js';
import { commonErrors, errorSchema, rateLimitedError, route } from '../openapi/registry.js';

const siteParams = z.object({ siteId: siteIdSchema });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(20) });
const readBody = z.object({
  ids: z.array(uuidSchema).min(1).max(100).optional().describe('the notifications to mark read; all when left out'),
});
const settingsBody = z.object({
  email: z.enum(EMAIL_MODES).describe('off (default), immediate, or one daily digest'),
});

/** The one frame a reader's stream carries besides heartbeats. */
const NOTIFICATIONS_FRAME = 'event: notifications\ndata: {}\n\n';
const iso = z.iso.datetime({ offset: true });
const notificationSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['reply', 'decision', 'featured']),
  status: z.enum(['approved', 'rejected']).nullable().describe('for a decision: what the moderator decided'),
  createdAt: iso,
  read: z.boolean(),
  comment: z.object({ id: z.uuid(), postId: z.string(), excerpt: z.string() }),
  post: z.object({ title: z.string(), url: z.string() }),
  from: z.object({ id: z.uuid(), name: z.string() }).nullable().describe('for a reply: who replied'),
});
const listAnswer = z.object({ notifications: z.array(notificationSchema), unread: z.number().int() });
const settingsAnswer = z.object({
  email: z.enum(EMAIL_MODES),
  canEmail: z.boolean().describe('whether the account has an address the service may write to'),
  emailBounced: z
    .boolean()
    .describe(
      'whether a mail server refused the address for good: no email is sent to it until it changes or the reader confirms it again (POST /auth/verify-email/resend)',
    ),
  delivery: z.enum(['email', 'webhook']).describe("the site's choice: email, or webhook only (then no email is sent)"),
});

export const notificationDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/notifications',
    tag: 'Notifications',
    auth: 'reader access token',
    summary:
      "The reader's newest notifications (replies, decisions on held comments, featured comments) and the unread count",
    params: siteParams,
    query: listQuery,
    responses: { 200: { description: 'the list', schema: listAnswer }, ...commonErrors, ...rateLimitedError },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/notifications/read',
    tag: 'Notifications',
    auth: 'reader access token',
    summary: 'Mark notifications read (all when no ids are given)',
    params: siteParams,
    body: readBody,
    responses: {
      200: { description: 'the unread count after', schema: z.object({ unread: z.number().int() }) },
      ...commonErrors,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/notifications/settings',
    tag: 'Notifications',
    auth: 'reader access token',
    summary: "The reader's notification email choice",
    params: siteParams,
    responses: { 200: { description: 'the choice', schema: settingsAnswer }, ...commonErrors, ...rateLimitedError },
  }),
  route({
    method: 'put',
    path: '/api/v1/sites/:siteId/notifications/settings',
    tag: 'Notifications',
    auth: 'reader access token',
    summary: 'Opt in or out of notification email: off, immediate, or a daily digest',
    params: siteParams,
    body: settingsBody,
    responses: {
      200: { description: 'the choice', schema: settingsAnswer },
      ...commonErrors,
      409: { description: '`no_email`: the account has no confirmed address', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/notifications/events',
    tag: 'Notifications',
    auth: 'reader access token',
    summary:
      'Server-sent events: `notifications` when the reader has a new one (read with fetch: it needs the Authorization header)',
    params: siteParams,
    responses: {
      200: { description: 'an event stream', contentType: 'text/event-stream', schema: z.string() },
      ...commonErrors,
      ...rateLimitedError,
    },
  }),
];

/** A signed-in reader's notifications: list, unread count, mark read, email choice, and their live stream. */
export function notificationRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  const reader = async (req: Request) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const user = userOf(req, siteId);
    await consume(deps.limiters, deps.limiters.readerUser, `${siteId}:${user.userId}`);
    return { siteId, userId: user.userId };
  };
  const settingsOf = async (q: { siteId: string; userId: string }) => {
    const [email, who, site] = await Promise.all([
      findEmailMode(deps.db, q),
      deps.db.query<{ can_email: boolean; email_bounced: boolean }>(
        `SELECT email IS NOT NULL AND deleted_at IS NULL AND (password_hash IS NULL OR email_verified_at IS NOT NULL) AS can_email,
                email_bounced_at IS NOT NULL AS email_bounced
           FROM users WHERE id = $1 AND site_id = $2`,
        [q.userId, q.siteId],
      ),
      deps.db.query<{ delivery: string | null }>(
        `SELECT settings->>'readerNotifications' AS delivery FROM sites WHERE id = $1`,
        [q.siteId],
      ),
    ]);
    return {
      email,
      canEmail: who.rows[0]?.can_email === true,
      emailBounced: who.rows[0]?.email_bounced === true,
      delivery: site.rows[0]?.delivery === 'webhook' ? ('webhook' as const) : ('email' as const),
    };
  };

  r.get('/sites/:siteId/notifications', bearer, async (req, res) => {
    const q = await reader(req);
    const { limit } = parse(listQuery, req.query, 'query');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listNotifications(deps.db, { ...q, limit }));
  });

  r.post('/sites/:siteId/notifications/read', bearer, async (req, res) => {
    const q = await reader(req);
    const body = parse(readBody, req.body);
    await markRead(deps.db, { ...q, ids: body.ids ?? null });
    res.json({ unread: await countUnread(deps.db, q) });
  });

  r.get('/sites/:siteId/notifications/settings', bearer, async (req, res) => {
    const q = await reader(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await settingsOf(q));
  });

  r.put('/sites/:siteId/notifications/settings', bearer, async (req, res) => {
    const q = await reader(req);
    const { email } = parse(settingsBody, req.body);
    const current = await settingsOf(q);
    if (email !== 'off' && !current.canEmail)
      throw new ConflictError('no_email', 'this account has no confirmed email address to write to');
    await setEmailMode(deps.db, { ...q, email });
    res.json({ ...current, email });
  });

  r.get('/sites/:siteId/notifications/events', bearer, async (req, res) => {
    const q = await reader(req);
    openUserStream(deps, req, res, q);
  });
  return r;
}

/** The reader's stream: shares the process's stream limits with the posts' live-update streams. */
function openUserStream(deps: ApiDeps, req: Request, res: Response, q: { siteId: string; userId: string }): void {
  // The client went while its token was checked: its 'close' has passed, so nothing would remove the stream.
  if (res.destroyed) return;
  const ip = clientKey(req.ip);
  const { threadEvents: hub, config } = deps;
  if (hub.openCount() >= config.SSE_MAX_STREAMS) throw tooManyStreams();
  if (hub.openCount(ip) >= config.SSE_MAX_PER_IP) throw new RateLimitedError(30);
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(opening());
  const writer = new FrameWriter(res);
  const remove = hub.add(q.siteId, userStreamKey(q.userId), ip, {
    // Heartbeats (comment frames) pass as they are; a change says only "something new": the widget
    // reads its list (and so its count) itself.
    send: (frame) => writer.send(frame.startsWith(':') ? frame : NOTIFICATIONS_FRAME),
    close: () => res.end(),
  });
  res.once('close', remove);
}
