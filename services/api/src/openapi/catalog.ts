import type { RouteDoc } from './registry.js';
import { coreDocs } from './core-docs.js';
import { apiKeyDocs } from '../publishers/api-keys-routes.js';
import { publisherPostDocs } from '../publishers/posts-routes.js';
import { publisherCommentDocs } from '../publishers/comments-routes.js';
import { exportDocs } from '../publishers/export-routes.js';
import { webhookDocs } from '../webhooks/routes.js';
import { dataRightsDocs } from '../me/routes.js';
import { docsRouteDocs } from './routes.js';
import { moderationDocs } from './moderation-docs.js';
import { learningDocs } from '../moderation/learning-routes.js';
import { widgetDocs } from './widget-docs.js';

/**
 * Every route the API serves, in the order the reference shows them. A new feature adds its
 * `route(...)` declarations next to its handlers and one line here.
 */
export const ROUTE_DOCS: RouteDoc[] = [
  ...coreDocs,
  ...apiKeyDocs,
  ...publisherPostDocs,
  ...publisherCommentDocs,
  ...exportDocs,
  ...webhookDocs,
  ...dataRightsDocs,
  ...moderationDocs,
  ...learningDocs,
  ...widgetDocs,
  ...docsRouteDocs,
];
