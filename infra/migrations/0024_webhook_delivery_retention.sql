-- Up Migration

-- Finished webhook deliveries by age, for the worker's retention prune (WEBHOOK_DELIVERY_RETENTION_DAYS): the log keeps
-- each event's body as sent, so it is not kept for ever. On a large delivery log, build it beforehand with CREATE INDEX
-- CONCURRENTLY under the same definition (the statement below then does nothing), as for 0019.
CREATE INDEX IF NOT EXISTS webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';

-- Down Migration
DROP INDEX webhook_deliveries_finished;
