import type { Pool, Queryable } from '../db/pool.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail.js';
import type { CommentStatus, Reason } from '../domain.js';
import type { SiteSettings } from '../settings.js';
import {
  claimStatementMail,
  insertStatement,
  markStatementMailed,
  type NewStatement,
  type Statement,
  type StatementMailKind,
} from '../db/dsa-statements.js';
import { decisionText, redressText, statementMail, statementWithdrawnMail } from './texts.js';

/**
 * Rules whose hold or rejection is not about the comment's content, so it needs no statement of
 * reasons: everything is pre-moderated, a scorer could not run, the parent went away, or the
 * account is restricted (that restriction has its own statement).
 */
const NOT_ABOUT_CONTENT = new Set(['premod', 'scorer_unavailable', 'parent_unavailable', 'author_banned', 'staff']);

/** What the author is told of a rejection, by the rule that decided (no scores, no matched words). */
const REMOVAL_FACTS: Record<string, [detail: string, facts: string]> = {
  banned_word: ['banned_word', 'It contains a word this site does not allow.'],
  toxicity: ['abusive_language', "Automated scoring found that it breaks this site's rules on abusive language."],
  repeat: ['repeat', 'It repeats a comment you posted a moment ago.'],
  link_denied: ['link_not_allowed', 'It links to a site this site does not allow.'],
  too_long: ['too_long', 'It is longer than this site allows.'],
  empty: ['empty', 'It is empty.'],
};

/**
 * The statement of reasons for the worker's own decision, or null when none is due. The worker
 * decides without a person, so detection and decision are both automated. A hold says no more
 * than that automated checks flagged the comment: which rule held it stays unsaid (a campaign
 * must not learn what held it).
 */
export function automatedStatement(
  c: { siteId: string; commentId: string; authorId: string },
  d: { status: CommentStatus; reasons: Reason[] },
  settings: Pick<SiteSettings, 'dsa'>,
): NewStatement | null {
  if (!settings.dsa.enabled || d.status === 'approved') return null;
  const rule = d.reasons.at(-1)?.rule ?? '';
  if (NOT_ABOUT_CONTENT.has(rule)) return null;
  const restriction = d.status === 'rejected' ? 'removal' : 'hold';
  const [detail, facts] =
    restriction === 'hold'
      ? ['held_for_review', "Automated checks flagged it for a moderator's review against the site's rules."]
      : (REMOVAL_FACTS[rule] ?? ['site_rules', "Automated checks found that it breaks the site's rules."]);
  return {
    sourceKey: `worker:${c.commentId}`,
    siteId: c.siteId,
    commentId: c.commentId,
    userId: c.authorId,
    restriction,
    decision: decisionText(restriction),
    facts,
    ground: 'incompatible_content',
    groundDetail: detail,
    category: null,
    source: 'automated',
    automatedDetection: true,
    automatedDecision: true,
    noticeId: null,
    decidedBy: null,
    redress: redressText(settings.dsa),
    endsAt: null,
  };
}

/** Rules that are not automated detection: pre-moderation, people's reports and decisions. */
const NOT_AUTOMATED = new Set([
  'premod',
  'reports',
  'moderator',
  'dsa_notice',
  'dsa_appeal',
  'staff',
  'trusted_reader',
]);

/** Whether automated means brought this comment to a moderator: the worker held it on a content rule. */
export const automatedDetection = (status: CommentStatus, reasons: Reason[]): boolean =>
  status === 'pending' && reasons.some((r) => !NOT_AUTOMATED.has(r.rule));

