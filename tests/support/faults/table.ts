import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Ledger } from './ledger.js';
import type { LoadStats } from './load.js';

/** One line of the suite's table: a scenario's outcome. */
export interface FaultRow {
  scenario: string;
  accepted: number;
  persisted: number;
  lost: number;
  duplicated: number;
  maxLagMs: number;
  recoverMs: number | null;
  /** 202s per second: the steady load's over the scenario, or a closed-loop burst's where measured. */
  acceptRate: number;
  retries: number;
  note: string;
}

export function rowOf(
  scenario: string,
  l: Ledger,
  stats: LoadStats,
  extra: { recoverMs: number | null; acceptRate: number; note?: string },
): FaultRow {
  return {
    scenario,
    accepted: l.accepted,
    persisted: l.persisted,
    lost: l.lost,
    duplicated: l.duplicated,
    maxLagMs: l.maxLagMs,
    recoverMs: extra.recoverMs,
    acceptRate: extra.acceptRate,
    retries: stats.retries,
    note: extra.note ?? '',
  };
}

/** Adds the row to the run's results file (FAULTS_RESULTS, set by `npm run test:faults`), if any. */
export function recordRow(row: FaultRow): void {
  const file = process.env.FAULTS_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export function readRows(file: string): FaultRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FaultRow);
}

const secs = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

export const TABLE_LEGEND = [
  '- **accepted**: comments a client got a 202 for (each with its id); **persisted**: those ids found in Postgres once the queue drained;',
  '  **lost** = accepted − persisted; **duplicated**: rows beyond the first for one comment (same reader, same text, two ids).',
  "- **max queue lag**: the longest accepted → decided time of the scenario's comments (`comments.decided_at − created_at`).",
  "- **time to recover**: from the fault's end (the killed process restarted, Postgres started again; for the hung scorer, which never",
  '  comes back, the end of the load) until the API has answered 202 to a request sent after it *and* every comment accepted before',
  '  it is stored with its decision.',
  "- **202/s**: the steady load's accept rate over the scenario; for the Redis kills, a closed-loop burst (as fast as 32 readers go) before the kill.",
  '- **retries**: client retries (network error, timeout or 5xx) with the same Idempotency-Key.',
];

export function formatTable(rows: FaultRow[]): string {
  const head = [
    'scenario',
    'accepted',
    'persisted',
    'lost',
    'duplicated',
    'max queue lag',
    'time to recover',
    '202/s',
    'retries',
    'notes',
  ];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((_h, i) => (i === 0 || i === head.length - 1 ? '---' : '---:')).join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${[
          r.scenario,
          r.accepted,
          r.persisted,
          r.lost,
          r.duplicated,
          secs(r.maxLagMs),
          secs(r.recoverMs),
          r.acceptRate.toFixed(0),
          r.retries,
          r.note,
        ].join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

/** A one-line summary of a row, for the test's own diagnostic output. */
export function describeRow(r: FaultRow): string {
  return (
    `${r.scenario}: accepted ${r.accepted}, persisted ${r.persisted}, lost ${r.lost}, duplicated ${r.duplicated}, ` +
    `max queue lag ${secs(r.maxLagMs)}, time to recover ${secs(r.recoverMs)}, ${r.acceptRate.toFixed(0)} 202/s, ${r.retries} retries${r.note ? ` (${r.note})` : ''}`
  );
}
