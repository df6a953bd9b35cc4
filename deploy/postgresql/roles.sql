-- Two database roles for production (run once, as a PostgreSQL superuser):
--   psql -v owner_role=hikikomori_owner -v owner_password='…' \
--        -v app_role=hikikomori_app -v app_password='…' -v dbname=hikikomori -f roles.sql
-- The owner role owns the schema and runs `manage.py migrate`; the application role (the one in
-- DATABASE_URL) is no superuser, owns nothing, and may only SELECT and INSERT on the audit log.
CREATE ROLE :"owner_role" LOGIN PASSWORD :'owner_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE :"dbname" OWNER :"owner_role";
\connect :"dbname"
ALTER SCHEMA public OWNER TO :"owner_role";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
