import http from 'node:http';
import type { Express } from 'express';
import type { ApiDeps } from './deps.js';
import { liveStreamsFirst } from './widget/live-streams-first.js';

/**
 * The API's HTTP server: live-update streams are opened before the app (live-streams-first.ts),
 * every other request goes to it. main.ts listens on it; tests of live streams do too.
 */
export function createApiServer(
  app: Express,
  deps: Pick<ApiDeps, 'config' | 'lookups' | 'threadEvents' | 'metrics' | 'logger' | 'db'>,
): http.Server {
  const server = http.createServer(liveStreamsFirst(app, deps));
  server.keepAliveTimeout = 65_000;
  return server;
}
