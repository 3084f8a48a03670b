import { developmentWarning, loadConfigOrExit, orExit, rateLimitsWarning } from '#shared/config.js';
import { createLogger } from '#shared/logger.js';
import { handleShutdown } from '#shared/shutdown.js';
import { createApp } from './app.js';
import { createApiDeps } from './deps.js';
import { createApiServer } from './server.js';
import { createLiveH2cServer } from './widget/live-streams-h2c.js';
import { metricsApp } from './ops/routes.js';
import { browserAssets } from './assets/store.js';

// Composition root: config → pools, queues, caches → app → listen → graceful shutdown.
const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: 'api' });
for (const warning of [developmentWarning(config), rateLimitsWarning(config)]) if (warning) logger.warn(warning);
// The built browser apps; in production a missing file stops the start-up here.
const assets = orExit(() => browserAssets({ production: config.NODE_ENV === 'production' }));
const { deps, close } = await createApiDeps(config, { logger });
const app = createApp({ ...deps, assets });

const server = createApiServer(app, deps).listen(config.PORT, config.HOST, () => {
  logger.info({ port: config.PORT, host: config.HOST }, 'api listening');
});
// Live-update streams over h2c, for a load balancer that speaks HTTP/2 to its upstreams (off by default).
const liveH2c = config.LIVE_H2C_PORT > 0 ? createLiveH2cServer(app, deps) : null;
liveH2c?.server.listen(config.LIVE_H2C_PORT, config.HOST, () => {
  logger.info({ port: config.LIVE_H2C_PORT }, 'api live streams (h2c) listening');
});
// Metrics on their own port, never the public one.
const metricsServer =
  config.API_METRICS_PORT > 0
    ? metricsApp(deps).listen(config.API_METRICS_PORT, config.HOST, () => {
        logger.info({ port: config.API_METRICS_PORT }, 'api metrics listening');
      })
    : null;

// Requests still being handled; shutdown waits for them before closing the pools. While
// draining, every answer closes its connection so keep-alive clients let go.
let inFlight = 0;
server.prependListener('request', (_req, res) => {
  inFlight++;
  if (lifecycle.stopping()) res.setHeader('Connection', 'close');
  res.once('close', () => {
    inFlight--;
  });
});

/** Stop accepting, let in-flight requests finish, then close idle keep-alive sockets. */
async function drain(): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  metricsServer?.close();
  metricsServer?.closeAllConnections();
  // Live-update streams never finish by themselves; widgets reconnect to another process.
  deps.threadEvents.closeAll();
  const h2cClosed = liveH2c?.close();
  // A socket becomes idle when its last response is sent; close those as they appear.
  while (inFlight > 0) {
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 20));
  }
  server.closeIdleConnections();
  await Promise.all([closed, h2cClosed]);
}

const lifecycle = handleShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  messages: { starting: 'api draining', timedOut: 'drain timed out; exiting', stopped: 'api stopped' },
  closers: [drain, close],
});
