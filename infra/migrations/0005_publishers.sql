-- Up Migration

-- Reopening a post exempts it from the site's auto-close (autoCloseDays).
ALTER TABLE posts ADD COLUMN stays_open boolean NOT NULL DEFAULT false;

-- Readers brought in from another system (unverified: nobody can sign in as them), and
-- erased accounts, kept as a tombstone so their comments can stay as "deleted user".
ALTER TABLE users
  ADD COLUMN import_source text,
  ADD COLUMN import_key text,
  ADD COLUMN deleted_at timestamptz;
CREATE UNIQUE INDEX users_import ON users (site_id, import_source, import_key) WHERE import_key IS NOT NULL;

-- Imported comments remember their origin, so a second import of the same export adds nothing.
ALTER TABLE comments
  ADD COLUMN import_source text,
  ADD COLUMN import_key text;
CREATE UNIQUE INDEX comments_import ON comments (site_id, import_source, import_key) WHERE import_key IS NOT NULL;

-- Publishers' listing and export: a site's comments by id (= time), optionally one post's.
CREATE INDEX comments_site_id ON comments (site_id, id);
CREATE INDEX comments_site_post_id ON comments (site_id, post_id, id);
CREATE INDEX posts_site_created ON posts (site_id, created_at, id);

-- Webhook endpoints. The signing secret must be readable to sign (an HMAC key, like the SSO
-- secret); the previous one stays valid until previous_secret_expires_at after a rotation.
CREATE TABLE webhooks (
  id                          uuid PRIMARY KEY,
  site_id                     text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  url                         text NOT NULL,
  events                      text[] NOT NULL,
  secret                      text NOT NULL,
  previous_secret             text,
  previous_secret_expires_at  timestamptz,
  enabled                     boolean NOT NULL DEFAULT true,
  disabled_reason             text,
  -- First failure of the current run of failures; cleared by any success.
  failing_since               timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_site ON webhooks (site_id);

-- One event for one endpoint. The body is stored as sent, so retries and redeliveries send
-- the same bytes; the job carries only the delivery id.
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY,
  site_id          text NOT NULL,
  webhook_id       uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id         uuid NOT NULL,
  event_type       text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_status      integer,
  last_error       text,
  redelivery_of    uuid REFERENCES webhook_deliveries(id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
-- An event reaches an endpoint once, however often it is emitted (worker retries).
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (webhook_id, event_id) WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (created_at) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  id           bigserial PRIMARY KEY,
  site_id      text NOT NULL,
  delivery_id  uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt      integer NOT NULL,
  started_at   timestamptz NOT NULL,
  duration_ms  integer NOT NULL,
  status_code  integer,
  error        text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Readers' data requests (download, erasure), by the reader or by an admin on their behalf.
CREATE TABLE data_requests (
  id            uuid PRIMARY KEY,
  site_id       text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id       uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('export', 'erase')),
  requested_by  uuid,
  detail        jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_requests_site ON data_requests (site_id, created_at);

-- Down Migration
DROP TABLE data_requests;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP INDEX posts_site_created;
DROP INDEX comments_site_post_id;
DROP INDEX comments_site_id;
DROP INDEX comments_import;
ALTER TABLE comments DROP COLUMN import_source, DROP COLUMN import_key;
DROP INDEX users_import;
ALTER TABLE users DROP COLUMN import_source, DROP COLUMN import_key, DROP COLUMN deleted_at;
ALTER TABLE posts DROP COLUMN stays_open;
