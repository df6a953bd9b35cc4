"""The audit log stays append-only, with one exception: a retention anonymisation may remove
keys from an entry's details (the free text a reason carried), marking it `anonymised`. Who, when,
what and on which record can never change, and nothing can be added or deleted."""

from django.db import migrations

REDACTING = """
CREATE OR REPLACE FUNCTION hikikomori_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
       AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id
       AND NEW.target = OLD.target AND NEW.target_id = OLD.target_id
       AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address
       AND NEW.detail -> 'anonymised' = 'true'::jsonb
       AND (NEW.detail - 'anonymised') <@ OLD.detail
       AND (SELECT bool_and(NEW.detail -> key = OLD.detail -> key) FROM jsonb_object_keys(NEW.detail - 'anonymised') AS key)
           IS NOT FALSE
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
STRICT = """
CREATE OR REPLACE FUNCTION hikikomori_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REDACTING, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRICT, params=None)


class Migration(migrations.Migration):
    dependencies = [("hikikomori", "0011_audit_anonymise_actions")]

    operations = [migrations.RunPython(forwards, backwards)]
