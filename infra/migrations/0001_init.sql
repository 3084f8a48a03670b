-- Up Migration

CREATE TABLE sites (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text NOT NULL,
  origins     text[] NOT NULL DEFAULT '{}',
  -- Symmetric key publishers sign SSO tokens with; it must be readable to verify HMACs.
  sso_secret  text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Publisher API keys: only a SHA-256 of the secret part is stored.
CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  site_id       text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  label         text NOT NULL,
  secret_hash   bytea NOT NULL,
  scopes        text[] NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_keys_site ON api_keys (site_id);

CREATE TABLE users (
  id               uuid PRIMARY KEY,
  site_id          text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  -- The reader's id at the publisher, for SSO accounts.
  external_id      text,
  email            text,
  password_hash    text,
  display_name     text NOT NULL,
  role             text NOT NULL DEFAULT 'commenter' CHECK (role IN ('commenter', 'moderator', 'admin')),
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'banned', 'suspended')),
  suspended_until  timestamptz,
  -- iat of the newest SSO token seen; an older token never overwrites a newer name.
  sso_iat          bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_site_external ON users (site_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX users_site_email ON users (site_id, lower(email)) WHERE password_hash IS NOT NULL;

CREATE TABLE posts (
  site_id        text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  id             text NOT NULL CHECK (id ~ '^[A-Za-z0-9._~-]{1,200}$'),
  title          text NOT NULL,
  url            text NOT NULL,
  closed         boolean NOT NULL DEFAULT false,
  -- Approved comments, maintained by the worker in the same transaction as the comment.
  comment_count  integer NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, id)
);

CREATE TABLE comments (
  -- UUIDv7 assigned by the API when it accepted the comment: time-ordered.
  id                uuid PRIMARY KEY,
  site_id           text NOT NULL,
  post_id           text NOT NULL,
  author_id         uuid NOT NULL REFERENCES users(id),
  parent_id         uuid REFERENCES comments(id),
  -- Top-level ancestor (self for top-level comments) and the comment replies nest under
  -- once the thread is deeper than the display depth.
  root_id           uuid NOT NULL,
  thread_parent_id  uuid,
  depth             smallint NOT NULL DEFAULT 0,
  body              text NOT NULL,
  status            text NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
  reasons           jsonb NOT NULL DEFAULT '[]',
  scores            jsonb NOT NULL DEFAULT '{}',
  reply_count       integer NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
  created_at        timestamptz NOT NULL,
  decided_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (site_id, post_id) REFERENCES posts(site_id, id) ON DELETE CASCADE
);
-- First page of a thread and its keyset pages: approved top-level comments of one post by id.
CREATE INDEX comments_thread_top ON comments (site_id, post_id, id) WHERE status = 'approved' AND parent_id IS NULL;
-- Replies of the comments on a page.
CREATE INDEX comments_thread_replies ON comments (root_id, id) WHERE status = 'approved' AND parent_id IS NOT NULL;
-- Moderation queues.
CREATE INDEX comments_site_status ON comments (site_id, status, id);
CREATE INDEX comments_author ON comments (author_id, id);

-- Down Migration
DROP TABLE comments;
DROP TABLE posts;
DROP TABLE users;
DROP TABLE api_keys;
DROP TABLE sites;
