import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { buildPost } from '../builders.js';
import { startCluster, type Cluster, type ClusterOptions } from './cluster.js';
import { startLoad, type Load, type LoadReader } from './load.js';
import { readLedger, timeToRecover, waitForDrain, type Ledger } from './ledger.js';
import { describeRow, recordRow, rowOf, type FaultRow } from './table.js';

/**
 * The frame every fault scenario shares: a cluster of its own, signed-in readers posting at a
 * steady pace, the fault (the scenario's own code), then drain, ledger, the standard assertions
 * and the table row. Whatever happens, every process and the temp dir go.
 */

/** Readers posting, all together: 16 readers × one comment every 400 ms ≈ 40 comments/s. */
export const READERS_PER_SITE = 16;
export const PACE_MS = 400;

export interface SiteSpec {
  id: string;
  settings?: Record<string, unknown>;
  readers?: number;
}

export async function withCluster(
  t: TestContext,
  o: ClusterOptions,
  run: (cluster: Cluster) => Promise<void>,
): Promise<void> {
  const cluster = await startCluster(o);
  let failed = true;
  try {
    await run(cluster);
    failed = false;
  } catch (err) {
    // The services' last words go with the failure (and stay in test-artifacts/faults/<name>/).
    console.error(`${t.name}\nlogs of ${o.name} (kept in test-artifacts/faults/${o.name}/):\n${cluster.logs()}`);
    throw err;
  } finally {
    await cluster.close({ failed });
  }
}

/** Creates the sites and a post on each, signs readers in through the API, and starts them posting. */
export async function startReaders(
  cluster: Cluster,
  sites: SiteSpec[],
  paceMs = PACE_MS,
): Promise<{ load: Load; siteIds: string[] }> {
  const readers: LoadReader[] = [];
  for (const s of sites) {
    const site = await cluster.site(s.id, s.settings);
    const postId = await buildPost(cluster.db, site.siteId);
    const n = s.readers ?? READERS_PER_SITE;
    const tokens = await Promise.all(Array.from({ length: n }, (_, i) => cluster.signIn(site, `${s.id}-r${i}`)));
    tokens.forEach((token, i) => readers.push({ siteId: site.siteId, postId, token, tag: `${s.id.slice(0, 3)}${i}` }));
  }
  return { load: startLoad({ apiUrl: cluster.apiUrl, readers, intervalMs: paceMs }), siteIds: sites.map((s) => s.id) };
}

export interface FinishOptions {
  scenario: string;
  /**
   * Fault's end (Date.now()), for the time to recover; 'load-end' for a fault that never ends (the
   * time to recover is then the time to decide the backlog once readers stop).
   */
  faultEnd: number | 'load-end';
  /** Accept rate to report; default the steady load's over the scenario. */
  acceptRate?: number;
  note?: string;
  /** The Redis everysec run measures loss rather than forbidding it. */
  allowLoss?: boolean;
  drainTimeoutMs?: number;
}

/** Stops the readers, waits for the queue to drain, reads the ledger, asserts, records the row. */
export async function finish(
  t: TestContext,
  cluster: Cluster,
  load: Load,
  siteIds: string[],
  o: FinishOptions,
): Promise<{ ledger: Ledger; row: FaultRow }> {
  const loadStart = Math.min(...load.comments.map((c) => c.firstSentAt));
  await load.stop();
  const loadEnd = Date.now();
  const stats = load.stats();
  const drained = await waitForDrain(cluster, load.comments, o.drainTimeoutMs ?? 60_000);
  const ledger = await readLedger(cluster, load.comments, siteIds);
  const rowsById = new Map(ledger.rows.map((r) => [r.id, r]));
  const row = rowOf(o.scenario, ledger, stats, {
    recoverMs:
      o.faultEnd === 'load-end'
        ? timeToRecover(loadEnd, load.comments, rowsById, false)
        : timeToRecover(o.faultEnd, load.comments, rowsById),
    acceptRate: o.acceptRate ?? ledger.accepted / ((loadEnd - loadStart) / 1000),
    note: o.note,
  });
  recordRow(row);
  t.diagnostic(describeRow(row));
  t.diagnostic(
    `client: ${JSON.stringify(stats)}; ledger: unacknowledged ${ledger.unacknowledged}, strangers ${ledger.strangers}, ` +
      `undecided ${ledger.undecided}, queue left ${ledger.queueLeft}, failed jobs ${ledger.failedJobs}, drained ${drained}`,
  );

  assertLedger(ledger, load, o.allowLoss === true);
  return { ledger, row };
}

export function assertLedger(ledger: Ledger, load: Load, allowLoss: boolean): void {
  const stats = load.stats();
  const refused = load.comments
    .filter((c) => c.refused)
    .slice(0, 3)
    .map((c) => c.refused);
  assert.equal(stats.refused, 0, `comments refused with a 4xx: ${JSON.stringify(refused)}`);
  assert.equal(stats.gaveUp, 0, 'comments that never got a 202 (the API did not come back in time)');
  assert.ok(ledger.accepted >= 100, `the load ran (${ledger.accepted} accepted)`);
  if (!allowLoss)
    assert.equal(ledger.lost, 0, `accepted comments missing from Postgres: ${ledger.lostIds.slice(0, 5).join(', ')}`);
  assert.equal(ledger.duplicated, 0, 'comments stored twice');
  assert.equal(ledger.strangers, 0, 'rows no client sent');
  assert.equal(ledger.undecided, 0, 'stored comments without a decision');
  assert.equal(ledger.failedJobs, 0, 'jobs in the failed set');
  if (!allowLoss) assert.equal(ledger.queueLeft, 0, 'jobs still queued after the drain');
}

/** Sums a counter of a Prometheus text page over the series matching labels. */
export async function metricSum(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(3000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export interface Readiness {
  at: number;
  status: number;
  postgres?: string;
  redis?: string;
}

/** The API's /readyz: its status and what it says of each dependency (status 0: no answer). */
export async function readyz(url: string): Promise<Readiness> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { checks?: { postgres?: string; redis?: string } };
    return { at: Date.now(), status: res.status, postgres: body.checks?.postgres, redis: body.checks?.redis };
  } catch {
    return { at: Date.now(), status: 0 };
  }
}
