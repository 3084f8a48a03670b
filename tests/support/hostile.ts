import fc from 'fast-check';
import { z } from 'zod';

/**
 * Generators of hostile input, shared by the property-based tests: strings that break naive
 * code, path segments, query strings, JSON bodies (random, boundary, schema-shaped with one
 * field broken, deeply nested) and request bodies as raw bytes.
 */

/** Single characters that break text handling: controls, bidi overrides, invisibles, lone surrogates, combining marks. */
export const hostileChar = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\u0001',
    '\u0007',
    '\b',
    '\u001b',
    '\u007f',
    '\u0080',
    '\u0085',
    '\u009b',
    '\u202a',
    '\u202b',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2069',
    '\u200b',
    '\u200d',
    '\u200e',
    '\u200f',
    '\u2060',
    '\ufeff',
    '\u00ad',
    '\u061c',
    '\t',
    '\n',
    '\r',
    '\u2028',
    '\u2029',
    '\u0301',
    '\u0338',
    '\u20dd',
    '\u0e47',
    '\ud800',
    '\udfff',
    '\u{1F600}',
    '\u{E0041}',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom(
    'a',
    'Z',
    '7',
    '\u00e9',
    '\u0130',
    '\u674e',
    "'",
    '"',
    '<',
    '>',
    '&',
    '\\',
    '%',
    '.',
    '/',
    ';',
    '-',
    '*',
    '$',
    '{',
    '[',
    '`',
  ),
);

/** Classic payloads: SQL and path metacharacters, markup, format strings, numbers in disguise. */
export const CLASSICS = [
  "'; DROP TABLE comments;--",
  "' OR '1'='1",
  '1 OR 1=1',
  '") OR ("a"="a',
  '\\',
  '%',
  '_',
  '%%',
  '$1',
  '?',
  ':name',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '..\\..\\windows',
  '/',
  '//',
  '.',
  '..',
  '%2e%2e',
  '%2e%2e%2f',
  '%252e%252e',
  '%00',
  '\u0000',
  '%ff',
  '%',
  '%zz',
  '%c0%ae',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text
  '${7*7}',
  '%s%s%n',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  '-0',
  '0x10',
  ' ',
  '',
  '\u202eevil',
  '\u200b',
  'e\u0301\u0301\u0301',
  '\ud800',
  'A'.repeat(300),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '01234567-89ab-7def-8123-456789abcdef',
];

export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: hostileChar, maxLength: 30 }) },
  { weight: 3, arbitrary: fc.constantFrom(...CLASSICS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.tuple(hostileChar, fc.integer({ min: 100, max: 5000 })).map(([c, n]) => c.repeat(n)) },
);

/** Every byte of the UTF-8 of s percent-encoded (encodeURIComponent throws on lone surrogates). */
export const percentEncode = (s: string): string =>
  [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/**
 * A hostile path segment as it goes on the wire: percent-encoded text, traversal in its
 * encoded forms, raw bytes that are not UTF-8 (sent as latin1), over-long segments.
 */
export const hostileSegment = fc.oneof(
  { weight: 8, arbitrary: hostileString.map(percentEncode) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2E%2F..',
      '..%2F..%2F..%2Fhealthz',
      '%2e%2e%5c',
      '%252e%252e%252f',
      '%00',
      '%ff%fe',
      '%c0%af',
      '%e2%80%ae',
      '%ed%a0%80',
      '%f4%90%80%80',
      '%',
      '%g0',
      'a%2Fb',
      ';a=b',
      '*',
      '~',
      "'",
      "'--",
      '1;SELECT%20pg_sleep(1)',
      'x'.repeat(3000),
      encodeURIComponent('x'.repeat(9000)),
    ),
  },
  // Raw bytes 0x80–0xFF in the request line: invalid UTF-8 that never went through percent-encoding.
  {
    weight: 1,
    arbitrary: fc
      .array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 6 })
      .map((b) => String.fromCharCode(...b)),
  },
);

/** Values a boundary-minded client sends where any JSON may go. */
export const boundaryJson = fc.constantFrom<unknown>(
  null,
  true,
  false,
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 31,
  2 ** 53 + 1,
  -(2 ** 63),
  1e308,
  -1e308,
  5e-324,
  '',
  ' ',
  '0',
  'true',
  'null',
  [],
  {},
  [[]],
  [null],
  { '': '' },
  'x'.repeat(70_000),
  Array.from({ length: 2000 }, (_, i) => i),
);

export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: boundaryJson },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
);

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: JsonSchema | boolean;
}

