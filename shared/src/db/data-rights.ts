import type { Pool } from './pool.js';
import { withTransaction, type Queryable } from './pool.js';
import { newId } from '../ids.js';
import { reasonsWithoutMatchedText, scrubCommentDeliveries } from './webhooks.js';

/** The name an erased reader's kept comments show. */
export const DELETED_USER_NAME = 'Deleted user';

export interface ReaderData {
  profile: {
    id: string;
    siteId: string;
    displayName: string;
    email: string | null;
    /** When a mail server refused the address for good: no notification email goes to it since. */
    emailBouncedAt: string | null;
    role: string;
    status: string;
    signIn: 'sso' | 'password' | 'imported' | 'none';
    externalId: string | null;
    createdAt: string;
    approvedCount: number;
    rejectedCount: number;
  };
  comments: {
    id: string;
    postId: string;
    postTitle: string;
    postUrl: string;
    parentId: string | null;
    body: string;
    status: string;
    createdAt: string;
    decidedAt: string;
  }[];
  /** Reports they made, with their notes. */
  reports: { commentId: string; reason: string; note: string | null; createdAt: string }[];
  /** Every text their comments had: each edit's new text, and the text it replaced once applied. */
  revisions: {
    commentId: string;
    body: string;
    previousBody: string | null;
    createdAt: string;
    appliedAt: string | null;
    discardedAt: string | null;
  }[];
  /** Their reactions to others' comments. */
  reactions: { commentId: string; kind: string; createdAt: string }[];
  /** Readers they muted. */
  mutes: { userId: string; name: string; createdAt: string }[];
  /** Their email choice for notifications, and the notifications kept for them. */
  notificationSettings: { email: 'off' | 'immediate' | 'daily' };
  notifications: {
    kind: string;
    commentId: string;
    status: string | null;
    createdAt: string;
    readAt: string | null;
    emailedAt: string | null;
  }[];
}

/**
 * Everything stored about a reader of the site: profile, every comment (any status) and its earlier
 * texts, reports, reactions, mutes, notifications and their settings. Null when unknown or erased.
 */
export async function readerData(db: Queryable, siteId: string, userId: string): Promise<ReaderData | null> {
  const res = await db.query<{ data: ReaderData }>(
    `SELECT json_build_object(
       'profile', json_build_object('id', u.id, 'siteId', u.site_id, 'displayName', u.display_name, 'email', u.email,
         'emailBouncedAt', u.email_bounced_at, 'role', u.role, 'status', u.status,
         'signIn', CASE WHEN u.external_id IS NOT NULL THEN 'sso' WHEN u.password_hash IS NOT NULL THEN 'password'
                        WHEN u.import_source IS NOT NULL THEN 'imported' ELSE 'none' END,
         'externalId', u.external_id, 'createdAt', u.created_at, 'approvedCount', u.approved_count, 'rejectedCount', u.rejected_count),
       'comments', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'postId', c.post_id, 'postTitle', p.title, 'postUrl', p.url,
                      'parentId', c.parent_id, 'body', c.body, 'status', c.status, 'createdAt', c.created_at, 'decidedAt', c.decided_at)
                      ORDER BY c.id), '[]')
                      FROM comments c JOIN posts p ON p.site_id = c.site_id AND p.id = c.post_id
                     WHERE c.site_id = u.site_id AND c.author_id = u.id),
       'reports', (SELECT coalesce(json_agg(json_build_object('commentId', r.comment_id, 'reason', r.reason, 'note', r.note,
                      'createdAt', r.created_at) ORDER BY r.created_at), '[]')
                      FROM reports r WHERE r.site_id = u.site_id AND r.reporter_id = u.id),
       'revisions', (SELECT coalesce(json_agg(json_build_object('commentId', v.comment_id, 'body', v.body,
                      'previousBody', v.previous_body, 'createdAt', v.created_at, 'appliedAt', v.applied_at,
                      'discardedAt', v.discarded_at) ORDER BY v.created_at, v.id), '[]')
                      FROM comment_revisions v JOIN comments c ON c.id = v.comment_id
                     WHERE c.site_id = u.site_id AND c.author_id = u.id),
       'reactions', (SELECT coalesce(json_agg(json_build_object('commentId', x.comment_id, 'kind', x.kind,
                      'createdAt', x.created_at) ORDER BY x.created_at), '[]')
                      FROM comment_reactions x WHERE x.site_id = u.site_id AND x.user_id = u.id),
       'mutes', (SELECT coalesce(json_agg(json_build_object('userId', m.muted_id, 'name', mu.display_name,
                      'createdAt', m.created_at) ORDER BY m.created_at), '[]')
                      FROM reader_mutes m JOIN users mu ON mu.id = m.muted_id WHERE m.site_id = u.site_id AND m.user_id = u.id),
       'notificationSettings', json_build_object('email', coalesce(
                      (SELECT ns.email FROM reader_notification_settings ns WHERE ns.site_id = u.site_id AND ns.user_id = u.id), 'off')),
       'notifications', (SELECT coalesce(json_agg(json_build_object('kind', n.kind, 'commentId', n.comment_id,
                      'status', n.status, 'createdAt', n.created_at, 'readAt', n.read_at, 'emailedAt', n.emailed_at)
                      ORDER BY n.created_at), '[]')
                      FROM notifications n WHERE n.site_id = u.site_id AND n.user_id = u.id)) AS data
       FROM users u WHERE u.site_id = $1 AND u.id = $2 AND u.deleted_at IS NULL`,
    [siteId, userId],
  );
  return res.rows[0]?.data ?? null;
}

