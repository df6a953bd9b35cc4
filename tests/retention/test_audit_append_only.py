"""The audit log is strictly append-only: no entry is ever rewritten, not even by anonymisation,
because no entry holds personal free text (the records it points at do, and are scrubbed)."""

import pytest
from django.db import DatabaseError, connection, transaction

from cases import services as cases_services
from hikikomori.audit import audit
from hikikomori.models import AuditEvent
from retention import services
from tests.records import make_client, make_consultation


def _update(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_every_update_of_an_entry_is_refused_even_one_marked_anonymised():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (CI runs it)")
    event = AuditEvent.objects.create(
        action="archive", target="client", target_id="7", detail={"form": "edit"}
    )
    set_detail = "UPDATE hikikomori_auditevent SET detail = %s::jsonb WHERE id = %s"
    for forged in ('{"form": "edit", "anonymised": true}', "{}", '{"form": "other"}'):
        with pytest.raises(DatabaseError, match="append-only"):
            _update(set_detail, [forged, event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _update("DELETE FROM hikikomori_auditevent WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.detail == {"form": "edit"}


def test_an_entry_refuses_free_text(db):
    with pytest.raises(ValueError, match="reason"):
        audit(AuditEvent.Action.ARCHIVE, target="consultation", target_id=1, reason="山田さんの誤登録")
    assert not AuditEvent.objects.exists()


def test_reasons_stay_in_the_records_and_anonymisation_leaves_the_log_as_it_was(center, supervisor):
    person = make_client(center, name="山田 太郎")
    consultation = make_consultation(center, "2019-05-01", client=person)
    cases_services.consultation_archive(by=supervisor, consultation=consultation, reason="山田さんの誤登録")
    cases_services.consultation_restore(by=supervisor, consultation=consultation, reason="山田さん本人と確認")
    consultation.refresh_from_db()
    assert consultation.restore_reason == "山田さん本人と確認"
    written = list(AuditEvent.objects.order_by("pk").values())
    assert "山田" not in str(written)

    services.client_anonymise(client=person, by=supervisor, reason="保存期間の満了")

    consultation.refresh_from_db()
    assert (consultation.archive_reason, consultation.restore_reason) == ("", "")
    assert not any("山田" in str(row.restore_reason) for row in consultation.history.all())
    assert list(AuditEvent.objects.filter(pk__lte=written[-1]["id"]).order_by("pk").values()) == written
    assert AuditEvent.objects.filter(action="anonymise", target_id=str(person.pk)).exists()
