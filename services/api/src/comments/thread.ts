import type { Queryable } from '#shared/db/pool.js';
import { listChildren, loadThreadSlice, type ThreadRow, type ThreadSort } from '#shared/db/comments.js';
import { renderBody } from './render.js';
import { NotFoundError } from '../http/app-error.js';

/** Replies shown with each top-level comment on a page. */
export const REPLIES_PER_THREAD = 20;

export interface ThreadComment {
  id: string;
  /**
   * `role` is present only for site staff, `verified` only for readers the publisher vouches for:
   * badges readers cannot fake with a display name.
   */
  author: { id: string; name: string; role?: 'moderator' | 'admin'; verified?: true };
  body: string;
  bodyHtml: string;
  createdAt: string;
  /** Set once its author edited it. */
  editedAt?: string;
  /** Reactions by kind, only kinds that have any. */
  reactions: Record<string, number>;
  /** Featured by the site's moderators ("Editors' picks"). */
  featured?: true;
  /** Set on replies shown flattened under an ancestor rather than under their own parent. */
  replyTo?: { id: string; name: string };
  replies: ThreadNode[];
  replyCount: number;
}

/** A held or rejected comment that still has approved replies: "comment removed", no author, no body. */
export interface RemovedComment {
  id: string;
  removed: true;
  /** Deleted by its author rather than removed by a moderator. */
  deletedByAuthor?: true;
  createdAt: string;
  replies: ThreadNode[];
  replyCount: number;
}

export type ThreadNode = ThreadComment | RemovedComment;

export interface ThreadPage {
  /** What readers may do on this site: its reactions, and the minutes an author may edit a comment. */
  site: { reactions: string[]; editWindowMinutes: number };
  /** Featured comments, shown above the thread (first page only). */
  featured: ThreadComment[];
  comments: ThreadNode[];
  nextCursor: string | null;
  total: number;
}

/** A cursor names the last row of a page: its id, with its reaction count for the "reacted" order (`n.id`). */
export const encodeCursor = (id: string, reactions?: number): string =>
  Buffer.from(reactions === undefined ? id : `${reactions}.${id}`).toString('base64url');
export const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString();
/** The decoded cursor as a position: an id, and a reaction count when it has one. */
export function cursorPosition(decoded: string): { id: string; reactions: number } {
  const m = /^(\d{1,9})\.(.+)$/.exec(decoded);
  return m ? { id: m[2]!, reactions: Number(m[1]) } : { id: decoded, reactions: 0 };
}

/** Splits rows read with one extra (limit + 1) into the page and the cursor of the next one. */
function paginate<T extends { id: string; reactionCount?: number }>(
  rows: T[],
  limit: number,
  byReactions = false,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    page,
    nextCursor:
      rows.length > limit && last ? encodeCursor(last.id, byReactions ? (last.reactionCount ?? 0) : undefined) : null,
  };
}

const toComment = (r: ThreadRow): ThreadNode =>
  r.removed
    ? {
        id: r.id,
        removed: true,
        ...(r.deleted ? { deletedByAuthor: true as const } : {}),
        createdAt: r.createdAt.toISOString(),
        replies: [],
        replyCount: r.replyCount,
      }
    : {
        id: r.id,
        author: {
          id: r.authorId,
          name: r.authorName,
          ...(r.authorRole ? { role: r.authorRole } : {}),
          ...(r.authorVerified ? { verified: true as const } : {}),
        },
        body: r.body,
        bodyHtml: renderBody(r.body),
        createdAt: r.createdAt.toISOString(),
        ...(r.editedAt ? { editedAt: r.editedAt.toISOString() } : {}),
        reactions: r.reactions,
        ...(r.featured ? { featured: true as const } : {}),
        ...(r.parentId && r.parentAuthorName && r.parentId !== r.threadParentId
          ? { replyTo: { id: r.parentId, name: r.parentAuthorName } }
          : {}),
        replies: [],
        replyCount: r.replyCount,
      };

/** One page of a post's approved comments with their first replies nested, as JSON. */
export async function loadThreadPage(
  db: Queryable,
  q: { siteId: string; postId: string; sort: ThreadSort; limit: number; after: string | null },
): Promise<string> {
  const { total, top, replies, featured, settings } = await loadThreadSlice(db, {
    ...q,
    after: q.after === null ? null : cursorPosition(q.after),
    repliesPerRoot: REPLIES_PER_THREAD,
  });
  if (total === null) throw new NotFoundError('post');
  const { page: pageRows, nextCursor } = paginate(top, q.limit, q.sort === 'reacted');

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
  const page: ThreadPage = {
    site: { reactions: settings.reactions, editWindowMinutes: settings.editWindowMinutes },
    featured: featured.map(toComment).filter((c): c is ThreadComment => !('removed' in c)),
    comments: roots,
    nextCursor,
    total,
  };
  return JSON.stringify(page);
}

/** More replies under one comment ("load more"), each with its replyCount, as JSON. */
export async function loadRepliesPage(
  db: Queryable,
  q: { siteId: string; postId: string; commentId: string; limit: number; after: string | null },
): Promise<string> {
  const { page, nextCursor } = paginate(await listChildren(db, q), q.limit);
  return JSON.stringify({ comments: page.map(toComment), nextCursor });
}
