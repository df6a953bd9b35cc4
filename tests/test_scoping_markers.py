"""Per-screen scoping: a satellite coordinator opens every page and fragment of the project and
never sees a trace of another office's records. Every kind of record of the center carries the
marker 標識; a screen that forgets its office filter shows it and fails this test."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import FamilyMember
from outreach.models import Attendance, OutreachEvent, Reservation
from tests import records
from tests.conftest import logged_in
from tests.test_permissions import MATRIX

MARKER = "標識"
DAY_MARKER = "宗像市"  # day lists show a day by its municipality: only the center's days are held here


@pytest.fixture
def marked(center, coordinator):
    """Records of the center, each holding the marker, dated so that every panel and list shows them."""
    today = timezone.localdate()
    links = []
    client = records.make_client(
        center, case_number="Z-9001", name=f"{MARKER} 太郎", kana="ヒョウシキ タロウ", municipality="田川市"
    )
    dormant = records.make_client(
        center, case_number="Z-9002", name=f"{MARKER} 次郎", kana="ヒョウシキ ジロウ"
    )
    old = records.make_consultation(
        center, today - dt.timedelta(days=400), client=dormant, content=f"{MARKER}の古い相談"
    )
    links += [
        reverse("cases:client_detail", args=[client.pk]),
        reverse("cases:client_detail", args=[dormant.pk]),
        reverse("cases:consultation_detail", args=[old.pk]),
    ]
    member = FamilyMember.objects.create(client=client, name=f"{MARKER} 花子", relationship="母")
    for day in (today, dt.date(2024, 5, 1)):
        consultation = records.make_consultation(
            center, day, client=client, staff=[coordinator], content=f"{MARKER}の相談内容", follow_up_on=today
        )
        links.append(reverse("cases:consultation_detail", args=[consultation.pk]))
    records.make_consultation(center, dt.date(2024, 5, 2), content=f"{MARKER}の匿名相談")
    for day in (today, dt.date(2024, 5, 14)):
        session = records.make_session(center, day, theme=f"{MARKER}のテーマ")
        Attendance.objects.create(session=session, client=client, created_by=coordinator)
        family = records.make_session(center, day, program="家族のつどい", theme=f"{MARKER}の家族会")
        Attendance.objects.create(session=family, client=client, family_member=member, created_by=coordinator)
        municipal = records.make_day(center, day, municipality=DAY_MARKER, notes=f"{MARKER}のメモ")
        Reservation.objects.create(day=municipal, time=dt.time(10), name=f"{MARKER} 予約者")
        links += [
            reverse("outreach:session_detail", args=[session.pk]),
            reverse("outreach:session_detail", args=[family.pk]),
            reverse("outreach:day_detail", args=[municipal.pk]),
        ]
    for day in (dt.date(2024, 8, 19), today):
        event = OutreachEvent.objects.create(kind="講話", date=day, title=f"{MARKER}研修", office=center)
        links.append(reverse("outreach:event_edit", args=[event.pk]))
    # case work: an assessment, a plan due for review, a meeting with a decision due, a 受付
    from cases.first_contact import intake_record
    from casework import services as casework

    assessment = casework.assessment_record(
        by=coordinator, client=client, assessed_on=today, assessed_by=coordinator, method="訪問",
        family_wishes=f"{MARKER}の家族の意向",
    )  # fmt: skip
    plan = casework.plan_make(
        by=coordinator, client=client, goals=[{"text": f"{MARKER}の目標", "basis": "両方"}],
        made_on=today - dt.timedelta(days=30), next_review_on=today,
    )  # fmt: skip
    casework.plan_record_decision(by=coordinator, plan=plan, on=plan.made_on, via="ケース会議")
    meeting = casework.meeting_record(
        by=coordinator, office=center, date=today, kind="所内", staff=[coordinator], clients=[client],
        summary=f"{MARKER}の会議", decisions=[{"content": f"{MARKER}の決定", "owner": coordinator, "due_on": today}],
    )  # fmt: skip
    intake_record(by=coordinator, consultation=old, background=f"{MARKER}の経緯")
    links += [
        reverse("casework:assessment_detail", args=[assessment.pk]),
        reverse("casework:plan_detail", args=[plan.pk]),
        reverse("casework:meeting_detail", args=[meeting.pk]),
        reverse("casework:case_record", args=[client.pk]),
    ]
    return links


@pytest.fixture
def own(satellite_coordinator, chikuho, center):
    """The satellite's own records, for the detail pages it may open."""
    return records.world(coordinator=satellite_coordinator, center=chikuho, chikuho=center)


QUERIES = [
    "",
    "?fy=2024",
    "?fiscal_year=2024",
    "?fiscal_year=all",
    "?q=ひょうしき",
    "?client=ひょうしき",
    "?dormant=true",
    "?status=支援中&ordering=-last_contact",
]


def test_no_page_shows_another_offices_records(marked, own, satellite_coordinator, center, coordinator):
    # The satellite's own client joined one of the center's sessions: the center's record stays
    # out of the client's timeline on the satellite's screens.
    joint = records.make_session(center, dt.date(2024, 6, 1), theme=f"{MARKER}の合同回")
    Attendance.objects.create(session=joint, client=own["client"], created_by=coordinator)
    http = logged_in(satellite_coordinator)
    opened = 0
    for name, row in sorted(MATRIX.items()):
        if row.expect["coordinator"] not in (200, 403):  # POST-only and the login page
            continue
        url = reverse(name, kwargs=row.kwargs(own) if row.kwargs else None)
        for query in QUERIES:
            response = http.get(url + query)
            if response.status_code != 200:
                continue
            opened += 1
            body = response.content.decode("utf-8-sig", "replace")
            assert MARKER not in body, f"{url}{query} shows another office's record"
            for link in marked:
                assert f'href="{link}"' not in body, f"{url}{query} links to another office's {link}"
            if name in ("home", "outreach:day_list"):
                assert DAY_MARKER not in body, f"{url}{query} shows another office's municipal day"
    assert opened > 150


def test_the_marker_is_visible_to_the_centers_own_coordinator(marked, coordinator_client):
    """The test's own check: the markers do reach the pages of the office that owns them."""
    for url in [
        "/",
        reverse("cases:client_list"),
        reverse("cases:consultation_list") + "?fiscal_year=all",
        reverse("outreach:session_list") + "?fy=2024",
        reverse("outreach:event_list") + "?fy=2024",
    ]:
        assert MARKER in coordinator_client.get(url).content.decode(), url
    for url in ["/", reverse("outreach:day_list") + "?fy=2024"]:
        assert DAY_MARKER in coordinator_client.get(url).content.decode(), url

    # lists that name a record by its link: the center's own see the link the satellite must not
    for url in [reverse("casework:meeting_list"), reverse("casework:review_list")]:
        body = coordinator_client.get(url).content.decode()
        assert any(f'href="{link}"' in body for link in marked), url
