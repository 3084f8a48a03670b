-- Up Migration

-- When a mail server refused the account's address for good (a permanent SMTP reply, such as "550 no such user", to
-- a notification email). No notification email is sent to it until the address changes or its owner confirms it
-- again; their notifications stay in their list.
ALTER TABLE users ADD COLUMN email_bounced_at timestamptz;

-- Down Migration
ALTER TABLE users DROP COLUMN email_bounced_at;
