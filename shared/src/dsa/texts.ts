import type { MailMessage } from '../mail.js';
import type { Statement } from '../db/dsa-statements.js';

/** Site settings the DSA texts read. */
export interface DsaTextSettings {
  redressText: string;
}

const RESTRICTION_WORDS: Record<Statement['restriction'], string> = {
  removal: 'Your comment was removed (it is not published).',
  hold: 'Your comment is held: it is not published until a moderator has reviewed it.',
  suspension: 'Your account is suspended: it may not comment or send notices until the date below.',
  ban: 'Your account is banned: it may not comment on this site.',
};

/** The decision sentence of a statement. */
export const decisionText = (r: Statement['restriction']): string => RESTRICTION_WORDS[r];

/** The redress every statement names (Art. 17(3)(f)): the internal complaint, out-of-court bodies, a court. */
export function redressText(s: DsaTextSettings): string {
  const base =
    'You can appeal this decision within six months through the comment widget (or the API); a person who did not take this decision will review it. ' +
    'You may also turn to a certified out-of-court dispute settlement body (Art. 21 DSA) or to a court.';
  return s.redressText ? `${base} ${s.redressText}` : base;
}

const automation = (s: Pick<Statement, 'automatedDetection' | 'automatedDecision'>) =>
  `Detected by automated means: ${s.automatedDetection ? 'yes' : 'no'}. Decided by automated means: ${s.automatedDecision ? 'yes' : 'no'}.`;

/** The mail that brings a statement of reasons to its recipient. */
export function statementMail(to: string, s: Statement, siteName: string): MailMessage {
  return {
    to,
    subject: `${siteName}: statement of reasons ${s.id}`,
    text: [
      `Decision: ${s.decision}`,
      s.endsAt ? `Until: ${s.endsAt.toISOString()}` : null,
      `Facts: ${s.facts}`,
      `Ground: ${s.ground === 'illegal_content' ? 'illegal content' : "the site's rules"} (${s.groundDetail})`,
      automation(s),
      s.commentId ? `Comment: ${s.commentId}` : null,
      `Redress: ${s.redress}`,
      `You can appeal until ${s.appealUntil.toISOString().slice(0, 10)} (statement ${s.id}).`,
    ]
      .filter((l) => l !== null)
      .join('\n\n'),
  };
}

/**
 * One mail for several statements to the same person (the removals that come with a ban, or a
 * sweep's late mails): each statement in full, as its own mail would have it.
 */
export function statementsMail(to: string, statements: Statement[], siteName: string): MailMessage {
  if (statements.length === 1) return statementMail(to, statements[0]!, siteName);
  const n = statements.length;
  return {
    to,
    subject: `${siteName}: statements of reasons for ${n} decisions`,
    text: [
      `${n} decisions were taken about your comments. The statement of reasons of each follows; each can be appealed on its own.`,
      ...statements.map(
        (s, i) => `--- ${i + 1} of ${n}: statement ${s.id} ---\n\n${statementMail(to, s, siteName).text}`,
      ),
    ].join('\n\n'),
  };
}

/**
 * The correction after a statement was mailed and its moderator undid the decision moments later:
 * the decision no longer applies and the comment is as it was before it.
 */
export function statementWithdrawnMail(to: string, s: Statement, siteName: string): MailMessage {
  return {
    to,
    subject: `${siteName}: statement of reasons ${s.id} withdrawn`,
    text: [
      'Correction: the moderator who took the decision below undid it moments later. It no longer applies, and your comment is as it was before the decision (you can see it in the comment widget).',
      `Withdrawn decision: ${s.decision}`,
      s.commentId ? `Comment: ${s.commentId}` : null,
      `Statement: ${s.id}. There is nothing to appeal; if a new decision is taken, you will receive a new statement of reasons.`,
    ]
      .filter((l) => l !== null)
      .join('\n\n'),
  };
}