/** The JSON Schema of what a zod schema accepts (the OpenAPI document's own conversion), or `{}` where it has none. */
export function inputSchemaOf(s: z.ZodType): JsonSchema {
  let found = converted.get(s);
  if (!found) {
    try {
      found = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch {
      found = {};
    }
    converted.set(s, found);
  }
  return found;
}
const converted = new WeakMap<z.ZodType, JsonSchema>();

const ID_FIELD = /(^|[a-z])(id|ids|Id|Ids)$/;

/**
 * Values shaped like a JSON Schema: what a well-behaved client would send. `known` supplies
 * real values for string fields, `ids` real record ids for UUIDs and fields named like ids
 * (so generated requests reach the database).
 */
export function arbitraryOf(
  s: JsonSchema,
  known: fc.Arbitrary<string>,
  depth = 0,
  ids: fc.Arbitrary<string> = known,
): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => arbitraryOf(a, known, depth + 1, ids)));
  if (s.allOf?.[0]) return arbitraryOf(s.allOf[0], known, depth + 1, ids);
  if (Array.isArray(s.type))
    return fc.oneof(...s.type.map((t) => arbitraryOf({ ...s, type: t }, known, depth + 1, ids)));
  switch (s.type) {
    case 'object': {
      if (s.properties) {
        const props = Object.fromEntries(
          Object.entries(s.properties).map(([k, v]) => [
            k,
            arbitraryOf(v, ID_FIELD.test(k) ? ids : known, depth + 1, ids),
          ]),
        );
        return fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
      }
      const values =
        typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length > 0
          ? arbitraryOf(s.additionalProperties, known, depth + 1, ids)
          : fc.jsonValue({ maxDepth: 2 });
      return fc.dictionary(fc.string({ maxLength: 12 }), values, { maxKeys: 4 });
    }
    case 'array':
      return fc.array(s.items ? arbitraryOf(s.items, known, depth + 1, ids) : fc.jsonValue({ maxDepth: 1 }), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 4, 4)),
      });
    case 'string':
      return stringOf(s, known, ids);
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1000, -(2 ** 31)), max: Math.min(s.maximum ?? 1000, 2 ** 31) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(s: JsonSchema, known: fc.Arbitrary<string>, ids: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const sized = (a: fc.Arbitrary<string>) =>
    a.filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity));
  switch (s.format) {
    case 'uuid':
      return fc.oneof(ids, fc.uuid());
    case 'email':
      return sized(fc.emailAddress());
    case 'uri':
    case 'url':
      return sized(fc.oneof(fc.webUrl({ validSchemes: ['https'] }), fc.constant('http://localhost:8080/article')));
    case 'date-time':
      return fc.integer({ min: 60, max: 90 * 86_400 }).map((s) => new Date(Date.now() + s * 1000).toISOString());
  }
  if (s.pattern) {
    try {
      return fc.oneof(sized(known), sized(fc.stringMatching(new RegExp(s.pattern))));
    } catch {
      /* a pattern fast-check cannot generate from: fall through */
    }
  }
  return fc
    .oneof(known, fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 80) }))
    .filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity));
}

/** A schema-shaped object with one field broken: replaced by a wrong type or hostile value, removed, or joined by an unknown key. */
export function mutatedOf(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), hostileJson, fc.constantFrom('replace', 'replace', 'delete', 'add'))
    .map(([v, i, bad, how]) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return bad;
      const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys.length > 0 ? keys[i % keys.length]! : 'x';
      if (how === 'delete') delete copy[key];
      else if (how === 'add') copy[`${key}_extra`] = bad;
      else copy[key] = bad;
      return copy;
    });
}

/** A JSON document nested `depth` levels deep, as text (JSON.stringify of one would overflow the stack). */
export const deeplyNested = (depth: number, kind: 'array' | 'object' = 'array'): string =>
  kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** A body that is JSON, by the schema or not, or bytes that are not JSON or not even UTF-8. */
export interface BodySpec {
  bytes: Buffer;
  contentType: string | null;
  label: string;
}

export function bodyOf(
  schema: JsonSchema | null,
  known: fc.Arbitrary<string>,
  ids: fc.Arbitrary<string> = known,
): fc.Arbitrary<BodySpec> {
  const json = (v: unknown, label: string): BodySpec => ({
    bytes: Buffer.from(JSON.stringify(v) ?? 'null'),
    contentType: 'application/json',
    label,
  });
  const valid = schema ? arbitraryOf(schema, known, 0, ids) : fc.jsonValue({ maxDepth: 2 });
  const raw = (text: string | Buffer, contentType: string | null, label: string): BodySpec => ({
    bytes: Buffer.from(text),
    contentType,
    label,
  });
  return fc.oneof(
    { weight: 7, arbitrary: valid.map((v) => json(v, 'schema-shaped')) },
    { weight: 5, arbitrary: mutatedOf(valid).map((v) => json(v, 'one field broken')) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => json(v, 'random JSON')) },
    { weight: 2, arbitrary: boundaryJson.map((v) => json(v, 'boundary value')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 10_000, max: 10_500 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
        .map(([d, k]) => raw(deeplyNested(d, k), 'application/json', `nested ${d} deep`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 65 * 1024, max: 300 * 1024 })
        .map((n) => raw(JSON.stringify({ body: 'x'.repeat(n) }), 'application/json', `${n} bytes`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 200 })
        .map((b) => raw(Buffer.from(b), 'application/json', 'random bytes')),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        raw(
          Buffer.from([
            0x7b, 0x22, 0x62, 0x6f, 0x64, 0x79, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x22, 0x7d,
          ]),
          'application/json',
          'invalid UTF-8 in a string',
        ),
        raw('{"body":"\\ud800\\udfff\\u0000"}', 'application/json', 'escaped surrogates and NUL'),
        raw(
          '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"body":"x"}',
          'application/json',
          'prototype keys',
        ),
        raw('{"body":"a","body":"b","title":"t","title":1}', 'application/json', 'duplicate keys'),
        raw('\ufeff{"body":"bom"}', 'application/json', 'byte order mark'),
        raw('{"body": "x"', 'application/json', 'truncated'),
        raw('body=x&title=y', 'application/x-www-form-urlencoded', 'form'),
        raw('{"body":"x"}', 'text/plain', 'JSON as text/plain'),
        raw('{"body":"x"}', 'application/json; charset=utf-16', 'utf-16 declared'),
        raw('{"body":"x"}', 'application/json; charset=latin1', 'latin1 declared'),
        raw('{"body":"x"}', 'application/json;;;', 'odd parameters'),
        raw('{"body":"x"}', null, 'no content type'),
        raw(
          '--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nx\r\n--x--',
          'multipart/form-data; boundary=x',
          'multipart',
        ),
        raw(
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
          'application/xml',
          'XML entity',
        ),
      ),
    },
  );
}
