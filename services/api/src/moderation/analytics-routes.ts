import { consume } from '../http/rate-limit.js';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { apiKeyOf, staffOf } from '../auth/guards.js';
import { ValidationError } from '../http/app-error.js';
import { siteIdSchema } from '#shared/schemas.js';
import { withReadOnlySnapshot, type Queryable } from '#shared/db/pool.js';
import { moderationAnalytics } from '#shared/db/moderation-analytics.js';
import { commonErrors, route, rateLimitedError } from '../openapi/registry.js';

/** The longest range one request reads. */
export const MAX_RANGE_DAYS = 92;
const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;

const siteParams = z.object({ siteId: siteIdSchema });
const instant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'a date (2026-01-31) or an ISO time with its offset',
  })
  .transform((s) => new Date(s));
export const analyticsQuery = z.object({
  from: instant.optional().describe(`start, inclusive (default: ${DEFAULT_DAYS} days before \`to\`)`),
  to: instant.optional().describe('end, exclusive (default: now)'),
});

const figure = z.number().int();
const analyticsSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  volume: z.array(z.object({ day: z.string(), total: figure, approved: figure, pending: figure, rejected: figure })),
  decidedBy: z.object({ automatic: figure, human: figure, undecided: figure }),
  timeToDecision: z.object({ decided: figure, p50Seconds: figure.nullable(), p90Seconds: figure.nullable() }),
  backlog: z.object({ pending: figure, oldestAt: z.iso.datetime().nullable(), oldestAgeSeconds: figure.nullable() }),
  moderators: z.array(z.object({ id: z.uuid(), name: z.string(), approved: figure, rejected: figure })),
  reasons: z.array(z.object({ rule: z.string(), comments: figure })),
  reversals: z.object({ total: figure, undone: figure }),
  appeals: z.object({ received: figure, upheld: figure, reversed: figure }),
});

export const analyticsDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/analytics',
    tag: 'Moderation',
    auth: 'moderator or admin of the site, or a publisher key with `comments:read`',
    summary: `Moderation figures over a range of at most ${MAX_RANGE_DAYS} days`,
    params: siteParams,
    query: analyticsQuery,
    responses: {
      200: { description: 'the figures', schema: z.object({ analytics: analyticsSchema }) },
      ...commonErrors,
      ...rateLimitedError,
    },
  }),
];

/** The site's staff, or the publisher's server with a read key: both may read the figures. */
async function analyticsReader(db: Queryable, req: Request, siteId: string): Promise<void> {
  if (req.principal?.kind === 'apiKey') apiKeyOf(req, siteId, 'comments:read');
  else await staffOf(db, req, siteId, 'moderator');
}

/** How the desk is doing: volume, who decided, how fast, what waits, who decided what, why. */
export function analyticsRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.get('/sites/:siteId/moderation/analytics', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await analyticsReader(deps.db, req, siteId);
    // Per site, whoever asks: a key polling in parallel cannot take the pool from the site's desk or other sites.
    await consume(deps.limiters, deps.limiters.analyticsSite, siteId);
    const q = parse(analyticsQuery, req.query, 'query');
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
    if (from >= to || to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw new ValidationError(`invalid query: from must be before to, at most ${MAX_RANGE_DAYS} days apart`, [
        { path: 'from', message: `before \`to\`, at most ${MAX_RANGE_DAYS} days earlier` },
      ]);
    }
    res.setHeader('Cache-Control', 'no-store');
    // One connection of the pool however many figures, so a few dashboards cannot take the pool from other sites.
    const analytics = await withReadOnlySnapshot(deps.db, (tx) => moderationAnalytics(tx, { siteId, from, to }));
    res.json({ analytics });
  });
  return r;
}
