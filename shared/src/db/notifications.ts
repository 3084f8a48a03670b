import type { Queryable } from './pool.js';
import { newId } from '../ids.js';

export const NOTIFICATION_KINDS = ['reply', 'decision', 'featured'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const EMAIL_MODES = ['off', 'immediate', 'daily'] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

/** A producer's answer: the row (new, or the one a first run wrote) and whether it still waits for delivery. */
interface Produced {
  id: string;
  delivered: boolean;
}

const producedIds = (rows: { id: string; delivered: boolean }[]): string[] =>
  rows.filter((r) => !r.delivered).map((r) => r.id);

// Conflicts return the existing row (DO UPDATE that changes nothing), so a producer run twice still
// learns which notifications wait for delivery.
const UPSERT = `ON CONFLICT (user_id, kind, comment_id) DO UPDATE SET kind = notifications.kind
  RETURNING id, delivered_at IS NOT NULL AS delivered`;

/**
 * The reply notification for an approved reply: to the author of the comment it answers, unless
 * they wrote it themselves, erased their account, are banned from the site (it invites an answer they may not
 * give; a suspended reader is still told), or muted the replier. Returns the ids to deliver.
 */
export async function notifyReply(db: Queryable, commentId: string): Promise<string[]> {
  const res = await db.query<Produced>(
    `INSERT INTO notifications (id, site_id, user_id, kind, comment_id)
     SELECT $1, c.site_id, p.author_id, 'reply', c.id
       FROM comments c
       JOIN comments p ON p.id = c.parent_id AND p.site_id = c.site_id AND p.deleted_at IS NULL
       JOIN users u ON u.id = p.author_id AND u.deleted_at IS NULL AND u.status <> 'banned'
      WHERE c.id = $2 AND c.status = 'approved' AND p.author_id <> c.author_id
        AND NOT EXISTS (SELECT 1 FROM reader_mutes m WHERE m.user_id = p.author_id AND m.muted_id = c.author_id)
     ${UPSERT}`,
    [newId(), commentId],
  );
  return producedIds(res.rows);
}

/**
 * "Your held comment was decided": to its author, with the moderator's status (approved or rejected). A later decision
 * the other way (after an undo) makes the notification new again, unread and to deliver, with the new status.
 */
export async function notifyDecision(db: Queryable, commentId: string): Promise<string[]> {
  const changed = 'notifications.status IS DISTINCT FROM EXCLUDED.status';
  const res = await db.query<Produced>(
    `INSERT INTO notifications (id, site_id, user_id, kind, comment_id, status)
     SELECT $1, c.site_id, c.author_id, 'decision', c.id, c.status
       FROM comments c JOIN users u ON u.id = c.author_id AND u.deleted_at IS NULL
      WHERE c.id = $2 AND c.status IN ('approved', 'rejected')
     ON CONFLICT (user_id, kind, comment_id) DO UPDATE SET status = EXCLUDED.status,
       -- A new id too: a new delivery job (the first one's id is kept a while by the queue), first in the list.
       id = CASE WHEN ${changed} THEN EXCLUDED.id ELSE notifications.id END,
       created_at = CASE WHEN ${changed} THEN now() ELSE notifications.created_at END,
       read_at = CASE WHEN ${changed} THEN NULL ELSE notifications.read_at END,
       delivered_at = CASE WHEN ${changed} THEN NULL ELSE notifications.delivered_at END,
       emailed_at = CASE WHEN ${changed} THEN NULL ELSE notifications.emailed_at END
     RETURNING id, delivered_at IS NOT NULL AS delivered`,
    [newId(), commentId],
  );
  return producedIds(res.rows);
}

/** "Your comment was featured": to its author, unless banned from the site. For the featuring action's own transaction. */
export async function notifyFeatured(db: Queryable, siteId: string, commentId: string): Promise<string[]> {
  const res = await db.query<Produced>(
    `INSERT INTO notifications (id, site_id, user_id, kind, comment_id)
     SELECT $1, c.site_id, c.author_id, 'featured', c.id
       FROM comments c JOIN users u ON u.id = c.author_id AND u.deleted_at IS NULL AND u.status <> 'banned'
      WHERE c.id = $2 AND c.site_id = $3 AND c.status = 'approved'
     ${UPSERT}`,
    [newId(), commentId, siteId],
  );
  return producedIds(res.rows);
}

/** One notification as the reader's list shows it. */
export interface NotificationView {
  id: string;
  kind: NotificationKind;
  status: 'approved' | 'rejected' | null;
  createdAt: string;
  read: boolean;
  comment: { id: string; postId: string; excerpt: string };
  post: { title: string; url: string };
  /** For a reply: who replied. */
  from: { id: string; name: string } | null;
}

interface ViewRow {
  id: string;
  kind: NotificationKind;
  status: 'approved' | 'rejected' | null;
  created_at: Date;
  read_at: Date | null;
  comment_id: string;
  post_id: string;
  body: string;
  title: string;
  url: string;
  from_id: string | null;
  from_name: string | null;
}

const EXCERPT = 140;
const excerptOf = (body: string) => {
  const chars = [...body.replace(/\s+/g, ' ').trim()];
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT - 1).join('')}…` : chars.join('');
};

const VIEW_SELECT = `SELECT n.id, n.kind, n.status, n.created_at, n.read_at, n.comment_id, c.post_id, c.body,
        po.title, po.url,
        CASE WHEN n.kind = 'reply' THEN a.id END AS from_id,
        CASE WHEN n.kind = 'reply' THEN a.display_name END AS from_name
   FROM notifications n
   JOIN comments c ON c.id = n.comment_id
   JOIN posts po ON po.site_id = c.site_id AND po.id = c.post_id
   JOIN users a ON a.id = c.author_id`;

/**
 * A notification the reader is shown: a reply only while it is published, its author has not deleted it, and the
 * reader has not muted its author since (a digest or the bell read after the mute leaves it out).
 */
const SHOWN = `(n.kind <> 'reply' OR (c.status = 'approved' AND c.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM reader_mutes m WHERE m.user_id = n.user_id AND m.muted_id = c.author_id)))`;

const toView = (r: ViewRow): NotificationView => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  read: r.read_at !== null,
  comment: { id: r.comment_id, postId: r.post_id, excerpt: excerptOf(r.body) },
  post: { title: r.title, url: r.url },
  from: r.from_id && r.from_name !== null ? { id: r.from_id, name: r.from_name } : null,
});

/** A reader's newest notifications and how many are unread (a reply's text only while it is visible). */
export async function listNotifications(
  db: Queryable,
  q: { siteId: string; userId: string; limit: number },
): Promise<{ notifications: NotificationView[]; unread: number }> {
  const [list, unread] = await Promise.all([
    db.query<ViewRow>(
      `${VIEW_SELECT}
        WHERE n.site_id = $1 AND n.user_id = $2 AND ${SHOWN}
        ORDER BY n.id DESC LIMIT $3`,
      [q.siteId, q.userId, q.limit],
    ),
    countUnread(db, q),
  ]);
  return { notifications: list.rows.map(toView), unread };
}

export async function countUnread(db: Queryable, q: { siteId: string; userId: string }): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notifications n JOIN comments c ON c.id = n.comment_id
      WHERE n.site_id = $1 AND n.user_id = $2 AND n.read_at IS NULL AND ${SHOWN}`,
    [q.siteId, q.userId],
  );
  return res.rows[0]!.n;
}

