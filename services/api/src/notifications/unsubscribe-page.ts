import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../http/app-error.js';
import { z } from 'zod';
import { setEmailMode } from '#shared/db/notifications.js';
import { verifyUnsubscribeToken } from '#shared/notifications/unsubscribe-token.js';
import type { ApiDeps } from '../deps.js';
import { consume } from '../http/rate-limit.js';
import { clientKey } from '../http/client-key.js';
import { errorSchema, rateLimitedError, route } from '../openapi/registry.js';

const tokenQuery = z.object({ token: z.string().max(512).optional() });

export const unsubscribeDocs = [
  route({
    method: 'get',
    path: '/notifications/unsubscribe',
    tag: 'Notifications',
    auth: "the signed token of the email's link (it can only turn that reader's notification email off)",
    summary: "The page an email's unsubscribe link opens: it asks before it acts",
    query: tokenQuery,
    responses: {
      200: { description: 'the page', contentType: 'text/html', schema: z.string() },
      400: {
        description: 'an invalid or expired link (an HTML page saying so)',
        contentType: 'text/html',
        schema: z.string(),
      },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'post',
    path: '/notifications/unsubscribe',
    tag: 'Notifications',
    auth: "the signed token of the email's link",
    summary:
      "Turns the reader's notification email off (the page's button, or a mail client's RFC 8058 one-click POST)",
    query: tokenQuery,
    responses: {
      200: { description: 'done (an HTML page)', contentType: 'text/html', schema: z.string() },
      400: { description: 'an invalid or expired link', contentType: 'text/html', schema: errorSchema },
      ...rateLimitedError,
    },
  }),
];

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: Response, status: number, title: string, inner: string): void {
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${inner}</main></body></html>`);
}

/**
 * The page's form, a mail client's one-click POST (a form or multipart body; the token is in the link) or
 * JSON; anything else is a 415 before parsing.
 */
const formOrJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'])) {
    next(new AppError('unsupported_media_type', 415, 'send a form or JSON body'));
    return;
  }
  next();
};

/**
 * The unsubscribe link of readers' notification emails. It works without signing in: the token is
 * signed for this one purpose and names one reader. Opening the link only shows a button (mail
 * scanners follow links); the button, or a one-click POST from the mail client, turns the email off.
 */
export function unsubscribePages(deps: ApiDeps): Router {
  const r = Router();
  const tokenOf = (req: Request): string => {
    const q = tokenQuery.safeParse(req.query);
    const fromBody = (req.body as { token?: unknown } | undefined)?.token;
    return (q.success ? q.data.token : undefined) ?? (typeof fromBody === 'string' ? fromBody.slice(0, 512) : '');
  };
  const invalid = (res: Response) =>
    page(
      res,
      400,
      'This link does not work',
      '<p>The link is not valid or has expired. Change your notification emails from the comments instead.</p>',
    );

  r.get('/notifications/unsubscribe', async (req, res) => {
    await consume(deps.limiters, deps.limiters.unsubscribeIp, clientKey(req.ip));
    const token = tokenOf(req);
    if (!verifyUnsubscribeToken(deps.config.JWT_SECRET, token)) return invalid(res);
    page(
      res,
      200,
      'Stop comment notification emails?',
      `<form method="post" action="/notifications/unsubscribe"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Stop notification emails</button></form>`,
    );
  });

  r.post(
    '/notifications/unsubscribe',
    formOrJson,
    express.urlencoded({ extended: false, limit: '2kb' }),
    express.json({ limit: '64kb' }),
    async (req, res) => {
      await consume(deps.limiters, deps.limiters.unsubscribeIp, clientKey(req.ip));
      const reader = verifyUnsubscribeToken(deps.config.JWT_SECRET, tokenOf(req));
      if (!reader) return invalid(res);
      await setEmailMode(deps.db, { ...reader, email: 'off' });
      page(
        res,
        200,
        'Notification emails stopped',
        '<p>You will receive no more comment notification emails. You can turn them on again from the comments.</p>',
      );
    },
  );
  return r;
}
