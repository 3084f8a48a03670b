-- Up Migration

-- When a notice was acted on (its comments removed): at its decision, or later when a notifier's appeal against "no
-- action" is reversed. The transparency report's median time to act is measured to it, not to the first decision.
ALTER TABLE dsa_notices ADD COLUMN actioned_at timestamptz;
UPDATE dsa_notices SET actioned_at = decided_at WHERE status = 'actioned';

-- Down Migration
ALTER TABLE dsa_notices DROP COLUMN actioned_at;
