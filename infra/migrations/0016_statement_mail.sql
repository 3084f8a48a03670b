-- Up Migration

-- Statements of reasons reach their recipient by mail exactly once, even when the process that
-- stored one stopped before sending it (docs/dsa.md): a sender first claims the mail
-- (`mail_claimed_at`, a lease a crashed sender's claim outlives only for a while), and the
-- worker's sweep sends what is still unmailed after a grace period.
-- A decision its moderator undid within seconds is withdrawn (`withdrawn_at`); if its statement
-- had been mailed, a correction follows (`withdrawal_mailed_at`), claimed the same way.
ALTER TABLE dsa_statements
  ADD COLUMN mail_claimed_at      timestamptz,
  ADD COLUMN withdrawn_at         timestamptz,
  ADD COLUMN withdrawal_mailed_at timestamptz;

-- The sweep's two lists: statements not mailed yet, withdrawals whose correction is not mailed yet.
CREATE INDEX dsa_statements_unmailed ON dsa_statements (created_at) WHERE mailed_at IS NULL;
CREATE INDEX dsa_statements_withdrawal_unmailed ON dsa_statements (withdrawn_at)
  WHERE withdrawn_at IS NOT NULL AND withdrawal_mailed_at IS NULL;

-- Down Migration
DROP INDEX dsa_statements_withdrawal_unmailed;
DROP INDEX dsa_statements_unmailed;
ALTER TABLE dsa_statements DROP COLUMN withdrawal_mailed_at, DROP COLUMN withdrawn_at, DROP COLUMN mail_claimed_at;
