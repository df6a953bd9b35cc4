"""Lockout, two-factor login, first password change, session limits, audit trail, production settings."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hikikomori.models import AuditEvent
from tests.conftest import PASSWORD, current_token, logged_in, pending_token, totp_device

ROOT = Path(__file__).resolve().parents[2]


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


def test_repeated_failures_lock_the_account_with_a_japanese_message(client, coordinator):
    for _ in range(5):
        login(client, "coord", "wrong-password")
    response = login(client, "coord", PASSWORD)
    assert "一時的にロックしました" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failures = AuditEvent.objects.filter(action="login_failed")
    assert failures.count() >= 5
    assert all("wrong" not in str(event.detail) and "password" not in event.detail for event in failures)
    assert failures.first().detail == {"username": "coord"}


def test_a_successful_login_is_audited(client, coordinator):
    login(client, "coord", PASSWORD)
    assert AuditEvent.objects.filter(action="login", user=coordinator).exists()


def test_a_supervisor_must_set_up_two_factor_login_first(supervisor):
    client = Client()
    response = login(client, "super", PASSWORD)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert "2段階認証の設定" in response.content.decode()
    assert client.get(reverse("cases:client_list")).status_code == 302
    assert not supervisor.totpdevice_set.exists()  # showing the key creates no device
    token = pending_token(client)
    response = client.post(
        reverse("two_factor_setup"), {"token": "000000" if token != "000000" else "111111"}
    )
    assert "確認コードが正しくありません" in response.content.decode()
    client.post(reverse("two_factor_setup"), {"token": token})
    assert supervisor.totpdevice_set.get().confirmed
    assert client.get(reverse("cases:client_list")).status_code == 200


def test_a_supervisor_with_a_device_enters_a_code_at_each_login(supervisor):
    device = totp_device(supervisor)
    client = Client()
    response = login(client, "super", PASSWORD)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": "12345"})
    assert client.get(reverse("home")).status_code == 302
    client.post(reverse("two_factor_verify"), {"token": current_token(device)})
    assert client.get(reverse("home")).status_code == 200


def test_two_factor_is_optional_for_coordinators_but_enforced_once_enabled(coordinator):
    client = Client()
    login(client, "coord", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    totp_device(coordinator)
    other = Client()
    login(other, "coord", PASSWORD)
    assert other.get(reverse("home")).url.startswith(reverse("two_factor_verify"))


def test_an_admin_cannot_set_a_password_someone_else_will_log_in_with(admin_client_, coordinator):
    response = admin_client_.post(
        f"/admin/hikikomori/user/{coordinator.pk}/password/",
        {"password1": "admin-set-passw0rd-x", "password2": "admin-set-passw0rd-x", "usable_password": "true"},
    )
    assert response.status_code == 403
    coordinator.refresh_from_db()
    assert not coordinator.check_password("admin-set-passw0rd-x")
    assert (
        Client().post(reverse("login"), {"username": "coord", "password": "admin-set-passw0rd-x"}).status_code
        == 200
    )


def test_passwords_need_twelve_characters(coordinator_client):
    response = coordinator_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "short-pw1",
            "new_password2": "short-pw1",
        },
    )
    assert "このパスワードは短すぎます。最低 12 文字以上必要です。" in response.content.decode()


def test_an_idle_session_expires(coordinator):
    client = Client()
    login(client, "coord", PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(reverse("home")).status_code == 302


def test_a_login_ends_after_twelve_hours_however_active(coordinator):
    client = Client()
    login(client, "coord", PASSWORD)
    session = client.session
    session["auth_started"] = (timezone.now() - dt.timedelta(hours=12, minutes=1)).timestamp()
    session.save()
    assert client.get(reverse("home")).url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_deactivating_a_user_ends_their_sessions(coordinator):
    client = Client()
    login(client, "coord", PASSWORD)
    coordinator.is_active = False
    coordinator.save()
    assert client.get(reverse("home")).status_code == 302


def test_changing_the_password_ends_other_sessions(coordinator):
    elsewhere, here = Client(), Client()
    login(elsewhere, "coord", PASSWORD)
    login(here, "coord", PASSWORD)
    here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-phrase-77",
            "new_password2": "a-brand-new-phrase-77",
        },
    )
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302


def test_denied_access_is_audited(coordinator_client, coordinator):
    assert coordinator_client.get(reverse("reports:annual")).status_code == 403
    assert AuditEvent.objects.filter(action="denied", user=coordinator, target="/reports/annual/").exists()


def test_permission_changes_are_audited(admin_user, coordinator):
    from django.contrib.auth.models import Group

    coordinator.groups.add(Group.objects.get(name="supervisor"))
    assert AuditEvent.objects.filter(
        action="update", target="permissions", target_id=str(coordinator.pk)
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_audit_log_refuses_update_and_delete_on_postgresql(master_data):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (CI runs it)")
    from django.db import DatabaseError, transaction

    event = AuditEvent.objects.create(action="login", target="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(target="y")
    assert AuditEvent.objects.get(pk=event.pk).target == "x"


def test_templates_have_no_inline_scripts():
    for path in (ROOT / "templates").rglob("*.html"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "<script" in line:
                assert " src=" in line, f"inline script in {path}"


def test_the_deploy_check_is_clean_with_production_settings():
    # The browser tests allow async-unsafe ORM calls in their own process; production never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "soudan.example.jp",
        "DJANGO_SETTINGS_MODULE": "hikikomori.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_other_offices_records_answer_404_on_every_path(satellite_client, center):
    from tests.records import make_client, make_consultation, make_session

    client = make_client(center)
    consultation = make_consultation(center, "2024-05-01", client=client)
    session = make_session(center, "2024-05-14")
    for url in [
        reverse("cases:client_detail", args=[client.pk]),
        reverse("cases:client_edit", args=[client.pk]),
        reverse("cases:consultation_detail", args=[consultation.pk]),
        reverse("cases:consultation_edit", args=[consultation.pk]),
        reverse("outreach:session_detail", args=[session.pk]),
        reverse("outreach:attendance_search", args=[session.pk]) + "?q=やまだ",
    ]:
        assert satellite_client.get(url).status_code == 404, url
    export = satellite_client.get(reverse("cases:consultation_export", args=["csv"]), {"fiscal_year": "all"})
    assert "山田" not in export.content.decode("utf-8-sig")
    suggestions = satellite_client.get(reverse("cases:client_suggest"), {"client": "やまだ"})
    assert "C-0001" not in suggestions.content.decode()
    toggle = satellite_client.post(
        reverse("outreach:attendance_toggle", args=[session.pk]), {"client": client.pk, "present": "1"}
    )
    assert toggle.status_code == 404


def test_logged_in_helper_is_verified_only_when_asked(supervisor):
    assert logged_in(supervisor, verified=False).get(reverse("home")).status_code == 302


def test_two_factor_login_returns_to_the_page_asked_for_with_its_query(supervisor):
    device = totp_device(supervisor)
    client = Client()
    login(client, "super", PASSWORD)
    asked = "/reports/annual/?fy=2024&office=2"
    response = client.get(asked)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.context["next"] == asked  # the query string survived the detour
    response = client.post(response.url, {"token": current_token(device), "next": page.context["next"]})
    assert response.url == asked
