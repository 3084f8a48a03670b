import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import type { Mailer } from '#shared/mail.js';
import { claimDueStatementMails, type DueStatementMail, type Statement } from '#shared/db/dsa-statements.js';
import { sendClaimedStatementMails } from '#shared/dsa/statements.js';
import { startPeriodic } from '../periodic.js';

/** Mails one sweep claims at most (the next sweep takes the rest). */
const BATCH = 100;
/** A statement not mailed within this many days is left unmailed (still readable in the widget, API and export). */
const MAX_AGE_DAYS = 7;

/**
 * One pass: claims the statements of reasons (and withdrawal corrections) that should have been
 * mailed by now and were not, and sends each once, a recipient's statements in one mail. Returns
 * how many were sent.
 */
export async function sweepStatementMails(deps: {
  config: Pick<Config, 'STATEMENT_MAIL_GRACE_MS'>;
  db: Pool;
  mailer: Mailer;
  logger: Logger;
}): Promise<number> {
  if (deps.mailer.state !== 'configured') return 0;
  const due = await claimDueStatementMails(deps.db, {
    graceMs: deps.config.STATEMENT_MAIL_GRACE_MS,
    maxAgeDays: MAX_AGE_DAYS,
    limit: BATCH,
  });
  // One mail per recipient, site and kind (statements together; corrections one each).
  const groups = new Map<string, Omit<DueStatementMail, 'statement'> & { statements: Statement[] }>();
  for (const m of due) {
    const key = JSON.stringify([m.kind, m.email, m.statement.siteId]);
    const group = groups.get(key) ?? { kind: m.kind, email: m.email, siteName: m.siteName, statements: [] };
    group.statements.push(m.statement);
    groups.set(key, group);
  }
  let sent = 0;
  for (const g of groups.values()) sent += await sendClaimedStatementMails(deps, g);
  if (due.length > 0)
    deps.logger.warn({ due: due.length, sent }, 'mailed statements of reasons that had not been mailed');
  return sent;
}

/**
 * Runs the sweep every STATEMENT_MAIL_SWEEP_INTERVAL_MS, only where a mail transport is configured.
 * Every worker process runs one; their claims keep each mail to one sender. Returns the stop function.
 */
export function startStatementMailSweep(deps: {
  config: Pick<Config, 'STATEMENT_MAIL_GRACE_MS' | 'STATEMENT_MAIL_SWEEP_INTERVAL_MS'>;
  db: Pool;
  mailer: Mailer;
  logger: Logger;
}): () => void {
  const intervalMs = deps.config.STATEMENT_MAIL_SWEEP_INTERVAL_MS;
  if (deps.mailer.state !== 'configured' || intervalMs === 0) return () => undefined;
  return startPeriodic({
    what: 'statement mail sweep',
    everyMs: intervalMs,
    logger: deps.logger,
    task: () => sweepStatementMails(deps),
  });
}
