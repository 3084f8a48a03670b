import { Router } from 'express';
import { z } from 'zod';
import { route, type RouteDoc } from './registry.js';
import { buildOpenApi } from './document.js';
import { renderDocsPage } from './docs-page.js';

export const docsRouteDocs = [
  route({
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'Reference',
    auth: 'none',
    summary: 'This document (OpenAPI 3.1)',
    responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } },
  }),
  route({
    method: 'get',
    path: '/',
    tag: 'Reference',
    auth: 'none',
    summary: 'Where to start: the API reference, the OpenAPI document and the demo when one runs',
    responses: {
      200: {
        description: 'links',
        schema: z.object({
          service: z.string(),
          docs: z.string(),
          openapi: z.string(),
          widget: z.string(),
          demo: z.string().optional().describe('the demo article page, when DEMO_URL is set'),
        }),
      },
    },
  }),
  route({
    method: 'get',
    path: '/docs',
    tag: 'Reference',
    auth: 'none',
    summary: 'The API reference as an HTML page',
    responses: { 200: { description: 'HTML', contentType: 'text/html', schema: z.string() } },
  }),
];

/** Serves the OpenAPI document and the reference page, both built once from the route declarations. */
export function docsRoutes(docs: RouteDoc[], opts: { demoUrl?: string } = {}): { api: Router; root: Router } {
  const document = buildOpenApi(docs, { version: '1' });
  const json = JSON.stringify(document);
  const page = renderDocsPage(document);
  const api = Router();
  api.get('/openapi.json', (_req, res) => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(json);
  });
  const root = Router();
  // Whoever opens the API's address in a browser is pointed to the reference rather than a bare 404.
  root.get('/', (_req, res) => {
    res.json({
      service: 'newsroom comments API',
      docs: '/docs',
      openapi: '/api/v1/openapi.json',
      widget: '/embed.js',
      ...(opts.demoUrl ? { demo: opts.demoUrl } : {}),
    });
  });
  root.get('/docs', (_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page);
  });
  return { api, root };
}
