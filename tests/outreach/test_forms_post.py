"""Creating and editing sessions, municipal days and outreach events from their forms."""

import datetime as dt

from django.urls import reverse

from outreach.models import AffiliationCategory, MunicipalDay, OutreachEvent, Program, Session
from tests.records import make_day, make_session


def test_a_coordinator_creates_and_edits_a_session(coordinator_client, center, chikuho):
    program = Program.objects.get(name="フリースペース")
    data = {
        "program": program.pk,
        "office": center.pk,
        "date": "2024/5/14",
        "start_time": "14:00",
        "end_time": "16:00",
        "venue": "センター",
        "theme": "春の集い",
        "online_offices": [chikuho.pk],
        "notes": "",
    }
    response = coordinator_client.post(reverse("outreach:session_create"), data)
    session = Session.objects.get()
    assert response.url == reverse("outreach:session_detail", args=[session.pk])
    assert (session.date, session.start_time, list(session.online_offices.all())) == (
        dt.date(2024, 5, 14),
        dt.time(14),
        [chikuho],
    )
    response = coordinator_client.post(
        reverse("outreach:session_edit", args=[session.pk]),
        data | {"theme": "初夏の集い", "online_offices": []},
    )
    session.refresh_from_db()
    assert session.theme == "初夏の集い" and not session.online_offices.exists()
    assert session.history.count() == 2


def test_a_session_that_ends_before_it_starts_is_refused_with_the_input_kept(coordinator_client, center):
    program = Program.objects.get(name="フリースペース")
    data = {
        "program": program.pk,
        "office": center.pk,
        "date": "2024/5/14",
        "start_time": "16:00",
        "end_time": "14:00",
        "theme": "春の集い",
    }
    response = coordinator_client.post(reverse("outreach:session_create"), data)
    assert response.status_code == 200 and not Session.objects.exists()
    assert "春の集い" in response.content.decode()


def test_a_coordinator_creates_and_edits_a_municipal_day(coordinator_client, center):
    from hikikomori.models import Municipality

    kasuga = Municipality.objects.get(name="春日市")
    data = {
        "date": "2024/7/10",
        "municipality": kasuga.pk,
        "host_type": "センター主催",
        "office": center.pk,
        "slot_times": "",
        "notes": "",
    }
    response = coordinator_client.post(reverse("outreach:day_create"), data)
    day = MunicipalDay.objects.get()
    assert response.url == reverse("outreach:day_detail", args=[day.pk])
    assert (day.slots, day.slot_times) == (3, ["10:00", "11:00", "13:30"])  # the default slots
    coordinator_client.post(
        reverse("outreach:day_edit", args=[day.pk]),
        data | {"slot_times": "10:00、11:00, 13:30 14:30", "notes": "会場変更"},
    )
    day.refresh_from_db()
    assert (day.slots, day.slot_times, day.notes) == (4, ["10:00", "11:00", "13:30", "14:30"], "会場変更")


def test_an_event_saves_its_participants_per_category_and_edits_them(coordinator_client, center):
    categories = list(AffiliationCategory.objects.all()[:3])
    assert len(categories) == 3
    data = {
        "kind": "研修会",
        "date": "2024/8/19",
        "title": "支援者研修",
        "format": "集合",
        "office": center.pk,
        "organizer": "",
        "notes": "",
        "participant_counts-TOTAL_FORMS": "4",
        "participant_counts-INITIAL_FORMS": "0",
        "participant_counts-MIN_NUM_FORMS": "0",
        "participant_counts-MAX_NUM_FORMS": "1000",
        "participant_counts-0-category": categories[0].pk,
        "participant_counts-0-count": "12",
        "participant_counts-1-category": categories[1].pk,
        "participant_counts-1-count": "5",
    }
    response = coordinator_client.post(reverse("outreach:event_create"), data)
    assert response.status_code == 302, response.context["formset"].errors
    event = OutreachEvent.objects.get()
    assert {(p.category, p.count) for p in event.participant_counts.all()} == {
        (categories[0], 12),
        (categories[1], 5),
    }
    rows = list(event.participant_counts.order_by("category__sort_order", "category__label"))
    edit = data | {"participant_counts-INITIAL_FORMS": "2", "participant_counts-TOTAL_FORMS": "4"}
    for index, row in enumerate(rows):
        edit |= {
            f"participant_counts-{index}-id": row.pk,
            f"participant_counts-{index}-category": row.category_id,
            f"participant_counts-{index}-count": str(row.count),
        }
    edit |= {
        "participant_counts-0-DELETE": "on",
        "participant_counts-2-category": categories[2].pk,
        "participant_counts-2-count": "7",
        "title": "支援者研修（第2回）",
    }
    response = coordinator_client.post(reverse("outreach:event_edit", args=[event.pk]), edit)
    assert response.status_code == 302, response.context["formset"].errors
    event.refresh_from_db()
    assert event.title == "支援者研修（第2回）"
    deleted = rows[0].category
    remaining = {(p.category, p.count) for p in event.participant_counts.all()}
    assert (
        deleted not in {c for c, _ in remaining} and (categories[2], 7) in remaining and len(remaining) == 2
    )


def test_a_satellite_cannot_edit_the_centers_session_day_or_event(satellite_client, center):
    session, day = make_session(center, "2024-05-14"), make_day(center, "2024-07-10")
    event = OutreachEvent.objects.create(kind="講話", date=dt.date(2024, 8, 19), title="講話", office=center)
    for url in [
        reverse("outreach:session_edit", args=[session.pk]),
        reverse("outreach:day_edit", args=[day.pk]),
        reverse("outreach:event_edit", args=[event.pk]),
    ]:
        assert satellite_client.post(url, {"theme": "x", "title": "x"}).status_code == 404
    event.refresh_from_db()
    assert event.title == "講話"
