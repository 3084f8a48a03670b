-- Up Migration

-- The comment a webhook delivery is about (events `comment.*`), so that when its author deletes it, or erases their
-- account on a site that removes their comments, its text also leaves the delivery log, from which a publisher could
-- otherwise have it redelivered. Rows stored before are filled from their bodies. On a large delivery log, run the
-- UPDATE in batches and build webhook_deliveries_comment beforehand with CREATE INDEX CONCURRENTLY under the same
-- definition (the statement below then does nothing), as for 0019.
ALTER TABLE webhook_deliveries ADD COLUMN comment_id uuid;
UPDATE webhook_deliveries SET comment_id = (body::jsonb #>> '{data,comment,id}')::uuid
 WHERE event_type LIKE 'comment.%' AND body::jsonb #>> '{data,comment,id}' IS NOT NULL;
CREATE INDEX IF NOT EXISTS webhook_deliveries_comment ON webhook_deliveries (site_id, comment_id) WHERE comment_id IS NOT NULL;

-- Down Migration
DROP INDEX webhook_deliveries_comment;
ALTER TABLE webhook_deliveries DROP COLUMN comment_id;
