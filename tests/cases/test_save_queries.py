"""相談を記録 costs a fixed number of queries, whatever the history: the session and the user,
the once-per-submission token, the form and its scoping, the consultation with its staff and its
one history row, the report's derived data (the client's rows, the month's counts in place) and
the session's write (its message). Counted as production runs: the request's own transaction is
the outermost (this test is not wrapped in one), so no savepoint appears."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Consultation
from hikikomori.submissions import FIELD, new_token
from tests.records import make_client, make_consultation

URL = reverse("cases:consultation_create")
# 97 before (with the test's savepoints), 72 at the previous step: docs/benchmarks.md, "Write path".
MOST_QUERIES = 20


def _save(http, center, coordinator, client) -> list[str]:
    data = {
        "date": timezone.localdate().strftime("%Y/%m/%d"), "office": center.pk, "method": "電話",
        "consulter": "家族", "client": f"{client.case_number} {client.name}", "staff": [coordinator.pk],
        "duration_minutes": "20", "content": "母より電話。", FIELD: new_token(),
    }  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        response = http.post(URL, data)
    assert response.status_code == 302
    return [q["sql"] for q in queries.captured_queries]


def _data(statements: list[str]) -> list[str]:
    """Statements that read or write data (SQLite also lists its BEGIN and COMMIT)."""
    return [q for q in statements if q not in ("BEGIN", "COMMIT")]


@pytest.mark.django_db(transaction=True)
def test_a_save_runs_a_fixed_small_number_of_queries_whatever_the_history(
    coordinator_client, coordinator, center
):
    client = make_client(center, municipality="春日市")
    first = _save(coordinator_client, center, coordinator, client)
    for day in range(1, 60):
        make_consultation(
            center, f"2024-0{day % 9 + 1}-{day % 27 + 1:02d}", client=client, staff=[coordinator]
        )
    later = _save(coordinator_client, center, coordinator, client)
    assert not [q for q in later if q.startswith(("SAVEPOINT", "RELEASE"))]
    first, later = _data(first), _data(later)
    assert Consultation.objects.filter(content="母より電話。").count() == 2
    assert len(later) == len(first), "\n".join(later)
    assert len(later) <= MOST_QUERIES, f"{len(later)} queries:\n" + "\n".join(q[:160] for q in later)
    monthly = [q for q in later if "reports_monthlycount" in q]
    assert len(monthly) == 1 and "ON CONFLICT" in monthly[0]  # the month's count, added to in place
