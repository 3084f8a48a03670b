import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RouteDoc } from '../../services/api/src/openapi/registry.js';
import { ROUTE_DOCS } from '../../services/api/src/openapi/catalog.js';
import { arbitraryOf, bodyOf, hostileSegment, hostileString, inputSchemaOf, percentEncode, type BodySpec } from './hostile.js';
import type { RawClient, RawResponse } from './raw-http.js';
import { CRED_KINDS, authorizationOf, leaks, ownerOf, type CredKind, type SiteWorld, type TwoSites } from './two-sites.js';

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
const isPublic = (r: RouteDoc) => r.auth.startsWith('none');
/** Pages and assets: a 4xx from them may be HTML (the sign-in page explains itself to a person). */
const servesPage = (r: RouteDoc) => Object.values(r.responses).some((x) => x.contentType !== undefined && !/json/.test(x.contentType));

/**
 * A header value as a client can put it on the wire, no control characters but tab: with `raw`,
 * UTF-8 bytes as they are (Node's parser refuses some before the app sees them); otherwise
 * non-ASCII percent-encoded, as careful clients send it, so the request reaches the app.
 */
export const headerValue = (s: string, raw = true): string =>
  (raw ? Buffer.from(s, 'utf8').toString('latin1') : s.replace(/[^\u0020-\u007e]/gu, (c) => percentEncode(c)))
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '').slice(0, 3000);

const cursorOf = (world: TwoSites): fc.Arbitrary<string> => fc.oneof(
  fc.constantFrom(...world.a.pool, ...world.b.pool),
  hostileString.map((s) => Buffer.from(s).toString('base64url')),
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc.constantFrom(...world.a.pool, ...world.b.pool).map((id) => Buffer.from(JSON.stringify({ id, createdAt: new Date().toISOString() })).toString('base64url')),
  fc.constantFrom(...world.a.pool, ...world.b.pool).map((id) => Buffer.from(`${new Date().toISOString()}|${id}' OR 1=1--`).toString('base64url')),
);

function paramOf(name: string, route: RouteDoc, acting: SiteWorld, other: SiteWorld): fc.Arbitrary<string> {
  const shape = route.params ? (inputSchemaOf(route.params) as { properties?: Record<string, object> }).properties?.[name] : undefined;
  const own = fc.constantFrom(...acting.pool);
  const theirs = fc.constantFrom(...other.pool);
  const schemaValue = shape ? arbitraryOf(shape, own).map((v) => encodeURIComponent(String(v))) : own;
  if (name === 'siteId') {
    return fc.oneof({ weight: 7, arbitrary: fc.constant(acting.siteId) }, { weight: 2, arbitrary: fc.constant(other.siteId) }, { weight: 1, arbitrary: hostileSegment });
  }
  if (name === 'postId') {
    return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...acting.postIds) }, { weight: 1, arbitrary: fc.constantFrom(...other.postIds) },
      { weight: 1, arbitrary: schemaValue }, { weight: 2, arbitrary: hostileSegment });
  }
  return fc.oneof({ weight: 4, arbitrary: schemaValue }, { weight: 4, arbitrary: own }, { weight: 2, arbitrary: theirs }, { weight: 2, arbitrary: hostileSegment });
}

