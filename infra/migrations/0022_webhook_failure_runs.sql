-- Up Migration

-- When the endpoint's last attempt failed. A run of failures (`failing_since`) ends with a success, and now also when
-- no attempt failed for longer than any retry waits: an endpoint that failed a day ago, recovered and then had no
-- events is not disabled for one later failure as though it had been failing all along.
ALTER TABLE webhooks ADD COLUMN last_failed_at timestamptz;
UPDATE webhooks SET last_failed_at = failing_since WHERE failing_since IS NOT NULL;

-- Down Migration
ALTER TABLE webhooks DROP COLUMN last_failed_at;
