import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Response } from 'supertest';
import { buildOpenApi, openApiPath } from '#api/openapi/document.js';
import { ROUTE_DOCS } from '#api/route-docs.js';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** The document the API serves, built the same way. */
export const openApiDocument = (): Json => buildOpenApi(ROUTE_DOCS, { version: '1' });

/**
 * Checks real responses against the OpenAPI document: the route and status must be declared,
 * and a JSON body must validate against the declared schema (ajv, JSON Schema 2020-12).
 */
export function openApiChecker(doc: Json = openApiDocument()) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const ops = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method,
      path,
      op,
      re: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
    })),
  );
  const seen = new Set<string>();
  return {
    seen,
    check(res: Response): Response {
      const req = (res as unknown as { req: { method: string; path: string } }).req;
      const path = req.path.split('?')[0]!;
      const method = req.method.toLowerCase();
      const found = ops.find((o) => o.method === method && o.re.test(path));
      assert.ok(found, `${method.toUpperCase()} ${path} is not in the OpenAPI document`);
      const declared = (found.op.responses as Record<string, Json>)[String(res.status)];
      assert.ok(declared, `${method.toUpperCase()} ${found.path} does not declare status ${res.status}`);
      const content = declared.content as Record<string, { schema: Json }> | undefined;
      const json = content?.['application/json'];
      if (json && res.type === 'application/json') {
        const validate = ajv.compile(json.schema);
        assert.ok(
          validate(res.body),
          `${method.toUpperCase()} ${found.path} ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 500)}`,
        );
      }
      seen.add(`${method} ${found.path} ${res.status}`);
      return res;
    },
  };
}

export { openApiPath };