function queryOf(route: RouteDoc, world: TwoSites, acting: SiteWorld): fc.Arbitrary<string> {
  const props = route.query ? Object.entries((inputSchemaOf(route.query) as { properties?: Record<string, object> }).properties ?? {}) : [];
  const own = fc.constantFrom(...acting.pool, ...acting.postIds);
  const value = (schema: object | undefined, name: string) => fc.oneof(
    { weight: 3, arbitrary: schema ? arbitraryOf(schema, own).map((v) => String(v)) : fc.string({ maxLength: 8 }) },
    { weight: 3, arbitrary: hostileString },
    { weight: /cursor/i.test(name) ? 4 : 1, arbitrary: cursorOf(world) },
    { weight: 1, arbitrary: fc.constantFrom(...world.b.pool, ...world.a.pool, world.b.siteId, ...world.b.postIds) },
  );
  const pair = (k: string, v: string) => `${percentEncode(k)}=${percentEncode(v)}`;
  const names = [...props.map(([k]) => k), 'limit', 'cursor', 'siteId', '__proto__', 'constructor'];
  const entry = fc.oneof(
    { weight: 12, arbitrary: props.length > 0 ? fc.constantFrom(...props).chain(([k, s]) => value(s, k).map((v) => pair(k, v))) : fc.constant('') },
    // The same key twice: Express hands the route an array.
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...names), value(undefined, 'x'), value(undefined, 'x')).map(([k, v1, v2]) => `${pair(k, v1)}&${pair(k, v2)}`) },
    // Bracket syntax that extended parsers turn into objects.
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...names), hostileString).map(([k, v]) => `${k}[a]=${percentEncode(v)}&${k}[]=1&${k}[__proto__][x]=1`) },
    { weight: 2, arbitrary: fc.constantFrom('a=%zz', '%ff=%fe', '=', '&&&', '?', 'limit=1e9999', 'limit=-0', 'limit=0x10', `cursor=${'A'.repeat(4000)}`, ';limit=1') },
    // Raw bytes 0x80-0xFF, not percent-encoded: Node's parser refuses most before the app, so they are rare.
    { weight: 1, arbitrary: fc.tuple(fc.nat(3), fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 4 }))
      .map(([n, b]) => `q=${n === 0 ? String.fromCharCode(...b) : percentEncode(String.fromCharCode(...b))}`) },
  );
  return fc.array(entry, { maxLength: 4 }).map((es) => es.filter(Boolean).join('&'));
}

