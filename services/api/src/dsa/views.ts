import type { Statement } from '#shared/db/dsa-statements.js';
import type { Appeal } from '#shared/db/dsa-appeals.js';

/** A statement of reasons as its recipient (and the site's staff) read it. */
export const statementView = (s: Statement, appeal: Appeal | null = null) => ({
  id: s.id,
  commentId: s.commentId,
  restriction: s.restriction,
  decision: s.decision,
  facts: s.facts,
  ground: s.ground,
  groundDetail: s.groundDetail,
  category: s.category,
  source: s.source,
  automatedDetection: s.automatedDetection,
  automatedDecision: s.automatedDecision,
  redress: s.redress,
  appealUntil: s.appealUntil.toISOString(),
  endsAt: s.endsAt?.toISOString() ?? null,
  reversedAt: s.reversedAt?.toISOString() ?? null,
  withdrawnAt: s.withdrawnAt?.toISOString() ?? null,
  createdAt: s.createdAt.toISOString(),
  appeal: appeal ? { id: appeal.id, status: appeal.status, decisionReason: appeal.decisionReason } : null,
});

export type StatementView = ReturnType<typeof statementView>;

/** An appeal as its appellant reads it: what was decided and why, not which of the staff decided. */
export const ownAppealView = (a: Appeal) => ({
  id: a.id,
  appellant: a.appellant,
  statementId: a.statementId,
  noticeId: a.noticeId,
  explanation: a.explanation,
  status: a.status,
  decidedAt: a.decidedAt?.toISOString() ?? null,
  decisionReason: a.decisionReason,
  createdAt: a.createdAt.toISOString(),
});

/** An appeal as the site's staff read it: with who took the decision appealed and who decided the appeal. */
export const appealView = (a: Appeal) => ({
  ...ownAppealView(a),
  firstDecider: a.firstDecider,
  decidedBy: a.decidedBy,
});
