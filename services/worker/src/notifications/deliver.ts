import { UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import { isPermanentRefusal, type Mailer } from '#shared/mail.js';
import type { RedisClient } from '#shared/redis.js';
import type { Events } from '#shared/webhooks/events.js';
import {
  claimEmailed,
  listDigestReaders,
  listUnmailed,
  loadDelivery,
  markDelivered,
  markEmailed,
  releaseEmailed,
  type DeliveryInput,
} from '#shared/db/notifications.js';
import { markEmailBounced } from '#shared/db/users.js';
import { notificationChannel, type NotificationJob } from '#shared/notifications/queue.js';
import { isOutage } from '#shared/outage.js';
import { signUnsubscribeToken } from '#shared/notifications/unsubscribe-token.js';
import { digestMail, immediateMail } from './mail-text.js';

export interface NotificationDeps {
  config: Config;
  db: Pool;
  redis: RedisClient;
  logger: Logger;
  mailer: Mailer;
  events?: Events;
}

/** The page that turns a reader's notification email off, for their email's link and List-Unsubscribe. */
export function unsubscribeUrl(config: Config, r: { siteId: string; userId: string }): string {
  const base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return `${base}/notifications/unsubscribe?token=${signUnsubscribeToken(config.JWT_SECRET, r)}`;
}

function unsubscribeHeaders(url: string): Record<string, string> {
  // RFC 8058 one-click: the mail client POSTs to the link; the page itself asks before it acts.
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/**
 * A notification email whose address the reader's mail server refused for good (see isPermanentRefusal): sending again
 * would be refused again, so the job fails without retries. Its message is the mailer's, which names no address.
 */
export class AddressRefusedError extends UnrecoverableError {
  readonly responseCode?: number;
  readonly command?: string;
  constructor(cause: Error & { responseCode?: number; command?: string }) {
    super(cause.message);
    if (cause.responseCode !== undefined) this.responseCode = cause.responseCode;
    if (cause.command !== undefined) this.command = cause.command;
  }
}

/**
 * Delivers one notification: tells the reader's open widgets (the bell), then either emits the
 * site's `reader.notification` webhook (sites that send their own) or emails a reader who chose
 * immediate email. Safe to run twice: the row says "emailed" before the email goes (and again "not emailed" when
 * sending fails), so a run that stops after sending leaves nothing to send again; the webhook event's id derives from
 * the notification's. An address refused for good leaves the notification delivered (in the reader's list), not
 * emailed, and fails the job without retries (AddressRefusedError).
 */
export async function deliverNotification(deps: NotificationDeps, id: string): Promise<void> {
  const d = await loadDelivery(deps.db, id);
  if (!d || d.notification.delivered) return;
  const n = d.notification;
  await deps.redis
    .publish(notificationChannel(deps.config.QUEUE_PREFIX), `${n.siteId}\n${n.userId}`)
    .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'notification not announced'));
  let emailed = false;
  if (d.delivery === 'webhook') {
    // A reply removed or deleted before the notification went out is news to nobody, the publisher included.
    if (d.shown)
      await deps.events?.emit({
        siteId: n.siteId,
        type: 'reader.notification',
        key: n.id,
        data: {
          notification: { id: n.id, kind: n.kind, status: n.status, createdAt: n.createdAt },
          reader: { id: n.userId },
          comment: { id: n.comment.id, postId: n.comment.postId },
          ...(n.from ? { from: { id: n.from.id } } : {}),
        },
      });
  } else if (d.emailMode === 'immediate' && !n.emailed) {
    // A reply removed or deleted before its email went is not quoted to anyone: marked as emailed, with nothing sent.
    emailed = d.shown
      ? (await sendOnce(deps, [n.id], d, () => immediateMail(n, unsubscribeUrl(deps.config, n))).catch(
          async (err: unknown) => {
            if (err instanceof AddressRefusedError) await markDelivered(deps.db, id, false);
            throw err;
          },
        )) !== 'not-sent'
      : true;
  }
  await markDelivered(deps.db, id, emailed);
}

/**
 * Sends one message about the notifications `ids` at most once: they are marked emailed first, and only those this
 * run marked go into the message (`build` gets them). A transport failure gives the marks back and throws, so the job
 * is retried; a run that stops after sending leaves them marked. An address refused for good is recorded on the reader
 * (no notification email goes to it until it changes or is confirmed again) and thrown as AddressRefusedError.
 * `already-sent` when another run had marked them all (it sent the message); `not-sent` when there is nowhere or no way
 * to send.
 */
