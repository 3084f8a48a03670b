import fc from 'fast-check';
import type { RouteDoc } from '#api/openapi/registry.js';
import { ROUTE_DOCS } from '#api/route-docs.js';
import {
  arbitraryOf,
  bodyOf,
  hostileSegment,
  hostileString,
  inputSchemaOf,
  percentEncode,
  type BodySpec,
} from './hostile.js';
import { CRED_KINDS, authorizationOf, type CredKind, type SiteWorld, type TwoSites } from './two-sites.js';

/**
 * Hostile requests for every route the API declares in its OpenAPI registry (so a route added
 * later is covered without touching the tests): path parameters, query strings, bodies, headers
 * and credentials, generated from the route's own schemas and the seeded two-site world.
 */

export interface FuzzCase {
  route: RouteDoc;
  method: string;
  path: string;
  headers: [string, string][];
  body?: BodySpec;
  /** The site whose credential was sent (first Authorization header), and what kind. */
  acting: SiteWorld;
  cred: CredKind;
}

/** Every declared route. */
export const ROUTES: RouteDoc[] = ROUTE_DOCS;

const PARAM_RE = /:([A-Za-z0-9_]+)/g;

/**
 * A header value as a client can put it on the wire, no control characters but tab: with `raw`,
 * UTF-8 bytes as they are (Node's parser refuses some before the app sees them); otherwise
 * non-ASCII percent-encoded, as careful clients send it, so the request reaches the app.
 */
export const headerValue = (s: string, raw = true): string =>
  (raw ? Buffer.from(s, 'utf8').toString('latin1') : s.replace(/[^\u0020-\u007e]/gu, (c) => percentEncode(c)))
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
    .slice(0, 3000);

const cursorOf = (world: TwoSites): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...world.a.pool, ...world.b.pool, ...world.a.hidden, ...world.b.hidden),
    hostileString.map((s) => Buffer.from(s).toString('base64url')),
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
    fc
      .constantFrom(...world.a.pool, ...world.b.pool)
      .map((id) => Buffer.from(JSON.stringify({ id, createdAt: new Date().toISOString() })).toString('base64url')),
    fc
      .constantFrom(...world.a.pool, ...world.b.pool)
      .map((id) => Buffer.from(`${new Date().toISOString()}|${id}' OR 1=1--`).toString('base64url')),
  );

function paramOf(name: string, route: RouteDoc, acting: SiteWorld, other: SiteWorld): fc.Arbitrary<string> {
  const shape = route.params
    ? (inputSchemaOf(route.params) as { properties?: Record<string, object> }).properties?.[name]
    : undefined;
  const own = fc.constantFrom(...acting.pool);
  const theirs = fc.constantFrom(...other.pool, ...other.hidden);
  const schemaValue = shape ? arbitraryOf(shape, own).map((v) => encodeURIComponent(String(v))) : own;
  if (name === 'siteId') {
    return fc.oneof(
      { weight: 7, arbitrary: fc.constant(acting.siteId) },
      { weight: 2, arbitrary: fc.constant(other.siteId) },
      { weight: 1, arbitrary: hostileSegment },
    );
  }
  if (name === 'postId') {
    // New slugs by the pattern, never a record id: a post created under a path (discover, PUT) keeps its id, and
    // another site's id stored as one would pass for a leak.
    const slug = shape
      ? arbitraryOf(shape, fc.constantFrom(...acting.postIds)).map((v) => encodeURIComponent(String(v)))
      : hostileSegment;
    return fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...acting.postIds) },
      { weight: 1, arbitrary: fc.constantFrom(...other.postIds) },
      { weight: 1, arbitrary: slug },
      { weight: 2, arbitrary: hostileSegment },
    );
  }
  return fc.oneof(
    { weight: 4, arbitrary: schemaValue },
    { weight: 4, arbitrary: own },
    { weight: 2, arbitrary: theirs },
    { weight: 2, arbitrary: hostileSegment },
  );
}

