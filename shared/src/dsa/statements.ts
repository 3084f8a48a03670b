import type { Pool, Queryable } from '../db/pool.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail.js';
import { type CommentStatus, DECIDED_BY_PEOPLE, type Reason } from '../domain.js';
import type { SiteSettings } from '../settings.js';
import {
  claimStatementMails,
  insertStatement,
  markStatementsMailed,
  type NewStatement,
  type Statement,
  type StatementMailKind,
} from '../db/dsa-statements.js';
import { decisionText, redressText, statementsMail, statementWithdrawnMail } from './texts.js';

/**
 * Rules whose hold or rejection is not about the comment's content, so it needs no statement of
 * reasons: everything is pre-moderated (on the site, or on a post while a surge lasts), a scorer could
 * not run, the parent went away, or the account is restricted (that restriction has its own statement).
 */
const NOT_ABOUT_CONTENT = new Set([
  'premod',
  'surge',
  'scorer_unavailable',
  'parent_unavailable',
  'author_banned',
  'staff',
]);

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

/** Rules that are not automated detection: pre-moderation (a surge's too), people's reports and decisions. */
const NOT_AUTOMATED = new Set([...DECIDED_BY_PEOPLE, 'premod', 'surge', 'staff', 'trusted_reader']);

/**
 * Whether automated means brought this comment to a moderator: the worker held it on a content rule since people
 * last decided or held it (a comment held by the scorer, approved by a moderator, then held by readers' reports
 * came to the moderator through the reports).
 */
export const automatedDetection = (status: CommentStatus, reasons: Reason[]): boolean =>
  status === 'pending' &&
  reasons
    .slice(reasons.findLastIndex((r) => DECIDED_BY_PEOPLE.has(r.rule)) + 1)
    .some((r) => !NOT_AUTOMATED.has(r.rule));

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
  await mailOnce(deps, s ? [s] : [], 'statement');
}

/**
 * Mails several statements of one recipient (the first's site and account; others are left to the
 * sweep) in one mail, each in full: the comments removed with a ban would otherwise be a mail each.
 * Claimed and recorded statement by statement, as `mailStatement` does.
 */
export async function mailStatements(
  deps: { db: Pool; mailer?: Mailer; logger: Logger },
  statements: Statement[],
): Promise<void> {
  await mailOnce(deps, statements, 'statement');
}

/** The correction for a mailed statement whose decision was withdrawn (undone), sent like the statement. */
export async function mailStatementWithdrawal(
  deps: { db: Pool; mailer?: Mailer; logger: Logger },
  s: Statement | null,
): Promise<void> {
  await mailOnce(deps, s ? [s] : [], 'withdrawal');
}

async function mailOnce(
  deps: { db: Pool; mailer?: Mailer; logger: Logger },
  statements: Statement[],
  kind: StatementMailKind,
): Promise<void> {
  const { db, mailer, logger } = deps;
  const first = statements[0];
  if (!first?.userId || !mailer || mailer.state !== 'configured') return;
  const res = await db.query<{ email: string | null; name: string }>(
    `SELECT u.email, s.name FROM users u JOIN sites s ON s.id = u.site_id WHERE u.site_id = $1 AND u.id = $2 AND u.deleted_at IS NULL`,
    [first.siteId, first.userId],
  );
  const row = res.rows[0];
  if (!row?.email) return;
  const theirs = statements.filter((s) => s.siteId === first.siteId && s.userId === first.userId);
  const claimed = await claimStatementMails(
    db,
    theirs.map((s) => s.id),
    kind,
  );
  if (claimed.size === 0) return;
  await sendClaimedStatementMails(
    { db, mailer, logger },
    { kind, statements: theirs.filter((s) => claimed.has(s.id)), email: row.email, siteName: row.name },
  );
}

/**
 * Sends mails the caller claimed for one recipient, then records them: statements in one mail,
 * withdrawal corrections one mail each. A failure is logged and the claims left to lapse
 * (STATEMENT_MAIL_LEASE_MS): the sweep tries again then. Returns how many statements were mailed.
 */
export async function sendClaimedStatementMails(
  deps: { db: Pool; mailer: Mailer; logger: Logger },
  m: { kind: StatementMailKind; statements: Statement[]; email: string; siteName: string },
): Promise<number> {
  const mails =
    m.kind === 'statement'
      ? [{ statements: m.statements, message: statementsMail(m.email, m.statements, m.siteName) }]
      : m.statements.map((s) => ({ statements: [s], message: statementWithdrawnMail(m.email, s, m.siteName) }));
  let sent = 0;
  for (const mail of mails) {
    const ids = mail.statements.map((s) => s.id);
    try {
      await deps.mailer.send(mail.message);
    } catch (err) {
      deps.logger.warn({ err, statementIds: ids, kind: m.kind }, 'could not mail a statement of reasons');
      continue;
    }
    await markStatementsMailed(deps.db, ids, m.kind);
    sent += ids.length;
  }
  return sent;
}
