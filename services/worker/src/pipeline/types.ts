import type { CommentStatus, Reason, ScoredBy, User } from '#shared/domain.js';
import type { RecentHistory } from '#shared/db/comments.js';
import type { Attribute, ScorerName, SiteSettings } from '#shared/settings.js';
import type { CommentJob } from '#shared/queues.js';
import type { Scorer, ScorerSet } from '../scorers/types.js';
import type { ModerationMemory } from '../rules/memory.js';

/** What phases may do beyond deciding their own comment. */
export interface ModerationServices {
  memory: ModerationMemory;
  /** Holds other, already stored comments of the site (only those still visible); returns how many changed. */
  holdOthers(siteId: string, ids: string[], reason: Reason): Promise<number>;
}

/** What every phase may read about the comment being decided. */
export interface ModerationContext {
  comment: CommentJob;
  author: User;
  /** For a reply, its parent's status now (it was approved when the API accepted the reply). */
  parentStatus: CommentStatus | null;
  /** The site's effective settings, read for this comment (changes apply to the next comment). */
  settings: SiteSettings;
  settingsVersion: number;
  /** The post's own pre-moderation override, when it has one. */
  postPremod: SiteSettings['premod'] | null;
  /** The author's recent record within the site's history window. */
  history: RecentHistory;
  scorers: ScorerSet;
  /** What the embedded scorer reads with the text: a reply's parent text, a top-level comment's article title. */
  commentContext?: { parentText?: string; articleTitle?: string };
  /** The site's adapter, when enabled and in use: stands in for the embedded scorer (TOXICITY as the site moderates). */
  siteScorer?: Scorer | null;
  services: ModerationServices;
  /** Scores gathered by earlier phases, by attribute (and `<provider>.<attribute>`). */
  scores: Record<string, number>;
  /** Scorers that ran, filled by the toxicity phase. */
  scoredBy: ScoredBy[];
  /** Text scorers pointed at, for highlighting. */
  spans: { start: number; end: number; text: string; attribute: Attribute }[];
  /** False once the job has waited for rate-limited scorers as long as it may. */
  canDefer: boolean;
  /** Chosen scorers that could not run (filled by the scoring phase; the hold and staff phases report them). */
  unscored: { scorer: ScorerName; error: string }[];
  /** Set by the campaign phase when it recorded this text: the processor then checks, after the insert, whether a later member marked it. */
  campaignRecorded: boolean;
  /** Reasons gathered so far (later phases may look at what earlier ones found). */
  reasons: Reason[];
}

/** A phase's verdict: a final status ends the pipeline; reasons and scores accumulate. */
export interface PhaseResult {
  status?: CommentStatus;
  reasons?: Reason[];
  scores?: Record<string, number>;
}

/** One small rule, one file. Returns undefined when it has nothing to say. */
export type Phase = (ctx: ModerationContext) => Promise<PhaseResult | undefined> | PhaseResult | undefined;
