-- Up Migration

-- Readers edit their own comments within the site's window: each edit is a revision, written by the
-- API before the edit is queued (so an accepted edit is never lost) and applied by the worker once,
-- after the moderation pipeline decided the new text. The revision keeps the text it replaced, for
-- moderators and the audit, until the author deletes the comment.
ALTER TABLE comments
  ADD COLUMN edited_at timestamptz,
  ADD COLUMN edit_count integer NOT NULL DEFAULT 0,
  -- The edit waiting for the worker: one at a time per comment.
  ADD COLUMN pending_edit_id uuid,
  -- Deleted by its author: the body is emptied; a placeholder stays while replies hang on it.
  ADD COLUMN deleted_at timestamptz,
  -- Reactions of readers, all kinds together (the "most reacted" order); per kind in comment_reactions.
  ADD COLUMN reaction_count integer NOT NULL DEFAULT 0 CHECK (reaction_count >= 0),
  -- Featured by a moderator ("Editors' picks"): shown at the top of the thread.
  ADD COLUMN featured_at timestamptz;

CREATE TABLE comment_revisions (
  id               uuid PRIMARY KEY,
  comment_id       uuid NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  site_id          text NOT NULL,
  -- The new text, as the author sent it.
  body             text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- Set when the worker applied it: the text and decision it replaced, and the new decision.
  applied_at       timestamptz,
  previous_body    text,
  previous_status  text,
  previous_reasons jsonb,
  status           text,
  -- Not applied: the comment was deleted (or became uneditable) while the edit waited.
  discarded_at     timestamptz
);
CREATE INDEX comment_revisions_comment ON comment_revisions (comment_id, created_at);

CREATE TABLE comment_reactions (
  comment_id  uuid NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  site_id     text NOT NULL,
  post_id     text NOT NULL,
  kind        text NOT NULL CHECK (kind ~ '^[a-z]{1,20}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- One reaction per reader per comment.
  PRIMARY KEY (comment_id, user_id)
);
CREATE INDEX comment_reactions_reader ON comment_reactions (site_id, post_id, user_id);

-- "Most reacted" order of a thread's top-level comments.
CREATE INDEX comments_thread_reacted ON comments (site_id, post_id, reaction_count DESC, id DESC) WHERE parent_id IS NULL;

-- Readers the publisher vouches for (its SSO token's `verified` claim): a badge in the thread.
ALTER TABLE users ADD COLUMN verified boolean NOT NULL DEFAULT false;
