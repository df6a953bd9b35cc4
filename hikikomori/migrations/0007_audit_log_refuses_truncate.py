"""The audit log is append-only: PostgreSQL also refuses TRUNCATE on it (statement trigger)."""

from django.db import migrations

CREATE = """
CREATE TRIGGER hikikomori_auditevent_no_truncate
    BEFORE TRUNCATE ON hikikomori_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION hikikomori_audit_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS hikikomori_auditevent_no_truncate ON hikikomori_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("hikikomori", "0006_two_factor_required_and_audit_actions")]

    operations = [migrations.RunPython(forwards, backwards)]
