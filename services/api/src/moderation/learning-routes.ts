import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { staffOf } from '../auth/guards.js';
import { siteIdSchema } from '#shared/schemas.js';
import { withTransaction } from '#shared/db/pool.js';
import { insertAudit } from '#shared/db/audit.js';
import {
  countLikelyFine,
  findSiteAdapterStatus,
  likelyFineRecord,
  resetSiteAdapter,
} from '#shared/db/moderation-learning.js';
import { listScoredDecisions } from '#shared/db/shadow-scores.js';
import { agreement } from '#shared/agreement.js';
import type { SiteSettings } from '#shared/settings.js';
import { commonErrors, notFoundError, route } from '../openapi/registry.js';
import { findSettings } from './site-settings.js';
import { sharedModelVersion } from '#shared/scoring/model/index.js';

const siteParams = z.object({ siteId: siteIdSchema });
const PATH = '/api/v1/sites/:siteId/moderation';
const tag = 'Moderation';
/** Decided comments the scorer comparison reads (the most recent). */
const AGREEMENT_WINDOW = 5000;

const figures = z.object({ auc: z.number().nullable(), logLoss: z.number().nullable() });
const adapterSchema = z.object({
  enabled: z.boolean().describe('the site setting `adapter.enabled`'),
  ready: z
    .boolean()
    .describe('the adapter beat the shared model on its recent decisions, scored by the shared model that scores now'),
  inUse: z.boolean().describe('enabled and ready: new comments the embedded scorer scores are scored with it'),
  scoresEveryComment: z
    .boolean()
    .describe(
      "in use and the site's scorers include the embedded one; false while in use means it scores only comments a remote scorer could not (the fallback)",
    ),
  decisionsLearned: z.number().int().describe('since creation or the last reset'),
  waiting: z.number().int().describe('decisions recorded and not yet learned'),
  window: z.object({ n: z.number().int(), rejected: z.number().int() }).describe('the shadow evaluation window'),
  base: figures.describe('the shared model on the window, each decision scored before it was learned'),
  adapter: figures.describe('the adapter on the window, each decision scored before it was learned'),
  groupContext: z
    .boolean()
    .describe(
      "it reads the words near a protected group's name apart from the rest; false for an adapter started before adapters could, until it is reset",
    ),
  sharedModel: z.string().describe('the shared model that scores now (`scored_by[].model`)'),
  learnedOn: z
    .string()
    .nullable()
    .describe(
      "the shared model that scored the shadow window; another than `sharedModel` (a new version shipped) means the figures are the old one's and the adapter is checked again on the next decisions before it is used",
    ),
  updatedAt: z.iso.datetime().nullable(),
  resetAt: z.iso.datetime().nullable(),
});
const likelyFineSchema = z.object({
  below: z.number().describe('the site setting `likelyFineBelow`'),
  waiting: z.number().int().describe('held comments in the lane now'),
  decided: z.number().int().describe('moderator decisions on comments that were in the lane when decided'),
  approved: z.number().int(),
  precision: z.number().nullable().describe('approved ÷ decided (null before any decision)'),
});
const agreementFigures = z.object({
  n: z.number().int(),
  rejected: z.number().int(),
  auc: z.number().nullable(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
});
const agreementSchema = z.object({
  threshold: z.number().describe("the site's TOXICITY hold threshold (0.5 when it has none)"),
  decided: z.number().int().describe('decided comments read (the most recent, at most 5000)'),
  primary: agreementFigures.extend({ scorers: z.array(z.string()) }),
  shadow: agreementFigures.extend({ scorer: z.string() }).nullable(),
});

export const learningDocs = [
  route({
    method: 'get',
    path: `${PATH}/adapter`,
    tag,
    auth: 'site admin',
    summary: "The site's adapter: decisions learned, shadow figures against the shared model, in use or not",
    params: siteParams,
    responses: { 200: { description: 'the adapter', schema: z.object({ adapter: adapterSchema }) }, ...commonErrors },
  }),
  route({
    method: 'post',
    path: `${PATH}/adapter/reset`,
    tag,
    auth: 'site admin',
    summary: "Reset the site's adapter to the shared model (what it learned and decisions waiting are dropped)",
    params: siteParams,
    responses: {
      200: { description: 'the adapter after the reset', schema: z.object({ adapter: adapterSchema }) },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'get',
    path: `${PATH}/likely-fine`,
    tag,
    auth: 'site moderator or admin',
    summary: 'The likely-fine lane: its level, how many wait in it, and its measured precision',
    params: siteParams,
    responses: {
      200: { description: 'the lane', schema: z.object({ likelyFine: likelyFineSchema }) },
      ...commonErrors,
      ...notFoundError,
    },
  }),
  route({
    method: 'get',
    path: `${PATH}/scorers/agreement`,
    tag,
    auth: 'site admin',
    summary: "How the site's scorers and its shadow scorer agree with its moderators (AUC, precision and recall)",
    params: siteParams,
    responses: {
      200: { description: 'the comparison', schema: z.object({ agreement: agreementSchema }) },
      ...commonErrors,
      ...notFoundError,
    },
  }),
];

async function adapterView(deps: ApiDeps, siteId: string, settings: SiteSettings) {
  const a = await findSiteAdapterStatus(deps.db, siteId);
  const s = a.stats;
  const sharedModel = sharedModelVersion();
  // The worker uses an adapter only on the shared model its window was scored with (site-adapters.ts).
  const ready = a.inUse && a.learnedOn === sharedModel;
  return {
    enabled: settings.adapter.enabled,
    ready,
    inUse: settings.adapter.enabled && ready,
    scoresEveryComment: settings.adapter.enabled && ready && settings.scorers.includes('embedded'),
    decisionsLearned: s?.total ?? 0,
    waiting: a.waiting,
    window: { n: s?.n ?? 0, rejected: s?.positives ?? 0 },
    base: s?.base ?? { auc: null, logLoss: null },
    adapter: s?.adapter ?? { auc: null, logLoss: null },
    groupContext: a.groupContext,
    sharedModel,
    learnedOn: a.learnedOn,
    updatedAt: s ? (a.updatedAt?.toISOString() ?? null) : null,
    resetAt: a.resetAt?.toISOString() ?? null,
  };
}

/**
 * What the site's moderators taught: the adapter (figures and reset), the likely-fine lane's measured
 * precision, and how the site's scorers and its shadow scorer agree with its decisions.
 */
export function learningRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();

  r.get('/sites/:siteId/moderation/adapter', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'admin');
    const settings = await findSettings(deps.db, siteId);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ adapter: await adapterView(deps, siteId, settings) });
  });

  r.post('/sites/:siteId/moderation/adapter/reset', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const admin = await staffOf(deps.db, req, siteId, 'admin');
    const settings = await findSettings(deps.db, siteId);
    await withTransaction(deps.db, async (tx) => {
      await resetSiteAdapter(tx, siteId);
      await insertAudit(tx, { siteId, actor: { id: admin.userId, name: admin.name }, action: 'adapter.reset' });
    });
    req.log.info({ siteId, by: admin.userId }, 'site adapter reset');
    res.json({ adapter: await adapterView(deps, siteId, settings) });
  });

  r.get('/sites/:siteId/moderation/likely-fine', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    const { likelyFineBelow: below } = await findSettings(deps.db, siteId);
    const [waiting, record] = await Promise.all([
      countLikelyFine(deps.db, siteId, below),
      likelyFineRecord(deps.db, siteId),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      likelyFine: {
        below,
        waiting,
        ...record,
        precision: record.decided > 0 ? record.approved / record.decided : null,
      },
    });
  });

  r.get('/sites/:siteId/moderation/scorers/agreement', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'admin');
    const settings = await findSettings(deps.db, siteId);
    const threshold = settings.thresholds.hold.TOXICITY ?? 0.5;
    const decided = await listScoredDecisions(deps.db, siteId, AGREEMENT_WINDOW, settings.shadowScorer ?? null);
    // With a shadow scorer, both are measured on the comments both scored, so the figures compare.
    const both = decided.filter((d) => d.primary !== null && d.shadow !== null);
    const primarySet = settings.shadowScorer ? both : decided.filter((d) => d.primary !== null);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      agreement: {
        threshold,
        decided: decided.length,
        primary: {
          scorers: settings.scorers,
          ...agreement(
            primarySet.map((d) => ({ score: d.primary!, label: d.label })),
            threshold,
          ),
        },
        shadow: settings.shadowScorer
          ? {
              scorer: settings.shadowScorer,
              ...agreement(
                both.map((d) => ({ score: d.shadow!, label: d.label })),
                threshold,
              ),
            }
          : null,
      },
    });
  });

  return r;
}
