import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { AppError, ValidationError } from '../http/app-error.js';
import { publisherOf } from '../publishers/access.js';
import { siteIdSchema } from '#shared/schemas.js';
import { transparencyFigures, type TransparencyFigures } from '#shared/db/dsa-transparency.js';
import { listStatementsBetween } from '#shared/db/dsa-statements.js';
import { EU_MEMBER_STATES, tdbStatement } from '#shared/dsa/tdb.js';
import { commonErrors, errorSchema, notFoundError, route, rateLimitedError } from '../openapi/registry.js';
import { dsaSite } from './notice-routes.js';

const siteParams = z.object({ siteId: siteIdSchema });
const MAX_STATEMENTS = 100_000;
const date = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s));
export const periodQuery = z.object({
  from: date.optional().describe('start of the period, inclusive (default: 1 January of this year, UTC)'),
  to: date.optional().describe('end of the period, exclusive (default: now)'),
  format: z.enum(['json', 'csv']).optional().describe('`csv`, or ask with `Accept: text/csv`'),
});
const auth = 'publisher key (transparency:read) or site admin';

export const transparencyDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/transparency',
    tag: 'DSA',
    auth,
    summary: 'Transparency figures for a period (DSA Art. 15 and 24), as JSON or CSV',
    params: siteParams,
    query: periodQuery,
    responses: {
      200: {
        description: 'the figures (CSV: section,metric,key,value)',
        schema: z.looseObject({ period: z.looseObject({}) }),
      },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/transparency/statements',
    tag: 'DSA',
    auth,
    summary: "The period's statements of reasons in the EU Transparency Database's submission format (a file)",
    params: siteParams,
    query: periodQuery.omit({ format: true }),
    responses: {
      200: { description: '`{"statements": [...]}`', schema: z.object({ statements: z.array(z.looseObject({})) }) },
      422: {
        description: '`period_too_long`: more than 100,000 statements; ask for a shorter period',
        schema: errorSchema,
      },
      ...commonErrors,
      ...rateLimitedError,
      ...notFoundError,
    },
  }),
];

function period(q: { from?: Date; to?: Date }) {
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(Date.UTC(to.getUTCFullYear(), 0, 1));
  if (from >= to)
    throw new ValidationError('invalid query: from: must be before to', [
      { path: 'from', message: 'must be before to' },
    ]);
  return { from, to };
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  // Quoted when needed; a leading =, +, - or @ is neutralised so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One row per figure: section, metric, key (for breakdowns), value. */
export function transparencyCsv(f: TransparencyFigures): string {
  const rows: (string | number | null)[][] = [['section', 'metric', 'key', 'value']];
  for (const [section, figures] of Object.entries(f) as [string, Record<string, unknown>][]) {
    for (const [metric, value] of Object.entries(figures)) {
      if (value !== null && typeof value === 'object') {
        for (const [key, n] of Object.entries(value as Record<string, number>).sort(([a], [b]) => a.localeCompare(b)))
          rows.push([section, metric, key, n]);
      } else rows.push([section, metric, '', value as number | null]);
    }
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function transparencyRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.get('/sites/:siteId/transparency', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'transparency:read');
    const q = parse(periodQuery, req.query, 'query');
    const { from, to } = period(q);
    await dsaSite(deps, siteId);
    const figures = await transparencyFigures(deps.db, { siteId, from, to });
    res.setHeader('Cache-Control', 'no-store');
    res.vary('Accept');
    const csv =
      q.format === 'csv' || (q.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (csv) {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${siteId}-transparency.csv"`);
      res.send(transparencyCsv(figures));
      return;
    }
    res.json({ siteId, period: { from: from.toISOString(), to: to.toISOString() }, ...figures });
  });

  r.get('/sites/:siteId/transparency/statements', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await publisherOf(deps.db, req, siteId, 'transparency:read');
    const { from, to } = period(parse(periodQuery.omit({ format: true }), req.query, 'query'));
    await dsaSite(deps, siteId);
    // A file of up to MAX_STATEMENTS is built in memory: it takes the site's export slot and the exports' own pool,
    // so a few such requests at once get 429 instead of taking the process's memory and connections.
    const release = deps.exports.acquire(siteId);
    try {
      const rows = await listStatementsBetween(deps.exports.db, { siteId, from, to, limit: MAX_STATEMENTS + 1 });
      // One file holds at most MAX_STATEMENTS: a longer period is refused, never cut short without a word.
      if (rows.length > MAX_STATEMENTS)
        throw new AppError(
          'period_too_long',
          422,
          `more than ${MAX_STATEMENTS} statements in this period: ask for a shorter one (from, to)`,
        );
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Disposition', `attachment; filename="${siteId}-statements-of-reasons.json"`);
      res.json({ statements: rows.map((s) => tdbStatement(s, { territorialScope: EU_MEMBER_STATES })) });
    } finally {
      release();
    }
  });

  return r;
}
