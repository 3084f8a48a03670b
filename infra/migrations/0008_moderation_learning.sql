-- Up Migration

-- Every moderator decision on a comment (approve = 0, reject = 1): a labeled example for the site's
-- adapter, and the record the likely-fine lane's precision is measured on. One row per (site, comment,
-- label): a retried action or job never adds a second example. `learned_at` is set in the transaction
-- that folds the example into the adapter (or discards it with a reset), so nothing is learned twice.
CREATE TABLE moderation_decisions (
  id             bigserial PRIMARY KEY,
  site_id        text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  comment_id     uuid NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  label          smallint NOT NULL CHECK (label IN (0, 1)),
  -- The comment's predicted rejection (its TOXICITY) and whether it was in the likely-fine lane
  -- (held, below the site's level) when the moderator decided.
  risk           real,
  in_likely_fine boolean NOT NULL DEFAULT false,
  decided_at     timestamptz NOT NULL DEFAULT now(),
  learned_at     timestamptz,
  UNIQUE (site_id, comment_id, label)
);
CREATE INDEX moderation_decisions_unlearned ON moderation_decisions (site_id, id) WHERE learned_at IS NULL;
CREATE INDEX moderation_decisions_site ON moderation_decisions (site_id, decided_at);

-- A site's adapter (the worker's serialized state; NULL: the shared model as it ships). `version`
-- moves with every change, so workers reload a cached adapter only when it changed; `in_use` and
-- `stats` (the shadow evaluation) are written with the state for readers that cannot decode it.
CREATE TABLE site_adapters (
  site_id    text PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  state      bytea,
  version    bigint NOT NULL DEFAULT 0,
  in_use     boolean NOT NULL DEFAULT false,
  stats      jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  reset_at   timestamptz
);

-- The shadow scorer's result, beside the decision it never changes.
ALTER TABLE comments ADD COLUMN shadow_scores jsonb;

-- Down Migration

ALTER TABLE comments DROP COLUMN shadow_scores;
DROP TABLE site_adapters;
DROP TABLE moderation_decisions;
