-- Up Migration

-- A thread in "most reacted" order ranks a removed comment (a placeholder kept for its replies) as
-- having no reactions, as it is shown: the order is an expression of the status, not the column.
-- An index on the column alone could not give that order, so on a post of 100,000 comments every
-- page sorted the whole post; this index gives it in order, as the other orders' indexes do.
DROP INDEX comments_thread_reacted;
CREATE INDEX comments_thread_reacted ON comments (
  site_id, post_id, (CASE WHEN status = 'approved' AND deleted_at IS NULL THEN reaction_count ELSE 0 END) DESC, id DESC
) WHERE parent_id IS NULL;

-- Down Migration
DROP INDEX comments_thread_reacted;
CREATE INDEX comments_thread_reacted ON comments (site_id, post_id, reaction_count DESC, id DESC) WHERE parent_id IS NULL;