async function sendOnce(
  deps: NotificationDeps,
  ids: readonly string[],
  d: Pick<DeliveryInput, 'email' | 'notification'>,
  build: (claimed: ReadonlySet<string>) => { subject: string; text: string },
): Promise<'sent' | 'already-sent' | 'not-sent'> {
  if (!d.email) return 'not-sent';
  if (deps.mailer.state !== 'configured') {
    deps.logger.info(
      { notificationId: d.notification.id },
      'notification email not sent: no mail transport is configured (SMTP_URL)',
    );
    return 'not-sent';
  }
  const claimed = await claimEmailed(deps.db, ids);
  if (claimed.length === 0) return 'already-sent';
  const url = unsubscribeUrl(deps.config, d.notification);
  try {
    await deps.mailer.send({ to: d.email, ...build(new Set(claimed)), headers: unsubscribeHeaders(url) });
  } catch (err) {
    // The mailer's error names no address: the job may keep it as its failed reason.
    await releaseEmailed(deps.db, claimed);
    if (!isPermanentRefusal(err)) throw err;
    await markEmailBounced(deps.db, { userId: d.notification.userId, email: d.email });
    deps.logger.warn(
      { userId: d.notification.userId, err },
      "a reader's address was refused for good: no notification email goes to it until it changes or is confirmed again",
    );
    throw new AddressRefusedError(err as Error);
  }
  return 'sent';
}

/** Readers read at a time by a digest run, which goes on batch after batch until every reader is served. */
const DIGEST_BATCH = 1000;

/**
 * The daily digest: one email per reader who chose it, with what they were notified of and not yet emailed. A send
 * that fails fails the run once every other reader has been tried, so its job is tried again with its backoff; a run
 * that meets an outage stops there and waits for it (waitingOutOutages). Either way the next try sends only what is
 * still unmailed: each digest goes at most once (sendOnce). Returns, and logs, how many digests this run sent (not
 * those another run sent meanwhile).
 */
export async function sendDigests(deps: NotificationDeps, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? DIGEST_BATCH;
  if (deps.mailer.state !== 'configured') {
    deps.logger.info('notification digests not sent: no mail transport is configured (SMTP_URL)');
    return 0;
  }
  let sent = 0;
  let failed: unknown = null;
  for (let after: string | null = null; ; ) {
    const readers = await listDigestReaders(deps.db, batch, after);
    for (const userId of readers) {
      try {
        sent += await sendDigest(deps, userId);
      } catch (err) {
        // The mail server or Postgres is away: every reader after this one would fail alike.
        if (isOutage(err)) throw err;
        deps.logger.warn({ err }, 'a notification digest could not be sent; the run is tried again');
        failed ??= err;
      }
    }
    if (readers.length < batch) break;
    after = readers.at(-1)!;
  }
  deps.logger.info({ sent }, 'notification digests sent');
  if (failed) throw failed;
  return sent;
}

/**
 * One reader's digest: 1 when this run sent it, 0 when there was nothing to send, nowhere to send it, or another run
 * sent it; throws when it failed.
 */
async function sendDigest(deps: NotificationDeps, userId: string): Promise<number> {
  const loaded = (
    await Promise.all((await listUnmailed(deps.db, userId)).map((id) => loadDelivery(deps.db, id)))
  ).filter((d): d is DeliveryInput => d !== null && d.emailMode === 'daily' && d.delivery === 'email');
  // Replies removed or deleted since are left out of the digest, and marked so as not to wait for the next one.
  const gone = loaded.filter((d) => !d.shown).map((d) => d.notification.id);
  if (gone.length > 0) await markEmailed(deps.db, gone);
  const shown = loaded.filter((d) => d.shown);
  const first = shown[0];
  if (!first) return 0;
  // No address to write to (erased, never confirmed, or refused for good): nothing will be sent, so nothing waits.
  if (!first.email) {
    await markEmailed(
      deps.db,
      shown.map((d) => d.notification.id),
    );
    return 0;
  }
  try {
    const outcome = await sendOnce(
      deps,
      shown.map((d) => d.notification.id),
      first,
      (claimed) =>
        digestMail(
          shown.map((d) => d.notification).filter((n) => claimed.has(n.id)),
          unsubscribeUrl(deps.config, first.notification),
        ),
    );
    // A digest another run sent (it claimed them first) is that run's to count.
    return outcome === 'sent' ? 1 : 0;
  } catch (err) {
    // A refused address is recorded, so these have nowhere to go: a later run marks them so, and the run goes on.
    if (err instanceof AddressRefusedError) return 0;
    throw err;
  }
}

/** The digest job's result (its return value on the queue dashboard): how many digests this run sent. */
export interface DigestResult {
  sent: number;
}

export function createNotificationProcessor(deps: NotificationDeps) {
  return async (job: Job<NotificationJob>): Promise<DigestResult | undefined> => {
    if (job.data.kind === 'digest') return { sent: await sendDigests(deps) };
    await deliverNotification(deps, job.data.notificationId);
    return undefined;
  };
}
