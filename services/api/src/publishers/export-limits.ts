import type { Response } from 'express';
import type { Pool } from '#shared/db/pool.js';
import { RateLimitedError } from '../http/app-error.js';

/**
 * What exports may hold: a small pool of their own (so a slow export never takes a connection from other
 * requests or from /readyz), at most one export per site and `maxConcurrent` per process.
 */
export interface ExportLimits {
  db: Pool;
  /** Takes the site's export slot or throws 429; returns the function that gives it back. */
  acquire(siteId: string): () => void;
  readonly stallTimeoutMs: number;
  /** The longest an export streams, however its client reads. */
  readonly maxDurationMs: number;
}

export function createExportLimits(opts: {
  db: Pool;
  maxConcurrent: number;
  stallTimeoutMs: number;
  maxDurationMs: number;
}): ExportLimits {
  const running = new Set<string>();
  return {
    db: opts.db,
    stallTimeoutMs: opts.stallTimeoutMs,
    maxDurationMs: opts.maxDurationMs,
    acquire(siteId) {
      // Checked and taken in one synchronous step: no await between them.
      if (running.has(siteId) || running.size >= opts.maxConcurrent) throw new RateLimitedError(30);
      running.add(siteId);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        running.delete(siteId);
      };
    },
  };
}

/**
 * Ends a response whose client has stopped reading: when its socket sends nothing (and receives nothing) for
 * `ms` — a write waiting on a full socket buffer does not count — the response is destroyed, and the export's
 * cursor and transaction with it; and one still going after `maxMs`, however its client reads. Returns the function
 * that stops watching.
 */
export function endWhenStalled(
  res: Response,
  ms: number,
  onStall: () => void,
  opts: { maxMs?: number; onTooLong?: () => void } = {},
): () => void {
  const stalled = () => {
    onStall();
    res.destroy();
  };
  res.setTimeout(ms, stalled);
  // However it reads: a little now and then resets the stall, never this.
  const deadline =
    opts.maxMs === undefined
      ? null
      : setTimeout(() => {
          opts.onTooLong?.();
          res.destroy();
        }, opts.maxMs);
  deadline?.unref();
  return () => {
    if (deadline) clearTimeout(deadline);
    res.socket?.setTimeout(0);
    res.socket?.off('timeout', stalled);
  };
}
