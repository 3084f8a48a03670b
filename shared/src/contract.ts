/**
 * Facts the browser apps (widget, moderation page) share with the server: plain values and the types of
 * answers they read. Imports nothing, so a bundle that imports it takes nothing else.
 */

/** Longest comment, in characters after normalisation; a site may set a lower limit. */
export const MAX_BODY_LENGTH = 5000;

/** Appeals against moderation decisions (DSA Art. 20 complaints) in a range: received, and decided each way. */
export interface AppealFigures {
  /** Lodged in the range. */
  received: number;
  /** Decided in the range, the first decision kept. */
  upheld: number;
  /** Decided in the range, the first decision reversed. */
  reversed: number;
}

/** A site's moderation figures over a range of comment creation times (UTC days): `GET …/moderation/analytics`. */
export interface ModerationAnalytics {
  from: string;
  to: string;
  /** Comments written each day, by their status now. */
  volume: { day: string; total: number; approved: number; pending: number; rejected: number }[];
  /** Written in the range: decided by the rules alone, decided by a person, still waiting. */
  decidedBy: { automatic: number; human: number; undecided: number };
  /** From a comment's writing to the first person's approve or reject, for comments people decided. */
  timeToDecision: { decided: number; p50Seconds: number | null; p90Seconds: number | null };
  /** Held comments waiting now, whatever the range. */
  backlog: { pending: number; oldestAt: string | null; oldestAgeSeconds: number | null };
  /** Approvals and rejections each person made in the range. */
  moderators: { id: string; name: string; approved: number; rejected: number }[];
  /** Rules in the reasons of the range's comments: how many comments each one concerned. */
  reasons: { rule: string; comments: number }[];
  /** A person's decision that overturned an earlier one (approved ↔ rejected); undone actions. */
  reversals: { total: number; undone: number };
  appeals: AppealFigures;
}
