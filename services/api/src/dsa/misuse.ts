import type { ApiDeps } from '../deps.js';
import { withTransaction } from '#shared/db/pool.js';
import { newId } from '#shared/ids.js';
import { insertAudit } from '#shared/db/audit.js';
import { changeStanding } from '#shared/db/reader-moderation.js';
import { countUnfoundedNotices } from '#shared/db/dsa-notices.js';
import { humanStatement, mailStatement, storeStatement } from '#shared/dsa/statements.js';
import { misuseWarningMail, noticesSuspendedMail } from '#shared/dsa/texts.js';
import type { SiteSettings } from '#shared/settings.js';
import { announceUserChange } from '../auth/user-changes.js';
import { readerBanned } from '../moderation/events.js';

export type MisuseKind = 'illegal_content' | 'unfounded_notices';
const MISUSE_ACTOR = { id: null, name: 'DSA misuse rule (Art. 23)' };

/**
 * Art. 23: after a moderator's finding (a comment removed as manifestly illegal, a notice found
 * manifestly unfounded), counts the subject's findings since the later of the window's start and
 * the last measure taken. Reaching the site's threshold gives a warning; reaching it again while
 * that warning is within the window gives a suspension: of the account (illegal content) or of the
 * processing of notices (unfounded notices). Every measure is audited and mailed.
 */
