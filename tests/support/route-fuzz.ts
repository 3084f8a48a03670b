import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RouteDoc } from '#api/openapi/registry.js';
import type { RawClient, RawResponse } from './raw-http.js';
import { leaks, ownerOf, type TwoSites } from './two-sites.js';
import { describeCase, type FuzzCase } from './route-requests.js';

/**
 * Sends generated hostile requests and checks what every answer must satisfy, and replays
 * properties with a fixed seed.
 */

const isPublic = (r: RouteDoc) => r.auth.startsWith('none');
/** Pages and assets: a 4xx from them may be HTML (the sign-in page explains itself to a person). */
const servesPage = (r: RouteDoc) =>
  Object.values(r.responses).some((x) => x.contentType !== undefined && !/json/.test(x.contentType));

/** What a run did: requests, statuses, routes reached, and requests that named another site's records with a credential of one site. */
export interface Tally {
  tried: number;
  byStatus: Map<number, number>;
  routes: Set<string>;
  ok2xx: number;
  crossSite: number;
}
export const newTally = (): Tally => ({ tried: 0, byStatus: new Map(), routes: new Set(), ok2xx: 0, crossSite: 0 });

/**
 * Sends one case and checks it: never a 5xx; a 4xx is `{"error":{"code","message"}}` (except
 * Node's own 431 and the HTML pages); nothing of a site the caller does not own; no success on
 * an authenticated route for a path naming another site's site or record.
 */
export async function sendAndCheck(
  client: RawClient,
  world: TwoSites,
  c: FuzzCase,
  tally: Tally,
): Promise<RawResponse> {
  const what = describeCase(c);
  let res: RawResponse;
  try {
    res = await client.send({
      method: c.method,
      path: c.path,
      headers: c.headers,
      ...(c.body ? { body: c.body.bytes } : {}),
    });
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
  const fromParser =
    res.status === 431 ||
    (res.status === 400 &&
      res.headers['content-type'] === undefined &&
      res.text === '' &&
      res.headers.connection === 'close');
  if (res.status >= 400 && !fromParser && c.method !== 'HEAD') {
    if (json || !servesPage(c.route)) {
      let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
      try {
        parsed = JSON.parse(res.text);
      } catch {
        /* checked below */
      }
      assert.ok(
        json && typeof parsed?.error?.code === 'string' && typeof parsed.error.message === 'string',
        `${what} → ${res.status} without the error shape: ${String(res.headers['content-type'])} ${res.text.slice(0, 200)}`,
      );
    }
  }
  if (json) assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: JSON without nosniff`);
  const sent =
    `${c.path} ${c.headers.map(([, v]) => v).join(' ')} ${c.body?.bytes.toString('latin1') ?? ''}`.toLowerCase();
  const owner = ownerOf(c.acting, c.cred);
  const stranger = world.sites.find((w) => w !== owner);
  if (
    owner &&
    stranger &&
    [stranger.siteId, ...stranger.privateIds, ...stranger.publicIds].some((id) => sent.includes(id))
  )
    tally.crossSite++;
  const found = leaks(world, {
    owner,
    publicRoute: isPublic(c.route),
    sent,
    received: `${res.text} ${JSON.stringify(res.headers)}`,
  });
  assert.deepEqual(found, [], `${what} → ${res.status} carries another site's data: ${res.text.slice(0, 400)}`);
  // Only the route's own method runs it (a preflight, or HEAD on a public GET of the same path, is another matter).
  if (!isPublic(c.route) && res.status < 300 && c.method === c.route.method.toUpperCase()) {
    const path = c.path.split('?')[0]!;
    for (const w of world.sites) {
      if (w === owner) continue;
      const named = [...w.privateIds, ...w.publicIds].filter((id) => path.toLowerCase().includes(id));
      if (path.split('/').includes(w.siteId)) named.push(w.siteId);
      assert.deepEqual(
        named,
        [],
        `${what} → ${res.status}: success on a path naming ${w.siteId}'s ${named.join(', ')}`,
      );
    }
  }
  return res;
}

/** fc.assert with a fixed seed (FC_SEED overrides) and the failed assertion's own message next to the counterexample. */
export async function holds<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  params: fc.Parameters<Ts>,
): Promise<void> {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : params.seed;
  try {
    await fc.assert(property, { ...params, ...(seed !== undefined ? { seed } : {}) });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (err instanceof Error && cause instanceof Error) err.message += `\nFailure: ${cause.message}`;
    throw err;
  }
}
