"""Staying signed in costs no write per page: an unchanged session is written again only when its
idle timeout has moved by a minute; the roles of a request's user are read with the user; a
login forgets the user's old form submissions."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hikikomori.models import Submission
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def _expiry(http) -> dt.datetime:
    return Session.objects.get(session_key=http.session.session_key).expire_date


def test_a_page_seen_again_within_a_minute_does_not_write_the_session(coordinator_client):
    coordinator_client.get(HOME)
    before = _expiry(coordinator_client)
    with CaptureQueriesContext(connection) as queries:
        assert coordinator_client.get(HOME).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _expiry(coordinator_client) == before


def test_the_idle_timeout_still_moves_on_with_use(coordinator_client, settings):
    coordinator_client.get(HOME)
    key = coordinator_client.session.session_key
    ten_minutes_idle = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 600)
    Session.objects.filter(session_key=key).update(expire_date=ten_minutes_idle)
    assert coordinator_client.get(HOME).status_code == 200
    assert _expiry(coordinator_client) >= ten_minutes_idle + dt.timedelta(seconds=590)


def test_a_request_reads_its_user_with_roles_and_authenticator_in_one_query(coordinator_client):
    coordinator_client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        coordinator_client.get(reverse("cases:consultation_list"))
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if q.startswith('SELECT "auth_group"')]
    assert not [q for q in sql if q.startswith("SELECT 1") and "otp_totp_totpdevice" in q]


def test_a_login_forgets_the_users_submissions_older_than_a_day(client, coordinator):
    old = Submission.objects.create(
        token="a" * 32, user=coordinator, path="/", at=timezone.now() - dt.timedelta(days=2)
    )
    recent = Submission.objects.create(token="b" * 32, user=coordinator, path="/")
    client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    assert not Submission.objects.filter(pk=old.pk).exists()
    assert Submission.objects.filter(pk=recent.pk).exists()


def test_the_login_form_sent_again_with_its_token_logs_in_and_claims_nothing(client, coordinator):
    page = client.get(reverse("login")).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    fields = {"username": coordinator.username, "password": PASSWORD, "submission": token}
    for _ in range(2):  # a double click, or the back button after logging out
        client.logout()
        response = client.post(reverse("login"), fields, follow=True)
        assert response.wsgi_request.user.is_authenticated
        assert "すでに保存されています" not in response.content.decode()
    assert not Submission.objects.filter(user=None).exists()
