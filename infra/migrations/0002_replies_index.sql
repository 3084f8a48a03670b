-- Up Migration
-- "Load more replies": the approved replies shown under one comment, in order.
CREATE INDEX comments_thread_children ON comments (thread_parent_id, id) WHERE status = 'approved';

-- Down Migration
DROP INDEX comments_thread_children;