export async function applyMisuseRule(
  deps: Pick<ApiDeps, 'db' | 'mailer' | 'logger' | 'redis' | 'lookups' | 'config' | 'events'>,
  o: {
    siteId: string;
    siteName: string;
    settings: SiteSettings;
    kind: MisuseKind;
    /** 'u:<user id>' or 'e:<lower email>'. */
    subject: string;
    userId: string | null;
    email: string | null;
  },
): Promise<'none' | 'warning' | 'suspension'> {
  if (!o.settings.dsa.enabled) return 'none';
  const m = o.settings.dsa.misuse;
  const threshold = o.kind === 'illegal_content' ? m.illegalContent : m.unfoundedNotices;
  const outcome = await withTransaction(deps.db, async (tx) => {
    // One decision at a time per subject: concurrent findings cannot both warn.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`dsa-misuse:${o.siteId}:${o.subject}:${o.kind}`]);
    const windowStart = new Date(Date.now() - m.windowDays * 86_400_000);
    const last = (
      await tx.query<{ action: 'warning' | 'suspension'; created_at: Date }>(
        `SELECT action, created_at FROM dsa_misuse WHERE site_id = $1 AND subject = $2 AND kind = $3
          ORDER BY created_at DESC LIMIT 1`,
        [o.siteId, o.subject, o.kind],
      )
    ).rows[0];
    const since = last && last.created_at > windowStart ? last.created_at : windowStart;
    const count =
      o.kind === 'unfounded_notices'
        ? await countUnfoundedNotices(tx, { siteId: o.siteId, subject: o.subject, since })
        : (
            await tx.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM dsa_statements
                WHERE site_id = $1 AND user_id = $2 AND manifestly_illegal AND reversed_at IS NULL AND created_at > $3`,
              [o.siteId, o.userId, since],
            )
          ).rows[0]!.n;
    if (count < threshold) return { action: 'none' as const, statement: null, until: null, found: 0 };
    const warned = last?.action === 'warning' && last.created_at > windowStart;
    const action = warned ? ('suspension' as const) : ('warning' as const);
    const until = action === 'suspension' ? new Date(Date.now() + m.suspensionDays * 86_400_000) : null;
    // A banned reader, or one suspended for longer already, is restricted enough: the suspension would shorten it.
    const account = o.userId
      ? (
          await tx.query<{ status: string; suspended_until: Date | null }>(
            `SELECT status, suspended_until FROM users WHERE site_id = $1 AND id = $2 FOR UPDATE`,
            [o.siteId, o.userId],
          )
        ).rows[0]
      : undefined;
    const restrictedEnough =
      account?.status === 'banned' ||
      (account?.status === 'suspended' &&
        until !== null &&
        (account.suspended_until === null || account.suspended_until >= until));
    // Nothing to impose, so no measure is recorded (the transparency report counts the measures taken).
    if (until && o.kind === 'illegal_content' && restrictedEnough)
      return { action: 'none' as const, statement: null, until: null, found: 0 };
    await tx.query(
      `INSERT INTO dsa_misuse (id, site_id, subject, kind, action, until) VALUES ($1, $2, $3, $4, $5, $6)`,
      [newId(), o.siteId, o.subject, o.kind, action, until],
    );
    const reason = `${count} ${o.kind === 'illegal_content' ? 'comments removed as manifestly illegal' : 'manifestly unfounded notices'} since ${since.toISOString()}`;
    let statement = null;
    let standing = null;
    if (until && o.kind === 'illegal_content' && o.userId) {
      standing = await changeStanding(tx, {
        siteId: o.siteId,
        userId: o.userId,
        status: 'suspended',
        suspendedUntil: until,
      });
      statement = await storeStatement(
        tx,
        humanStatement({
          sourceKey: `misuse:${o.userId}:${until.toISOString()}`,
          siteId: o.siteId,
          commentId: null,
          userId: o.userId,
          restriction: 'suspension',
          facts: `After a warning, ${reason}.`,
          ground: 'illegal_content',
          groundDetail: 'Art. 23(1) DSA: frequently providing manifestly illegal content',
          source: 'misuse',
          automatedDetection: true,
          decidedBy: null,
          endsAt: until,
          settings: o.settings,
        }),
      );
    }
    await insertAudit(tx, {
      siteId: o.siteId,
      actor: MISUSE_ACTOR,
      action: `dsa.misuse_${action}`,
      readerId: o.userId,
      before: standing?.before ?? null,
      after: { kind: o.kind, action, until: until?.toISOString() ?? null, standing: standing?.after ?? null },
      reason,
    });
    return { action, statement, until, found: count };
  });
  if (outcome.action === 'none') return 'none';
  if (outcome.action === 'suspension' && o.userId && o.kind === 'illegal_content') {
    await announceUserChange(deps, o.siteId, o.userId);
    // Publishers hear of it as of a moderator's suspension; the rule, not a person, took it.
    deps.events
      .emit(readerBanned(o.siteId, o.userId, 'suspend', { kind: 'service' }))
      .catch((err: unknown) => deps.logger.error({ err }, 'could not emit a webhook event'));
  }
  if (outcome.action === 'warning' && o.email && deps.mailer.state === 'configured') {
    await deps.mailer
      .send(misuseWarningMail(o.email, { kind: o.kind, suspensionDays: m.suspensionDays }, o.siteName))
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not mail a misuse warning'));
  }
  // A notifier's notices suspended: they are told until when and why (an account's suspension has its statement).
  if (outcome.action === 'suspension' && o.kind === 'unfounded_notices' && outcome.until && o.email) {
    if (deps.mailer.state === 'configured')
      await deps.mailer
        .send(noticesSuspendedMail(o.email, { until: outcome.until, found: outcome.found }, o.siteName, o.settings.dsa))
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not mail a suspension of notices'));
  }
  if (outcome.statement) await mailStatement(deps, outcome.statement);
  return outcome.action;
}

/** Until when a notifier's notices are suspended (Art. 23(2)), or null. */
export async function noticesSuspendedUntil(
  deps: Pick<ApiDeps, 'db'>,
  siteId: string,
  notifier: { key: string; emails: (string | null | undefined)[] },
): Promise<Date | null> {
  const emails = [...new Set(notifier.emails.filter((e): e is string => !!e).map((e) => e.toLowerCase()))];
  // A suspension follows the notifier whichever way they send: an account's suspension reaches notices sent
  // signed out from its address, and an address's suspension reaches the account that has it.
  const res = await deps.db.query<{ until: Date | null }>(
    `SELECT max(m.until) AS until FROM dsa_misuse m
      WHERE m.site_id = $1 AND m.kind = 'unfounded_notices' AND m.action = 'suspension' AND m.until > now()
        AND (m.subject = ANY($2::text[])
             OR EXISTS (
                  SELECT 1 FROM users u
                   WHERE u.site_id = $1 AND lower(u.email) = ANY($3::text[])
                     AND u.id = CASE WHEN m.subject LIKE 'u:%' THEN substr(m.subject, 3)::uuid END))`,
    [siteId, [notifier.key, ...emails.map((e) => `e:${e}`)], emails],
  );
  return res.rows[0]?.until ?? null;
}
