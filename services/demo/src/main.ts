import { orExit } from '#shared/config.js';
import { createLogger } from '#shared/logger.js';
import { createPool, databaseOf } from '#shared/db/pool.js';
import { createDemoApp } from './app.js';
import { ensureDemoSite } from './bootstrap.js';
import { loadDemoConfig } from './config.js';

/** Development-only SSO secret of the demo site; production needs DEMO_SSO_SECRET(_FILE). */
const DEV_DEMO_SSO_SECRET = 'demo-only-sso-secret-not-for-production-0123';

// Composition root of the demo publisher: config → make sure its site exists → listen → shutdown.
const config = orExit(() => loadDemoConfig());
const logger = createLogger({ level: config.LOG_LEVEL, service: 'demo' });
if (!config.DEMO_SSO_SECRET && config.NODE_ENV === 'production') {
  process.stderr.write(
    'invalid configuration:\n  DEMO_SSO_SECRET: set it (or DEMO_SSO_SECRET_FILE) to run the demo in production\n',
  );
  process.exit(1);
}
const ssoSecret = config.DEMO_SSO_SECRET ?? DEV_DEMO_SSO_SECRET;
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