/**
 * What an erased reader's import key (their account at the source an import read, e.g. a Disqus username) becomes: a
 * one-way hash, so the key is gone, and an import run again recognises the reader and brings back neither them nor
 * anything new of theirs. SQL over the key expression `key`; NULL stays NULL.
 */
export const erasedImportKey = (key: string): string =>
  `CASE WHEN ${key} IS NULL THEN NULL ELSE 'erased:' || encode(sha256(convert_to(${key}, 'UTF8')), 'hex') END`;

export interface Erasure {
  /** The reader's comments that were removed (mode remove) or kept under "Deleted user" (anonymize). */
  comments: number;
  /** Posts whose threads changed (caches must drop them). */
  postIds: string[];
  /** The comments whose text was erased (mode remove), for the publisher's `comment.deleted`. */
  removed: { id: string; postId: string }[];
  /** Their notifications, deleted: the jobs that would deliver them go too. */
  notificationIds: string[];
}

/**
 * Erases a reader in one transaction: personal data cleared (name, email, identities), the row
 * kept as a tombstone so kept comments show "Deleted user", a waiting edit dropped; with `remove`,
 * their comments are also rejected and their text erased (earlier versions included) and their
 * reactions removed, with post, reply and reaction counters kept true. Logged in data_requests.
 * Null when the reader is unknown or already erased.
 */
