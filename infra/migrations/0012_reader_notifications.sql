-- Up Migration

-- Readers' notifications: a reply to my comment, my held comment decided, my comment featured. A row is
-- written where the event happens (the worker, or the moderation action's own transaction), so none is
-- lost; the worker then delivers it (the reader's live stream, email or the site's webhook) and sets
-- delivered_at. One row per reader, kind and comment: a producer run twice writes it once.
CREATE TABLE notifications (
  id            uuid PRIMARY KEY,
  site_id       text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('reply', 'decision', 'featured')),
  -- The reply (kind reply), or the reader's own comment (decision, featured).
  comment_id    uuid NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  -- For a decision: the status the moderator gave (approved or rejected).
  status        text CHECK (status IN ('approved', 'rejected')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  read_at       timestamptz,
  delivered_at  timestamptz,
  emailed_at    timestamptz,
  UNIQUE (user_id, kind, comment_id)
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_undelivered ON notifications (created_at) WHERE delivered_at IS NULL;
CREATE INDEX notifications_unmailed ON notifications (user_id) WHERE emailed_at IS NULL AND delivered_at IS NOT NULL;

-- A reader's email choice: off (default, opt-in), immediate, or one daily digest.
CREATE TABLE reader_notification_settings (
  user_id     uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  site_id     text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  email       text NOT NULL DEFAULT 'off' CHECK (email IN ('off', 'immediate', 'daily')),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reader_notification_settings_daily ON reader_notification_settings (user_id) WHERE email = 'daily';

-- Readers a reader muted: their comments are collapsed for the muter, and their replies notify nobody who muted them.
CREATE TABLE reader_mutes (
  user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  muted_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  site_id     text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, muted_id),
  CHECK (user_id <> muted_id)
);

-- Down Migration
DROP TABLE reader_mutes;
DROP TABLE reader_notification_settings;
DROP TABLE notifications;
