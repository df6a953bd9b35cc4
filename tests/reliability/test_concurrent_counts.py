"""The yearly report's monthly counts stay exact when coordinators save at the same moment: a new
consultation adds to its month's row in place (no recount, no lock of the month's rows for the
whole office), while an edit elsewhere in the month recounts it. Real requests on threads of a
live server, each with its own PostgreSQL connection; afterwards the stored counts equal a fresh
computation from the consultations (`recompute_report_data --check`)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Consultation
from hikikomori.models import Role
from reports import derived
from tests.conftest import make_user
from tests.records import make_consultation
from tests.reliability.test_double_submission import (
    CONSULTATION,
    _logged_in_browser,
    _page_tokens,
    needs_postgresql,
)

METHODS = ["電話", "来所", "メール・その他", "オンライン"]


@pytest.mark.django_db(transaction=True)
def test_saves_and_a_recount_at_the_same_moment_keep_the_months_counts_exact(live_server, center):
    needs_postgresql()
    today = timezone.localdate()
    users = [make_user(f"live{n}", roles=[Role.COORDINATOR], offices=[center]) for n in range(4)]
    browsers = [_logged_in_browser(live_server, user.username) for user in users]
    make_consultation(center, today.isoformat(), method="訪問")
    pages = {}
    for n, browser in enumerate(browsers):  # each coordinator's form, opened before the race
        pages[n] = [_page_tokens(browser.request("GET", CONSULTATION)[1]) for _ in METHODS]
    barrier = threading.Barrier(len(browsers) + 1)

    def coordinator(n: int) -> list[int]:
        browser, user = browsers[n], users[n]
        barrier.wait()
        statuses = []
        for k, method in enumerate(METHODS):  # new keys of the month, met by others at once
            fields = {
                "date": today.strftime("%Y/%m/%d"), "office": center.pk, "method": method,
                "consulter": ["本人", "家族"][n % 2], "client": "", "staff": [user.pk],
                "duration_minutes": str(10 * (n + 1)), "content": "電話相談。",
            } | pages[n][k]  # fmt: skip
            body = urlencode(fields, doseq=True).encode()
            response, _ = browser.request(
                "POST", CONSULTATION, body, {"Content-Type": "application/x-www-form-urlencoded"}
            )
            statuses.append(response.status)
        return statuses

    def recount() -> list[int]:
        barrier.wait()
        try:
            for _ in range(6):  # as an edit of the month's other consultation does
                with transaction.atomic():
                    derived.refresh_months([(center.pk, today)])
        finally:
            connection.close()
        return []

    with ThreadPoolExecutor(len(browsers) + 1) as pool:
        results = [pool.submit(coordinator, n) for n in range(len(browsers))] + [pool.submit(recount)]
        statuses = [status for result in results for status in result.result()]
    assert statuses == [302] * len(browsers) * len(METHODS)
    assert Consultation.objects.count() == 1 + len(browsers) * len(METHODS)
    assert set(derived.recompute(check=True).values()) == {0}
