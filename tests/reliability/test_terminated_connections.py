"""A storm of terminated database connections during a burst of saves: every save the user was
told about is stored, none is stored twice (the user retries each failed one, as a coordinator
would, with the same page), and every failure is answered with the Japanese page."""

import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Consultation
from hikikomori.models import Role
from tests.conftest import PASSWORD, make_user
from tests.deploy.conftest import Browser, running_gunicorn

SAVES = 24
FORM = "/cases/consultations/new/"


def _save_until_acknowledged(port, cookies, center, user, n) -> tuple[int, list[tuple[int, str]]]:
    """One coordinator's entry: open the form once, send it until the answer is a redirect."""
    browser = Browser(port)
    browser.cookies = dict(cookies)
    failures = []
    for attempt in range(60):
        response, page = browser.request("GET", FORM)
        if response.status == 200:
            break
        failures.append((response.status, page))
        time.sleep(0.1 * min(attempt + 1, 5))
    assert response.status == 200, [status for status, _ in failures]
    tokens = {
        name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
        for name in ("csrfmiddlewaretoken", "submission")
    }
    fields = {
        "date": timezone.localdate().strftime("%Y/%m/%d"), "office": center.pk, "method": "電話",
        "consulter": "家族", "client": "", "staff": [user.pk], "duration_minutes": "20",
        "content": f"burst-{n}",
    } | tokens  # fmt: skip
    body = urlencode(fields, doseq=True).encode()
    for attempt in range(1, 60):
        response, page = browser.request(
            "POST", FORM, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if response.status == 302:
            return attempt, failures
        failures.append((response.status, page))
        time.sleep(0.05 * min(attempt, 10))
    raise AssertionError(f"entry {n} never acknowledged: {failures[-1][0]}")


@pytest.mark.django_db(transaction=True)
def test_saves_under_terminated_connections_are_stored_once_and_failures_speak_japanese(center):
    if connection.vendor != "postgresql":
        pytest.skip("terminating backends is PostgreSQL's (CI runs it)")
    user = make_user("burst", roles=[Role.COORDINATOR], offices=[center])
    settings = connection.settings_dict
    name = f"hikikomori_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))} | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
            f"{settings['NAME']}?application_name={name}"
        ),
        "DATABASE_CONN_MAX_AGE": "600",
    }
    with running_gunicorn(env, threads=4) as port:
        browser = Browser(port)
        response, _ = browser.post_form("/login/", {"username": "burst", "password": PASSWORD})
        assert response.status == 302
        stop, killed = threading.Event(), []

        def terminate():
            try:
                with connection.cursor() as cursor:
                    while not stop.is_set():
                        cursor.execute(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE application_name = %s",
                            [name],
                        )
                        killed.append(cursor.fetchone()[0])
                        time.sleep(0.5)
            finally:
                connection.close()  # this thread's own connection

        killer = threading.Thread(target=terminate)
        killer.start()
        try:
            with ThreadPoolExecutor(4) as pool:
                results = list(
                    pool.map(
                        lambda n: _save_until_acknowledged(port, browser.cookies, center, user, n),
                        range(SAVES),
                    )
                )
        finally:
            stop.set()
            killer.join()
    stored = list(Consultation.objects.filter(content__startswith="burst-").values_list("content", flat=True))
    assert sorted(stored) == sorted(f"burst-{n}" for n in range(SAVES))  # each once, none lost
    failures = [failure for _, failed in results for failure in failed]
    assert sum(killed) > 0
    for status, page in failures:
        assert status in (500, 503), (status, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[-600:])
        assert "つながらない" in page or "システムの不具合" in page
    print(
        f"\n{SAVES} entries, {sum(killed)} connections terminated, {len(failures)} failed answers "
        f"(all Japanese pages), {sum(a for a, _ in results) - SAVES} retries; stored once each"
    )
