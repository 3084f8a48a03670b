import { developmentWarning, orExit } from '#shared/config.js';
import { createLogger } from '#shared/logger.js';
import { createPool, databaseOf } from '#shared/db/pool.js';
import { createDemoApp } from './app.js';
import { ensureDemoSite } from './bootstrap.js';
import { loadDemoConfig, withLoopbackTwin } from './config.js';

// Composition root of the demo publisher: config → make sure its site exists → listen → shutdown.
const config = orExit(() => loadDemoConfig());
const logger = createLogger({ level: config.LOG_LEVEL, service: 'demo' });
const devMode = developmentWarning(config);
if (devMode)
  logger.warn(`${devMode} (the demo site's SSO secret is the published development one unless DEMO_SSO_SECRET is set)`);
const ssoSecret = config.DEMO_SSO_SECRET;
const publicOrigin = new URL(config.DEMO_PUBLIC_URL).origin;

const db = createPool({
  ...databaseOf(config),
  max: 1,
  onError: (err) => logger.error({ err }, 'postgres pool error'),
});
const changes = await ensureDemoSite(db, {
  siteId: config.DEMO_SITE_ID,
  name: 'The Harbour Ledger (demo)',
  origin: publicOrigin,
  // In development the page works whichever loopback name the developer opens it on.
  alsoOrigins: config.NODE_ENV === 'development' ? withLoopbackTwin(publicOrigin) : [],
  ssoSecret,
});
await db.end();
// Replacing the SSO secret of a site someone else created breaks their sign-ins: say so loudly.
if (changes.includes('set the SSO secret'))
  logger.warn({ site: config.DEMO_SITE_ID }, "the demo replaced this site's SSO secret with its own (DEMO_SSO_SECRET)");
if (changes.length > 0) logger.info({ site: config.DEMO_SITE_ID, changes }, 'demo site ready');

const app = createDemoApp({
  apiUrl: config.DEMO_API_URL,
  publicUrl: config.DEMO_PUBLIC_URL,
  siteId: config.DEMO_SITE_ID,
  ssoSecret,
});
const server = app.listen(config.DEMO_PORT, config.HOST, () => {
  logger.info(
    { port: config.DEMO_PORT, url: config.DEMO_PUBLIC_URL, api: config.DEMO_API_URL },
    'demo publisher listening',
  );
});

const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
