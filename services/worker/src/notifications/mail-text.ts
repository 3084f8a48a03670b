import type { NotificationView } from '#shared/db/notifications.js';

/** One notification in words (plain text: nothing a reader wrote is ever rendered as HTML). */
export function describe(n: NotificationView): string {
  switch (n.kind) {
    case 'reply':
      return `${n.from?.name ?? 'Someone'} replied to your comment on “${n.post.title}”:\n\n  ${n.comment.excerpt}`;
    case 'decision':
      return n.status === 'approved'
        ? `Your comment on “${n.post.title}” was reviewed and published:\n\n  ${n.comment.excerpt}`
        : `Your comment on “${n.post.title}” was reviewed and not published:\n\n  ${n.comment.excerpt}`;
    case 'featured':
      return `Your comment on “${n.post.title}” was chosen as an editors' pick:\n\n  ${n.comment.excerpt}`;
  }
}

export function subjectOf(n: NotificationView): string {
  switch (n.kind) {
    case 'reply':
      return `${n.from?.name ?? 'Someone'} replied to your comment`;
    case 'decision':
      return n.status === 'approved' ? 'Your comment was published' : 'Your comment was not published';
    case 'featured':
      return 'Your comment was featured';
  }
}

const footer = (unsubscribeUrl: string) =>
  `\n\n--\nYou receive these emails because you turned on comment notifications.\nTo stop them, open: ${unsubscribeUrl}\n`;

/** The email for one notification. */
export function immediateMail(n: NotificationView, unsubscribeUrl: string): { subject: string; text: string } {
  return { subject: subjectOf(n), text: `${describe(n)}\n\nRead it: ${n.post.url}${footer(unsubscribeUrl)}` };
}

/** One email for a day's notifications. */
export function digestMail(
  list: readonly NotificationView[],
  unsubscribeUrl: string,
): { subject: string; text: string } {
  const items = list.map((n) => `* ${describe(n)}\n  ${n.post.url}`).join('\n\n');
  return {
    subject:
      list.length === 1 ? 'Your comments: 1 new notification' : `Your comments: ${list.length} new notifications`,
    text: `${items}${footer(unsubscribeUrl)}`,
  };
}
