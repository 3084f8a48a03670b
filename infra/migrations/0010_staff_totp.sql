-- Up Migration

-- Two-factor sign-in for staff: an authenticator app's secret (RFC 6238 TOTP, base32). The secret
-- is pending until a code from the app confirms it (totp_enabled_at set); it is never answered
-- again after that. totp_last_step is the time step of the last code accepted, so one code
-- cannot be used twice.
ALTER TABLE users
  ADD COLUMN totp_secret text,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint;
