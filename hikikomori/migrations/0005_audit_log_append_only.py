"""The audit log is append-only: PostgreSQL refuses UPDATE and DELETE on it."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hikikomori_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hikikomori_auditevent_append_only
    BEFORE UPDATE OR DELETE ON hikikomori_auditevent
    FOR EACH ROW EXECUTE FUNCTION hikikomori_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS hikikomori_auditevent_append_only ON hikikomori_auditevent;
DROP FUNCTION IF EXISTS hikikomori_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("hikikomori", "0004_user_must_change_password")]

    operations = [migrations.RunPython(forwards, backwards)]
