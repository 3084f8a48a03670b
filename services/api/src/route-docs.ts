import type { RouteDoc } from './openapi/registry.js';
import { opsDocs } from './ops/routes.js';
import { authDocs } from './auth/routes.js';
import { postDocs } from './posts/routes.js';
import { commentDocs } from './comments/routes.js';
import { ownCommentDocs } from './comments/own-comments.js';
import { reactionDocs } from './comments/reaction-routes.js';
import { mineDocs } from './comments/mine-routes.js';
import { precheckDocs } from './precheck/routes.js';
import { notificationDocs } from './notifications/routes.js';
import { muteDocs } from './mutes/routes.js';
import { countDocs } from './counts/routes.js';
import { unsubscribeDocs } from './notifications/unsubscribe-page.js';
import { settingsDocs } from './sites/settings-routes.js';
import { apiKeyDocs } from './publishers/api-keys-routes.js';
import { publisherPostDocs } from './publishers/posts-routes.js';
import { publisherCommentDocs } from './publishers/comments-routes.js';
import { exportDocs } from './publishers/export-routes.js';
import { webhookDocs } from './webhooks/routes.js';
import { dataRightsDocs } from './me/routes.js';
import { moderationDocs, moderationPageDocs } from './moderation/routes.js';
import { learningDocs } from './moderation/learning-routes.js';
import { commentExtrasDocs } from './moderation/comment-extras-routes.js';
import { analyticsDocs } from './moderation/analytics-routes.js';
import { searchDocs } from './moderation/search-routes.js';
import { undoDocs } from './moderation/undo-routes.js';
import { surgeDocs } from './moderation/surge-routes.js';
import { readerDocs } from './readers/routes.js';
import { reportDocs } from './reports/routes.js';
import { auditDocs } from './audit/routes.js';
import { queueDashboardDocs } from './queue-board/queue-board.js';
import { widgetDocs } from './widget/routes.js';
import { docsRouteDocs } from './openapi/routes.js';
import { noticeDocs } from './dsa/notice-routes.js';
import { appealDocs } from './dsa/appeal-routes.js';
import { trustedFlaggerDocs } from './dsa/trusted-flagger-routes.js';
import { transparencyDocs } from './dsa/transparency-routes.js';

/**
 * Every route the API serves, in the order the reference shows them. Each feature declares its
 * routes' documentation next to its handlers (`route(...)`, from openapi/registry.ts) and adds one
 * line here; the OpenAPI test fails for a served route that is missing.
 */
export const ROUTE_DOCS: RouteDoc[] = [
  ...opsDocs,
  ...authDocs,
  ...postDocs,
  ...commentDocs,
  ...ownCommentDocs,
  ...reactionDocs,
  ...mineDocs,
  ...precheckDocs,
  ...notificationDocs,
  ...muteDocs,
  ...countDocs,
  ...unsubscribeDocs,
  ...settingsDocs,
  ...apiKeyDocs,
  ...publisherPostDocs,
  ...publisherCommentDocs,
  ...exportDocs,
  ...webhookDocs,
  ...dataRightsDocs,
  ...moderationDocs,
  ...commentExtrasDocs,
  ...learningDocs,
  ...analyticsDocs,
  ...searchDocs,
  ...undoDocs,
  ...surgeDocs,
  ...readerDocs,
  ...reportDocs,
  ...auditDocs,
  ...noticeDocs,
  ...appealDocs,
  ...trustedFlaggerDocs,
  ...transparencyDocs,
  ...queueDashboardDocs,
  ...moderationPageDocs,
  ...widgetDocs,
  ...docsRouteDocs,
];