function headersOf(acting: SiteWorld, other: SiteWorld, cred: CredKind, body: BodySpec | undefined): fc.Arbitrary<[string, string][]> {
  const auth = authorizationOf(acting, cred);
  const optional = (name: string, values: fc.Arbitrary<string>, weight = 1): fc.Arbitrary<[string, string][]> => fc.oneof(
    { weight: 8, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 2 * weight, arbitrary: fc.tuple(values, fc.nat(4)).map(([v, n]): [string, string][] => [[name, headerValue(v, n === 0)]]) },
    { weight: 1, arbitrary: fc.tuple(values, values).map(([v1, v2]): [string, string][] => [[name, headerValue(v1, false)], [name, headerValue(v2, false)]]) },
  );
  const anotherAuth = fc.constantFrom(...CRED_KINDS.map((k) => authorizationOf(other, k)), ...CRED_KINDS.map((k) => authorizationOf(acting, k)))
    .map((v) => v ?? 'Bearer');
  return fc.tuple(
    // A second Authorization header: its own site's or the other site's, any kind.
    fc.oneof({ weight: 5, arbitrary: fc.constant<[string, string][]>([]) }, { weight: 1, arbitrary: anotherAuth.map((v): [string, string][] => [['Authorization', v]]) }),
    body?.contentType ? fc.oneof({ weight: 6, arbitrary: fc.constant<[string, string][]>([['Content-Type', body.contentType]]) },
      { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded').map((t): [string, string][] => [['Content-Type', body.contentType!], ['Content-Type', t]]) })
      : fc.constant<[string, string][]>([]),
    optional('Origin', fc.oneof({ weight: 3, arbitrary: fc.constant('http://localhost:8080') },
      { weight: 2, arbitrary: fc.constantFrom('https://evil.example', 'null', 'http://localhost:8080.evil.example', 'file://', 'http://LOCALHOST:8080') }, { weight: 1, arbitrary: hostileString })),
    optional('Idempotency-Key', fc.oneof(fc.uuid(), hostileString, fc.constant('k'.repeat(5000)))),
    optional('If-None-Match', fc.oneof(fc.constant('*'), hostileString, fc.constant('"x", W/"y"'))),
    optional('If-Match', fc.oneof(fc.constantFrom('*', '"1"', '"0"', '"-1"', '"99999999999999999999"'), hostileString)),
    optional('X-Forwarded-For', fc.oneof(fc.ipV4(), fc.ipV6(), hostileString, fc.constant(Array.from({ length: 200 }, (_, i) => `10.0.${i % 256}.1`).join(', ')))),
    optional('X-Request-Id', hostileString),
    optional('Cookie', fc.oneof(hostileString, fc.constant(`qd_session=${'a'.repeat(300)}`))),
    optional('Accept', fc.constantFrom('text/html', '*/*;q=abc', 'application/json;q=0', 'text/event-stream')),
    optional('X-HTTP-Method-Override', fc.constantFrom('DELETE', 'PUT', 'TRACE')),
    optional('Last-Event-ID', fc.oneof(fc.constantFrom('0', '-1', '1e999'), hostileString)),
    optional('Accept-Encoding', fc.constantFrom('gzip;q=abc', 'br, gzip, deflate, identity;q=0', '*;q=0', 'x-evil', 'gzip'.repeat(500))),
    optional('Range', fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=99999999999-', 'bytes=0-1,2-3,4-5', 'lines=1-2')),
    // Over Node's 16 KiB header limit: answered by the HTTP parser (431), before the app.
    fc.oneof({ weight: 40, arbitrary: fc.constant<[string, string][]>([]) }, { weight: 1, arbitrary: fc.constant<[string, string][]>([['X-Big', 'b'.repeat(20_000)]]) }),
  ).map((parts) => [...(auth ? [['Authorization', auth] as [string, string]] : []), ...parts.flat()]);
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
export function caseOf(route: RouteDoc, world: TwoSites, fixed: { cred?: CredKind; body?: fc.Arbitrary<BodySpec> } = {}): fc.Arbitrary<FuzzCase> {
  return fc.record({
    actingIndex: fc.nat(1),
    cred: fixed.cred ? fc.constant(fixed.cred) : fc.oneof({ weight: 6, arbitrary: fc.constant(preferredCred(route)) },
      { weight: 4, arbitrary: fc.constantFrom<CredKind>('reader', 'moderator', 'admin', 'apiKey') }, { weight: 4, arbitrary: fc.constantFrom(...CRED_KINDS) }),
    method: fc.oneof({ weight: 20, arbitrary: fc.constant(route.method.toUpperCase()) },
      { weight: 1, arbitrary: fc.constantFrom('OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', route.method === 'get' ? 'DELETE' : 'GET') }),
  }).chain(({ actingIndex, cred, method }) => {
    const acting = world.sites[actingIndex]!;
    const other = world.sites[1 - actingIndex]!;
    const make = () => {
      const names = [...route.path.matchAll(PARAM_RE)].map((m) => m[1]!);
      const params = fc.tuple(...names.map((n) => paramOf(n, route, acting, other)));
      // Mostly the acting site's own ids; some of the other site's (a bulk action naming another site's comments).
      const known = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...acting.pool, acting.ssoToken, acting.siteId, ...acting.postIds) },
        { weight: 1, arbitrary: fc.constantFrom(...other.pool, other.ssoToken, other.siteId) });
      const body = route.body || route.method !== 'get'
        ? fixed.body ?? fc.option(bodyOf(route.body ? inputSchemaOf(route.body) : null, known), { freq: 8, nil: undefined })
        : fc.option(bodyOf(null, known), { freq: 30, nil: undefined });
      return fc.tuple(params, queryOf(route, world, acting), body, fc.nat(19));
    };
    const rest = fixed.body ? make() : once(`${world.a.siteId} ${route.method} ${route.path} ${actingIndex}`, make);
    return rest.chain(([values, query, b, slash]) => {
      let i = 0;
      const path = route.path.replace(PARAM_RE, () => values[i++]!) + (slash === 0 ? '/' : '');
      const headers = once(`${world.a.siteId} headers ${actingIndex} ${cred} ${b?.contentType ?? ''}`, () => headersOf(acting, other, cred, b));
      return headers.map((h): FuzzCase => {
        const c: FuzzCase = { route, method, path: query ? `${path}?${query}` : path, headers: h, ...(b ? { body: b } : {}), acting, cred };
        // Counterexamples print as the request, not as the whole seeded world.
        return Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) });
      });
    });
  });
}

/** Any route, any hostile request. */
export const anyCase = (world: TwoSites): fc.Arbitrary<FuzzCase> => fc.constantFrom(...ROUTES).chain((r) => caseOf(r, world));

