-- Up Migration

-- Which admin account made a publisher API key, and which revoked it (NULL: the operator's CLI, or a key made
-- before this column). The audit log keeps the same with the admin's name (`api_key.create`, `api_key.revoke`).
ALTER TABLE api_keys
  ADD COLUMN created_by uuid,
  ADD COLUMN revoked_by uuid;

-- Down Migration
ALTER TABLE api_keys DROP COLUMN created_by, DROP COLUMN revoked_by;