function queryOf(route: RouteDoc, world: TwoSites, acting: SiteWorld): fc.Arbitrary<string> {
  const props = route.query
    ? Object.entries((inputSchemaOf(route.query) as { properties?: Record<string, object> }).properties ?? {})
    : [];
  const own = fc.constantFrom(...acting.pool, ...acting.postIds);
  const value = (schema: object | undefined, name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: schema ? arbitraryOf(schema, own).map((v) => String(v)) : fc.string({ maxLength: 8 }) },
      { weight: 3, arbitrary: hostileString },
      { weight: /cursor/i.test(name) ? 4 : 1, arbitrary: cursorOf(world) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          ...world.b.pool,
          ...world.a.pool,
          ...world.b.hidden,
          ...world.a.hidden,
          world.b.siteId,
          ...world.b.postIds,
        ),
      },
    );
  const pair = (k: string, v: string) => `${percentEncode(k)}=${percentEncode(v)}`;
  const names = [...props.map(([k]) => k), 'limit', 'cursor', 'siteId', '__proto__', 'constructor'];
  const entry = fc.oneof(
    {
      weight: 12,
      arbitrary:
        props.length > 0
          ? fc.constantFrom(...props).chain(([k, s]) => value(s, k).map((v) => pair(k, v)))
          : fc.constant(''),
    },
    // The same key twice: Express hands the route an array.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...names), value(undefined, 'x'), value(undefined, 'x'))
        .map(([k, v1, v2]) => `${pair(k, v1)}&${pair(k, v2)}`),
    },
    // Bracket syntax that extended parsers turn into objects.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...names), hostileString)
        .map(([k, v]) => `${k}[a]=${percentEncode(v)}&${k}[]=1&${k}[__proto__][x]=1`),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'a=%zz',
        '%ff=%fe',
        '=',
        '&&&',
        '?',
        'limit=1e9999',
        'limit=-0',
        'limit=0x10',
        `cursor=${'A'.repeat(4000)}`,
        ';limit=1',
      ),
    },
    // Raw bytes 0x80-0xFF, not percent-encoded: Node's parser refuses most before the app, so they are rare.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.nat(3), fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 4 }))
        .map(([n, b]) => `q=${n === 0 ? String.fromCharCode(...b) : percentEncode(String.fromCharCode(...b))}`),
    },
  );
  return fc.array(entry, { maxLength: 4 }).map((es) => es.filter(Boolean).join('&'));
}

function headersOf(
  acting: SiteWorld,
  other: SiteWorld,
  cred: CredKind,
  body: BodySpec | undefined,
): fc.Arbitrary<[string, string][]> {
  const auth = authorizationOf(acting, cred);
  const optional = (name: string, values: fc.Arbitrary<string>, weight = 1): fc.Arbitrary<[string, string][]> =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constant<[string, string][]>([]) },
      {
        weight: 2 * weight,
        arbitrary: fc.tuple(values, fc.nat(4)).map(([v, n]): [string, string][] => [[name, headerValue(v, n === 0)]]),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(values, values).map(([v1, v2]): [string, string][] => [
          [name, headerValue(v1, false)],
          [name, headerValue(v2, false)],
        ]),
      },
    );
  const anotherAuth = fc
    .constantFrom(
      ...CRED_KINDS.map((k) => authorizationOf(other, k)),
      ...CRED_KINDS.map((k) => authorizationOf(acting, k)),
    )
    .map((v) => v ?? 'Bearer');
  return fc
    .tuple(
      // A second Authorization header: its own site's or the other site's, any kind. Only beside a first
      // one: alone it would be the request's credential, not the one the case is generated and judged as.
      auth === null
        ? fc.constant<[string, string][]>([])
        : fc.oneof(
            { weight: 5, arbitrary: fc.constant<[string, string][]>([]) },
            { weight: 1, arbitrary: anotherAuth.map((v): [string, string][] => [['Authorization', v]]) },
          ),
      body?.contentType
        ? fc.oneof(
            { weight: 6, arbitrary: fc.constant<[string, string][]>([['Content-Type', body.contentType]]) },
            {
              weight: 1,
              arbitrary: fc
                .constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded')
                .map((t): [string, string][] => [
                  ['Content-Type', body.contentType!],
                  ['Content-Type', t],
                ]),
            },
          )
        : fc.constant<[string, string][]>([]),
      optional(
        'Origin',
        fc.oneof(
          { weight: 3, arbitrary: fc.constant('http://localhost:8080') },
          {
            weight: 2,
            arbitrary: fc.constantFrom(
              'https://evil.example',
              'null',
              'http://localhost:8080.evil.example',
              'file://',
              'http://LOCALHOST:8080',
            ),
          },
          { weight: 1, arbitrary: hostileString },
        ),
      ),
      optional('Idempotency-Key', fc.oneof(fc.uuid(), hostileString, fc.constant('k'.repeat(5000)))),
      optional('If-None-Match', fc.oneof(fc.constant('*'), hostileString, fc.constant('"x", W/"y"'))),
      optional(
        'If-Match',
        fc.oneof(fc.constantFrom('*', '"1"', '"0"', '"-1"', '"99999999999999999999"'), hostileString),
      ),
      optional(
        'X-Forwarded-For',
        fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          hostileString,
          fc.constant(Array.from({ length: 200 }, (_, i) => `10.0.${i % 256}.1`).join(', ')),
        ),
      ),
      optional('X-Request-Id', hostileString),
      optional(
        'Cookie',
        fc.oneof(
          hostileString,
          fc.constantFrom(`queues_session=${'a'.repeat(300)}`, `queues_session=${acting.creds.admin}`),
        ),
      ),
      optional('Accept', fc.constantFrom('text/html', '*/*;q=abc', 'application/json;q=0', 'text/event-stream')),
      optional('X-HTTP-Method-Override', fc.constantFrom('DELETE', 'PUT', 'TRACE')),
      optional('Last-Event-ID', fc.oneof(fc.constantFrom('0', '-1', '1e999'), hostileString)),
      optional(
        'Accept-Encoding',
        fc.constantFrom('gzip;q=abc', 'br, gzip, deflate, identity;q=0', '*;q=0', 'x-evil', 'gzip'.repeat(500)),
      ),
      optional(
        'Range',
        fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=99999999999-', 'bytes=0-1,2-3,4-5', 'lines=1-2'),
      ),
      // Over Node's 16 KiB header limit: answered by the HTTP parser (431), before the app.
      fc.oneof(
        { weight: 40, arbitrary: fc.constant<[string, string][]>([]) },
        { weight: 1, arbitrary: fc.constant<[string, string][]>([['X-Big', 'b'.repeat(20_000)]]) },
      ),
    )
    .map((parts) => [...(auth ? [['Authorization', auth] as [string, string]] : []), ...parts.flat()]);
}

