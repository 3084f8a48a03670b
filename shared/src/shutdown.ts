import type { Logger } from './logger.js';

export interface ShutdownOptions {
  logger: Logger;
  /** After this long (SHUTDOWN_TIMEOUT_MS) the process exits 1, whatever is still running. */
  timeoutMs: number;
  /** Logged when the first signal arrives, when the timer fires, and when every closer has run. */
  messages: { starting: string; timedOut: string; stopped: string };
  /**
   * Run one after the other, each once the previous one settled: first stop accepting work, then
   * drain, then close queues and pools. One that fails is logged and the next still runs.
   */
  closers: ReadonlyArray<() => unknown>;
}

export interface Shutdown {
  /** True from the first signal on: readiness reports `stopped`, answers close their connection. */
  stopping(): boolean;
  /** What SIGTERM and SIGINT run; a second call does nothing. */
  shutdown(signal: string): Promise<void>;
}

/**
 * The graceful shutdown of a process, wired to SIGTERM and SIGINT: runs the closers in order and
 * exits 0, or 1 when a closer failed or the timer fired first (work still running is abandoned:
 * BullMQ hands a job whose lock lapses to another worker).
 */
export function handleShutdown(opts: ShutdownOptions): Shutdown {
  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    opts.logger.info({ signal }, opts.messages.starting);
    const force = setTimeout(() => {
      opts.logger.error(opts.messages.timedOut);
      process.exit(1);
    }, opts.timeoutMs);
    force.unref();
    let failed = false;
    for (const close of opts.closers) {
      try {
        await close();
      } catch (err) {
        failed = true;
        opts.logger.error({ err }, 'a shutdown step failed');
      }
    }
    opts.logger.info(opts.messages.stopped);
    process.exit(failed ? 1 : 0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return { stopping: () => stopping, shutdown };
}
