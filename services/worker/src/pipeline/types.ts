import type { CommentStatus, Reason, SiteSettings, User } from '../../../../shared/src/domain.js';
import type { CommentJob } from '../../../../shared/src/queues.js';
import type { Scorer } from '../scorers/types.js';

/** What every phase may read about the comment being decided. */
export interface ModerationContext {
  comment: CommentJob;
  author: User;
  /** For a reply, its parent's status now (it was approved when the API accepted the reply). */
  parentStatus: CommentStatus | null;
  settings: Required<Pick<SiteSettings, 'holdThreshold' | 'rejectThreshold' | 'maxBodyLength'>>;
  scorers: Scorer[];
  /** Scores gathered by earlier phases, by attribute (and `<scorer>.<attribute>`). */
  scores: Record<string, number>;
}

/** A phase's verdict: a final status ends the pipeline; reasons and scores accumulate. */
export interface PhaseResult {
  status?: CommentStatus;
  reasons?: Reason[];
  scores?: Record<string, number>;
}

/** One small rule, one file. Returns undefined when it has nothing to say. */
export type Phase = (ctx: ModerationContext) => Promise<PhaseResult | undefined> | PhaseResult | undefined;
