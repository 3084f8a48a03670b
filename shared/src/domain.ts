/** Longest comment, in characters after normalisation; a site may set a lower limit. */
export const MAX_BODY_LENGTH = 5000;

/** Where a comment stands. `queued` exists only in Redis, before the worker has decided. */
export type CommentStatus = 'approved' | 'pending' | 'rejected';
export type Role = 'commenter' | 'moderator' | 'admin';
export type UserStatus = 'active' | 'banned' | 'suspended';

export interface Site {
  id: string;
  name: string;
  origins: string[];
  settings: SiteSettings;
}

/** Per-site moderation settings; absent keys fall back to the service defaults. */
export interface SiteSettings {
  holdThreshold?: number;
  rejectThreshold?: number;
  maxBodyLength?: number;
}

export interface User {
  id: string;
  siteId: string;
  displayName: string;
  email: string | null;
  role: Role;
  status: UserStatus;
  suspendedUntil: Date | null;
  createdAt: Date;
}

export interface Post {
  siteId: string;
  id: string;
  title: string;
  url: string;
  closed: boolean;
  commentCount: number;
}

export interface Reason {
  code: string;
  message: string;
}

/** What the moderation pipeline decided, stored with the comment. */
export interface Decision {
  status: CommentStatus;
  reasons: Reason[];
  scores: Record<string, number>;
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
  createdAt: Date;
  decidedAt: Date;
}

/** `user` is a reader's access; `apiKey` is a publisher's server. */
export type Principal =
  | { kind: 'user'; userId: string; siteId: string; role: Role }
  | { kind: 'apiKey'; keyId: string; siteId: string; scopes: string[] };
