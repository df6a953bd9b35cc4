"""Attendance, cancelled sessions, municipal days and their reservations."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cases.models import Consultation, FamilyMember
from outreach import services
from outreach.models import Attendance, MunicipalDay, Reservation
from tests.records import make_client, make_day, make_session


def test_ticking_a_participant_records_attendance_and_returns_the_count(coordinator_client, center):
    client = make_client(center)
    session = make_session(center, "2024-05-14")
    url = reverse("outreach:attendance_toggle", args=[session.pk])
    response = coordinator_client.post(url, {"client": client.pk, "member": "", "present": "1"})
    assert Attendance.objects.filter(session=session, client=client).count() == 1
    assert '<span id="attendance-count" hx-swap-oob="true">1</span>' in response.content.decode()
    coordinator_client.post(url, {"client": client.pk, "member": "", "present": "1"})
    assert Attendance.objects.count() == 1  # a person attends a session once
    response = coordinator_client.post(url, {"client": client.pk, "member": ""})
    assert Attendance.objects.count() == 0
    assert 'hx-swap-oob="true">0</span>' in response.content.decode()


def test_the_family_gathering_counts_family_members(coordinator_client, center):
    client = make_client(center)
    mother = FamilyMember.objects.create(client=client, name="山田 和子", relationship="母")
    father = FamilyMember.objects.create(client=client, name="山田 正男", relationship="父")
    session = make_session(center, "2024-05-16", program="家族のつどい")
    url = reverse("outreach:attendance_toggle", args=[session.pk])
    for member in (mother, father):
        coordinator_client.post(url, {"client": client.pk, "member": member.pk, "present": "1"})
    assert Attendance.objects.filter(session=session).count() == 2
    response = coordinator_client.post(url, {"client": client.pk, "member": "", "present": "1"})
    assert "家族を選んでください" in response.content.decode()


def test_an_unregistered_family_member_is_added_from_the_attendance_screen(coordinator_client, center):
    client = make_client(center)
    session = make_session(center, "2024-05-16", program="家族のつどい")
    coordinator_client.post(
        reverse("outreach:attendance_add_family", args=[session.pk]),
        {"client": "C-0001", "name": "山田 洋子", "relationship": "母"},
    )
    member = FamilyMember.objects.get(name="山田 洋子")
    assert member.client == client
    assert Attendance.objects.filter(session=session, family_member=member).exists()


def test_a_family_member_refused_at_a_cancelled_session_is_not_registered(
    coordinator_client, coordinator, center
):
    make_client(center)
    session = make_session(center, "2024-05-16", program="家族のつどい")
    services.session_cancel(by=coordinator, session=session, reason="台風のため")
    response = coordinator_client.post(
        reverse("outreach:attendance_add_family", args=[session.pk]),
        {"client": "C-0001", "name": "山田 洋子", "relationship": "母"},
        follow=True,
    )
    assert "中止した回には参加を記録できません" in response.content.decode()
    assert not FamilyMember.objects.filter(name="山田 洋子").exists()


def test_a_cancelled_session_needs_a_reason_and_takes_no_attendance(coordinator_client, coordinator, center):
    client = make_client(center)
    session = make_session(center, "2024-06-20", program="家族のつどい")
    coordinator_client.post(reverse("outreach:session_cancel", args=[session.pk]), {"cancel_reason": ""})
    session.refresh_from_db()
    assert session.status == "開催"
    coordinator_client.post(
        reverse("outreach:session_cancel", args=[session.pk]), {"cancel_reason": "悪天候"}
    )
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("中止", "悪天候")
    with pytest.raises(ValidationError):
        services.attendance_set(by=coordinator, session=session, client=client, present=True)


def test_attendance_appears_on_the_client_timeline(coordinator_client, coordinator, center):
    client = make_client(center)
    session = make_session(center, "2024-05-14", theme="調理")
    services.attendance_set(by=coordinator, session=session, client=client, present=True)
    html = coordinator_client.get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert "フリースペース" in html and "2024/05/14" in html


def test_reservations_never_exceed_the_slots(coordinator, center):
    day = make_day(center, "2024-07-10", slots=2)
    services.reservation_book(by=coordinator, day=day, time=dt.time(10))
    services.reservation_book(by=coordinator, day=day, time=dt.time(11))
    with pytest.raises(ValidationError, match="すべて埋まっています"):
        services.reservation_book(by=coordinator, day=day, time=dt.time(13))
    day.refresh_from_db()
    assert day.reserved == 2 == Reservation.objects.count()


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_last_slot_at_once_get_one_booking(coordinator, center):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (CI runs it)")
    # three slots, two already taken by the day's recorded figures: one left, two free times offered
    day = make_day(center, "2024-07-10", slot_times=["10:00", "11:00", "13:30"], reserved=2)
    barrier = threading.Barrier(2)
    results = []

    def book(hour):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.reservation_book(
                by=coordinator, day=MunicipalDay.objects.get(pk=day.pk), time=dt.time(hour)
            )
            results.append("booked")
        except ValidationError:
            results.append("full")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=book, args=(h,)) for h in (10, 11)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["booked", "full"]
    day.refresh_from_db()
    assert day.reserved == 3 and Reservation.objects.count() == 1


def test_a_held_reservation_becomes_a_visit_consultation_counted_once(
    coordinator_client, coordinator, center
):
    client = make_client(center, municipality="春日市")
    day = make_day(center, "2024-07-10")
    reservation = services.reservation_book(by=coordinator, day=day, time=dt.time(10), client=client)
    coordinator_client.post(
        reverse("outreach:reservation_outcome", args=[reservation.pk]),
        {"duration_minutes": "50", "content": "面談"},
    )
    consultation = Consultation.objects.get()
    assert (consultation.method, consultation.date, consultation.client, consultation.office) == (
        "来所",
        day.date,
        client,
        center,
    )
    day.refresh_from_db()
    assert day.consulted == 1
    coordinator_client.post(reverse("outreach:reservation_outcome", args=[reservation.pk]), {})
    assert Consultation.objects.count() == 1


def test_a_day_without_reservations_records_a_case_conference(coordinator_client, center):
    day = make_day(center, "2024-07-10")
    coordinator_client.post(
        reverse("outreach:day_case_conference", args=[day.pk]), {"notes": "市職員と事例検討"}
    )
    day.refresh_from_db()
    assert day.case_conference and "事例検討" in day.notes


def test_the_database_refuses_overbooking(center):
    from django.db import IntegrityError, transaction

    day = make_day(center, "2024-07-10", slots=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalDay.objects.filter(pk=day.pk).update(reserved=4)


def test_lists_show_the_chosen_fiscal_year(coordinator_client, center, chikuho):
    make_session(center, "2024-05-14")
    make_session(center, "2025-04-08")
    make_session(chikuho, "2024-05-14")
    response = coordinator_client.get(reverse("outreach:session_list"), {"fy": "2024"})
    sessions = [s for month in response.context["months"].values() for s in month]
    assert [(s.office, s.date) for s in sessions] == [(center, dt.date(2024, 5, 14))]
    make_day(center, "2024-07-10", reserved=2, consulted=1)
    response = coordinator_client.get(reverse("outreach:day_list"), {"fy": "2024"})
    assert response.context["totals"] == {"days": 1, "municipalities": 1, "reserved": 2, "consulted": 1}


def test_lists_filter_by_office_and_host_type(supervisor_client, center, chikuho):
    make_session(center, "2024-05-14")
    make_session(chikuho, "2024-05-21")
    response = supervisor_client.get(reverse("outreach:session_list"), {"fy": "2024", "office": chikuho.pk})
    assert [s.office for month in response.context["months"].values() for s in month] == [chikuho]
    make_day(center, "2024-07-10", host_type="センター主催")
    make_day(chikuho, "2024-08-07", municipality="飯塚市", host_type="市町村独自")
    response = supervisor_client.get(reverse("outreach:day_list"), {"fy": "2024", "host_type": "市町村独自"})
    assert [d.municipality.name for d in response.context["days"]] == ["飯塚市"]


def test_a_reservation_for_the_family_records_a_family_consultation_without_guessing_who(
    coordinator_client, coordinator, center
):
    client = make_client(center)
    FamilyMember.objects.create(client=client, name="山田 和子", relationship="母")
    FamilyMember.objects.create(client=client, name="山田 正男", relationship="父")
    day = make_day(center, "2024-07-10")
    coordinator_client.post(
        reverse("outreach:reservation_add", args=[day.pk]),
        {"time": "10:00", "client": "C-0001", "family": "on"},
    )
    reservation = Reservation.objects.get()
    assert reservation.by_family and reservation.family_member is None  # two parents: not guessed
    coordinator_client.post(reverse("outreach:reservation_outcome", args=[reservation.pk]), {})
    consultation = Consultation.objects.get()
    assert (consultation.consulter, consultation.client, consultation.family_member) == ("家族", client, None)


def _twice_at_once(action, reservation) -> list[str]:
    """Run `action` in two connections released at the same moment (a double submit), each with
    its own copy of the reservation as its page loaded it."""
    barrier = threading.Barrier(2)
    results = []
    copies = [Reservation.objects.get(pk=reservation.pk) for _ in range(2)]

    def run():
        from django.db import connection as thread_connection

        try:
            stale = copies.pop()
            barrier.wait()
            action(stale)
            results.append("done")
        except ValidationError:
            results.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_outcome_records_one_consultation(coordinator, center):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (CI runs it)")
    day = make_day(center, "2024-07-10")
    reservation = services.reservation_book(by=coordinator, day=day, time=dt.time(10))
    outcome = _twice_at_once(
        lambda stale: services.reservation_record_consultation(by=coordinator, reservation=stale), reservation
    )
    assert outcome == ["done", "refused"]
    day.refresh_from_db()
    assert day.consulted == 1 == Consultation.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_cancel_counts_once(coordinator, center):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (CI runs it)")
    day = make_day(center, "2024-07-10")
    services.reservation_book(by=coordinator, day=day, time=dt.time(10))
    kept = services.reservation_book(
        by=coordinator, day=MunicipalDay.objects.get(pk=day.pk), time=dt.time(11)
    )
    _twice_at_once(lambda stale: services.reservation_cancel(by=coordinator, reservation=stale), kept)
    day.refresh_from_db()
    assert day.reserved == 1 == Reservation.objects.filter(cancelled_at__isnull=True).count()


def _edit_and_book_at_once(coordinator, day) -> dict:
    """One coordinator takes 11:00 away from the day while another books it."""
    barrier = threading.Barrier(2)
    results = {}

    def edit():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            stale = MunicipalDay.objects.get(pk=day.pk)
            stale.slot_times = ["10:00", "13:30"]
            services.day_save(by=coordinator, day=stale)
            results["edit"] = "saved"
        except ValidationError:
            results["edit"] = "refused"
        finally:
            thread_connection.close()

    def book():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.reservation_book(
                by=coordinator, day=MunicipalDay.objects.get(pk=day.pk), time=dt.time(11)
            )
            results["book"] = "booked"
        except ValidationError:
            results["book"] = "refused"
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=edit), threading.Thread(target=book)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_taking_a_slot_away_while_it_is_booked_never_leaves_a_booking_outside_the_slots(coordinator, center):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (CI runs it)")
    for round_ in range(5):
        day = make_day(center, f"2024-07-{10 + round_}", slot_times=["10:00", "11:00", "13:30"])
        results = _edit_and_book_at_once(coordinator, day)
        day.refresh_from_db()
        booked = {f"{r.time:%H:%M}" for r in day.reservations.filter(cancelled_at__isnull=True)}
        assert booked <= set(day.slot_times), (round_, results, day.slot_times)
        assert sorted(results.values()) in (["booked", "refused"], ["refused", "saved"]), results
