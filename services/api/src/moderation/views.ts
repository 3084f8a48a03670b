import type { QueueItem } from '#shared/db/moderation-queues.js';
import type { HistoryComment } from '#shared/db/reader-moderation.js';
import type { AuditEntry } from '#shared/db/audit.js';
import type { User } from '#shared/domain.js';
import { renderBody } from '../comments/render.js';

/**
 * A queue item as the API sends it: the raw body and the server-rendered, sanitised HTML; `severe` (its harm scores
 * above the site's wellbeing level: `isSevere`) for it and for the start of the parent shown with it.
 */
export const queueItemView = (i: QueueItem, severe: (scores: Record<string, number>) => boolean) => ({
  id: i.id,
  status: i.status,
  body: i.body,
  bodyHtml: renderBody(i.body),
  createdAt: i.createdAt.toISOString(),
  decidedAt: i.decidedAt.toISOString(),
  reasons: i.reasons,
  scores: i.scores,
  scoredBy: i.scoredBy,
  author: {
    ...i.author,
    joinedAt: i.author.joinedAt.toISOString(),
    suspendedUntil: i.author.suspendedUntil?.toISOString() ?? null,
  },
  post: i.post,
  parent: i.parent
    ? {
        id: i.parent.id,
        authorName: i.parent.authorName,
        excerpt: i.parent.excerpt,
        status: i.parent.status,
        severe: severe(i.parent.scores),
      }
    : null,
  reports: i.reports,
  openReports: i.openReports,
  featured: i.featured,
  editedAt: i.editedAt?.toISOString() ?? null,
  editCount: i.editCount,
  severe: severe(i.scores),
});

export const readerView = (u: User) => ({
  id: u.id,
  name: u.displayName,
  role: u.role,
  status: u.status,
  suspendedUntil: u.suspendedUntil?.toISOString() ?? null,
  premod: u.premod,
  joinedAt: u.createdAt.toISOString(),
  approvedCount: u.approvedCount,
  rejectedCount: u.rejectedCount,
});

export const historyCommentView = (c: HistoryComment) => ({
  id: c.id,
  postId: c.postId,
  postTitle: c.postTitle,
  status: c.status,
  body: c.body,
  bodyHtml: renderBody(c.body),
  reasons: c.reasons,
  createdAt: c.createdAt.toISOString(),
});

export const auditView = (e: AuditEntry) => ({
  id: e.id,
  actor: e.actor,
  action: e.action,
  commentId: e.commentId,
  readerId: e.readerId,
  before: e.before,
  after: e.after,
  reason: e.reason,
  createdAt: e.createdAt.toISOString(),
});
