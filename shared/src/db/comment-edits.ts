import { notifyFeatured } from './notifications.js';
import type pg from 'pg';
import { withdrawDecisions } from './moderation-learning.js';
import { withTransaction, type Queryable } from './pool.js';
import { type CommentStatus, DECIDED_BY_PEOPLE, type Decision, type Reason } from '../domain.js';
import { insertAudit } from './audit.js';
import { reasonsWithoutMatchedText, scrubCommentDeliveries } from './webhooks.js';

/** What an author's edit or deletion is checked against, read under the comment's row lock. */
export interface OwnComment {
  id: string;
  siteId: string;
  postId: string;
  authorId: string;
  parentId: string | null;
  status: CommentStatus;
  createdAt: Date;
  editCount: number;
  pendingEditId: string | null;
  deleted: boolean;
}

/** The validator of a comment's text version, for If-Match on PATCH and DELETE. */
export const commentEtag = (editCount: number): string => `"e${editCount}"`;

/** Reads the comment an author edits or deletes; `lock` takes its row lock (inside a transaction). */
async function readOwnComment(db: Queryable, id: string, lock: boolean): Promise<OwnComment | null> {
  const res = await db.query<{
    id: string;
    site_id: string;
    post_id: string;
    author_id: string;
    parent_id: string | null;
    status: CommentStatus;
    created_at: Date;
    edit_count: number;
    pending_edit_id: string | null;
    deleted: boolean;
  }>(
    `SELECT id, site_id, post_id, author_id, parent_id, status, created_at, edit_count, pending_edit_id,
            deleted_at IS NOT NULL AS deleted
       FROM comments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const r = res.rows[0];
  return r
    ? {
        id: r.id,
        siteId: r.site_id,
        postId: r.post_id,
        authorId: r.author_id,
        parentId: r.parent_id,
        status: r.status,
        createdAt: r.created_at,
        editCount: r.edit_count,
        pendingEditId: r.pending_edit_id,
        deleted: r.deleted,
      }
    : null;
}

const lockOwnComment = (tx: Queryable, id: string) => readOwnComment(tx, id, true);

/** The comment as its author sees it for an edit or a deletion (no lock). */
export const findOwnComment = (db: Queryable, id: string) => readOwnComment(db, id, false);

/**
 * Records an edit before it is queued, under the comment's row lock: `check` sees the locked row
 * and throws to refuse (wrong author, window passed, another edit waiting), or names the waiting edit
 * this one repeats (the same text sent again), which is then kept and nothing is recorded. The revision is the
 * proof the edit was accepted; the worker applies it once (`applyEdit`).
 */
export async function recordEdit(
  pool: pg.Pool,
  e: { editId: string; commentId: string; body: string },
  check: (c: OwnComment, tx: Queryable) => Promise<{ repeats: string } | undefined>,
): Promise<{ comment: OwnComment; editId: string; repeated: boolean }> {
  return withTransaction(pool, async (tx) => {
    const c = await lockOwnComment(tx, e.commentId);
    if (!c) throw new Error('comment vanished under its lock');
    // The check runs in this transaction: what it reads or changes of the locked comment must go through `tx`.
    const same = await check(c, tx);
    if (same) return { comment: c, editId: same.repeats, repeated: true };
    await tx.query(`INSERT INTO comment_revisions (id, comment_id, site_id, body) VALUES ($1, $2, $3, $4)`, [
      e.editId,
      c.id,
      c.siteId,
      e.body,
    ]);
    await tx.query(`UPDATE comments SET pending_edit_id = $2 WHERE id = $1`, [c.id, e.editId]);
    return { comment: c, editId: e.editId, repeated: false };
  });
}

/** Drops an edit that will never be applied (its job could not be queued, or is gone). */
export async function discardEdit(db: Queryable, editId: string): Promise<void> {
  await db.query(
    `WITH r AS (UPDATE comment_revisions SET discarded_at = now() WHERE id = $1 AND applied_at IS NULL RETURNING comment_id)
     UPDATE comments c SET pending_edit_id = NULL FROM r WHERE c.id = r.comment_id AND c.pending_edit_id = $1`,
    [editId],
  );
}

export interface EditState {
  commentId: string;
  /** The new text, as its author sent it. */
  body: string;
  /** Milliseconds since it was recorded, by the database's clock. */
  ageMs: number;
  applied: boolean;
  discarded: boolean;
  /** The decision it was applied with (when applied). */
  status: CommentStatus | null;
  previousStatus: CommentStatus | null;
}

export async function findEdit(db: Queryable, editId: string): Promise<EditState | null> {
  const res = await db.query<{
    comment_id: string;
    body: string;
    age_ms: number;
    applied_at: Date | null;
    discarded_at: Date | null;
    status: CommentStatus | null;
    previous_status: CommentStatus | null;
  }>(
    `SELECT comment_id, body, (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms,
            applied_at, discarded_at, status, previous_status
       FROM comment_revisions WHERE id = $1`,
    [editId],
  );
  const r = res.rows[0];
  return r
    ? {
        commentId: r.comment_id,
        body: r.body,
        ageMs: r.age_ms,
        applied: r.applied_at !== null,
        discarded: r.discarded_at !== null,
        status: r.status,
        previousStatus: r.previous_status,
      }
    : null;
}

/**
 * Applies a decided edit once: the comment takes the new text and decision, the revision keeps the
 * text and decision it replaced, and every counter moves by what changed (post, parent's replies,
 * author's approved and rejected), as `changeCommentStatus` does. The revision and the comment are
 * locked first, so a second run finds it applied and a deletion that committed first discards it.
 * A barred author's edit is stored rejected (`author_banned`), as a new comment would be.
 */
export async function applyEdit(
  pool: pg.Pool,
  editId: string,
  d: Decision,
): Promise<{ applied: boolean; before: CommentStatus | null; after: CommentStatus | null; postId: string | null }> {
  return withTransaction(pool, async (tx) => {
    // The comment first, then its revision: the order a deletion takes them in, so the two wait for each other
    // instead of deadlocking.
    const of = await tx.query<{ comment_id: string }>(`SELECT comment_id FROM comment_revisions WHERE id = $1`, [
      editId,
    ]);
    if (!of.rows[0]) return { applied: false, before: null, after: null, postId: null };
    const c = await lockOwnComment(tx, of.rows[0].comment_id);
    const rev = await tx.query<{ comment_id: string; body: string; created_at: Date }>(
      `SELECT comment_id, body, created_at FROM comment_revisions
        WHERE id = $1 AND applied_at IS NULL AND discarded_at IS NULL FOR UPDATE`,
      [editId],
    );
    const r = rev.rows[0];
    if (!r) return { applied: false, before: null, after: null, postId: null };
    if (!c || c.deleted || c.pendingEditId !== editId) {
      await tx.query(`UPDATE comment_revisions SET discarded_at = now() WHERE id = $1`, [editId]);
      return { applied: false, before: null, after: null, postId: c?.postId ?? null };
    }
    // Removed by a moderator while the edit waited: the author's edit does not bring it back (as a rejected comment
    // cannot be edited).
    if (c.status === 'rejected') {
      await discardEdit(tx, editId);
      return { applied: false, before: c.status, after: c.status, postId: c.postId };
    }
    const barred = await tx.query<{ barred: boolean }>(
      `SELECT (status = 'banned' OR (status = 'suspended' AND (suspended_until IS NULL OR suspended_until > now()))) AS barred
         FROM users WHERE id = $1 FOR NO KEY UPDATE`,
      [c.authorId],
    );
    let status = d.status;
    let reasons: Reason[] = d.reasons;
    if (barred.rows[0]?.barred && status !== 'rejected') {
      status = 'rejected';
      reasons = [
        ...reasons,
        { rule: 'author_banned', detail: 'the author was banned or suspended while the edit was being decided' },
      ];
    }
    const old = await tx.query<{ body: string; reasons: Reason[]; thread_parent_id: string | null }>(
      `SELECT body, reasons, thread_parent_id FROM comments WHERE id = $1`,
      [c.id],
    );
    const o = old.rows[0]!;
    // Held by a moderator or by readers' reports: the new text waits for a moderator too, whatever the scorers say.
    // The people's hold stays the last reason even when another rule holds the new text, so a later clean edit
    // finds it again.
    const heldBy = c.status === 'pending' ? o.reasons.at(-1)?.rule : undefined;
    if (status !== 'rejected' && heldBy !== undefined && DECIDED_BY_PEOPLE.has(heldBy)) {
      status = 'pending';
      reasons = [
        ...reasons,
        { rule: heldBy, detail: 'edited while held for a moderator: the new text waits for one too' },
      ];
    }
    await tx.query(
      `UPDATE comment_revisions SET applied_at = now(), previous_body = $2, previous_status = $3, previous_reasons = $4,
              status = $5 WHERE id = $1`,
      [editId, o.body, c.status, JSON.stringify(o.reasons), status],
    );
    // Moderators' decisions were about the old text: those not learned yet go, the others stop counting (voided).
    await withdrawDecisions(tx, { siteId: c.siteId, commentId: c.id });
    // So were readers' open reports: they are closed (moderators still see them, closed), so they do not count
    // towards holding the new text, and their readers may report the new text (`insertReport`).
    await tx.query(
      `UPDATE reports SET resolved_at = now() WHERE site_id = $1 AND comment_id = $2 AND resolved_at IS NULL`,
      [c.siteId, c.id],
    );
    // The shadow scorer's answer was about the old text too (the worker scores the new one after this), and so was
    // an editor's pick: the new text is not featured until an editor picks it again.
    await tx.query(
      `UPDATE comments SET body = $2, status = $3, reasons = $4, scores = $5, scored_by = $6, settings_version = $7,
              decided_at = now(), edited_at = $8, edit_count = edit_count + 1, pending_edit_id = NULL,
              shadow_scores = NULL, featured_at = NULL
        WHERE id = $1`,
      [
        c.id,
        r.body,
        status,
        JSON.stringify(reasons),
        JSON.stringify(d.scores),
        JSON.stringify(d.scoredBy),
        d.settingsVersion,
        r.created_at,
      ],
    );
    const dApproved = Number(status === 'approved') - Number(c.status === 'approved');
    const dRejected = Number(status === 'rejected'); // the comment was not rejected (see above)
    if (dApproved !== 0) {
      await tx.query(
        `UPDATE posts SET comment_count = greatest(comment_count + $3, 0) WHERE site_id = $1 AND id = $2`,
        [c.siteId, c.postId, dApproved],
      );
      if (o.thread_parent_id)
        await tx.query(`UPDATE comments SET reply_count = greatest(reply_count + $2, 0) WHERE id = $1`, [
          o.thread_parent_id,
          dApproved,
        ]);
    }
    if (dApproved !== 0 || dRejected !== 0)
      await tx.query(
        `UPDATE users SET approved_count = greatest(approved_count + $2, 0), rejected_count = greatest(rejected_count + $3, 0)
          WHERE id = $1`,
        [c.authorId, dApproved, dRejected],
      );
    return { applied: true, before: c.status, after: status, postId: c.postId };
  });
}

/**
 * The author deletes their comment: its text leaves storage (the comment's and every revision's),
 * its reactions and feature go, and an approved comment stops counting (post and parent). It stays
 * as a "deleted by its author" placeholder while approved replies hang on it, else it disappears.
 * `check` sees the locked row and throws to refuse. Audited in the same transaction.
 */
export async function deleteOwnComment<T>(
  pool: pg.Pool,
  q: { commentId: string; actor: { id: string; name: string } },
  check: (c: OwnComment) => Promise<void>,
  also: (tx: Queryable, c: OwnComment) => Promise<T>,
): Promise<{ comment: OwnComment; also: T }> {
  return withTransaction(pool, async (tx) => {
    const c = await lockOwnComment(tx, q.commentId);
    if (!c) throw new Error('comment vanished under its lock');
    await check(c);
    const res = await tx.query<{ thread_parent_id: string | null; had_replies: boolean }>(
      `UPDATE comments SET deleted_at = now(), body = '', pending_edit_id = NULL, reaction_count = 0, featured_at = NULL,
              reasons = ${reasonsWithoutMatchedText('reasons')}
        WHERE id = $1 RETURNING thread_parent_id, reply_count > 0 AS had_replies`,
      [c.id],
    );
    await tx.query(
      `UPDATE comment_revisions SET body = '', previous_body = NULL,
              previous_reasons = CASE WHEN previous_reasons IS NULL THEN NULL ELSE ${reasonsWithoutMatchedText('previous_reasons')} END,
              discarded_at = CASE WHEN applied_at IS NULL THEN coalesce(discarded_at, now()) END
        WHERE comment_id = $1`,
      [c.id],
    );
    await tx.query(`DELETE FROM comment_reactions WHERE comment_id = $1`, [c.id]);
    // Moderators' decisions on it not learned yet go with the text (the adapter would learn an empty one).
    await tx.query(`DELETE FROM moderation_decisions WHERE site_id = $1 AND comment_id = $2 AND learned_at IS NULL`, [
      c.siteId,
      c.id,
    ]);
    await scrubCommentDeliveries(tx, c.siteId, [c.id]);
    if (c.status === 'approved') {
      await tx.query(`UPDATE posts SET comment_count = greatest(comment_count - 1, 0) WHERE site_id = $1 AND id = $2`, [
        c.siteId,
        c.postId,
      ]);
      const parent = res.rows[0]?.thread_parent_id;
      if (parent)
        await tx.query(`UPDATE comments SET reply_count = greatest(reply_count - 1, 0) WHERE id = $1`, [parent]);
    }
    await insertAudit(tx, {
      siteId: c.siteId,
      actor: q.actor,
      action: 'comment.delete_own',
      commentId: c.id,
      readerId: c.authorId,
      before: { status: c.status },
      after: { deleted: true, placeholder: res.rows[0]?.had_replies === true },
    });
    return { comment: c, also: await also(tx, c) };
  });
}

/** A comment's earlier texts, oldest first, for its site's moderators. */
export async function listRevisions(
  db: Queryable,
  siteId: string,
  commentId: string,
): Promise<{ editedAt: Date; previousBody: string; previousStatus: CommentStatus; status: CommentStatus }[]> {
  const res = await db.query<{
    created_at: Date;
    previous_body: string;
    previous_status: CommentStatus;
    status: CommentStatus;
  }>(
    `SELECT created_at, previous_body, previous_status, status FROM comment_revisions
      WHERE comment_id = $1 AND site_id = $2 AND applied_at IS NOT NULL AND previous_body IS NOT NULL
      ORDER BY created_at`,
    [commentId, siteId],
  );
  return res.rows.map((r) => ({
    editedAt: r.created_at,
    previousBody: r.previous_body,
    previousStatus: r.previous_status,
    status: r.status,
  }));
}

/**
 * Features or unfeatures an approved, visible comment of the site ("Editors' picks"), audited in
 * the same transaction. Returns null when there is no such comment; `changed` false when it
 * already was as asked.
 */
export async function setFeatured(
  pool: pg.Pool,
  q: { siteId: string; commentId: string; featured: boolean; actor: { id: string; name: string } },
): Promise<{
  changed: boolean;
  postId: string;
  authorId: string;
  body: string;
  parentId: string | null;
  /** The author's "featured" notification, written in this transaction, to queue for delivery. */
  notificationIds?: string[];
} | null> {
  return withTransaction(pool, async (tx) => {
    const res = await tx.query<{
      post_id: string;
      author_id: string;
      body: string;
      parent_id: string | null;
      was: boolean;
    }>(
      `SELECT post_id, author_id, body, parent_id, featured_at IS NOT NULL AS was FROM comments
        WHERE id = $1 AND site_id = $2 AND status = 'approved' AND deleted_at IS NULL FOR UPDATE`,
      [q.commentId, q.siteId],
    );
    const c = res.rows[0];
    if (!c) return null;
    if (c.was === q.featured)
      return { changed: false, postId: c.post_id, authorId: c.author_id, body: c.body, parentId: c.parent_id };
    await tx.query(`UPDATE comments SET featured_at = CASE WHEN $2 THEN now() END WHERE id = $1`, [
      q.commentId,
      q.featured,
    ]);
    await insertAudit(tx, {
      siteId: q.siteId,
      actor: q.actor,
      action: q.featured ? 'comment.feature' : 'comment.unfeature',
      commentId: q.commentId,
      readerId: c.author_id,
      before: { featured: c.was },
      after: { featured: q.featured },
    });
    const notificationIds = q.featured ? await notifyFeatured(tx, q.siteId, q.commentId) : [];
    return {
      changed: true,
      postId: c.post_id,
      authorId: c.author_id,
      body: c.body,
      parentId: c.parent_id,
      notificationIds,
    };
  });
}
