-- Up Migration

-- Settings are stored as overrides of the service defaults; the version rises with every change
-- and is recorded with each decision.
ALTER TABLE sites ADD COLUMN settings_version integer NOT NULL DEFAULT 1;
UPDATE sites SET settings = settings - 'holdThreshold' - 'rejectThreshold';

-- "Always pre-moderate" flag on a reader, and the counters moderation rules read.
ALTER TABLE users
  ADD COLUMN premod boolean NOT NULL DEFAULT false,
  ADD COLUMN approved_count integer NOT NULL DEFAULT 0 CHECK (approved_count >= 0),
  ADD COLUMN rejected_count integer NOT NULL DEFAULT 0 CHECK (rejected_count >= 0);
UPDATE users u SET
  approved_count = (SELECT count(*) FROM comments c WHERE c.author_id = u.id AND c.status = 'approved'),
  rejected_count = (SELECT count(*) FROM comments c WHERE c.author_id = u.id AND c.status = 'rejected');

-- Per-post pre-moderation override (null: the site's setting).
ALTER TABLE posts ADD COLUMN premod text CHECK (premod IN ('off', 'new', 'all'));

-- What decided: the scorers that ran (provider, model, latency) and the settings version used.
ALTER TABLE comments
  ADD COLUMN scored_by jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN settings_version integer;

-- Reasons were {code, message}; they are now {rule, detail, score?, span?}.
UPDATE comments SET reasons = (
  SELECT coalesce(jsonb_agg(jsonb_build_object('rule', r->>'code', 'detail', r->>'message')), '[]'::jsonb)
    FROM jsonb_array_elements(reasons) r)
 WHERE reasons <> '[]'::jsonb;

-- Down Migration
ALTER TABLE comments DROP COLUMN scored_by, DROP COLUMN settings_version;
ALTER TABLE posts DROP COLUMN premod;
ALTER TABLE users DROP COLUMN premod, DROP COLUMN approved_count, DROP COLUMN rejected_count;
ALTER TABLE sites DROP COLUMN settings_version;
