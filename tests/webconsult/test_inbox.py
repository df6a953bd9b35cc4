"""The coordinators' side of Web相談: new requests on ホーム and in an inbox of their offices,
oldest first, with the day they are due; one step records a request as the 受付 and a
consultation (counted in the yearly report once) or closes it with a reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.intake import Intake
from cases.models import Consultation
from hikikomori.fiscal import fiscal_year_of
from hikikomori.models import AuditEvent, Municipality
from reports.queries import Scope
from reports.tables import build_report
from tests.records import make_client
from webconsult import services
from webconsult.models import RequestStatus, WebRequest

pytestmark = pytest.mark.django_db
INBOX = reverse("webconsult:inbox")


def _request(office_town=None, **fields) -> WebRequest:
    values = {
        "writer": "家族", "age_band": "30代", "municipality": office_town, "trouble": "息子が家から出ません。",
        "contact": "電話", "name": "母", "phone": "090-1234-5678",
    } | fields  # fmt: skip
    return services.request_receive(**values)


def _record_fields(**changes) -> dict:
    today = timezone.localdate()
    return {
        "date": today.strftime("%Y/%m/%d"), "method": "メール・その他", "consulter": "家族",
        "duration_minutes": "15", "content": "Web相談より。", "client": "", "new_client_name": "",
        "new_client_kana": "",
    } | changes  # fmt: skip


def test_home_and_the_inbox_show_new_requests_oldest_first_with_overdue_marked(coordinator_client, center):
    older, newer = _request(), _request()
    WebRequest.objects.filter(pk=older.pk).update(
        received_at=timezone.now() - dt.timedelta(days=5), due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    home = coordinator_client.get(reverse("home")).content.decode()
    assert "新しいWeb相談" in home and "1件が対応期限を過ぎています" in home
    page = coordinator_client.get(INBOX).content.decode()
    assert page.index(older.receipt_number) < page.index(newer.receipt_number)
    assert "期限切れ" in page


def test_a_coordinator_sees_only_the_requests_of_their_offices(
    satellite_client, coordinator_client, center, chikuho
):
    theirs = _request(Municipality.objects.filter(jurisdiction=chikuho).first())
    ours = _request()
    page = satellite_client.get(INBOX).content.decode()
    assert theirs.receipt_number in page and ours.receipt_number not in page
    assert satellite_client.get(reverse("webconsult:detail", args=[ours.pk])).status_code == 404
    assert coordinator_client.get(reverse("webconsult:detail", args=[theirs.pk])).status_code == 404


def test_opening_a_request_is_audited(coordinator_client, coordinator, center):
    web = _request()
    assert coordinator_client.get(reverse("webconsult:detail", args=[web.pk])).status_code == 200
    event = AuditEvent.objects.get(action="view", target="web_request")
    assert event.user == coordinator and event.target_id == str(web.pk)


def test_recording_a_request_makes_one_intake_and_one_consultation_counted_once(coordinator_client, center):
    fy = Scope(fiscal_year=fiscal_year_of(timezone.localdate()))
    before = build_report(fy).table("相談延件数（月別）").cell("合計", column="合計")
    web = _request()
    url = reverse("webconsult:record", args=[web.pk])
    assert coordinator_client.post(url, _record_fields()).status_code == 302
    again = coordinator_client.post(url, _record_fields(), follow=True)  # a second tab, a double click
    assert "このWeb相談はすでに対応済みです" in again.content.decode()
    web.refresh_from_db()
    assert web.status == RequestStatus.RECORDED
    consultation = Consultation.objects.get()
    assert web.consultation == consultation and consultation.method == "メール・その他"
    assert Intake.objects.get().consultation == consultation
    after = build_report(fy).table("相談延件数（月別）").cell("合計", column="合計")
    assert after == before + 1


def test_a_request_can_be_recorded_about_a_registered_client_or_a_new_one(coordinator_client, center):
    known = make_client(center)
    first, second = _request(), _request()
    coordinator_client.post(
        reverse("webconsult:record", args=[first.pk]),
        _record_fields(client=f"{known.case_number} {known.name}"),
    )
    coordinator_client.post(
        reverse("webconsult:record", args=[second.pk]),
        _record_fields(new_client_name="佐藤 一郎", new_client_kana="サトウ イチロウ"),
    )
    assert Consultation.objects.get(web_request=first).client == known
    assert Consultation.objects.get(web_request=second).client.name == "佐藤 一郎"


def test_closing_needs_a_reason_and_keeps_it(coordinator_client, coordinator, center):
    web = _request()
    url = reverse("webconsult:close", args=[web.pk])
    refused = coordinator_client.post(url, {"status": "迷惑", "reason": ""})
    assert refused.status_code == 400 and "このフィールドは必須です" in refused.content.decode()
    assert coordinator_client.post(url, {"status": "迷惑", "reason": "広告の送信"}).status_code == 302
    web.refresh_from_db()
    assert (web.status, web.closed_reason, web.handled_by) == ("迷惑", "広告の送信", coordinator)
    assert not Consultation.objects.exists()


def test_a_year_on_requests_are_forgotten_as_the_privacy_notice_says(coordinator_client, center):
    from django.core.management import call_command

    recorded, spam, untouched, recent = _request(), _request(), _request(), _request()
    coordinator_client.post(reverse("webconsult:record", args=[recorded.pk]), _record_fields())
    services.request_close(by=_user(), request=spam, status="迷惑", reason="広告")
    WebRequest.objects.exclude(pk=recent.pk).update(received_at=timezone.now() - dt.timedelta(days=366))
    call_command("forget_web_requests")
    assert set(WebRequest.objects.values_list("pk", flat=True)) == {recorded.pk, recent.pk}
    recorded.refresh_from_db()
    assert (recorded.trouble, recorded.name, recorded.phone) == ("", "", "")
    assert recorded.consultation is not None and Intake.objects.get().complaint == "息子が家から出ません。"
    assert WebRequest.objects.get(pk=recent.pk).trouble  # younger than a year: kept whole
    assert untouched.pk not in set(WebRequest.objects.values_list("pk", flat=True))


def _user():
    from hikikomori.models import User

    return User.objects.get(username="coord")


def test_registering_a_new_client_from_a_request_warns_of_a_likely_duplicate_first(
    coordinator_client, center
):
    known = make_client(center, name="佐藤 一郎", kana="サトウ イチロウ")
    web = _request()
    url = reverse("webconsult:record", args=[web.pk])
    warned = coordinator_client.post(
        url, _record_fields(new_client_name="佐藤　一郎", new_client_kana="サトウ イチロウ")
    )
    assert warned.status_code == 400
    page = warned.content.decode()
    assert "重複の候補" in page and known.case_number in page and "別の人なら下をチェック" in page
    assert not Consultation.objects.exists()
    fields = _record_fields(
        new_client_name="佐藤 一郎", new_client_kana="サトウ イチロウ", not_duplicate="on"
    )
    assert coordinator_client.post(url, fields).status_code == 302
    assert Consultation.objects.get().client != known


def test_a_booking_wish_becomes_a_reservation_through_the_booking_door(coordinator_client, center):
    from outreach.models import MunicipalDay, Reservation
    from tests.records import make_day

    day = make_day(center, timezone.localdate() + dt.timedelta(days=7), slot_times=["10:00", "11:00"])
    wished = _request(wished_day=day, wished_time=dt.time(10))
    taken = _request(wished_day=day, wished_time=dt.time(11))
    Reservation.objects.create(day=day, time=dt.time(11), name="電話で予約")
    MunicipalDay.objects.filter(pk=day.pk).update(reserved=1)
    url = reverse("webconsult:record", args=[wished.pk])
    assert coordinator_client.post(url, _record_fields(book="on")).status_code == 302
    wished.refresh_from_db()
    assert wished.reservation.time == dt.time(10) and wished.reservation.day == day
    day.refresh_from_db()
    assert day.reserved == 2
    refused = coordinator_client.post(
        reverse("webconsult:record", args=[taken.pk]), _record_fields(book="on")
    )
    assert refused.status_code == 400 and "予約枠（2件）はすべて埋まっています" in refused.content.decode()
    taken.refresh_from_db()
    assert taken.status == RequestStatus.NEW and Consultation.objects.count() == 1  # all or nothing


def test_the_inbox_reads_a_fixed_number_of_queries_however_many_requests(
    coordinator_client, coordinator, center
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(INBOX).status_code == 200
        return len(queries)

    services.request_close(by=coordinator, request=_request(), status="迷惑", reason="広告")
    _request()
    few = count()
    for _ in range(5):
        services.request_close(by=coordinator, request=_request(), status="対応不要", reason="重複")
        _request(municipality=Municipality.objects.filter(jurisdiction=center).first())
    assert count() == few
