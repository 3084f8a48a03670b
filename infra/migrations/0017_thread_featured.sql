-- Up Migration

-- A thread's first page shows its featured comments ("Editors' picks") above the rest. Few comments
-- are ever featured, so a partial index finds them without reading the post's other comments: on a
-- post of 100,000 comments the look-up was a scan of the whole table.
CREATE INDEX comments_featured ON comments (site_id, post_id, featured_at DESC) WHERE featured_at IS NOT NULL;

-- Down Migration
DROP INDEX comments_featured;
