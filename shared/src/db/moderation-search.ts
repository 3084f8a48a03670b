import type { Queryable } from './pool.js';
import type { CommentStatus } from '../domain.js';
import { itemSelect, toQueueItem, type ItemRow, type QueueItem } from './moderation-queues.js';

/** What a moderator searches a site's comments by; every given criterion must match. */
export interface CommentSearch {
  siteId: string;
  /** A piece of the comment's text (case-insensitive; the trigram index serves 3 characters or more). */
  text?: string;
  /** The author's account id, or a piece of their display name. */
  author?: string;
  postId?: string;
  commentId?: string;
  status?: CommentStatus;
  /** Keyset: only comments older than this id (the last of the previous page). */
  before: string | null;
  limit: number;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A LIKE pattern that matches the text anywhere, the text's own % and _ taken literally. */
const containing = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of a site's comments matching every criterion, newest first, as queue items (closed
 * reports included), reading one row beyond `limit`. Text and names match through the trigram
 * indexes of migration 0014; the site is named in the query and in the author's sub-query.
 */
export async function searchComments(db: Queryable, q: CommentSearch): Promise<QueueItem[]> {
  const authorId = q.author && UUID_RE.test(q.author) ? q.author : null;
  const authorName = q.author && !authorId ? containing(q.author) : null;
  const res = await db.query<ItemRow>(
    `WITH hits AS (
       SELECT c.id FROM comments c
        WHERE c.site_id = $1
          AND ($2::text IS NULL OR c.body ILIKE $2)
          AND ($3::uuid IS NULL OR c.author_id = $3)
          AND ($4::text IS NULL OR c.author_id IN (SELECT id FROM users WHERE site_id = $1 AND display_name ILIKE $4))
          AND ($5::text IS NULL OR c.post_id = $5)
          AND ($6::uuid IS NULL OR c.id = $6)
          AND ($7::text IS NULL OR c.status = $7)
          AND ($8::uuid IS NULL OR c.id < $8)
        ORDER BY c.id DESC
        LIMIT $9 + 1
     )
     ${itemSelect(true)}
      WHERE c.site_id = $1 AND c.id IN (SELECT id FROM hits)
      ORDER BY c.id DESC`,
    [
      q.siteId,
      q.text ? containing(q.text) : null,
      authorId,
      authorName,
      q.postId ?? null,
      q.commentId ?? null,
      q.status ?? null,
      q.before,
      q.limit,
    ],
  );
  return res.rows.map(toQueueItem);
}
