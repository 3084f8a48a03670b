import type { Logger } from '#shared/logger.js';

/**
 * Runs `task` every `everyMs` (and once `firstAfterMs` after start, when given), never two runs at once: a run
 * still going when the next is due is left to finish, and that tick is skipped. A failure is logged as `what`
 * failed, and the next tick tries again. The timers never keep the process alive. Returns the stop function.
 */
export function startPeriodic(o: {
  what: string;
  everyMs: number;
  firstAfterMs?: number;
  logger: Logger;
  task(): Promise<unknown>;
}): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    o.task()
      .catch((err: unknown) => o.logger.warn({ err: (err as Error).message }, `${o.what} failed`))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, o.everyMs);
  timer.unref();
  const first = o.firstAfterMs === undefined ? null : setTimeout(tick, o.firstAfterMs);
  first?.unref();
  return () => {
    clearInterval(timer);
    if (first) clearTimeout(first);
  };
}
