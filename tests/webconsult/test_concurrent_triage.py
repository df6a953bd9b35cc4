"""Two coordinators recording the same Web相談 at the same moment (PostgreSQL, a connection each):
one consultation, and the other is told it was handled."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cases.models import Consultation
from hikikomori.models import Role
from tests.conftest import make_user
from webconsult import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_coordinators_recording_one_request_at_once_make_one_consultation(center):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (CI runs it)")
    people = [make_user(f"triage{n}", roles=[Role.COORDINATOR], offices=[center]) for n in range(2)]
    for _ in range(3):  # the race is real: repeat it
        web = services.request_receive(
            writer="家族", age_band="30代", trouble="相談です。", contact="連絡不要"
        )
        barrier = threading.Barrier(2)

        def record(user, web=web, barrier=barrier):
            barrier.wait()
            try:
                services.request_record(
                    by=user, request=web,
                    consultation={"office": center, "date": timezone.localdate(), "method": "メール・その他",
                                  "consulter": "家族", "client": None, "staff": [user], "content": "Web相談より。"},
                )  # fmt: skip
                return "recorded"
            except ValidationError as exc:
                return " ".join(exc.messages)
            finally:
                connection.close()

        with ThreadPoolExecutor(2) as pool:
            answers = sorted(pool.map(record, people))
        assert answers[0] == "recorded" and "すでに対応済み" in answers[1], answers
    assert Consultation.objects.count() == 3
