export { MAX_BODY_LENGTH } from './contract.js';

/** Where a comment stands. `queued` exists only in Redis, before the worker has decided. */
export type CommentStatus = 'approved' | 'pending' | 'rejected';
export type Role = 'commenter' | 'moderator' | 'admin';
export type UserStatus = 'active' | 'banned' | 'suspended';

import type { SiteSettings } from './settings.js';

export interface Site {
  id: string;
  name: string;
  origins: string[];
  settings: SiteSettings;
}

export type { SiteSettings } from './settings.js';

export interface User {
  id: string;
  siteId: string;
  displayName: string;
  email: string | null;
  role: Role;
  status: UserStatus;
  suspendedUntil: Date | null;
  createdAt: Date;
  /** Always pre-moderate this reader. */
  premod: boolean;
  approvedCount: number;
  rejectedCount: number;
  /** Version of the account's access tokens: a token of an older version is revoked. */
  tokenVersion: number;
  /** Whether the address is proven (always, for SSO accounts); unverified accounts may not comment or report. */
  emailVerified: boolean;
}

export interface Post {
  siteId: string;
  id: string;
  title: string;
  url: string;
  closed: boolean;
  commentCount: number;
  /** False while the title is the one a reader's browser sent (a post the widget created), until the publisher writes the post. */
  titleVerified: boolean;
  /** Surge protection in force on the post (null: none). */
  surgeMode?: 'premod' | 'slow' | null;
}

/** Where in the comment's text a rule matched, for highlighting (UTF-16 offsets into `body`). */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/**
 * Reason rules only people add to a stored comment: a moderator's action, readers' reports that held it, a notice or an
 * appeal. What the worker decided itself has none of them.
 */
export const DECIDED_BY_PEOPLE: ReadonlySet<string> = new Set(['moderator', 'reports', 'dsa_notice', 'dsa_appeal']);

/**
 * Why a comment has its status: the rule (a stable code), a sentence for moderators, and
 * where relevant the score that crossed a threshold and the text that matched.
 */
export interface Reason {
  rule: string;
  detail: string;
  score?: number;
  attribute?: string;
  span?: Span;
}

/** A scorer that ran on a comment. */
export interface ScoredBy {
  provider: string;
  model: string;
  latencyMs: number;
  /** Set when this scorer stood in for one that could not run. */
  fallbackFor?: string;
  /** Set when the site's adapter (learned from its moderators) gave TOXICITY. */
  adapter?: boolean;
}

/** What the moderation pipeline decided, stored with the comment. */
export interface Decision {
  status: CommentStatus;
  reasons: Reason[];
  scores: Record<string, number>;
  scoredBy: ScoredBy[];
  settingsVersion: number | null;
}

export interface StoredComment {
  id: string;
  siteId: string;
  postId: string;
  authorId: string;
  parentId: string | null;
  body: string;
  status: CommentStatus;
  reasons: Reason[];
  scores: Record<string, number>;
  scoredBy: ScoredBy[];
  settingsVersion: number | null;
  createdAt: Date;
  decidedAt: Date;
  /** When its author last edited it (null: never), and how many edits were applied. */
  editedAt: Date | null;
  editCount: number;
  /** Deleted by its author: the body is gone. */
  deleted: boolean;
}

/**
 * `user` is a reader's or staff member's access; `apiKey` is a publisher's server. A user's token is for
 * the moderation page (`moderation`) or for the comment widget, which runs inside the publisher's article
 * page among its other scripts: only a moderation token reaches staff routes.
 */
export type Principal =
  | { kind: 'user'; userId: string; siteId: string; role: Role; tokenVersion: number; moderation: boolean }
  | { kind: 'apiKey'; keyId: string; siteId: string; scopes: string[] };
