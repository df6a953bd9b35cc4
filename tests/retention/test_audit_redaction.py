"""The audit log stays append-only on PostgreSQL; anonymisation may only take text out of an
entry's details (marked `anonymised`), never change who, when, what, nor add anything."""

import pytest
from django.db import DatabaseError, connection, transaction

from hikikomori.models import AuditEvent


def _update(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_only_a_redaction_of_the_details_gets_through():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (CI runs it)")
    event = AuditEvent.objects.create(
        action="archive", target="client", target_id="7", detail={"reason": "山田さんの件", "form": "edit"}
    )
    set_detail = "UPDATE hikikomori_auditevent SET detail = %s::jsonb WHERE id = %s"
    for forged in (
        '{"form": "other", "anonymised": true}',  # a value changed
        '{"form": "edit", "reason": "別の理由", "anonymised": true}',  # text replaced
        '{"form": "edit", "added": 1, "anonymised": true}',  # something added
        '{"form": "edit"}',  # not marked
    ):
        with pytest.raises(DatabaseError):
            _update(set_detail, [forged, event.pk])
    with pytest.raises(DatabaseError):
        _update(
            "UPDATE hikikomori_auditevent SET target_id = '8', detail = '{\"anonymised\": true}' WHERE id = %s",
            [event.pk],
        )
    with pytest.raises(DatabaseError):
        _update("DELETE FROM hikikomori_auditevent WHERE id = %s", [event.pk])

    _update(set_detail, ['{"form": "edit", "anonymised": true}', event.pk])
    event.refresh_from_db()
    assert event.detail == {"form": "edit", "anonymised": True} and event.target_id == "7"
