-- Up Migration

-- Every access token carries the version of its account's tokens; bumping it (sign-out, a
-- password or role change, a ban) revokes every token issued before.
ALTER TABLE users
  ADD COLUMN token_version integer NOT NULL DEFAULT 0,
  -- When the owner of a native account proved the address (a link sent to it, or the operator
  -- creating a staff account). SSO accounts need none: the publisher vouches for its readers.
  ADD COLUMN email_verified_at timestamptz,
  -- SHA-256 of the outstanding verification link's token, and when that link lapses.
  ADD COLUMN email_verify_hash text,
  ADD COLUMN email_verify_expires_at timestamptz;

-- Staff accounts were made by an operator, who vouched for the address.
UPDATE users SET email_verified_at = created_at WHERE password_hash IS NOT NULL AND role <> 'commenter';
