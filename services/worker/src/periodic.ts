import type { Logger } from '#shared/logger.js';

/** The runs going on now, of every periodic task of this process. */
const runs = new Set<Promise<unknown>>();

/**
 * Resolves once every periodic run going on now has finished: shutdown waits for it (after stopping the timers)
 * before it closes the pools a run uses.
 */
export async function periodicRunsSettled(): Promise<void> {
  await Promise.allSettled([...runs]);
}

/**
 * Runs `task` every `everyMs` (and once `firstAfterMs` after start, when given), never two runs at once: a run
 * still going when the next is due is left to finish, and that tick is skipped. A failure is logged as `what`
 * failed, and the next tick tries again. The timers never keep the process alive. Returns the stop function, which
 * stops the timers; a run going on finishes (`periodicRunsSettled`).
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
    const run = o
      .task()
      .catch((err: unknown) => o.logger.warn({ err: (err as Error).message }, `${o.what} failed`))
      .finally(() => {
        running = false;
        runs.delete(run);
      });
    runs.add(run);
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