export async function eraseReader(
  pool: Pool,
  q: { siteId: string; userId: string; mode: 'remove' | 'anonymize'; requestedBy: string | null },
  /** Runs last in the erasure's transaction (what must commit with it: the `comment.deleted` events). */
  also?: (tx: Queryable, erased: Erasure) => Promise<void>,
): Promise<Erasure | null> {
  return withTransaction(pool, async (tx) => {
    const locked = await tx.query(
      `SELECT 1 FROM users WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE`,
      [q.siteId, q.userId],
    );
    if (locked.rowCount !== 1) return null;
    const posts = await tx.query<{ post_id: string; n: number }>(
      `SELECT post_id, count(*)::int AS n FROM comments WHERE site_id = $1 AND author_id = $2 GROUP BY post_id`,
      [q.siteId, q.userId],
    );
    if (q.mode === 'remove') {
      // Counters first, in their own statements: a reply to one's own comment touches that row twice. Comments the
      // reader deleted left the counters then.
      await tx.query(
        `UPDATE comments p SET reply_count = greatest(p.reply_count - x.n, 0)
           FROM (SELECT thread_parent_id, count(*)::int AS n FROM comments
                  WHERE site_id = $1 AND author_id = $2 AND status = 'approved' AND deleted_at IS NULL
                    AND thread_parent_id IS NOT NULL
                  GROUP BY thread_parent_id) x
          WHERE p.id = x.thread_parent_id AND p.site_id = $1`,
        [q.siteId, q.userId],
      );
      await tx.query(
        `UPDATE posts p SET comment_count = greatest(p.comment_count - x.n, 0)
           FROM (SELECT post_id, count(*)::int AS n FROM comments
                  WHERE site_id = $1 AND author_id = $2 AND status = 'approved' AND deleted_at IS NULL GROUP BY post_id) x
          WHERE p.site_id = $1 AND p.id = x.post_id`,
        [q.siteId, q.userId],
      );
      // Moderators' decisions on them not learned yet go with the text (the adapter would learn empty ones).
      await tx.query(
        `DELETE FROM moderation_decisions d USING comments c
          WHERE c.id = d.comment_id AND c.site_id = d.site_id AND c.site_id = $1 AND c.author_id = $2
            AND d.learned_at IS NULL`,
        [q.siteId, q.userId],
      );
      await tx.query(
        `UPDATE comments SET status = 'rejected', body = '', decided_at = now(),
                reasons = ${reasonsWithoutMatchedText('reasons')} || jsonb_build_array(jsonb_build_object('rule', 'account_deleted', 'detail', 'the author deleted their account'))
          WHERE site_id = $1 AND author_id = $2`,
        [q.siteId, q.userId],
      );
    }
    // An edit still waiting is dropped, its text with it: nothing they wrote changes a comment after they left.
    await tx.query(
      `UPDATE comment_revisions v SET discarded_at = now(), body = ''
         FROM comments c
        WHERE c.id = v.comment_id AND c.site_id = $1 AND c.author_id = $2 AND v.applied_at IS NULL AND v.discarded_at IS NULL`,
      [q.siteId, q.userId],
    );
    await tx.query(
      'UPDATE comments SET pending_edit_id = NULL WHERE site_id = $1 AND author_id = $2 AND pending_edit_id IS NOT NULL',
      [q.siteId, q.userId],
    );
    const reacted: string[] = [];
    const removed: { id: string; postId: string }[] = [];
    if (q.mode === 'remove') {
      // The texts leave the webhook delivery log too.
      const theirs = await tx.query<{ id: string; post_id: string }>(
        `SELECT id, post_id FROM comments WHERE site_id = $1 AND author_id = $2`,
        [q.siteId, q.userId],
      );
      removed.push(...theirs.rows.map((r) => ({ id: r.id, postId: r.post_id })));
      await scrubCommentDeliveries(
        tx,
        q.siteId,
        theirs.rows.map((r) => r.id),
      );
      // Earlier texts go with the comments; their reactions too, with the counts they added.
      await tx.query(
        'DELETE FROM comment_revisions v USING comments c WHERE c.id = v.comment_id AND c.site_id = $1 AND c.author_id = $2',
        [q.siteId, q.userId],
      );
      const gone = await tx.query<{ post_id: string }>(
        `WITH gone AS (DELETE FROM comment_reactions WHERE site_id = $1 AND user_id = $2 RETURNING comment_id, post_id)
         UPDATE comments c SET reaction_count = greatest(c.reaction_count - 1, 0)
           FROM gone WHERE c.id = gone.comment_id
         RETURNING gone.post_id`,
        [q.siteId, q.userId],
      );
      reacted.push(...gone.rows.map((r) => r.post_id));
    }
    // Their notifications, email choice and mutes go with the account (others' mutes of them too).
    const notifications = await tx.query<{ id: string }>(
      'DELETE FROM notifications WHERE site_id = $1 AND user_id = $2 RETURNING id',
      [q.siteId, q.userId],
    );
    await tx.query('DELETE FROM reader_notification_settings WHERE site_id = $1 AND user_id = $2', [
      q.siteId,
      q.userId,
    ]);
    await tx.query('DELETE FROM reader_mutes WHERE site_id = $1 AND (user_id = $2 OR muted_id = $2)', [
      q.siteId,
      q.userId,
    ]);
    // What they wrote in reports is theirs too; the reports themselves stay counted.
    await tx.query(`UPDATE reports SET note = NULL WHERE site_id = $1 AND reporter_id = $2 AND note IS NOT NULL`, [
      q.siteId,
      q.userId,
    ]);
    // Their name and address in the DSA notices they sent go too; the notices stay counted (transparency).
    await tx.query(
      `UPDATE dsa_notices SET notifier_name = $3, notifier_email = NULL WHERE site_id = $1 AND notifier_id = $2`,
      [q.siteId, q.userId, DELETED_USER_NAME],
    );
    // The audit log keeps what they did to their own comments (deleted one), under the name the account now has.
    await tx.query('UPDATE audit_log SET actor_name = $3 WHERE site_id = $1 AND actor_id = $2', [
      q.siteId,
      q.userId,
      DELETED_USER_NAME,
    ]);
    await tx.query(
      `UPDATE users SET display_name = $3, email = NULL, email_bounced_at = NULL, external_id = NULL, password_hash = NULL,
              sso_iat = NULL, import_key = ${erasedImportKey('import_key')}, premod = false, deleted_at = now(), updated_at = now(),
              approved_count = (SELECT count(*) FROM comments WHERE site_id = $1 AND author_id = $2 AND status = 'approved'),
              rejected_count = (SELECT count(*) FROM comments WHERE site_id = $1 AND author_id = $2 AND status = 'rejected')
        WHERE site_id = $1 AND id = $2`,
      [q.siteId, q.userId, DELETED_USER_NAME],
    );
    const comments = posts.rows.reduce((n, r) => n + r.n, 0);
    await logDataRequest(tx, {
      siteId: q.siteId,
      userId: q.userId,
      kind: 'erase',
      requestedBy: q.requestedBy,
      detail: { mode: q.mode, comments },
    });
    const erased: Erasure = {
      comments,
      postIds: [...new Set([...posts.rows.map((r) => r.post_id), ...reacted])],
      removed,
      notificationIds: notifications.rows.map((r) => r.id),
    };
    await also?.(tx, erased);
    return erased;
  });
}

/** Whether the site had this reader and they erased their account. */
export async function isErasedReader(db: Queryable, siteId: string, userId: string): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM users WHERE site_id = $1 AND id = $2 AND deleted_at IS NOT NULL', [
    siteId,
    userId,
  ]);
  return res.rowCount === 1;
}

export async function logDataRequest(
  db: Queryable,
  r: { siteId: string; userId: string; kind: 'export' | 'erase'; requestedBy: string | null; detail: object },
): Promise<void> {
  await db.query(
    `INSERT INTO data_requests (id, site_id, user_id, kind, requested_by, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
    [newId(), r.siteId, r.userId, r.kind, r.requestedBy, JSON.stringify(r.detail)],
  );
}
