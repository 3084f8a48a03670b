-- Up Migration

-- A moderator's decision stops counting when it is undone or when the comment's text changes under it (an edit):
-- `voided_at`. One not yet learned is deleted instead; one the adapter has learned stays, voided (what was learned is
-- not unlearned), and no longer counts in the likely-fine lane's precision or the scorers' agreement with moderators.
-- The comment can then be decided again with the same label (one standing decision per site, comment and label).
-- `bulk`: made by a bulk action, where a moderator approves what a lane lists after a glance; the lane's precision is
-- measured on the decisions made one at a time, so that approving the lane wholesale cannot confirm itself.
ALTER TABLE moderation_decisions ADD COLUMN voided_at timestamptz, ADD COLUMN bulk boolean NOT NULL DEFAULT false;
ALTER TABLE moderation_decisions DROP CONSTRAINT moderation_decisions_site_id_comment_id_label_key;
CREATE UNIQUE INDEX moderation_decisions_standing ON moderation_decisions (site_id, comment_id, label)
  WHERE voided_at IS NULL;

-- Down Migration
DELETE FROM moderation_decisions WHERE voided_at IS NOT NULL;
DROP INDEX moderation_decisions_standing;
ALTER TABLE moderation_decisions ADD CONSTRAINT moderation_decisions_site_id_comment_id_label_key
  UNIQUE (site_id, comment_id, label);
ALTER TABLE moderation_decisions DROP COLUMN bulk, DROP COLUMN voided_at;
