import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '#shared/config.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logger.js';
import type { RedisClient } from '#shared/redis.js';
import { abandonDelivery, disableWebhook, loadDeliveryToSend, recordAttempt } from '#shared/db/webhooks.js';
import { assertPublicUrl, createAllowlist } from '#shared/webhooks/ssrf.js';
import { SIGNATURE_HEADER, signatureHeader } from '#shared/webhooks/signing.js';
import type { WebhookJob } from '#shared/webhooks/queue.js';
import { sendWebhook } from './send.js';

export interface WebhookDeps {
  config: Pick<
    Config,
    | 'WEBHOOK_ALLOW_HOSTS'
    | 'WEBHOOK_TIMEOUT_MS'
    | 'WEBHOOK_DISABLE_AFTER_S'
    | 'WEBHOOK_RETRY_SCHEDULE_S'
    | 'WEBHOOK_MAX_PER_SITE'
    | 'QUEUE_PREFIX'
  >;
  db: Pool;
  redis: RedisClient;
  logger: Logger;
}

/**
 * Takes one of a site's delivery slots (a sorted set of leases by job id, scored by their end): expired leases
 * go first, so a sender that died gives its slot back when its lease ends. 1 when taken (or already held), 0 when
 * the site's slots are all in use.
 */
const TAKE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1`;

/** How long a slot is leased: past it, its sender is taken to have died. */
const slotLeaseMs = (timeoutMs: number) => Math.max(30_000, timeoutMs * 2);

/** Thrown for a failed attempt that will be retried by BullMQ with the webhook schedule. */
export class DeliveryFailed extends Error {}

/**
 * Sends one delivery: signs the stored body with the endpoint's secret(s), re-checks the URL
 * against the SSRF guard, records the attempt, and either finishes the delivery or throws so
 * BullMQ retries it. An endpoint failing for WEBHOOK_DISABLE_AFTER_S is disabled with the reason.
 */
export function createWebhookProcessor(deps: WebhookDeps) {
  const slots = (siteId: string) => `${deps.config.QUEUE_PREFIX}:webhook-slots:${siteId}`;
  return async (job: Job<WebhookJob>, token?: string): Promise<{ status: number | null }> => {
    const { siteId, deliveryId } = job.data;
    // At most WEBHOOK_MAX_PER_SITE of a site's deliveries at once: the others wait a moment (not an attempt), asked
    // before anything else, so a backlog behind a slow endpoint costs a Redis call a turn, not a Postgres read.
    const now = Date.now();
    const member = job.id ?? deliveryId;
    const taken = await deps.redis.eval(
      TAKE_SLOT,
      1,
      slots(siteId),
      now,
      now + slotLeaseMs(deps.config.WEBHOOK_TIMEOUT_MS),
      member,
      deps.config.WEBHOOK_MAX_PER_SITE,
    );
    if (taken !== 1) {
      await job.moveToDelayed(now + 500 + Math.floor(Math.random() * 1000), token);
      throw new DelayedError();
    }
    try {
      const d = await loadDeliveryToSend(deps.db, siteId, deliveryId);
      // Deleted with its endpoint, or finished already (a job run twice).
      if (d?.status !== 'pending') return { status: null };
      if (!d.enabled) {
        await abandonDelivery(deps.db, siteId, deliveryId, 'endpoint disabled');
        return { status: null };
      }
      return await attempt(job, d);
    } finally {
      await deps.redis.zrem(slots(siteId), member).catch(() => undefined);
    }
  };

  async function attempt(
    job: Job<WebhookJob>,
    d: NonNullable<Awaited<ReturnType<typeof loadDeliveryToSend>>>,
  ): Promise<{ status: number | null }> {
    const { siteId, deliveryId } = job.data;
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const startedAt = new Date();
    let result;
    try {
      const allow = createAllowlist(deps.config.WEBHOOK_ALLOW_HOSTS);
      await assertPublicUrl(d.url, { allow });
      result = await sendWebhook({
        url: d.url,
        body: d.body,
        timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
        allow,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'newsroom-comments-webhooks/1',
          'X-Comments-Event-Id': d.eventId,
          'X-Comments-Event': d.eventType,
          'X-Comments-Delivery': d.id,
          [SIGNATURE_HEADER]: signatureHeader(d.body, d.secrets),
        },
      });
    } catch (err) {
      result = { ok: false, statusCode: null, error: (err as Error).message };
    }
    const { failingSince } = await recordAttempt(deps.db, {
      siteId,
      deliveryId,
      webhookId: d.webhookId,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      statusCode: result.statusCode,
      error: result.error,
      ok: result.ok,
      final,
      // The longest retry wait with its +20 % jitter, and a minute for the queue.
      runGapMs: Math.max(...deps.config.WEBHOOK_RETRY_SCHEDULE_S) * 1.2 + 60_000,
    });
    if (result.ok) return { status: result.statusCode };

    const log = { siteId, webhookId: d.webhookId, deliveryId, attempt: job.attemptsMade + 1, error: result.error };
    if (failingSince && Date.now() - failingSince.getTime() >= deps.config.WEBHOOK_DISABLE_AFTER_S * 1000) {
      const reason = `every attempt failed for ${Math.round((Date.now() - failingSince.getTime()) / 1000)} s (last: ${result.error})`;
      await disableWebhook(deps.db, siteId, d.webhookId, reason);
      deps.logger.warn(log, 'webhook endpoint disabled');
      throw new UnrecoverableError(reason);
    }
    deps.logger.info(log, final ? 'webhook delivery failed; no retries left' : 'webhook delivery failed; will retry');
    throw new DeliveryFailed(result.error ?? 'failed');
  }
}
