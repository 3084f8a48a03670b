-- Up Migration

-- Reader reports: one per reader per comment. Open until a moderator decides on the comment.
CREATE TABLE reports (
  site_id      text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  comment_id   uuid NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  reporter_id  uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason       text NOT NULL CHECK (reason IN ('spam', 'abuse', 'off_topic', 'other')),
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz,
  PRIMARY KEY (comment_id, reporter_id)
);
-- The "reported" queue and its count: open reports of one site, by comment.
CREATE INDEX reports_open ON reports (site_id, comment_id) WHERE resolved_at IS NULL;

-- Every moderation action: who (null actor: the service itself), what, when, before → after, why.
-- No foreign keys on the actor, comment or reader: the record outlives what it speaks of.
CREATE TABLE audit_log (
  id          uuid PRIMARY KEY,
  site_id     text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  actor_id    uuid,
  actor_name  text NOT NULL,
  action      text NOT NULL,
  comment_id  uuid,
  reader_id   uuid,
  before      jsonb,
  after       jsonb,
  reason      text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_site ON audit_log (site_id, id);
CREATE INDEX audit_actor ON audit_log (site_id, actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_comment ON audit_log (site_id, comment_id, id) WHERE comment_id IS NOT NULL;
CREATE INDEX audit_reader ON audit_log (site_id, reader_id, id) WHERE reader_id IS NOT NULL;

-- A removed comment that still has approved replies is shown as a placeholder, so the thread
-- indexes cover every status; the status is checked on the row the index leads to (which the
-- thread read fetches anyway). Held and rejected comments are a small share of a thread.
DROP INDEX comments_thread_top;
CREATE INDEX comments_thread_top ON comments (site_id, post_id, id) WHERE parent_id IS NULL;
DROP INDEX comments_thread_replies;
CREATE INDEX comments_thread_replies ON comments (root_id, id) WHERE parent_id IS NOT NULL;
DROP INDEX comments_thread_children;
CREATE INDEX comments_thread_children ON comments (thread_parent_id, id);

-- Down Migration
DROP INDEX comments_thread_children;
CREATE INDEX comments_thread_children ON comments (thread_parent_id, id) WHERE status = 'approved';
DROP INDEX comments_thread_replies;
CREATE INDEX comments_thread_replies ON comments (root_id, id) WHERE status = 'approved' AND parent_id IS NOT NULL;
DROP INDEX comments_thread_top;
CREATE INDEX comments_thread_top ON comments (site_id, post_id, id) WHERE status = 'approved' AND parent_id IS NULL;
DROP TABLE audit_log;
DROP TABLE reports;
