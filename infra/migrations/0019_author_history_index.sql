-- Up Migration

-- The worker reads each author's recent record (status and time of their last 200 comments) for every comment it
-- decides. With the status and time in the index, that is an index-only scan of one author's adjacent entries
-- instead of a heap page per comment: for readers with 100 recent comments each, the statement's cost per
-- comment falls from about 210 to 75 µs. The index is half as large again (74 MB per million comments instead
-- of 47). Building it blocks comment inserts meanwhile (1.7 s per million comments on 2 cores); on a large
-- table, build comments_author_history beforehand with CREATE INDEX CONCURRENTLY under the same definition.
CREATE INDEX IF NOT EXISTS comments_author_history ON comments (author_id, id) INCLUDE (status, created_at);
DROP INDEX comments_author;
ALTER INDEX comments_author_history RENAME TO comments_author;

-- Down Migration
DROP INDEX comments_author;
CREATE INDEX comments_author ON comments (author_id, id);
