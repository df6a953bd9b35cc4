"""The audit log is strictly append-only again: every UPDATE and DELETE is refused, whoever asks.

Entries no longer carry personal free text (a reason lives in the record it belongs to, which
anonymisation scrubs), so nothing ever needs to rewrite an entry. Entries written by earlier
releases lose their `reason` here, once, while the owner runs `migrate`; a consultation's last
restore reason is first copied into the record, where it is kept from now on."""

from django.db import migrations

STRICT = """
CREATE OR REPLACE FUNCTION hikikomori_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
KEEP_RESTORE_REASONS = """
UPDATE cases_consultation AS c SET restore_reason = left(e.detail ->> 'reason', 500)
FROM (
    SELECT DISTINCT ON (target_id) target_id, detail FROM hikikomori_auditevent
    WHERE action = 'restore' AND target = 'consultation' AND detail ? 'reason'
    ORDER BY target_id, at DESC, id DESC
) AS e
WHERE c.id::text = e.target_id AND c.archived_at IS NULL AND c.restore_reason = ''
"""
STRIP = """
ALTER TABLE hikikomori_auditevent DISABLE TRIGGER hikikomori_auditevent_append_only;
UPDATE hikikomori_auditevent SET detail = detail - 'reason' - 'anonymised'
    WHERE detail ? 'reason' OR detail ? 'anonymised';
ALTER TABLE hikikomori_auditevent ENABLE TRIGGER hikikomori_auditevent_append_only;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(KEEP_RESTORE_REASONS, params=None)
        schema_editor.execute(STRIP, params=None)
        schema_editor.execute(STRICT, params=None)
        return
    AuditEvent = apps.get_model("hikikomori", "AuditEvent")
    Consultation = apps.get_model("cases", "Consultation")
    restores = AuditEvent.objects.filter(action="restore", target="consultation").order_by("at", "id")
    for event in restores:
        reason = (event.detail or {}).get("reason")
        if reason:
            Consultation.objects.filter(pk=event.target_id, archived_at__isnull=True).update(
                restore_reason=str(reason)[:500]
            )
    for event in AuditEvent.objects.all().only("id", "detail").iterator():
        detail = event.detail or {}
        if "reason" in detail or "anonymised" in detail:
            kept = {k: v for k, v in detail.items() if k not in ("reason", "anonymised")}
            AuditEvent.objects.filter(pk=event.pk).update(detail=kept)


class Migration(migrations.Migration):
    dependencies = [
        ("hikikomori", "0012_audit_log_allows_redaction"),
        ("cases", "0014_consultation_restore_reason"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
