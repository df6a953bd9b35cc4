"""The audit log is append-only: PostgreSQL also refuses TRUNCATE on it (statement trigger).

A superuser can bypass any trigger anyway (session_replication_role, ALTER TABLE); the trigger
lets a superuser's TRUNCATE through so that maintenance and the test suite's flush work. The
application never connects as a superuser (README, production).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hikikomori_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hikikomori_auditevent_no_truncate
    BEFORE TRUNCATE ON hikikomori_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION hikikomori_audit_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS hikikomori_auditevent_no_truncate ON hikikomori_auditevent;
DROP FUNCTION IF EXISTS hikikomori_audit_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("hikikomori", "0006_two_factor_required_and_audit_actions")]

    operations = [migrations.RunPython(forwards, backwards)]
