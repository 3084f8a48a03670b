-- Up Migration

-- Finished webhook deliveries by age, for the worker's retention prune (WEBHOOK_DELIVERY_RETENTION_DAYS): the log keeps
-- each event's body as sent, so it is not kept for ever. On a large delivery log, build it beforehand with CREATE INDEX
-- CONCURRENTLY under the same definition (the statement below then does nothing), as for 0019.
CREATE INDEX IF NOT EXISTS webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';
-- The redeliveries of a delivery: the prune keeps an original while one of them stays.
CREATE INDEX IF NOT EXISTS webhook_deliveries_redelivery ON webhook_deliveries (redelivery_of) WHERE redelivery_of IS NOT NULL;

-- Down Migration
DROP INDEX webhook_deliveries_redelivery;
DROP INDEX webhook_deliveries_finished;
