import express, { type Express } from 'express';
import { articlePage, pageCsp } from './page.js';
import { DEMO_CSS, DEMO_JS } from './assets.js';
import { demoReader, signDemoSso } from './sso.js';

export interface DemoDeps {
  /** The comment service as browsers reach it. */
  apiUrl: string;
  /** This server as browsers reach it. */
  publicUrl: string;
  siteId: string;
  /** The site's SSO secret, held by the publisher (here, the demo server), never by the browser. */
  ssoSecret: string;
}

/** The demo publisher's site: one article with the widget, and the publisher's own SSO endpoint. Never listens. */
export function createDemoApp(deps: DemoDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const headers = (res: express.Response, type: string) => {
    res.setHeader('Content-Type', type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  };

  app.get('/', (req, res) => {
    headers(res, 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', pageCsp(deps.apiUrl));
    res.setHeader('Cache-Control', 'no-cache');
    const lang = req.query.lang === 'fr' ? 'fr' : 'en';
    res.end(articlePage({ apiUrl: deps.apiUrl, publicUrl: deps.publicUrl, siteId: deps.siteId, lang }));
  });
  app.get('/demo.css', (_req, res) => {
    headers(res, 'text/css; charset=utf-8');
    res.end(DEMO_CSS);
  });
  app.get('/demo.js', (_req, res) => {
    headers(res, 'text/javascript; charset=utf-8');
    res.end(DEMO_JS);
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The publisher's backend signs its (here: made-up) reader in; the widget exchanges the token.
  app.post('/demo/sso-token', express.json({ limit: '2kb' }), async (req, res) => {
    const reader = demoReader((req.body ?? {}) as Record<string, unknown>);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token: await signDemoSso(deps.ssoSecret, reader), sub: reader.sub, name: reader.name });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such page' } });
  });
  app.use(((err, _req, res, _next) => {
    const status = Number.isInteger(err?.status) && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({
      error: {
        code: status === 500 ? 'internal' : 'bad_request',
        message: status === 500 ? 'internal error' : 'bad request',
      },
    });
  }) as express.ErrorRequestHandler);
  return app;
}
