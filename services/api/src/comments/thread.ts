import type { Queryable } from '#shared/db/pool.js';
import { listChildren, loadThreadSlice, type ThreadRow } from '#shared/db/comments.js';
import { renderBody } from './render.js';
import { NotFoundError } from '../http/app-error.js';

/** Replies shown with each top-level comment on a page. */
export const REPLIES_PER_THREAD = 20;

export interface ThreadComment {
  id: string;
  /** `role` is present only for site staff: a badge readers cannot fake with a display name. */
  author: { id: string; name: string; role?: 'moderator' | 'admin' };
  body: string;
  bodyHtml: string;
  createdAt: string;
  /** Set on replies shown flattened under an ancestor rather than under their own parent. */
  replyTo?: { id: string; name: string };
  replies: ThreadNode[];
  replyCount: number;
}

/** A held or rejected comment that still has approved replies: "comment removed", no author, no body. */
export interface RemovedComment {
  id: string;
  removed: true;
  createdAt: string;
  replies: ThreadNode[];
  replyCount: number;
}

export type ThreadNode = ThreadComment | RemovedComment;

export interface ThreadPage {
  comments: ThreadNode[];
  nextCursor: string | null;
  total: number;
}

export const encodeCursor = (id: string): string => Buffer.from(id).toString('base64url');
export const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString();

/** Splits rows read with one extra (limit + 1) into the page and the cursor of the next one. */
function paginate<T extends { id: string }>(rows: T[], limit: number): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

const toComment = (r: ThreadRow): ThreadNode =>
  r.removed
    ? {
        id: r.id,
        removed: true,
        createdAt: r.createdAt.toISOString(),
        replies: [],
        replyCount: r.replyCount,
      }
    : {
        id: r.id,
        author: { id: r.authorId, name: r.authorName, ...(r.authorRole ? { role: r.authorRole } : {}) },
        body: r.body,
        bodyHtml: renderBody(r.body),
        createdAt: r.createdAt.toISOString(),
        ...(r.parentId && r.parentAuthorName && r.parentId !== r.threadParentId
          ? { replyTo: { id: r.parentId, name: r.parentAuthorName } }
          : {}),
        replies: [],
        replyCount: r.replyCount,
      };

/** One page of a post's approved comments with their first replies nested, as JSON. */
export async function loadThreadPage(
  db: Queryable,
  q: { siteId: string; postId: string; sort: 'newest' | 'oldest'; limit: number; after: string | null },
): Promise<string> {
  const { total, top, replies } = await loadThreadSlice(db, { ...q, repliesPerRoot: REPLIES_PER_THREAD });
  if (total === null) throw new NotFoundError('post');
  const { page: pageRows, nextCursor } = paginate(top, q.limit);

  const nodes = new Map<string, ThreadNode>();
  const roots = pageRows.map((r) => {
    const node = toComment(r);
    nodes.set(r.id, node);
    return node;
  });
  // Replies come oldest first, so a parent is always placed before its children.
  for (const r of replies) {
    const parent = r.threadParentId ? nodes.get(r.threadParentId) : undefined;
    if (!parent) continue;
    const node = toComment(r);
    nodes.set(r.id, node);
    parent.replies.push(node);
  }
  const page: ThreadPage = { comments: roots, nextCursor, total };
  return JSON.stringify(page);
}

/** More replies under one comment ("load more"), each with its replyCount, as JSON. */
export async function loadRepliesPage(
  db: Queryable,
  q: { siteId: string; postId: string; commentId: string; limit: number; after: string | null },
): Promise<string> {
  const { page, nextCursor } = paginate(await listChildren(db, { ...q, limit: q.limit + 1 }), q.limit);
  return JSON.stringify({ comments: page.map(toComment), nextCursor });
}