export const describeCase = (c: FuzzCase): string =>
  `${c.method} ${c.path.slice(0, 300)} [${c.cred} of ${c.acting.siteId}] headers=${JSON.stringify(c.headers.map(([k, v]) => [k, v.slice(0, 60)]))}`
  + (c.body ? ` body(${c.body.label}, ${c.body.contentType})=${JSON.stringify(c.body.bytes.subarray(0, 120).toString('latin1'))}` : '');

/** What a run did: requests, statuses, routes reached, and requests that named another site's records with a credential of one site. */
export interface Tally { tried: number; byStatus: Map<number, number>; routes: Set<string>; ok2xx: number; crossSite: number }
export const newTally = (): Tally => ({ tried: 0, byStatus: new Map(), routes: new Set(), ok2xx: 0, crossSite: 0 });

/**
 * Sends one case and checks it: never a 5xx; a 4xx is `{"error":{"code","message"}}` (except
 * Node's own 431 and the HTML pages); nothing of a site the caller does not own; no success on
 * an authenticated route for a path naming another site's site or record.
 */
export async function sendAndCheck(client: RawClient, world: TwoSites, c: FuzzCase, tally: Tally): Promise<RawResponse> {
  const what = describeCase(c);
  let res: RawResponse;
  try {
    res = await client.send({ method: c.method, path: c.path, headers: c.headers, ...(c.body ? { body: c.body.bytes } : {}) });
  } catch (err) {
    throw new Error(`${what} → no answer: ${(err as Error).message}`);
  }
  tally.tried++;
  tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
  tally.routes.add(`${c.route.method} ${c.route.path}`);
  if (res.status < 300) tally.ok2xx++;
  assert.ok(res.status >= 100 && res.status < 500, `${what} → ${res.status} ${res.text.slice(0, 300)}`);
  const json = /application\/json/.test(String(res.headers['content-type']));
  // Node's HTTP parser answers a request it cannot parse (431, or 400 with no body) before the app sees it.
  const fromParser = res.status === 431 || (res.status === 400 && res.headers['content-type'] === undefined && res.text === '' && res.headers.connection === 'close');
  if (res.status >= 400 && !fromParser && c.method !== 'HEAD') {
    if (json || !servesPage(c.route)) {
      let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
      try { parsed = JSON.parse(res.text); } catch { /* checked below */ }
      assert.ok(json && typeof parsed?.error?.code === 'string' && typeof parsed.error.message === 'string',
        `${what} → ${res.status} without the error shape: ${String(res.headers['content-type'])} ${res.text.slice(0, 200)}`);
    }
  }
  if (json) assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: JSON without nosniff`);
  const sent = `${c.path} ${c.headers.map(([, v]) => v).join(' ')} ${c.body?.bytes.toString('latin1') ?? ''}`.toLowerCase();
  const owner = ownerOf(c.acting, c.cred);
  const stranger = world.sites.find((w) => w !== owner);
  if (owner && stranger && [stranger.siteId, ...stranger.privateIds, ...stranger.publicIds].some((id) => sent.includes(id))) tally.crossSite++;
  const found = leaks(world, { owner, publicRoute: isPublic(c.route), sent, received: `${res.text} ${JSON.stringify(res.headers)}` });
  assert.deepEqual(found, [], `${what} → ${res.status} carries another site's data: ${res.text.slice(0, 400)}`);
  // Only the route's own method runs it (a preflight, or HEAD on a public GET of the same path, is another matter).
  if (!isPublic(c.route) && res.status < 300 && c.method === c.route.method.toUpperCase()) {
    const path = c.path.split('?')[0]!;
    for (const w of world.sites) {
      if (w === owner) continue;
      const named = [...w.privateIds, ...w.publicIds].filter((id) => path.toLowerCase().includes(id));
      if (path.split('/').includes(w.siteId)) named.push(w.siteId);
      assert.deepEqual(named, [], `${what} → ${res.status}: success on a path naming ${w.siteId}'s ${named.join(', ')}`);
    }
  }
  return res;
}

/** fc.assert with a fixed seed (FC_SEED overrides) and the failed assertion's own message next to the counterexample. */
export async function holds<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts>): Promise<void> {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : params.seed;
  try {
    await fc.assert(property, { ...params, ...(seed !== undefined ? { seed } : {}) });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (err instanceof Error && cause instanceof Error) err.message += `\nFailure: ${cause.message}`;
    throw err;
  }
}