/** The credential the route's declared caller would send, read from its `auth` words, so many requests get past authentication. */
function preferredCred(route: RouteDoc): CredKind {
  if (/publisher key/.test(route.auth)) return 'apiKey';
  if (/reader|author/.test(route.auth)) return 'reader';
  if (/moderator/.test(route.auth)) return 'moderator';
  if (/admin/.test(route.auth)) return 'admin';
  return 'none';
}

// Arbitraries are built once per route, site and credential: building them is far dearer than drawing from them.
const memo = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as T;
}

/** One hostile request for one route. */
export function caseOf(
  route: RouteDoc,
  world: TwoSites,
  fixed: { cred?: CredKind; body?: fc.Arbitrary<BodySpec> } = {},
): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      actingIndex: fc.nat(1),
      cred: fixed.cred
        ? fc.constant(fixed.cred)
        : fc.oneof(
            { weight: 6, arbitrary: fc.constant(preferredCred(route)) },
            { weight: 4, arbitrary: fc.constantFrom<CredKind>('reader', 'moderator', 'admin', 'apiKey') },
            { weight: 4, arbitrary: fc.constantFrom(...CRED_KINDS) },
          ),
      method: fc.oneof(
        { weight: 20, arbitrary: fc.constant(route.method.toUpperCase()) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', route.method === 'get' ? 'DELETE' : 'GET'),
        },
      ),
    })
    .chain(({ actingIndex, cred, method }) => {
      const acting = world.sites[actingIndex]!;
      const other = world.sites[1 - actingIndex]!;
      const make = () => {
        const names = [...route.path.matchAll(PARAM_RE)].map((m) => m[1]!);
        const params = fc.tuple(...names.map((n) => paramOf(n, route, acting, other)));
        // Text fields (which may be stored and shown) get no record ids, so a stored id never passes for a leak;
        // id fields get the acting site's and some of the other site's (a bulk action naming its comments).
        const known = fc.constantFrom(acting.ssoToken, other.ssoToken, acting.siteId, other.siteId, ...acting.postIds);
        const ids = fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...acting.pool) },
          { weight: 2, arbitrary: fc.constantFrom(...other.pool, ...other.hidden) },
        );
        const body =
          route.body || route.method !== 'get'
            ? (fixed.body ??
              fc.option(bodyOf(route.body ? inputSchemaOf(route.body) : null, known, ids), { freq: 8, nil: undefined }))
            : fc.option(bodyOf(null, known, ids), { freq: 30, nil: undefined });
        return fc.tuple(params, queryOf(route, world, acting), body, fc.nat(19));
      };
      const rest = fixed.body ? make() : once(`${world.a.siteId} ${route.method} ${route.path} ${actingIndex}`, make);
      return rest.chain(([values, query, b, slash]) => {
        let i = 0;
        const path = route.path.replace(PARAM_RE, () => values[i++]!) + (slash === 0 ? '/' : '');
        const headers = once(`${world.a.siteId} headers ${actingIndex} ${cred} ${b?.contentType ?? ''}`, () =>
          headersOf(acting, other, cred, b),
        );
        return headers.map((h): FuzzCase => {
          const c: FuzzCase = {
            route,
            method,
            path: query ? `${path}?${query}` : path,
            headers: h,
            ...(b ? { body: b } : {}),
            acting,
            cred,
          };
          // Counterexamples print as the request, not as the whole seeded world.
          return Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) });
        });
      });
    });
}

/** Any route, any hostile request. */
export const anyCase = (world: TwoSites): fc.Arbitrary<FuzzCase> =>
  fc.constantFrom(...ROUTES).chain((r) => caseOf(r, world));

export const describeCase = (c: FuzzCase): string =>
  `${c.method} ${c.path.slice(0, 300)} [${c.cred} of ${c.acting.siteId}] headers=${JSON.stringify(c.headers.map(([k, v]) => [k, v.slice(0, 60)]))}` +
  (c.body
    ? ` body(${c.body.label}, ${c.body.contentType})=${JSON.stringify(c.body.bytes.subarray(0, 120).toString('latin1'))}`
    : '');
