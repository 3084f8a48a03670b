import { randomUUID } from 'node:crypto';
import type { Pool } from '#shared/db/pool.js';
import { applyEdit } from '#shared/db/comment-edits.js';
import type { CommentStatus, Decision } from '#shared/domain.js';

/**
 * An author's edit as the API records it and before the worker has applied it: a waiting revision, named as the
 * comment's pending edit, recorded `recordedAgoS` seconds ago (default now). No job is queued, so nothing applies it
 * but `applyWaitingEdit` (or a later edit drops it once it is old enough to be taken for lost).
 */
export async function waitingEdit(
  db: Pool,
  e: { siteId: string; commentId: string; body: string; id?: string; recordedAgoS?: number },
): Promise<string> {
  const id = e.id ?? randomUUID();
  await db.query(
    `INSERT INTO comment_revisions (id, comment_id, site_id, body, created_at)
     VALUES ($1, $2, $3, $4, now() - make_interval(secs => $5))`,
    [id, e.commentId, e.siteId, e.body, e.recordedAgoS ?? 0],
  );
  await db.query(`UPDATE comments SET pending_edit_id = $2 WHERE id = $1`, [e.commentId, id]);
  return id;
}

/** Applies a waiting edit as the worker would, decided `status` with no reasons (a clean text), unless told more. */
export async function applyWaitingEdit(
  db: Pool,
  editId: string,
  status: CommentStatus,
  d: Partial<Decision> = {},
): Promise<boolean> {
  const applied = await applyEdit(db, editId, {
    status,
    reasons: [],
    scores: {},
    scoredBy: [],
    settingsVersion: null,
    ...d,
  });
  return applied.applied;
}
