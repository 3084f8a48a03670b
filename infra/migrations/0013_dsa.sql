-- Up Migration

-- The Digital Services Act chain (docs/dsa.md): notices of illegal content (Art. 16), statements of
-- reasons (Art. 17), complaints (Art. 20), trusted flaggers (Art. 22) and measures against misuse
-- (Art. 23). Sites that existed before keep it off until they turn it on; new sites have it on.
UPDATE sites SET settings = jsonb_set(settings, '{dsa}', '{"enabled": false}'::jsonb, true)
 WHERE jsonb_typeof(settings) = 'object' AND NOT settings ? 'dsa';

-- A notice: one notifier, one category, one or more comments (dsa_notice_comments).
CREATE TABLE dsa_notices (
  id                   uuid PRIMARY KEY,
  site_id              text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  -- What the notifier is told and quotes back (N- and 12 base32 characters).
  reference            text NOT NULL UNIQUE,
  -- Signed-in notifiers; null for anonymous ones (named by notifier_name and notifier_email).
  notifier_id          uuid REFERENCES users(id) ON DELETE SET NULL,
  notifier_name        text NOT NULL,
  notifier_email       text,
  category             text NOT NULL,
  explanation          text NOT NULL,
  good_faith           boolean NOT NULL CHECK (good_faith),
  -- The notifier was a trusted flagger of the site when the notice came (Art. 22).
  trusted              boolean NOT NULL DEFAULT false,
  -- SHA-256 of the code the receipt gives an anonymous notifier, which lets them appeal the decision.
  appeal_code_hash     bytea NOT NULL,
  status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'actioned', 'no_action')),
  manifestly_unfounded boolean NOT NULL DEFAULT false,
  decided_by           uuid REFERENCES users(id) ON DELETE SET NULL,
  decided_at           timestamptz,
  decision_reason      text,
  created_at           timestamptz NOT NULL DEFAULT now()
);
-- The notice queue's order: trusted flaggers first, then oldest first.
CREATE INDEX dsa_notices_queue ON dsa_notices (site_id, status, trusted DESC, created_at, id);

-- One notice per comment per notifier: `notifier_key` is the account ('u:<id>') or the address ('e:<lower email>').
CREATE TABLE dsa_notice_comments (
  notice_id    uuid NOT NULL REFERENCES dsa_notices(id) ON DELETE CASCADE,
  site_id      text NOT NULL,
  comment_id   uuid NOT NULL REFERENCES comments(id),
  notifier_key text NOT NULL,
  PRIMARY KEY (notice_id, comment_id),
  UNIQUE (site_id, comment_id, notifier_key)
);

-- A statement of reasons (Art. 17) for every removal, hold the author sees, suspension or ban.
-- comment_id has no foreign key: a statement is kept for transparency whatever happens to the comment.
CREATE TABLE dsa_statements (
  id                  uuid PRIMARY KEY,
  site_id             text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  -- Makes each statement's creation idempotent: 'worker:<comment>', 'moderator:<audit entry>', ...
  source_key          text NOT NULL,
  comment_id          uuid,
  -- The recipient: the comment's author or the restricted account.
  user_id             uuid REFERENCES users(id) ON DELETE SET NULL,
  restriction         text NOT NULL CHECK (restriction IN ('removal', 'hold', 'suspension', 'ban')),
  decision            text NOT NULL,
  facts               text NOT NULL,
  ground              text NOT NULL CHECK (ground IN ('illegal_content', 'incompatible_content')),
  -- The law or category (illegal content) or the site's rule (incompatible content).
  ground_detail       text NOT NULL,
  category            text,
  source              text NOT NULL CHECK (source IN ('automated', 'notice', 'trusted_flagger', 'moderator', 'misuse')),
  automated_detection boolean NOT NULL,
  automated_decision  boolean NOT NULL,
  -- A moderator found the content manifestly illegal (counts towards Art. 23 misuse).
  manifestly_illegal  boolean NOT NULL DEFAULT false,
  notice_id           uuid REFERENCES dsa_notices(id) ON DELETE SET NULL,
  -- The human who decided (null: decided by automated means).
  decided_by          uuid REFERENCES users(id) ON DELETE SET NULL,
  redress             text NOT NULL,
  appeal_until        timestamptz NOT NULL,
  ends_at             timestamptz,
  reversed_at         timestamptz,
  mailed_at           timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, source_key)
);
CREATE INDEX dsa_statements_comment ON dsa_statements (comment_id, created_at DESC) WHERE comment_id IS NOT NULL;
CREATE INDEX dsa_statements_user ON dsa_statements (user_id, created_at DESC);
CREATE INDEX dsa_statements_site_time ON dsa_statements (site_id, created_at);

-- A complaint (Art. 20) against a statement (by its recipient) or a notice's decision (by its notifier).
CREATE TABLE dsa_appeals (
  id              uuid PRIMARY KEY,
  site_id         text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  statement_id    uuid UNIQUE REFERENCES dsa_statements(id) ON DELETE CASCADE,
  notice_id       uuid UNIQUE REFERENCES dsa_notices(id) ON DELETE CASCADE,
  appellant       text NOT NULL CHECK (appellant IN ('author', 'notifier')),
  appellant_id    uuid REFERENCES users(id) ON DELETE SET NULL,
  explanation     text NOT NULL,
  -- Who took the decision appealed (null: automated means); they may not decide the appeal.
  first_decider   uuid,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'reversed')),
  decided_by      uuid REFERENCES users(id) ON DELETE SET NULL,
  decided_at      timestamptz,
  decision_reason text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((statement_id IS NULL) <> (notice_id IS NULL))
);
CREATE INDEX dsa_appeals_queue ON dsa_appeals (site_id, status, created_at, id);

-- Accounts a site recognises as trusted flaggers (Art. 22).
CREATE TABLE dsa_trusted_flaggers (
  site_id      text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organisation text NOT NULL,
  added_by     uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, user_id)
);

-- Warnings and suspensions for misuse (Art. 23): 'u:<user id>' or 'e:<lower email>' (anonymous notifiers).
CREATE TABLE dsa_misuse (
  id         uuid PRIMARY KEY,
  site_id    text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  subject    text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('illegal_content', 'unfounded_notices')),
  action     text NOT NULL CHECK (action IN ('warning', 'suspension')),
  until      timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dsa_misuse_subject ON dsa_misuse (site_id, subject, kind, created_at DESC);
