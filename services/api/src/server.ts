import http from 'node:http';
import type { Express } from 'express';
import type { ApiDeps } from './deps.js';
import { cachedThreadReads } from './comments/cached-read.js';
import { redactUrl } from './http/redact-url.js';
import { liveStreamsFirst } from './widget/live-streams-first.js';

/**
 * The API's HTTP server. Two requests are answered before the app, each with exactly what the
 * app would answer and left to it whenever that path is not sure: cached thread pages (the
 * busiest request, comments/cached-read.ts) and live-update streams (the longest-lived,
 * widget/live-streams-first.ts). Every other request goes to the app. main.ts listens on it;
 * tests of both paths do too.
 */
export function createApiServer(
  app: Express,
  deps: Pick<ApiDeps, 'config' | 'lookups' | 'threadCache' | 'threadEvents' | 'metrics' | 'logger' | 'siteOrigins'>,
): http.Server {
  const cachedRead = cachedThreadReads(deps);
  const rest = liveStreamsFirst(app, deps);
  const server = http.createServer((req, res) => {
    let answered: boolean;
    try {
      answered = cachedRead(req, res);
    } catch (err) {
      // Never expected; but a throw here would take the process down. Unanswered, the app answers.
      deps.logger.error({ err, url: redactUrl(req.url ?? '') }, 'cached thread read failed');
      answered = res.headersSent;
    }
    if (!answered) rest(req, res);
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
