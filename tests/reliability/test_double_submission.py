"""Nothing counts twice: the same form sent twice — at the same instant (a double click), after a
timeout (the browser's retry) or from the back button — stores one record, and the second copy
is told so in Japanese. Concurrent copies are real requests on threads of a live server, each
with its own database connection (PostgreSQL in CI)."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlparse

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Client, Consultation, FamilyMember
from hikikomori.models import Role
from tests.conftest import PASSWORD, make_user
from tests.deploy.conftest import Browser
from tests.records import make_client

CONSULTATION = reverse("cases:consultation_create")
CLIENT = reverse("cases:client_create")


def _page_tokens(page: str) -> dict:
    return {
        name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
        for name in ("csrfmiddlewaretoken", "submission")
    }


def _logged_in_browser(live_server, username: str) -> Browser:
    browser = Browser(urlparse(live_server.url).port)
    response, _ = browser.post_form(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status == 302
    return browser


def _at_once(browser: Browser, path: str, fields: dict, copies: int = 2):
    """`copies` identical POSTs released together, each on its own connection and thread."""
    body = urlencode(fields, doseq=True).encode()
    barrier = threading.Barrier(copies)

    def send(_):
        clone = Browser(browser.port)
        clone.cookies = dict(browser.cookies)
        barrier.wait()
        response, _ = clone.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        return response.status, response.getheader("Location")

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(send, range(copies)))


def _consultation_fields(center, coordinator) -> dict:
    return {
        "date": timezone.localdate().strftime("%Y/%m/%d"),
        "office": center.pk,
        "method": "電話",
        "consulter": "家族",
        "client": "",
        "staff": [coordinator.pk],
        "duration_minutes": "20",
        "content": "母より電話。",
    }


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite, the demo default, locks the whole file)")


@pytest.fixture
def live_coordinator(center):
    return make_user("live", roles=[Role.COORDINATOR], offices=[center], last_name="春日", first_name="花子")


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_record_consultation_stores_one_consultation(live_server, center, live_coordinator):
    needs_postgresql()
    browser = _logged_in_browser(live_server, "live")
    for attempt in range(5):  # the race is real: repeat it
        _, page = browser.request("GET", CONSULTATION)
        fields = _consultation_fields(center, live_coordinator) | _page_tokens(page)
        answers = _at_once(browser, CONSULTATION, fields)
        assert [status for status, _ in answers] == [302, 302], answers
        assert len({location for _, location in answers}) == 1  # both go to the one record
        assert Consultation.objects.count() == attempt + 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_taking_the_same_new_case_number_at_once_get_a_japanese_error(
    live_server, center, live_coordinator
):
    needs_postgresql()
    make_user("live2", roles=[Role.COORDINATOR], offices=[center])
    browsers = [_logged_in_browser(live_server, name) for name in ("live", "live2")]
    for n in range(4):
        number = f"C-09{n:02d}"
        forms = []
        for browser, name in zip(browsers, ("宮崎 翔太", "田中 誠"), strict=True):
            _, page = browser.request("GET", CLIENT)
            forms.append(
                {"case_number": number, "name": name, "sex": "男性", "office": center.pk,
                 "withdrawal_period": "不明", "registered_on": "2024/4/1", "not_duplicate": "on"}
                | _page_tokens(page)
            )  # fmt: skip
        barrier = threading.Barrier(2)

        def send(pair, barrier=barrier):
            browser, fields = pair
            body = urlencode(fields).encode()
            barrier.wait()
            response, text = browser.request(
                "POST", CLIENT, body, {"Content-Type": "application/x-www-form-urlencoded"}
            )
            return response.status, text

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(send, zip(browsers, forms, strict=True)))
        statuses = sorted(status for status, _ in answers)
        assert statuses[0] in (200, 302) and statuses[1] in (200, 302) and 302 in statuses, statuses
        refused = [text for status, text in answers if status != 302]
        assert len(refused) == 1, statuses
        assert re.search(r"ケース番号[^<]*既に存在します", refused[0]), refused[0][-3000:]
        assert Client.objects.filter(case_number=number).count() == 1


def test_a_copy_sent_again_after_a_timeout_is_not_stored_again(coordinator_client, coordinator, center):
    page = coordinator_client.get(CONSULTATION).content.decode()
    fields = _consultation_fields(center, coordinator) | {"submission": _page_tokens(page)["submission"]}
    first = coordinator_client.post(CONSULTATION, fields)
    retry = coordinator_client.post(CONSULTATION, fields, follow=True)
    assert first.status_code == 302 and Consultation.objects.count() == 1
    assert retry.redirect_chain[0][0] == first.url
    assert "この入力はすでに保存されています" in retry.content.decode()


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_page(coordinator_client, coordinator, center):
    page = coordinator_client.get(CONSULTATION).content.decode()
    token = _page_tokens(page)["submission"]
    fields = _consultation_fields(center, coordinator) | {"submission": token}
    refused = coordinator_client.post(CONSULTATION, fields | {"duration_minutes": "-5"})
    assert refused.status_code in (200, 400) and not Consultation.objects.exists()
    assert coordinator_client.post(CONSULTATION, fields).status_code == 302
    assert Consultation.objects.count() == 1


def test_a_family_member_sent_twice_is_added_once(coordinator_client, center):
    person = make_client(center)
    page = coordinator_client.get(reverse("cases:client_detail", args=[person.pk])).content.decode()
    form = page[page.index(reverse("cases:family_add", args=[person.pk])) :]
    token = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    fields = {"name": "山田 和子", "relationship": "母", "submission": token}
    for _ in range(2):
        coordinator_client.post(reverse("cases:family_add", args=[person.pk]), fields)
    assert FamilyMember.objects.filter(client=person).count() == 1


def test_every_form_that_posts_carries_a_submission_token():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    missing = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", text, flags=re.S | re.I):
            if "{% submission_token %}" not in form:
                missing.append(str(path.relative_to(root)))
    assert missing == []


@pytest.mark.parametrize("fault", ["connection", "session deleted"])
def test_a_save_is_never_reported_as_failed_when_the_session_cannot_be_written_after_it(
    coordinator_client, coordinator, center, monkeypatch, fault
):
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    def broken_save(self, must_create=False):
        raise OperationalError("terminating connection") if fault == "connection" else UpdateError()

    page = coordinator_client.get(CONSULTATION).content.decode()
    fields = _consultation_fields(center, coordinator) | {"submission": _page_tokens(page)["submission"]}
    monkeypatch.setattr(SessionStore, "save", broken_save)
    response = coordinator_client.post(CONSULTATION, fields)
    assert response.status_code == 302
    assert Consultation.objects.count() == 1  # stored, and the user is sent on as after any save


def test_a_page_still_shows_when_only_the_session_refresh_fails(coordinator_client, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    def broken_save(self, must_create=False):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(SessionStore, "save", broken_save)
    response = coordinator_client.get(reverse("cases:client_list"))
    assert response.status_code == 200  # Django answered 400 「もう一度お試しください」 here


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_finalize_stores_one_version(live_server, center):
    """確定 sent twice at once: one version, and the second click is not told to give a reason."""
    needs_postgresql()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from reports.models import FinalizedReport

    user = make_user("livesuper", roles=[Role.SUPERVISOR], offices=[center])
    device = TOTPDevice.objects.create(
        user=user, name="phone", key="31323334353637383930" * 2, confirmed=True
    )
    browser = _logged_in_browser(live_server, "livesuper")
    browser.post_form(
        reverse("two_factor_verify"), {"token": f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"}
    )
    url = reverse("reports:annual_finalize") + "?fy=2024"
    _, page = browser.request("GET", url)
    fields = {"fy": "2024", "reason": ""} | _page_tokens(page)
    answers = _at_once(browser, reverse("reports:annual_finalize"), fields)
    assert [status for status, _ in answers] == [302, 302], answers
    assert FinalizedReport.objects.count() == 1
