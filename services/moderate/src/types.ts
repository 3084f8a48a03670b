/** The API's wire shapes, as this page reads them. */

export type QueueName = 'pending' | 'reported' | 'rejected' | 'approved' | 'review';
export type Counts = Record<QueueName, number>;

export interface Span {
  start: number;
  end: number;
  text: string;
}
export interface Reason {
  rule: string;
  detail: string;
  score?: number;
  attribute?: string;
  span?: Span;
}

export interface QueueItem {
  id: string;
  status: 'approved' | 'pending' | 'rejected';
  body: string;
  createdAt: string;
  reasons: Reason[];
  scores: Record<string, number>;
  author: {
    id: string;
    name: string;
    joinedAt: string;
    approvedCount: number;
    rejectedCount: number;
    status: 'active' | 'banned' | 'suspended';
    suspendedUntil: string | null;
    premod: boolean;
  };
  post: { id: string; title: string; url: string };
  parent: { id: string; authorName: string; excerpt: string; status: string; severe: boolean } | null;
  reports: {
    reporter: { id: string; name: string };
    reason: string;
    note: string | null;
    createdAt: string;
    resolvedAt?: string | null;
  }[];
  openReports: number;
  featured: boolean;
  editedAt: string | null;
  /** How many edits of its author were applied: sent with a decision, so one made since is refused. */
  editCount: number;
  /** Scored above the site's wellbeing level: blurred until revealed. */
  severe?: boolean;
}

export interface SignedIn {
  accessToken: string;
  user: { id: string; siteId: string; name: string; role: 'commenter' | 'moderator' | 'admin' };
}

export interface ReaderHistory {
  user: {
    id: string;
    name: string;
    role: string;
    status: string;
    suspendedUntil: string | null;
    premod: boolean;
    joinedAt: string;
    approvedCount: number;
    rejectedCount: number;
  };
  comments: {
    id: string;
    postId: string;
    postTitle: string;
    status: string;
    body: string;
    createdAt: string;
    /** Above the site's wellbeing level: shown blurred until revealed, as in the queues. */
    severe?: boolean;
  }[];
  audit: { id: string; actor: { name: string }; action: string; reason: string | null; createdAt: string }[];
  nextCursor: string | null;
}

export interface Task {
  id: string;
  state: string;
  progress: { done: number; total: number } | number;
  failedReason: string | null;
}

export type QueueSort = 'time' | 'risk';

export interface LikelyFine {
  below: number;
  waiting: number;
  /** Decided one at a time from the lane, and how many of those were approvals: its measured precision. */
  decided: number;
  approved: number;
  precision: number | null;
  /** Decided from the lane by a bulk action (not counted in the precision). */
  bulkDecided: number;
}

interface Figures {
  auc: number | null;
  logLoss: number | null;
}
export interface AdapterFigures {
  enabled: boolean;
  ready: boolean;
  inUse: boolean;
  /** In use, and the site's scorers include the embedded one (else it scores only a remote scorer's fallbacks). */
  scoresEveryComment: boolean;
  decisionsLearned: number;
  waiting: number;
  window: { n: number; rejected: number };
  base: Figures;
  adapter: Figures;
  /** It reads the words near a group's name (false: started before adapters could; a reset gives one that does). */
  groupContext: boolean;
  /** The shared model that scores now. */
  sharedModel: string;
  /** The shared model that scored the window (another one: a new version shipped, and the adapter is checked again). */
  learnedOn: string | null;
}

export interface AgreementFigures {
  n: number;
  rejected: number;
  auc: number | null;
  precision: number | null;
  recall: number | null;
}
export interface ScorerAgreement {
  threshold: number;
  decided: number;
  primary: AgreementFigures & { scorers: string[] };
  shadow: (AgreementFigures & { scorer: string }) | null;
}

/** GET /sites/:siteId/moderation/analytics */
export type { ModerationAnalytics as Analytics } from '#shared/contract.js';

/** GET /sites/:siteId/moderation/surges */
export interface Surge {
  postId: string;
  title: string;
  url: string;
  mode: 'premod' | 'slow';
  since: string;
}
