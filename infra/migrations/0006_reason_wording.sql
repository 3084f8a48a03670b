-- Up Migration

-- Moderators' rejections were recorded as "rejectd by …" (and approvals as "approved by …" already):
-- reword the stored reasons so authors and moderators read "rejected by …".
UPDATE comments
   SET reasons = replace(reasons::text, '"rejectd by ', '"rejected by ')::jsonb
 WHERE reasons::text LIKE '%"rejectd by %';
