-- Run once by the postgres image when it creates the cluster (docker-entrypoint-initdb.d), as the superuser.
-- Two roles, passwords from the files init-secrets generated:
--   comments_owner  owns the database and schema; only migrations connect as it.
--   comments_app    what the API, the worker and the demo connect as: data only (SELECT, INSERT, UPDATE,
--                   DELETE), no DDL, no TRUNCATE, no superuser.
\set owner_password `cat /run/comments/db_owner_password`
\set app_password `cat /run/comments/db_app_password`
CREATE ROLE comments_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE comments_app LOGIN PASSWORD :'app_password';
ALTER DATABASE comments OWNER TO comments_owner;
REVOKE ALL ON DATABASE comments FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE comments TO comments_app;
\connect comments
ALTER SCHEMA public OWNER TO comments_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO comments_app;
-- What a volume created before these roles already holds (nothing on a new one): its tables (with the sequences
-- they own) and functions pass to the owner, and the services may use them as they may use new ones.
DO $$
DECLARE o record;
BEGIN
  FOR o IN SELECT c.oid::regclass AS name FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO comments_owner', o.name);
  END LOOP;
  FOR o IN SELECT p.oid::regprocedure AS name FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO comments_owner', o.name);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO comments_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO comments_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO comments_app;
-- Tables and sequences the migrations create from now on.
ALTER DEFAULT PRIVILEGES FOR ROLE comments_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO comments_app;
ALTER DEFAULT PRIVILEGES FOR ROLE comments_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO comments_app;
ALTER DEFAULT PRIVILEGES FOR ROLE comments_owner IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO comments_app;