/** Marks the given notifications of this reader read (all of them when ids is null). */
export async function markRead(
  db: Queryable,
  q: { siteId: string; userId: string; ids: readonly string[] | null },
): Promise<void> {
  await db.query(
    `UPDATE notifications SET read_at = now()
      WHERE site_id = $1 AND user_id = $2 AND read_at IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))`,
    [q.siteId, q.userId, q.ids],
  );
}

export async function findEmailMode(db: Queryable, q: { siteId: string; userId: string }): Promise<EmailMode> {
  const res = await db.query<{ email: EmailMode }>(
    'SELECT email FROM reader_notification_settings WHERE user_id = $1 AND site_id = $2',
    [q.userId, q.siteId],
  );
  return res.rows[0]?.email ?? 'off';
}

export async function setEmailMode(
  db: Queryable,
  q: { siteId: string; userId: string; email: EmailMode },
): Promise<void> {
  // Only for a live account of the site: an erased one keeps no settings (an old unsubscribe link writes none back).
  await db.query(
    `INSERT INTO reader_notification_settings (user_id, site_id, email)
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1 AND site_id = $2 AND deleted_at IS NULL)
     ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = now()
      WHERE reader_notification_settings.site_id = EXCLUDED.site_id`,
    [q.userId, q.siteId, q.email],
  );
}

/** What delivering one notification reads, in one round trip. */
export interface DeliveryInput {
  notification: NotificationView & { siteId: string; userId: string; delivered: boolean; emailed: boolean };
  /**
   * The reader's address, when they have one that is theirs (SSO, or confirmed), it has not bounced, and the account is
   * live and not banned.
   */
  email: string | null;
  emailMode: EmailMode;
  /** The site's `readerNotifications` setting. */
  delivery: 'email' | 'webhook';
  /** False for a reply removed or deleted since: it is emailed to no one (the bell no longer shows it either). */
  shown: boolean;
}

