"""ケース記録票: the face sheet and the progress of a chosen period on one printable page; opening it
to print is audited; a period that cannot be read is refused with a Japanese message."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import FamilyMember
from casework import services
from hikikomori.models import AuditEvent
from tests.conftest import logged_in
from tests.records import make_client, make_consultation

TODAY = timezone.localdate()


def test_the_case_record_has_the_face_sheet_and_the_progress_of_the_period(center, coordinator):
    client = make_client(center, municipality="春日市")
    FamilyMember.objects.create(client=client, name="山田 和子", relationship="母")
    services.assessment_record(
        by=coordinator,
        client=client,
        assessed_on=TODAY,
        assessed_by=coordinator,
        method="訪問",
        family_wishes="外に出てほしい",
    )
    services.plan_make(
        by=coordinator,
        client=client,
        goals=[{"text": "朝10時に起きる", "basis": "両方"}],
        made_on=TODAY,
        next_review_on=TODAY,
    )
    make_consultation(center, TODAY - dt.timedelta(days=10), "電話", client, content="最近の相談")
    make_consultation(center, TODAY - dt.timedelta(days=500), "来所", client, content="古い相談")
    http = logged_in(coordinator)
    page = http.get(reverse("casework:case_record", args=[client.pk])).content.decode()
    assert "取扱注意" in page and f"印刷: {coordinator.display_name}" in page
    for text in ("山田 太郎", "山田 和子（母）", "外に出てほしい", "朝10時に起きる（両方）", "最近の相談"):
        assert text in page, text
    assert "古い相談" not in page  # the last twelve months unless another period is chosen
    start = (TODAY - dt.timedelta(days=600)).strftime("%Y/%m/%d")
    wider = http.get(reverse("casework:case_record", args=[client.pk]), {"start": start}).content.decode()
    assert "古い相談" in wider
    printed = AuditEvent.objects.filter(
        action="print", target="client", target_id=str(client.pk), user=coordinator
    )
    assert printed.count() == 2


def test_a_period_that_cannot_be_read_is_refused(center, coordinator):
    client = make_client(center)
    http = logged_in(coordinator)
    response = http.get(reverse("casework:case_record", args=[client.pk]), {"start": "2024/13/40"})
    assert response.status_code == 400 and "日付を正しく入力してください" in response.content.decode()
    backwards = http.get(
        reverse("casework:case_record", args=[client.pk]), {"start": "2025/1/1", "end": "2024/1/1"}
    )
    assert (
        backwards.status_code == 400
        and "期間の始めは終わりより前の日付にしてください。" in backwards.content.decode()
    )
    assert not AuditEvent.objects.filter(action="print").exists()
