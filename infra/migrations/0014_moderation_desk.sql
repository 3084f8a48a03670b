-- Up Migration

-- Search in the moderation page: substrings of a comment's text and of a reader's name, in any
-- language, through trigram indexes (pg_trgm ships with PostgreSQL's contrib modules).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX comments_body_trgm ON comments USING gin (body gin_trgm_ops);
CREATE INDEX users_display_name_trgm ON users USING gin (display_name gin_trgm_ops);

-- The "for review" queue: reports of one site by when they came, open or closed.
CREATE INDEX reports_site_created ON reports (site_id, created_at);

-- Analytics: a site's audit entries by time (decisions per moderator, reversals, undos).
CREATE INDEX audit_site_created ON audit_log (site_id, created_at);

-- Surge protection: a post that switched itself to pre-moderation or slow mode, and since when.
ALTER TABLE posts
  ADD COLUMN surge_mode text CHECK (surge_mode IN ('premod', 'slow')),
  ADD COLUMN surge_since timestamptz;

-- Down Migration
ALTER TABLE posts DROP COLUMN surge_mode, DROP COLUMN surge_since;
DROP INDEX audit_site_created;
DROP INDEX reports_site_created;
DROP INDEX users_display_name_trgm;
DROP INDEX comments_body_trgm;
