import { DelayedError, type Job } from 'bullmq';

/**
 * A BullMQ processor whose jobs, when they fail for an outage (`isOutage`), go back to wait `delayMs(job)` without
 * spending an attempt, however long the outage lasts; attempts count only failures of the job's own.
 */
export function waitingOutOutages<T, R>(
  process: (job: Job<T>, token?: string) => Promise<R>,
  o: { delayMs: (job: Job<T>) => number; onWait?: (job: Job<T>, err: unknown) => void },
): (job: Job<T>, token?: string) => Promise<R> {
  return async (job, token) => {
    try {
      return await process(job, token);
    } catch (err) {
      if (!token || !isOutage(err)) throw err;
      await job.moveToDelayed(Date.now() + o.delayMs(job), token);
      o.onWait?.(job, err);
      throw new DelayedError();
    }
  };
}

/**
 * Whether an error says a server the job needs (Postgres, Redis, a mail server) could not be reached or is
 * starting, stopping or full, rather than anything about the job itself: such a job is put back to wait for
 * the server without spending one of its attempts, however long the outage lasts.
 */
export function isOutage(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  // Node's connection errors; an AggregateError when every address of a host refused.
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
  if (Array.isArray(errors) && errors.length > 0 && errors.every(isOutage)) return true;
  // A mail server closing for now (SMTP 421); a refusal of one recipient (450–452: a full mailbox, greylisting)
  // is the notification's own and spends its attempts.
  if ((err as { responseCode?: unknown }).responseCode === 421) return true;
  return typeof message === 'string' && OUTAGE_MESSAGES.test(message);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ESOCKET',
  'ECONNECTION',
]);
// SQLSTATE class 08 (connection exception), admin, crash and start-up shutdowns, too many connections.
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
// What node-postgres and ioredis say when a connection ends or cannot be had, without a code.
const OUTAGE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Reached the max retries per request limit|Stream isn't writeable)/;
