import { type Pool, type Queryable, withTransaction } from './pool.js';

/** An endpoint as its owners see it (never the secrets). */
export interface Webhook {
  id: string;
  siteId: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Subscription {
  id: string;
  events: string[];
}

interface WebhookRow {
  id: string;
  site_id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}
const COLS = `id, site_id, url, events, enabled, disabled_reason, failing_since, previous_secret_expires_at, created_at, updated_at`;
const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  siteId: r.site_id,
  url: r.url,
  events: r.events,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  failingSince: r.failing_since,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Endpoints one site may register: deliveries of every site share the webhook workers' slots. */
export const MAX_WEBHOOKS_PER_SITE = 10;

/** Registers an endpoint; null when the site has `MAX_WEBHOOKS_PER_SITE` already (the site's row is locked to count). */
export async function insertWebhook(
  pool: Pool,
  w: { id: string; siteId: string; url: string; events: string[]; secret: string },
): Promise<Webhook | null> {
  return withTransaction(pool, async (tx) => {
    await tx.query('SELECT 1 FROM sites WHERE id = $1 FOR NO KEY UPDATE', [w.siteId]);
    const res = await tx.query<WebhookRow>(
      `INSERT INTO webhooks (id, site_id, url, events, secret)
       SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM webhooks WHERE site_id = $2) < $6
       RETURNING ${COLS}`,
      [w.id, w.siteId, w.url, w.events, w.secret, MAX_WEBHOOKS_PER_SITE],
    );
    return res.rows[0] ? toWebhook(res.rows[0]) : null;
  });
}

export async function listWebhooks(db: Queryable, siteId: string): Promise<Webhook[]> {
  const res = await db.query<WebhookRow>(`SELECT ${COLS} FROM webhooks WHERE site_id = $1 ORDER BY id`, [siteId]);
  return res.rows.map(toWebhook);
}

export async function findWebhook(db: Queryable, siteId: string, id: string): Promise<Webhook | null> {
  const res = await db.query<WebhookRow>(`SELECT ${COLS} FROM webhooks WHERE site_id = $1 AND id = $2`, [siteId, id]);
  return res.rows[0] ? toWebhook(res.rows[0]) : null;
}

/** Changes URL, events or enabled; enabling again clears the reason and the run of failures. */
export async function updateWebhook(
  db: Queryable,
  w: { siteId: string; id: string; url?: string; events?: string[]; enabled?: boolean },
): Promise<Webhook | null> {
  const res = await db.query<WebhookRow>(
    `UPDATE webhooks SET url = COALESCE($3, url), events = COALESCE($4, events), enabled = COALESCE($5, enabled),
            disabled_reason = CASE WHEN $5 IS NULL THEN disabled_reason ELSE NULL END,
            failing_since = CASE WHEN $5 THEN NULL ELSE failing_since END,
            updated_at = now()
      WHERE site_id = $1 AND id = $2 RETURNING ${COLS}`,
    [w.siteId, w.id, w.url ?? null, w.events ?? null, w.enabled ?? null],
  );
  return res.rows[0] ? toWebhook(res.rows[0]) : null;
}

export async function deleteWebhook(db: Queryable, siteId: string, id: string): Promise<boolean> {
  const res = await db.query(`DELETE FROM webhooks WHERE site_id = $1 AND id = $2`, [siteId, id]);
  return res.rowCount === 1;
}

/** Replaces the secret; the current one stays valid (both sign) for graceS seconds. */
export async function rotateWebhookSecret(
  db: Queryable,
  w: { siteId: string; id: string; secret: string; graceS: number },
): Promise<Webhook | null> {
  const res = await db.query<WebhookRow>(
    `UPDATE webhooks SET previous_secret = CASE WHEN $4 > 0 THEN secret END,
            previous_secret_expires_at = CASE WHEN $4 > 0 THEN now() + make_interval(secs => $4) END,
            secret = $3, updated_at = now()
      WHERE site_id = $1 AND id = $2 RETURNING ${COLS}`,
    [w.siteId, w.id, w.secret, w.graceS],
  );
  return res.rows[0] ? toWebhook(res.rows[0]) : null;
}

export async function subscribedWebhooks(db: Queryable, siteId: string): Promise<Subscription[]> {
  const res = await db.query<Subscription>(`SELECT id, events FROM webhooks WHERE site_id = $1 AND enabled`, [siteId]);
  return res.rows;
}

export interface NewDelivery {
  id: string;
  siteId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  body: string;
  /** The comment the event is about (`comment.*`), so its text can leave the log with it. */
  commentId: string | null;
}

/**
 * Stores deliveries; one an endpoint already has for the same event is skipped, and so is one for an endpoint
 * deleted or disabled since the caller read the site's subscriptions (they are cached), so the others still get the
 * event. Returns the ids stored.
 */
export async function insertDeliveries(db: Queryable, rows: NewDelivery[]): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (id, site_id, webhook_id, event_id, event_type, body, comment_id)
     SELECT u.* FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::uuid[])
              AS u(id, site_id, webhook_id, event_id, event_type, body, comment_id)
       JOIN webhooks w ON w.id = u.webhook_id AND w.site_id = u.site_id AND w.enabled
     ON CONFLICT (webhook_id, event_id) WHERE redelivery_of IS NULL DO NOTHING
     RETURNING id`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.siteId),
      rows.map((r) => r.webhookId),
      rows.map((r) => r.eventId),
      rows.map((r) => r.eventType),
      rows.map((r) => r.body),
      rows.map((r) => r.commentId),
    ],
  );
  return res.rows.map((r) => r.id);
}

/**
 * The text of these comments leaves the webhook delivery log (their author deleted them, or erased their account on a
 * site that removes comments): each delivery about them keeps its event with `data.comment.body` emptied and the
 * matched text of its decision's reasons (`data.decision.reasons[].span.text`) taken out, and is redelivered so. For the
 * deletion's own transaction.
 */
/**
 * SQL for a decision's reasons (a jsonb array expression) without the text they matched (`span.text`: a banned
 * word, a link): what stays once the text they were found in is erased.
 */
export const reasonsWithoutMatchedText = (reasons: string): string =>
  `(SELECT coalesce(jsonb_agg(r #- '{span,text}'), '[]'::jsonb) FROM jsonb_array_elements(${reasons}) r)`;

export async function scrubCommentDeliveries(
  db: Queryable,
  siteId: string,
  commentIds: readonly string[],
): Promise<void> {
  if (commentIds.length === 0) return;
  await db.query(
    `UPDATE webhook_deliveries d SET body = (
       SELECT CASE WHEN jsonb_typeof(b #> '{data,decision,reasons}') = 'array'
                   THEN jsonb_set(b, '{data,decision,reasons}', ${reasonsWithoutMatchedText("b #> '{data,decision,reasons}'")})
                   ELSE b END
         FROM (SELECT CASE WHEN d.body::jsonb #> '{data,comment,body}' IS NULL THEN d.body::jsonb
                           ELSE jsonb_set(d.body::jsonb, '{data,comment,body}', '""') END AS b) x)::text
      WHERE d.site_id = $1 AND d.comment_id = ANY($2::uuid[])`,
    [siteId, commentIds],
  );
}

/** What sending a delivery needs, secrets included (for the worker only). */
export interface DeliveryToSend {
  id: string;
  siteId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  body: string;
  status: string;
  url: string;
  enabled: boolean;
  secrets: string[];
}

export async function loadDeliveryToSend(db: Queryable, siteId: string, id: string): Promise<DeliveryToSend | null> {
  const res = await db.query<{
    id: string;
    site_id: string;
    webhook_id: string;
    event_id: string;
    event_type: string;
    body: string;
    status: string;
    url: string;
    enabled: boolean;
    secret: string;
    previous_secret: string | null;
    previous_valid: boolean;
  }>(
    `SELECT d.id, d.site_id, d.webhook_id, d.event_id, d.event_type, d.body, d.status, w.url, w.enabled, w.secret,
            w.previous_secret, (w.previous_secret_expires_at > now()) AS previous_valid
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.site_id = d.site_id
      WHERE d.site_id = $1 AND d.id = $2`,
    [siteId, id],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    id: r.id,
    siteId: r.site_id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    body: r.body,
    status: r.status,
    url: r.url,
    enabled: r.enabled,
    secrets: r.previous_secret && r.previous_valid ? [r.secret, r.previous_secret] : [r.secret],
  };
}

/**
 * Records one attempt and its effect in one statement: the attempt row, the delivery's state
 * (`final` failures and successes finish it), and the endpoint's run of failures (a success
 * clears it; a failure more than `runGapMs` after the endpoint's last one starts a new run: no
 * attempt failed in between, so it was not failing then). Returns when the endpoint started failing
 * (null after a success).
 */
export async function recordAttempt(
  db: Queryable,
  a: {
    siteId: string;
    deliveryId: string;
    webhookId: string;
    startedAt: Date;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    ok: boolean;
    final: boolean;
    /** Longer than any wait between two retries of a delivery (the retry schedule's longest step, with its jitter). */
    runGapMs: number;
  },
): Promise<{ failingSince: Date | null }> {
  const res = await db.query<{ failing_since: Date | null }>(
    `WITH d AS (
       UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $4, last_error = $5,
              status = CASE WHEN $6 THEN 'succeeded' WHEN $7 THEN 'failed' ELSE 'pending' END,
              finished_at = CASE WHEN $6 OR $7 THEN now() END
        WHERE site_id = $1 AND id = $2 RETURNING attempts
     ), a AS (
       INSERT INTO webhook_attempts (site_id, delivery_id, attempt, started_at, duration_ms, status_code, error)
       SELECT $1, $2, d.attempts, $8, $9, $4, $5 FROM d
     )
     UPDATE webhooks SET
            failing_since = CASE WHEN $6 THEN NULL
                                 WHEN last_failed_at IS NULL OR last_failed_at < $8::timestamptz - make_interval(secs => $10::float8 / 1000) THEN $8
                                 ELSE COALESCE(failing_since, $8) END,
            last_failed_at = CASE WHEN $6 THEN NULL ELSE greatest(last_failed_at, $8) END
      WHERE site_id = $1 AND id = $3 RETURNING failing_since`,
    [a.siteId, a.deliveryId, a.webhookId, a.statusCode, a.error, a.ok, a.final, a.startedAt, a.durationMs, a.runGapMs],
  );
  return { failingSince: res.rows[0]?.failing_since ?? null };
}

/** Disables an endpoint with a reason and finishes its pending deliveries as failed. */
export async function disableWebhook(db: Queryable, siteId: string, id: string, reason: string): Promise<void> {
  await db.query(
    `WITH w AS (UPDATE webhooks SET enabled = false, disabled_reason = $3, updated_at = now()
                 WHERE site_id = $1 AND id = $2 RETURNING id)
     UPDATE webhook_deliveries SET status = 'failed', finished_at = now(), last_error = COALESCE(last_error, $3)
      WHERE site_id = $1 AND webhook_id IN (SELECT id FROM w) AND status = 'pending'`,
    [siteId, id, reason],
  );
}

/** Finishes a delivery without sending it (its endpoint was disabled meanwhile). */
export async function abandonDelivery(db: Queryable, siteId: string, id: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'failed', finished_at = now(), last_error = $3
      WHERE site_id = $1 AND id = $2 AND status = 'pending'`,
    [siteId, id, reason],
  );
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: string;
  finishedAt: string | null;
  attemptLog: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
  }[];
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  db: Queryable,
  q: { siteId: string; webhookId: string; before: string | null; limit: number },
): Promise<DeliveryView[]> {
  const res = await db.query<{ rows: DeliveryView[] | null }>(
    `SELECT json_agg(x ORDER BY x."id" DESC) AS rows FROM (
       SELECT d.id AS "id", d.event_id AS "eventId", d.event_type AS "eventType", d.status AS "status",
              d.attempts AS "attempts", d.last_status AS "lastStatus", d.last_error AS "lastError",
              d.redelivery_of AS "redeliveryOf", d.created_at AS "createdAt", d.finished_at AS "finishedAt",
              (SELECT coalesce(json_agg(json_build_object('attempt', a.attempt, 'startedAt', a.started_at,
                        'durationMs', a.duration_ms, 'statusCode', a.status_code, 'error', a.error) ORDER BY a.id), '[]')
                 FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.site_id = $1) AS "attemptLog"
         FROM webhook_deliveries d
        WHERE d.site_id = $1 AND d.webhook_id = $2 AND ($3::uuid IS NULL OR d.id < $3::uuid)
        ORDER BY d.id DESC LIMIT $4) x`,
    [q.siteId, q.webhookId, q.before, q.limit],
  );
  return res.rows[0]?.rows ?? [];
}

/** A copy of a delivery (same event id and body) to send again. Returns null when there is no such delivery. */
export async function insertRedelivery(
  db: Queryable,
  q: { siteId: string; webhookId: string; deliveryId: string; newId: string },
): Promise<string | null> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (id, site_id, webhook_id, event_id, event_type, body, redelivery_of, comment_id)
     SELECT $4, site_id, webhook_id, event_id, event_type, body, id, comment_id FROM webhook_deliveries
      WHERE site_id = $1 AND webhook_id = $2 AND id = $3
     RETURNING id`,
    [q.siteId, q.webhookId, q.deliveryId, q.newId],
  );
  return res.rows[0]?.id ?? null;
}

/**
 * Deliveries stored but never attempted for a while: their enqueue failed after the row was
 * written (Redis unreachable at that moment). Deliveries waiting for a retry have attempts > 0.
 */
export async function strandedDeliveries(
  db: Queryable,
  olderThanS: number,
  limit: number,
): Promise<{ id: string; siteId: string }[]> {
  const res = await db.query<{ id: string; siteId: string }>(
    `SELECT id, site_id AS "siteId" FROM webhook_deliveries
      WHERE status = 'pending' AND attempts = 0 AND created_at < now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT $2`,
    [olderThanS, limit],
  );
  return res.rows;
}

/**
 * Deletes finished deliveries (sent, or failed for good) stored before `before`, oldest first, at most `limit`
 * of them; returns how many. A delivery still being tried is kept whatever its age, and an original is kept while a
 * redelivery of it is (they share its event id). Rows locked by a send or by another worker's prune are skipped.
 */
export async function pruneDeliveries(db: Queryable, before: Date, limit: number): Promise<number> {
  const res = await db.query(
    `DELETE FROM webhook_deliveries WHERE id IN (
       SELECT d.id FROM webhook_deliveries d
        WHERE d.status <> 'pending' AND d.created_at < $1
          -- An original waits for its redeliveries (which point at it) to go first.
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries r WHERE r.redelivery_of = d.id)
        ORDER BY d.created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [before, limit],
  );
  return res.rowCount ?? 0;
}
