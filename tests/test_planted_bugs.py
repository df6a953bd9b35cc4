"""Tests for bugs planted on purpose by a review (each made no other test fail): the ケース会議
list without office scoping, the ケース記録票 listing another office's attendance, and retention
listing a case one day late."""

import datetime as dt

from django.urls import reverse

from casework import services as casework
from outreach.models import Attendance
from retention import services as retention
from tests.conftest import logged_in
from tests.records import make_client, make_session


def test_the_meeting_list_shows_only_meetings_of_ones_own_offices(
    center, chikuho, coordinator, satellite_coordinator
):
    ours = make_client(center, "C-0001", "山田 太郎")
    theirs = make_client(chikuho, "K-0001", "筑豊 一郎")
    casework.meeting_record(
        by=coordinator, office=center, date=dt.date(2024, 6, 3), kind="所内", staff=[coordinator],
        clients=[ours], summary="センターの会議",
    )  # fmt: skip
    casework.meeting_record(
        by=satellite_coordinator, office=chikuho, date=dt.date(2024, 6, 4), kind="所内",
        staff=[satellite_coordinator], clients=[theirs], summary="筑豊の会議",
    )  # fmt: skip
    page = logged_in(coordinator).get(reverse("casework:meeting_list")).content.decode()
    assert "C-0001" in page or "山田 太郎" in page or "2024/06/03" in page
    assert "2024/06/04" not in page and "筑豊 一郎" not in page and "K-0001" not in page


def test_the_case_record_lists_only_attendance_at_ones_own_offices(center, chikuho, coordinator):
    client = make_client(center)
    today = dt.date.today()
    at_center = make_session(center, today - dt.timedelta(days=10))
    elsewhere = make_session(chikuho, today - dt.timedelta(days=20), program="家族のつどい")
    Attendance.objects.create(session=at_center, client=client)
    Attendance.objects.create(session=elsewhere, client=client)
    page = logged_in(coordinator).get(reverse("casework:case_record", args=[client.pk])).content.decode()
    assert f"{at_center.date:%Y/%m/%d}" in page
    assert f"{elsewhere.date:%Y/%m/%d}" not in page


def test_a_case_is_listed_on_the_very_day_its_period_ends(center):
    today = dt.date(2026, 11, 30)
    closed = make_client(
        center,
        "C-0101",
        "終結 一郎",
        registered_on=dt.date(2015, 4, 1),
        status="終結",
        closed_on=dt.date(2021, 11, 30),
    )
    day_before = {item.client_id for item in retention.expired_cases(today - dt.timedelta(days=1))}
    on_the_day = {item.client_id for item in retention.expired_cases(today)}
    assert closed.pk not in day_before and closed.pk in on_the_day
