"""Password change, lockout and flash messages: the smaller holes of the security review."""

import datetime as dt

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hikikomori.models import AuditEvent
from tests.conftest import PASSWORD


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


def change(client, old, new):
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_the_new_password_must_differ_from_the_old_one(coordinator_client, coordinator):
    response = change(coordinator_client, PASSWORD, PASSWORD)
    assert "現在のパスワードとは異なるパスワードにしてください" in response.content.decode()
    assert not AuditEvent.objects.filter(action="password_change").exists()


def test_a_forced_first_change_also_refuses_the_same_password(coordinator):
    coordinator.must_change_password = True
    coordinator.save()
    client = Client()
    login(client, "coord", PASSWORD)
    response = change(client, PASSWORD, PASSWORD)
    assert "現在のパスワードとは異なるパスワードにしてください" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.must_change_password


def test_wrong_current_passwords_count_toward_the_lockout_and_are_audited(coordinator):
    client = Client()
    login(client, "coord", PASSWORD)
    for attempt in range(5):
        response = change(client, f"guess-number-{attempt}", "a-brand-new-phrase-77")
    assert "一時的にロックしました" in response.content.decode()
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="login_failed", detail__username="coord").count() == 5
    assert client.get(reverse("home")).status_code == 302  # logged out
    assert "一時的にロックしました" in login(Client(), "coord", PASSWORD).content.decode()
    attempt = AccessAttempt.objects.get(username="coord")
    assert "guess-number" not in attempt.post_data and "brand-new" not in attempt.post_data


def test_attempts_during_a_lockout_do_not_extend_it(coordinator):
    client = Client()
    for _ in range(5):
        login(client, "coord", "wrong-password")
    attempt = AccessAttempt.objects.get(username="coord")
    locked_at = timezone.now() - dt.timedelta(minutes=10)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=locked_at)
    for _ in range(3):
        login(client, "coord", "wrong-again")
    assert AccessAttempt.objects.get(pk=attempt.pk).attempt_time == locked_at
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response = login(client, "coord", PASSWORD)
    assert response.redirect_chain and "一時的にロックしました" not in response.content.decode()


def test_flash_messages_stay_on_the_server(coordinator_client, coordinator, center):
    from tests.cases.test_record_consultation import form_data
    from tests.records import make_client

    person = make_client(center, name="山田 太郎")
    response = coordinator_client.post(
        reverse("cases:consultation_create"),
        form_data(office=center.pk, staff=[coordinator.pk], client=person.case_number),
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "山田 太郎" in coordinator_client.get(response.url).content.decode()
