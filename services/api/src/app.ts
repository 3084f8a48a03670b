import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { ApiDeps } from './deps.js';
import { errorHandler, notFound } from './http/errors.js';
import { MERGE_PATCH, requireJson } from './http/require-json.js';
import { limitJsonDepth } from './http/json-depth.js';
import { measureHttp } from './http/metrics.js';
import { redactUrl } from './http/redact-url.js';
import { requestIdOf } from './http/request-id.js';
import { authenticate, createPassport } from './auth/passport.js';
import { authRoutes } from './auth/routes.js';
import { tokenKeys } from './auth/tokens.js';
import { postRoutes } from './posts/routes.js';
import { commentRoutes } from './comments/routes.js';
import { precheckRoutes } from './precheck/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { muteRoutes } from './mutes/routes.js';
import { countRoutes } from './counts/routes.js';
import { unsubscribePages } from './notifications/unsubscribe-page.js';
import { opsRoutes } from './ops/routes.js';
import { settingsRoutes } from './sites/settings-routes.js';
import { moderationRoutes } from './moderation/routes.js';
import { learningRoutes } from './moderation/learning-routes.js';
import { analyticsRoutes } from './moderation/analytics-routes.js';
import { searchRoutes } from './moderation/search-routes.js';
import { undoRoutes } from './moderation/undo-routes.js';
import { surgeRoutes } from './moderation/surge-routes.js';
import { readerRoutes } from './readers/routes.js';
import { reportRoutes } from './reports/routes.js';
import { auditRoutes } from './audit/routes.js';
import { queueDashboard } from './queue-board/queue-board.js';
import { moderationPage } from './assets/moderate-page.js';
import { browserAssets } from './assets/store.js';
import { bodySiteOrigin, widgetCors } from './widget/cors.js';
import { crossOriginReadable, widgetApiRoutes, widgetPages } from './widget/routes.js';
import { apiKeyRoutes } from './publishers/api-keys-routes.js';
import { publisherPostRoutes } from './publishers/posts-routes.js';
import { publisherCommentRoutes } from './publishers/comments-routes.js';
import { exportRoutes } from './publishers/export-routes.js';
import { webhookRoutes } from './webhooks/routes.js';
import { dataRightsRoutes } from './me/routes.js';
import { docsRoutes } from './openapi/routes.js';
import { commentExtrasRoutes } from './moderation/comment-extras-routes.js';
import { noticeRoutes } from './dsa/notice-routes.js';
import { appealRoutes } from './dsa/appeal-routes.js';
import { trustedFlaggerRoutes } from './dsa/trusted-flagger-routes.js';
import { transparencyRoutes } from './dsa/transparency-routes.js';
import { ROUTE_DOCS } from './route-docs.js';

/** Builds the Express app from its dependencies. Never listens: main.ts or supertest does. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', parseTrustProxy(deps.config.TRUST_PROXY));
  app.set('etag', false);
  const assets = deps.assets ?? browserAssets({ production: deps.config.NODE_ENV === 'production' });
  const security = helmet();
  const { siteOrigins } = deps;

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
      },
    }),
  );
  app.use(measureHttp(deps.metrics));
  app.use(security);
  app.use(opsRoutes(deps));
  const docs = docsRoutes(ROUTE_DOCS, { demoUrl: deps.config.DEMO_URL });
  app.use(docs.root);
  app.use('/embed.js', crossOriginReadable);
  app.use(widgetPages(deps, assets));
  app.use(unsubscribePages(deps));

  const tokens = tokenKeys(deps.config.JWT_SECRET, deps.config.ACCESS_TOKEN_TTL_S);
  const passport = createPassport({ ...deps, tokens });
  const bearer = authenticate(passport, 'bearer');

  const api = express.Router();
  api.use(crossOriginReadable);
  api.use(widgetCors(siteOrigins));
  api.use(requireJson);
  api.use(express.json({ limit: '64kb', strict: true, type: ['application/json', MERGE_PATCH] }));
  api.use(limitJsonDepth);
  api.use(bodySiteOrigin(siteOrigins));
  api.use(authRoutes(deps, passport, tokens, bearer));
  api.use(postRoutes(deps, bearer));
  api.use(commentRoutes(deps, bearer));
  api.use(precheckRoutes(deps, bearer));
  api.use(notificationRoutes(deps, bearer));
  api.use(muteRoutes(deps, bearer));
  api.use(countRoutes(deps));
  api.use(settingsRoutes(deps, bearer));
  api.use(moderationRoutes(deps, bearer));
  api.use(commentExtrasRoutes(deps, bearer));
  api.use(learningRoutes(deps, bearer));
  api.use(analyticsRoutes(deps, bearer));
  api.use(searchRoutes(deps, bearer));
  api.use(undoRoutes(deps, bearer));
  api.use(surgeRoutes(deps, bearer));
  api.use(readerRoutes(deps, bearer));
  api.use(reportRoutes(deps, bearer));
  api.use(auditRoutes(deps, bearer));
  const dashboard = queueDashboard(deps, tokens, bearer);
  api.use(dashboard.session);
  api.use(widgetApiRoutes(deps));
  api.use(apiKeyRoutes(deps, bearer));
  api.use(publisherPostRoutes(deps, bearer));
  api.use(publisherCommentRoutes(deps, bearer));
  api.use(exportRoutes(deps, bearer));
  api.use(webhookRoutes(deps, bearer));
  api.use(dataRightsRoutes(deps, bearer));
  api.use(noticeRoutes(deps, bearer));
  api.use(appealRoutes(deps, bearer));
  api.use(trustedFlaggerRoutes(deps, bearer));
  api.use(transparencyRoutes(deps, bearer));
  api.use(docs.api);
  app.use('/api/v1', api);
  app.use(dashboard.board);
  app.use(moderationPage(assets));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
