-- The application role's rights (run after `migrate`, as the owner role or a superuser):
--   psql -v owner_role=hikikomori_owner -v app_role=hikikomori_app -v dbname=hikikomori -f grants.sql
-- Everything the screens need on the application's tables, but on the audit log only SELECT and
-- INSERT: no UPDATE, DELETE or TRUNCATE, and as a non-owner it cannot disable the log's triggers.
GRANT CONNECT ON DATABASE :"dbname" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
REVOKE ALL ON hikikomori_auditevent FROM :"app_role";
GRANT SELECT, INSERT ON hikikomori_auditevent TO :"app_role";
-- Tables and sequences that later migrations create get the same rights.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
