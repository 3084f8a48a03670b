import type { Cluster } from './cluster.js';
import type { SentComment } from './load.js';
import { sleep } from '../../bench/procs.js';

/**
 * What the clients were told (every 202 id) against what Postgres holds, once the queue is drained.
 */

export interface StoredRow {
  id: string;
  site_id: string;
  body: string;
  status: string;
  reasons: { rule: string; detail: string }[];
  scored_by: { provider: string; fallbackFor?: string }[];
  created_at: Date;
  decided_at: Date;
}

export interface Ledger {
  /** Comments answered 202 (one id each). */
  accepted: number;
  /** Accepted ids found in Postgres. */
  persisted: number;
  /** Accepted ids not in Postgres. */
  lost: number;
  lostIds: string[];
  /** Rows beyond the first for one comment (same text from the same reader: stored under two ids). */
  duplicated: number;
  /** Rows of comments the clients never got a 202 for (the answer was lost, or the reader gave up). */
  unacknowledged: number;
  /** Rows no client sent at all. */
  strangers: number;
  /** Accepted rows without a decision (a status and decided_at at or after acceptance). */
  undecided: number;
  /** Longest accepted → decided (decided_at − created_at), ms. */
  maxLagMs: number;
  /** Jobs still in the queue, and in the failed set. */
  queueLeft: number;
  failedJobs: number;
  rows: StoredRow[];
}

const DECISIONS = new Set(['approved', 'pending', 'rejected']);

async function queueCounts(cluster: Cluster): Promise<{ left: number; failed: number }> {
  const c = await cluster
    .queue()
    .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
  return {
    left: (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
    failed: c.failed ?? 0,
  };
}

/**
 * Waits (up to timeoutMs) until the queue holds nothing waiting, active or delayed and every
 * accepted id is in Postgres; returns whether it got there. A lost comment never arrives, so a
 * false here is for the ledger to explain, not an error.
 */
export async function waitForDrain(cluster: Cluster, comments: SentComment[], timeoutMs: number): Promise<boolean> {
  const ids = comments.flatMap((c) => (c.id ? [c.id] : []));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const q = await queueCounts(cluster);
      if (q.left === 0) {
        const { rows } = await cluster.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM comments WHERE id = ANY($1::uuid[])',
          [ids],
        );
        if (rows[0]!.n === ids.length) return true;
      }
    } catch {
      /* Postgres or Redis still coming back */
    }
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

export async function readLedger(cluster: Cluster, comments: SentComment[], siteIds: string[]): Promise<Ledger> {
  const { rows } = await cluster.db.query<StoredRow>(
    `SELECT id, site_id, body, status, reasons, scored_by, created_at, decided_at FROM comments WHERE site_id = ANY($1) ORDER BY id`,
    [siteIds],
  );
  const rowsById = new Map(rows.map((r) => [r.id, r]));
  const rowsByComment = new Map<string, StoredRow[]>();
  for (const r of rows) {
    const k = `${r.site_id}\n${r.body}`;
    rowsByComment.set(k, [...(rowsByComment.get(k) ?? []), r]);
  }
  const sentKeys = new Set(comments.map((c) => `${c.siteId}\n${c.body}`));
  const accepted = comments.filter((c) => c.id !== undefined);
  const lostIds = accepted.filter((c) => !rowsById.has(c.id!)).map((c) => c.id!);
  let duplicated = 0;
  for (const list of rowsByComment.values()) duplicated += Math.max(0, list.length - 1);
  const unacknowledged = comments.filter(
    (c) => c.id === undefined && rowsByComment.has(`${c.siteId}\n${c.body}`),
  ).length;
  const strangers = rows.filter((r) => !sentKeys.has(`${r.site_id}\n${r.body}`)).length;
  let undecided = 0;
  let maxLagMs = 0;
  for (const c of accepted) {
    const r = rowsById.get(c.id!);
    if (!r) continue;
    if (
      !DECISIONS.has(r.status) ||
      !(r.decided_at instanceof Date) ||
      r.decided_at.getTime() < r.created_at.getTime() - 1000
    )
      undecided++;
    maxLagMs = Math.max(maxLagMs, r.decided_at.getTime() - r.created_at.getTime());
  }
  const q = await queueCounts(cluster);
  return {
    accepted: accepted.length,
    persisted: accepted.length - lostIds.length,
    lost: lostIds.length,
    lostIds,
    duplicated,
    unacknowledged,
    strangers,
    undecided,
    maxLagMs,
    queueLeft: q.left,
    failedJobs: q.failed,
    rows,
  };
}

/**
 * Time to recover, ms: from the fault's end until both the API has answered 202 to a request sent
 * after it (unless requireAck is false: the fault's end is the load's), and every comment accepted
 * before it is stored (its decided_at). Null when one of the two never happened (a comment accepted
 * before the fault was lost, or no 202 came after it).
 */
export function timeToRecover(
  faultEnd: number,
  comments: SentComment[],
  rowsById: Map<string, StoredRow>,
  requireAck = true,
): number | null {
  const acksAfter = comments
    .filter((c) => c.ackAttemptAt !== undefined && c.ackAttemptAt >= faultEnd)
    .map((c) => c.ackAt!);
  const firstAckAfter = requireAck ? Math.min(...acksAfter) : faultEnd;
  if (!Number.isFinite(firstAckAfter)) return null;
  let drainedAt = faultEnd;
  for (const c of comments) {
    if (c.ackAt === undefined || c.ackAt >= faultEnd) continue;
    const r = rowsById.get(c.id!);
    if (!r) return null;
    drainedAt = Math.max(drainedAt, r.decided_at.getTime());
  }
  return Math.max(firstAckAfter, drainedAt) - faultEnd;
}
