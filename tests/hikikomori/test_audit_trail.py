"""The audit log: append-only for real, the client's address behind the proxy, what exports
and record views leave in it."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse

from hikikomori.audit import audit
from hikikomori.models import AuditEvent
from tests.records import make_client, make_consultation

GRANTS = Path(__file__).resolve().parents[2] / "deploy" / "postgresql" / "grants.sql"


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's triggers and roles (CI runs it)")


@pytest.mark.django_db(transaction=True)
def test_the_audit_log_refuses_truncate_even_by_its_owner(master_data):
    needs_postgresql()
    AuditEvent.objects.create(action="login", target="x")
    role = f"audit_owner_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOSUPERUSER')
        try:
            cursor.execute(f'ALTER TABLE hikikomori_auditevent OWNER TO "{role}"')
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(f'SET LOCAL ROLE "{role}"')
                cursor.execute("TRUNCATE hikikomori_auditevent")
        finally:
            cursor.execute("RESET ROLE")
            cursor.execute("ALTER TABLE hikikomori_auditevent OWNER TO CURRENT_USER")
            cursor.execute(f'DROP ROLE "{role}"')
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_application_role_can_only_read_and_append_to_the_audit_log(master_data):
    """The production roles of the README: the application's role cannot change the log."""
    needs_postgresql()
    event = AuditEvent.objects.create(action="login", target="x")
    settings = connection.settings_dict
    role = f"hikikomori_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT')
    psql = [
        "psql",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"],
        "-d",
        settings["NAME"],
        "-v",
        f"owner_role={settings['USER']}",
        "-v",
        f"app_role={role}",
        "-v",
        f"dbname={settings['NAME']}",
        "-f",
        str(GRANTS),
    ]
    try:
        subprocess.run(
            psql,
            check=True,
            capture_output=True,
            env=os.environ | {"PGPASSWORD": settings.get("PASSWORD") or ""},
        )
        app = psycopg2.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            user=role,
            password=settings.get("PASSWORD") or "",
            dbname=settings["NAME"],
        )
        app.autocommit = True
        try:
            with app.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM hikikomori_auditevent")
                assert cursor.fetchone() == (1,)
                cursor.execute(
                    "INSERT INTO hikikomori_auditevent (at, action, target, target_id, detail) "
                    "VALUES (now(), 'login', 'y', '', '{}')"
                )
                cursor.execute("SELECT count(*) FROM cases_client")  # the screens still work
                for statement in [
                    f"UPDATE hikikomori_auditevent SET target = 'z' WHERE id = {event.pk}",
                    f"DELETE FROM hikikomori_auditevent WHERE id = {event.pk}",
                    "TRUNCATE hikikomori_auditevent",
                    "ALTER TABLE hikikomori_auditevent DISABLE TRIGGER ALL",
                    "ALTER TABLE hikikomori_auditevent DISABLE TRIGGER hikikomori_auditevent_append_only",
                    "SET session_replication_role = replica",
                ]:
                    with pytest.raises(psycopg2.Error):
                        cursor.execute(statement)
        finally:
            app.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
    assert AuditEvent.objects.get(pk=event.pk).target == "x"
    assert AuditEvent.objects.count() == 2


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(db):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    with override_settings(BEHIND_PROXY=True):
        assert audit("view", request=request).ip_address == "203.0.113.7"
    assert (
        audit("view", request=request).ip_address == "127.0.0.1"
    )  # without a proxy the header is the client's word
    forged = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    with override_settings(BEHIND_PROXY=True):
        assert audit("view", request=forged).ip_address is None


def test_an_export_records_its_filters_and_rows_but_not_the_searched_name(coordinator_client, center):
    person = make_client(center, name="山田 太郎")
    make_consultation(center, "2024-05-01", client=person)
    response = coordinator_client.get(
        reverse("cases:consultation_export", args=["csv"]),
        {"fiscal_year": "2024", "client": "山田", "method": "電話"},
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.detail["rows"] == 1
    assert event.detail["filters"]["fiscal_year"] == "2024" and event.detail["filters"]["method"] == "電話"
    assert "client" in event.detail["filters"]
    assert "山田" not in str(event.detail)


def test_opening_a_consultation_or_a_clients_edit_form_is_recorded(coordinator_client, coordinator, center):
    person = make_client(center)
    consultation = make_consultation(center, "2024-05-01", client=person)
    coordinator_client.get(reverse("cases:consultation_detail", args=[consultation.pk]))
    coordinator_client.get(reverse("cases:client_edit", args=[person.pk]))
    views = AuditEvent.objects.filter(action="view", user=coordinator)
    assert set(views.values_list("target", "target_id")) == {
        ("consultation", str(consultation.pk)),
        ("client", str(person.pk)),
    }