/** A moderator's removal or hold of a comment (or a suspension or ban of an account). */
export function humanStatement(o: {
  sourceKey: string;
  siteId: string;
  commentId: string | null;
  userId: string;
  restriction: Statement['restriction'];
  facts: string;
  ground?: Statement['ground'];
  groundDetail: string;
  category?: string | null;
  source?: Statement['source'];
  /** Automated means flagged it first (the worker held it, or a scorer's score brought it to the queue). */
  automatedDetection: boolean;
  decidedBy: string | null;
  noticeId?: string | null;
  manifestlyIllegal?: boolean;
  endsAt?: Date | null;
  settings: Pick<SiteSettings, 'dsa'>;
}): NewStatement | null {
  if (!o.settings.dsa.enabled) return null;
  return {
    sourceKey: o.sourceKey,
    siteId: o.siteId,
    commentId: o.commentId,
    userId: o.userId,
    restriction: o.restriction,
    decision: decisionText(o.restriction),
    facts: o.facts,
    ground: o.ground ?? 'incompatible_content',
    groundDetail: o.groundDetail,
    category: o.category ?? null,
    source: o.source ?? 'moderator',
    automatedDetection: o.automatedDetection,
    automatedDecision: o.decidedBy === null,
    manifestlyIllegal: o.manifestlyIllegal ?? false,
    noticeId: o.noticeId ?? null,
    decidedBy: o.decidedBy,
    redress: redressText(o.settings.dsa),
    endsAt: o.endsAt ?? null,
  };
}

export async function storeStatement(db: Queryable, s: NewStatement | null): Promise<Statement | null> {
  return s ? insertStatement(db, s) : null;
}

/**
 * Mails a statement to its recipient when they have an address and a transport is configured.
 * Best effort after the decision committed: the statement stays readable in the widget, the API
 * and the export whatever happens to the mail; a failure is logged, `mailed_at` stays null and the
 * worker's sweep sends it later (as it does when this process stops before sending). The mail is
 * claimed first, so this and the sweep never both send it.
 */
export async function mailStatement(
  deps: { db: Pool; mailer?: Mailer; logger: Logger },
  s: Statement | null,
): Promise<void> {
  await mailOnce(deps, s, 'statement');
}

/** The correction for a mailed statement whose decision was withdrawn (undone), sent like the statement. */
export async function mailStatementWithdrawal(
  deps: { db: Pool; mailer?: Mailer; logger: Logger },
  s: Statement | null,
): Promise<void> {
  await mailOnce(deps, s, 'withdrawal');
}

async function mailOnce(
  deps: { db: Pool; mailer?: Mailer; logger: Logger },
  s: Statement | null,
  kind: StatementMailKind,
): Promise<void> {
  const { db, mailer, logger } = deps;
  if (!s?.userId || !mailer || mailer.state !== 'configured') return;
  const res = await db.query<{ email: string | null; name: string }>(
    `SELECT u.email, s.name FROM users u JOIN sites s ON s.id = u.site_id WHERE u.site_id = $1 AND u.id = $2 AND u.deleted_at IS NULL`,
    [s.siteId, s.userId],
  );
  const row = res.rows[0];
  if (!row?.email) return;
  if (!(await claimStatementMail(db, s.id, kind))) return;
  await sendClaimedStatementMail(
    { db, mailer, logger },
    {
      kind,
      statement: s,
      email: row.email,
      siteName: row.name,
    },
  );
}

/**
 * Sends a mail the caller claimed, then records it. A failure is logged and the claim left to lapse
 * (STATEMENT_MAIL_LEASE_MS): the sweep tries again then. Returns whether it was sent.
 */
export async function sendClaimedStatementMail(
  deps: { db: Pool; mailer: Mailer; logger: Logger },
  m: { kind: StatementMailKind; statement: Statement; email: string; siteName: string },
): Promise<boolean> {
  const message =
    m.kind === 'statement'
      ? statementMail(m.email, m.statement, m.siteName)
      : statementWithdrawnMail(m.email, m.statement, m.siteName);
  try {
    await deps.mailer.send(message);
  } catch (err) {
    deps.logger.warn({ err, statementId: m.statement.id, kind: m.kind }, 'could not mail a statement of reasons');
    return false;
  }
  await markStatementMailed(deps.db, m.statement.id, m.kind);
  return true;
}