/** The receipt a notifier gets at once (Art. 16(4)). */
export function noticeReceiptMail(
  to: string,
  n: { reference: string; appealCode: string; commentIds: string[]; category: string },
  siteName: string,
): MailMessage {
  return {
    to,
    subject: `${siteName}: notice ${n.reference} received`,
    text: [
      `We received your notice ${n.reference} (${n.category}) about ${n.commentIds.length} comment(s): ${n.commentIds.join(', ')}.`,
      'A moderator will review it and we will tell you the decision by email.',
      `Keep this code: it lets you appeal the decision without an account: ${n.appealCode}`,
    ].join('\n\n'),
  };
}

/** The decision on a notice (Art. 16(5)), with the redress open to the notifier. */
export function noticeDecisionMail(
  to: string,
  n: { reference: string; actioned: boolean; reason: string | null },
  siteName: string,
  settings: DsaTextSettings,
): MailMessage {
  return {
    to,
    subject: `${siteName}: decision on notice ${n.reference}`,
    text: [
      n.actioned
        ? `Decision: the comments you reported were removed.`
        : `Decision: no action was taken on the comments you reported.`,
      n.reason ? `Reasons: ${n.reason}` : null,
      'Decided by a person; automated means were not used to decide your notice.',
      `Redress: ${redressText(settings)} Quote ${n.reference} and the code from your receipt.`,
    ]
      .filter((l) => l !== null)
      .join('\n\n'),
  };
}

/** The outcome of an appeal (Art. 20(5)). */
export function appealOutcomeMail(
  to: string,
  a: { id: string; reversed: boolean; reason: string },
  siteName: string,
  settings: DsaTextSettings,
): MailMessage {
  return {
    to,
    subject: `${siteName}: decision on your appeal ${a.id}`,
    text: [
      a.reversed ? 'Outcome: your appeal succeeded; the decision was reversed.' : 'Outcome: the decision stands.',
      `Reasons: ${a.reason}`,
      'Decided by a person who did not take the first decision.',
      `Further redress: you may turn to a certified out-of-court dispute settlement body (Art. 21 DSA) or to a court.${settings.redressText ? ` ${settings.redressText}` : ''}`,
    ].join('\n\n'),
  };
}

/** An appeal closed because the moderator took back, within seconds, the decision it contests. */
export function appealClosedMail(to: string, a: { id: string }, siteName: string, reason: string): MailMessage {
  return {
    to,
    subject: `${siteName}: your appeal ${a.id} is closed`,
    text: `Outcome: ${reason} Your comment is as it was before that decision.\n`,
  };
}

/**
 * Art. 23(2): the mail that tells a notifier their notices will not be processed for a while (after a warning), until
 * when and why. Their other rights (commenting, appealing decisions on their comments) are untouched.
 */
export function noticesSuspendedMail(
  to: string,
  n: { until: Date; found: number },
  siteName: string,
  s: DsaTextSettings,
): MailMessage {
  const redress =
    'If you think this is wrong, you may turn to a certified out-of-court dispute settlement body (Art. 21 DSA) or to a court.';
  return {
    to,
    subject: `${siteName}: your notices are suspended`,
    text:
      `After a warning, ${n.found === 1 ? 'another of your notices was' : `${n.found} more of your notices were`} found ` +
      `manifestly unfounded. Under Art. 23(2) DSA, notices you send to ${siteName} will not be processed ` +
      `until ${n.until.toISOString().slice(0, 10)} (${n.until.toISOString()}). ` +
      `This does not affect your comments or your account.\n\n${s.redressText ? `${redress} ${s.redressText}` : redress}\n`,
  };
}

/** The warning that precedes a suspension for misuse (Art. 23(1) and (2)). */
export function misuseWarningMail(
  to: string,
  w: { kind: 'illegal_content' | 'unfounded_notices'; suspensionDays: number },
  siteName: string,
): MailMessage {
  return {
    to,
    subject: `${siteName}: warning`,
    text:
      w.kind === 'illegal_content'
        ? `Several of your comments were removed as manifestly illegal. If this happens again, your account will be suspended for ${w.suspensionDays} days.`
        : `Several of your notices were found manifestly unfounded. If this happens again, your notices will not be processed for ${w.suspensionDays} days.`,
  };
}
