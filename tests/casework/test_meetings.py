"""ケース会議・ケース検討会: several clients in one meeting (only the user's offices' clients), staff
and outside people, decisions that stay on the owner's ホーム until done, and the municipal
consultation day's case conference recorded as one of these meetings."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from casework.models import CaseMeeting, MeetingDecision
from outreach.models import MunicipalDay
from tests.conftest import logged_in
from tests.records import make_client, make_day

TODAY = timezone.localdate()


def _post(**extra):
    data = {
        "date": TODAY.strftime("%Y/%m/%d"),
        "kind": "関係機関",
        "summary": "支援の方向性を共有した",
        "externals-TOTAL_FORMS": "3",
        "externals-INITIAL_FORMS": "0",
        "externals-0-name": "保健 花子",
        "externals-0-organisation": "春日市保健センター",
        "externals-0-sharing_basis": "支援会議",
        "decisions-TOTAL_FORMS": "3",
        "decisions-INITIAL_FORMS": "0",
    }
    return data | extra


def test_a_meeting_discusses_several_clients_with_people_from_outside(center, chikuho, coordinator):
    first = make_client(center, "C-0001", municipality="春日市")
    second = make_client(center, "C-0002", "山田 次郎", "ヤマダ ジロウ")
    http = logged_in(coordinator)
    response = http.post(
        reverse("casework:meeting_create"),
        _post(
            office=center.pk,
            clients="Ｃ－０００１、C-0002",
            staff=[coordinator.pk],
            **{
                "decisions-0-content": "家族面談を設定する",
                "decisions-0-owner": coordinator.pk,
                "decisions-0-due_on": (TODAY + dt.timedelta(days=3)).strftime("%Y/%m/%d"),
            },
        ),
    )
    assert response.status_code == 302
    meeting = CaseMeeting.objects.get()
    assert set(meeting.clients.all()) == {first, second}
    assert str(meeting.externals.get()) == "保健 花子（春日市保健センター）"
    page = http.get(reverse("casework:meeting_detail", args=[meeting.pk])).content.decode()
    assert "C-0001 山田 太郎" in page and "C-0002 山田 次郎" in page
    assert (
        "ケース会議（関係機関）"
        in http.get(reverse("cases:client_detail", args=[second.pk])).content.decode()
    )

    # the decision waits on the owner's home until it is done
    home = http.get(reverse("home")).content.decode()
    assert "ケース会議の決定事項" in home and "家族面談を設定する" in home
    decision = MeetingDecision.objects.get()
    http.post(reverse("casework:decision_done", args=[decision.pk]))
    assert "家族面談を設定する" not in http.get(reverse("home")).content.decode()
    assert MeetingDecision.objects.get().done_on == TODAY


def test_only_clients_of_ones_own_offices_can_be_discussed(center, chikuho, coordinator):
    make_client(center, "C-0001")
    make_client(chikuho, "K-0001", "筑豊 一郎")
    response = logged_in(coordinator).post(
        reverse("casework:meeting_create"),
        _post(office=center.pk, clients="C-0001、K-0001", staff=[coordinator.pk]),
    )
    assert response.status_code == 400
    assert "ケース番号 K-0001 の利用者が見つかりません" in response.content.decode()
    assert "保健 花子" in response.content.decode()  # what was typed is kept
    assert not CaseMeeting.objects.exists()


def test_a_decision_needs_an_owner_and_a_due_date(center, coordinator):
    make_client(center, "C-0001")
    response = logged_in(coordinator).post(
        reverse("casework:meeting_create"),
        _post(
            office=center.pk,
            clients="C-0001",
            staff=[coordinator.pk],
            **{"decisions-0-content": "受診を勧める"},
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "担当を選んでください。" in body and "期限を入力してください。" in body
    assert not CaseMeeting.objects.exists()


def test_a_municipal_days_case_conference_is_recorded_as_a_meeting(center, coordinator):
    make_client(center, "C-0001")
    day = make_day(center, (TODAY - dt.timedelta(days=1)).isoformat(), municipality="春日市")
    http = logged_in(coordinator)
    day_page = http.get(reverse("outreach:day_detail", args=[day.pk])).content.decode()
    link = f"{reverse('casework:meeting_create')}?day={day.pk}"
    assert link in day_page
    form = http.get(link).content.decode()
    assert (
        'value="市町村主催" selected' in form
        or 'selected value="市町村主催"' in form
        or "市町村主催</option>" in form
    )
    response = http.post(
        link,
        _post(
            date=day.date.strftime("%Y/%m/%d"),
            office=center.pk,
            kind="市町村主催",
            clients="C-0001",
            staff=[coordinator.pk],
        ),
    )
    assert response.status_code == 302
    meeting = CaseMeeting.objects.get()
    assert meeting.municipal_day == day and meeting.municipality == day.municipality
    assert MunicipalDay.objects.get(pk=day.pk).case_conference


def test_another_offices_coordinator_cannot_record_on_that_offices_day(
    center, chikuho, satellite_coordinator
):
    day = make_day(center, (TODAY - dt.timedelta(days=1)).isoformat())
    http = logged_in(satellite_coordinator)
    assert http.get(f"{reverse('casework:meeting_create')}?day={day.pk}").status_code == 404
