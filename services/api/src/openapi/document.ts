import { z } from 'zod';
import type { RouteDoc } from './registry.js';

type Json = Record<string, unknown>;

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what a client sends, or of what the API answers. */
const schemaOf = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Json;
  return rest;
};

export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(doc: RouteDoc): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ['path', doc.params],
    ['query', doc.query],
    ['header', doc.headers],
  ] as const) {
    if (!obj) continue;
    const shape = schemaOf(obj, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      const { description, ...rest } = schema as Json & { description?: string };
      out.push({
        name,
        in: where,
        required: where === 'path' || (shape.required ?? []).includes(name),
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  }
  return out;
}

/** A PATCH is a JSON Merge Patch (RFC 7396) and is accepted under its own media type as well. */
const bodyContent = (method: string, schema: Json): Json =>
  method === 'patch'
    ? { 'application/json': { schema }, 'application/merge-patch+json': { schema } }
    : { 'application/json': { schema } };

/** The OpenAPI 3.1 document of every declared route. */
export function buildOpenApi(docs: RouteDoc[], info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const d of docs) {
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(d.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema
          ? { content: { [r.contentType ?? 'application/json']: { schema: schemaOf(r.schema, 'output') } } }
          : {}),
      };
    }
    const op: Json = {
      operationId: `${d.method}${openApiPath(d.path)
        .replace(/[{}]/g, '')
        .split(/[/:.-]/)
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join('')}`,
      summary: d.summary,
      tags: [d.tag],
      ...(d.auth === 'none' ? { security: [] } : { description: `Who: ${d.auth}.` }),
      parameters: parameters(d),
      ...(d.body
        ? { requestBody: { required: !d.bodyOptional, content: bodyContent(d.method, schemaOf(d.body, 'input')) } }
        : {}),
      responses,
    };
    (paths[openApiPath(d.path)] ??= {})[d.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Newsroom Comments API',
      version: info.version,
      description: 'Moderated comments for news publishers. Errors are always {"error":{"code","message","details"?}}.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "A reader's or staff member's access token, or a publisher API key `ck_<id>_<secret>`.",
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
