-- Up Migration

-- Fewer index writes per stored comment. Approved comments are nearly all of them and every
-- query that reads approved ones by site has a better index: threads use comments_thread_*,
-- publishers' listings and the moderation page's approved queue and counts scan comments_site_id
-- (site_id, id) in id order, where approved rows are the common case. What (site_id, status, id)
-- is needed for is finding the few held and rejected comments among them.
DROP INDEX comments_site_status;
CREATE INDEX comments_site_held ON comments (site_id, status, id) WHERE status <> 'approved';

-- Down Migration
DROP INDEX comments_site_held;
CREATE INDEX comments_site_status ON comments (site_id, status, id);
