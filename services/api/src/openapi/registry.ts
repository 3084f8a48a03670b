import { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One route as the OpenAPI document describes it. The request schemas are the ones the route
 * validates with, so the document cannot drift from what the API accepts.
 */
export interface RouteDoc {
  method: Method;
  /** Express syntax, from the server root: `/api/v1/sites/:siteId/webhooks`. */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it, in words; `none` means no Authorization header is needed. */
  auth: 'none' | string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out altogether (every field of it is optional). */
  bodyOptional?: boolean;
  /** Request headers the route reads (besides Authorization and Content-Type), e.g. `Idempotency-Key`, `If-Match`. */
  headers?: z.ZodObject;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

/** Declares a route's documentation: `route({ method, path, summary, tag, auth, params, query, headers, body, responses })`. */
export const route = (doc: RouteDoc): RouteDoc => doc;

/** The error body every 4xx and 5xx carries. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** The usual failures of an authenticated route, to spread into `responses`. */
export const commonErrors = {
  400: { description: 'invalid input (`validation_failed`, `invalid_json`, …)', schema: errorSchema },
  401: { description: 'missing or invalid token or key', schema: errorSchema },
  403: { description: 'not allowed (scope, role, site)', schema: errorSchema },
};
export const notFoundError = { 404: { description: 'not found', schema: errorSchema } };
export const rateLimitedError = { 429: { description: '`rate_limited`, with Retry-After', schema: errorSchema } };
