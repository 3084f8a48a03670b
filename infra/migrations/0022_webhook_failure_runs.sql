-- Up Migration

-- When the endpoint's last attempt failed. A run of failures (`failing_since`) ends with a success, and now also when
-- no attempt failed for longer than any retry waits: an endpoint that failed a day ago, recovered and then had no
-- events is not disabled for one later failure as though it had been failing all along.
ALTER TABLE webhooks ADD COLUMN last_failed_at timestamptz;
-- During a run every attempt failed: its last attempt is its last failure.
UPDATE webhooks w SET last_failed_at = coalesce(
    (SELECT max(a.started_at) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
      WHERE d.webhook_id = w.id),
    w.failing_since)
 WHERE w.failing_since IS NOT NULL;

-- Down Migration
ALTER TABLE webhooks DROP COLUMN last_failed_at;
