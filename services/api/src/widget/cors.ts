import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { AppError, ForbiddenError } from '../http/app-error.js';
import type { SiteOrigins } from './site-origins.js';

// The router matches paths case-insensitively (`/SITES/…` reaches the site routes), so these checks do too;
// any segment after `sites/` names a site, even one no site has (then no origin is registered for it).
const SITE_PATH_RE = /^\/sites\/([^/]*)(?:\/|$)/i;
const AUTH_PATH_RE = /^\/auth\//i;
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
export const EXPOSE_HEADERS = 'Retry-After, X-Request-Id, ETag';

/**
 * Whether the Origin is the API's own host (its pages: the moderation page, the sign-in popup).
 * The host alone is compared: behind a TLS proxy that does not say X-Forwarded-Proto the API
 * sees http while the browser says https.
 */
function isSelf(req: IncomingMessage, origin: string): boolean {
  try {
    // What `req.get('host')` reads; the paths before the app (server.ts) have no Express request.
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The path as the router will match it: decoded (`/sites/%73ite-a/…` is site-a's); null when it cannot be. */
function routedPath(req: Request): string | null {
  try {
    return decodeURIComponent(req.path);
  } catch {
    return null;
  }
}

/** The browser origin of a cross-origin request, or null for same-origin and server-to-server calls. */
export function crossOrigin(req: IncomingMessage): string | null {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || isSelf(req, origin)) return null;
  return origin;
}

/**
 * Why a browser on `origin` may not call a path of `siteId` (null: no site in the path), or null when it may:
 * the site does not exist, or the origin is not one of its registered origins (of any site's, without one).
 */
export async function originRefusal(
  origins: SiteOrigins,
  origin: string,
  siteId: string | null,
): Promise<AppError | null> {
  if (siteId !== null && (await origins.of(siteId)) === null) {
    return new AppError('site_not_found', 404, `site '${siteId}' does not exist`);
  }
  if (await origins.allows(origin, siteId)) return null;
  return new ForbiddenError(
    'origin_not_allowed',
    siteId
      ? `the origin ${origin} is not registered for site ${siteId}`
      : `the origin ${origin} is not registered for any site`,
  );
}

/**
 * CORS for the widget, per site: a request from a browser is answered only when its Origin is
 * one of the site's registered origins (for paths without a site, one of any site's). No
 * credentials are ever allowed: readers' tokens are bearer tokens the widget holds in memory.
 * Callers without an Origin (publishers' servers) and same-origin pages pass untouched.
 */
export function widgetCors(origins: SiteOrigins): RequestHandler {
  return async (req, res, next) => {
    // Always: a shared cache must not serve one origin's answer (or a server's, without CORS headers) to another.
    res.vary('Origin');
    const origin = crossOrigin(req);
    if (origin === null) return next();
    const path = routedPath(req);
    if (path === null) throw new ForbiddenError('origin_not_allowed', `the origin ${origin} may not call this path`);
    const siteId = SITE_PATH_RE.exec(path)?.[1]?.toLowerCase() ?? null;
    // A refused GET or POST is still readable by the page, so the widget can tell its developer why
    // (the answer carries nothing but the reason); a refused preflight stays opaque.
    const refuse = (err: AppError): never => {
      if (req.method !== 'OPTIONS') res.setHeader('Access-Control-Allow-Origin', origin);
      throw err;
    };
    const refusal = await originRefusal(origins, origin, siteId);
    if (refusal) refuse(refusal);
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * For sign-in, whose site is in the body: a browser on another origin must be on one of that
 * site's origins, not merely on some site's.
 */
export function bodySiteOrigin(origins: SiteOrigins): RequestHandler {
  return async (req, _res, next) => {
    const origin = crossOrigin(req);
    const siteId = (req.body as { siteId?: unknown } | undefined)?.siteId;
    if (
      origin !== null &&
      AUTH_PATH_RE.test(routedPath(req) ?? '/auth/') &&
      typeof siteId === 'string' &&
      !(await origins.allows(origin, siteId))
    ) {
      throw new ForbiddenError('origin_not_allowed', `the origin ${origin} is not registered for this site`);
    }
    next();
  };
}
