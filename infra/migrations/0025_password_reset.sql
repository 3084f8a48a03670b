-- Up Migration

-- A native account's outstanding password-reset link: SHA-256 of its token, and when it lapses. Following it proves
-- the owner reads the address, so it also confirms the address; it is spent once used.
ALTER TABLE users
  ADD COLUMN password_reset_hash text,
  ADD COLUMN password_reset_expires_at timestamptz;
CREATE UNIQUE INDEX users_password_reset ON users (password_reset_hash) WHERE password_reset_hash IS NOT NULL;

-- Down Migration
DROP INDEX users_password_reset;
ALTER TABLE users DROP COLUMN password_reset_hash, DROP COLUMN password_reset_expires_at;