export async function loadDelivery(db: Queryable, id: string): Promise<DeliveryInput | null> {
  const res = await db.query<
    ViewRow & {
      site_id: string;
      user_id: string;
      delivered: boolean;
      emailed: boolean;
      email: string | null;
      email_mode: EmailMode | null;
      delivery: string | null;
      shown: boolean;
    }
  >(
    `${VIEW_SELECT.replace(
      'SELECT ',
      `SELECT n.site_id, n.user_id, n.delivered_at IS NOT NULL AS delivered,
        n.emailed_at IS NOT NULL AS emailed,
        CASE WHEN r.deleted_at IS NULL AND r.status <> 'banned' AND r.email_bounced_at IS NULL
                  AND (r.password_hash IS NULL OR r.email_verified_at IS NOT NULL)
             THEN r.email END AS email,
        rs.email AS email_mode, s.settings->>'readerNotifications' AS delivery, ${SHOWN} AS shown, `,
    )}
     JOIN users r ON r.id = n.user_id
     JOIN sites s ON s.id = n.site_id
     LEFT JOIN reader_notification_settings rs ON rs.user_id = n.user_id
    WHERE n.id = $1`,
    [id],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    notification: { ...toView(r), siteId: r.site_id, userId: r.user_id, delivered: r.delivered, emailed: r.emailed },
    email: r.email,
    emailMode: r.email_mode ?? 'off',
    delivery: r.delivery === 'webhook' ? 'webhook' : 'email',
    shown: r.shown,
  };
}

export async function markDelivered(db: Queryable, id: string, emailed: boolean): Promise<void> {
  await db.query(
    `UPDATE notifications SET delivered_at = COALESCE(delivered_at, now()),
            emailed_at = CASE WHEN $2 THEN COALESCE(emailed_at, now()) ELSE emailed_at END
      WHERE id = $1`,
    [id, emailed],
  );
}

/**
 * Notifications written more than `olderThanS` ago and still not delivered (their job lost, or still waiting), in
 * the order of their ids, from after `after`: a caller pages through them all.
 */
export async function listUndelivered(
  db: Queryable,
  olderThanS: number,
  limit: number,
  after: string | null = null,
): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `SELECT id FROM notifications
      WHERE delivered_at IS NULL AND created_at < now() - make_interval(secs => $1) AND ($3::uuid IS NULL OR id > $3)
      ORDER BY id LIMIT $2`,
    [olderThanS, limit, after],
  );
  return res.rows.map((r) => r.id);
}

/** Readers on the daily digest with delivered notifications not yet emailed, on sites that deliver by email. */
export async function listDigestReaders(db: Queryable, limit: number, after: string | null = null): Promise<string[]> {
  const res = await db.query<{ user_id: string }>(
    `SELECT DISTINCT n.user_id FROM notifications n
       JOIN reader_notification_settings rs ON rs.user_id = n.user_id AND rs.email = 'daily'
       JOIN sites s ON s.id = n.site_id
      WHERE n.emailed_at IS NULL AND n.delivered_at IS NOT NULL AND n.created_at > now() - interval '2 days'
        AND COALESCE(s.settings->>'readerNotifications', 'email') = 'email'
        AND ($2::uuid IS NULL OR n.user_id > $2)
      ORDER BY n.user_id
      LIMIT $1`,
    [limit, after],
  );
  return res.rows.map((r) => r.user_id);
}

/** A digest reader's notifications not yet emailed (ids to load with loadDelivery). */
export async function listUnmailed(db: Queryable, userId: string): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `SELECT id FROM notifications
      WHERE user_id = $1 AND emailed_at IS NULL AND delivered_at IS NOT NULL AND created_at > now() - interval '2 days'
      ORDER BY id`,
    [userId],
  );
  return res.rows.map((r) => r.id);
}

/**
 * Marks notifications emailed before their message goes, and returns the ids this call marked: a second run (a retry
 * after the message went and the run stopped) finds them marked and sends nothing. Email is sent at most once.
 */
export async function claimEmailed(db: Queryable, ids: readonly string[]): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    'UPDATE notifications SET emailed_at = now() WHERE id = ANY($1::uuid[]) AND emailed_at IS NULL RETURNING id',
    [ids],
  );
  return res.rows.map((r) => r.id);
}

/** Gives back a claim whose message could not be sent: the next run sends it. */
export async function releaseEmailed(db: Queryable, ids: readonly string[]): Promise<void> {
  await db.query('UPDATE notifications SET emailed_at = NULL WHERE id = ANY($1::uuid[])', [ids]);
}

export async function markEmailed(db: Queryable, ids: readonly string[]): Promise<void> {
  await db.query('UPDATE notifications SET emailed_at = now() WHERE id = ANY($1::uuid[]) AND emailed_at IS NULL', [
    ids,
  ]);
}
