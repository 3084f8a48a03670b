-- Up Migration

-- A post the widget created on a page's first load carries the title a browser sent: unverified until the
-- publisher writes the post (PUT). Posts that exist were written or accepted before this rule: verified.
ALTER TABLE posts ADD COLUMN title_verified boolean NOT NULL DEFAULT true;
