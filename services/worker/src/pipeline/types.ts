import type { CommentStatus, Decision, Reason, ScoredBy, User } from '#shared/domain.js';
import type { RecentHistory } from '#shared/db/comments.js';
import type { Attribute, ScorerName, SiteSettings } from '#shared/settings.js';
import type { CommentJob } from '#shared/queues.js';
import type { Scorer, ScorerSet } from '#shared/scoring/types.js';
import type { ModerationMemory } from '../rules/memory.js';

/** Read-only all the way down (functions stay callable). */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends Date
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** What phases may use beyond reading: the short-lived moderation memory (repeat and campaign rules). */
export interface ModerationServices {
  memory: ModerationMemory;
}

/** What the processor read before deciding: the same for every phase. */
export interface ModerationInput {
  comment: CommentJob;
  author: User;
  /** For a reply, its parent's status now (it was approved when the API accepted the reply). */
  parentStatus: CommentStatus | null;
  /** The site's effective settings, read for this comment (changes apply to the next comment). */
  settings: SiteSettings;
  settingsVersion: number;
  /** The post's own pre-moderation override, when it has one. */
  postPremod: SiteSettings['premod'] | null;
  /** The post's surge protection, while it is in a surge (null: none); an edit is held by it as a new comment is. */
  postSurge: SiteSettings['surge']['mode'] | null;
  /** The author's recent record within the site's history window. */
  history: RecentHistory;
  scorers: ScorerSet;
  /** What the embedded scorer reads with the text: a reply's parent text, a top-level comment's article title. */
  commentContext?: { parentText?: string; articleTitle?: string };
  /** The site's adapter, when enabled and in use: stands in for the embedded scorer (TOXICITY as the site moderates). */
  siteScorer?: Scorer | null;
  services: ModerationServices;
  /** False once the job has waited for rate-limited scorers as long as it may. */
  canDefer: boolean;
}

/** Text a scorer pointed at, for highlighting. */
export interface ScoredSpan {
  start: number;
  end: number;
  text: string;
  attribute: Attribute;
}

/** A chosen scorer that could not run. */
export interface Unscored {
  scorer: ScorerName;
  error: string;
}

/**
 * Something a phase decided about rows other than its comment's, or about its comment once
 * stored. Phases return effects as data; the processor applies them after the comment is stored.
 */
export type Effect =
  /**
   * A campaign: remember `mark` (this comment and the newly found members) as members, then hold
   * `hold` (those of them already stored and still visible). Marking comes first, so a member
   * still being decided finds its mark once it is stored.
   */
  | { kind: 'hold_campaign'; siteId: string; mark: string[]; hold: string[]; windowS: number; reason: Reason }
  /** This comment's text was recorded for the campaign rule: once stored approved, hold it if a member marked it meanwhile. */
  | { kind: 'recheck_campaign'; siteId: string };

/** What the phases so far found; every phase sees it (read-only) and adds to it through its result. */
export interface Findings {
  /** Reasons in phase order (later phases may look at what earlier ones found). */
  reasons: Reason[];
  /** Scores by attribute (and `<provider>.<attribute>`). */
  scores: Record<string, number>;
  /** Scorers that ran. */
  scoredBy: ScoredBy[];
  spans: ScoredSpan[];
  /** Chosen scorers that could not run (the hold and staff phases report them). */
  unscored: Unscored[];
  effects: Effect[];
}

/** What every phase may read: the input and what earlier phases found. Phases never change it. */
export type ModerationContext = DeepReadonly<ModerationInput & Findings>;

/**
 * A phase's verdict, everything it decided: a final status ends the pipeline (the first one
 * wins); the rest accumulates.
 */
export interface PhaseResult extends Partial<Findings> {
  status?: CommentStatus;
}

/** The pipeline's decision, and the effects to apply once the comment is stored. */
export interface ModerationResult extends Decision {
  effects: Effect[];
}

/** One small rule, one file. Returns undefined when it has nothing to say. */
export type Phase = ((ctx: ModerationContext) => Promise<PhaseResult | undefined> | PhaseResult | undefined) & {
  /**
   * Whether running the phase on this comment reaches outside the worker (a remote scorer: a
   * request, a share of a quota, maybe a deferral). The runner has the comment's rule state
   * settled before such a phase runs (index.ts), so a repeat is never sent out; any other phase
   * must be a function of its context alone.
   */
  reachesOut?: (ctx: ModerationContext) => boolean;
};
