"""保存期間の満了: which cases are past their period, the command that lists them, and the
supervisor's approval screen (nothing is anonymised without it)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from cases import services as cases_services
from cases.models import Client, ClientStatus, FamilyMember
from hikikomori.models import AuditEvent
from outreach.models import Reservation
from retention import services
from retention.models import Candidate, RetentionPolicy
from tests.conftest import logged_in
from tests.records import make_client, make_consultation, make_day

TODAY = dt.date(2026, 11, 30)


def _closed(center, number, closed_on, **fields):
    return make_client(
        center,
        number,
        f"終結 {number}",
        registered_on=dt.date(2015, 4, 1),
        status=ClientStatus.CLOSED,
        closed_on=closed_on,
        **fields,
    )


@pytest.fixture
def cases(center, coordinator):
    old_closed = _closed(center, "C-0101", dt.date(2020, 3, 31))
    recent_closed = _closed(center, "C-0102", dt.date(2022, 3, 31))
    # closed long ago, but the family came for a talk later: counted from that contact
    closed_then_contact = _closed(center, "C-0103", dt.date(2019, 3, 31))
    make_consultation(center, "2023-01-10", client=closed_then_contact)
    suspended = make_client(
        center, "C-0104", "中断 一郎", registered_on=dt.date(2016, 4, 1), status=ClientStatus.SUSPENDED
    )
    make_consultation(center, "2021-06-01", client=suspended)
    dormant = make_client(center, "C-0105", "未接触 花子", registered_on=dt.date(2016, 4, 1))
    make_consultation(center, "2021-05-01", client=dormant)
    active = make_client(center, "C-0106", "支援中 次郎", registered_on=dt.date(2016, 4, 1))
    make_consultation(center, "2021-05-01", client=active)
    make_consultation(center, "2026-10-01", client=active)
    return {
        "old_closed": old_closed,
        "recent_closed": recent_closed,
        "closed_then_contact": closed_then_contact,
        "suspended": suspended,
        "dormant": dormant,
        "active": active,
    }


def test_cases_past_their_period_are_listed_from_the_close_or_the_last_contact(cases):
    listed = {item.client_id: item for item in services.expired_cases(TODAY)}
    assert set(listed) == {cases["old_closed"].pk, cases["suspended"].pk, cases["dormant"].pk}
    assert "終結（2020年3月31日）" in listed[cases["old_closed"].pk].reason
    assert listed[cases["suspended"].pk].reason.startswith("中断：最後の接触（2021年6月1日）から5年")
    assert listed[cases["dormant"].pk].reason.startswith("長期未接触")


def test_the_periods_come_from_the_policy_set_in_admin(cases):
    RetentionPolicy.objects.filter(pk=1).update(years_after_closure=3, years_after_last_contact=10)
    listed = {item.client_id for item in services.expired_cases(TODAY)}
    assert listed == {cases["old_closed"].pk, cases["recent_closed"].pk, cases["closed_then_contact"].pk}


def test_the_command_lists_the_expired_cases_and_anonymises_nothing(cases, capsys):
    call_command("list_expired_cases", "--today", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "C-0101\t終結（2020年3月31日）" in out
    assert "C-0104\t中断" in out
    assert "C-0106" not in out
    assert "3 case(s)" in out
    assert Client.objects.filter(name__startswith="終結", anonymised_at__isnull=True).count() == 3
    assert Candidate.objects.filter(kind=Candidate.Kind.CASE, decided_at__isnull=True).count() == 3


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(Exception, match="not a date"):
        call_command("list_expired_cases", "--today", "2026/13/01")


def test_a_supervisor_approves_the_anonymisation_with_a_reason(cases, supervisor):
    services.list_expired(today=TODAY)
    http = logged_in(supervisor)
    page = http.get(reverse("retention:expired"))
    assert page.status_code == 200
    assert "C-0101 終結 C-0101" in page.content.decode()
    chosen = Candidate.objects.get(client=cases["old_closed"])

    refused = http.post(reverse("retention:expired"), {"candidates": [chosen.pk], "reason": ""})
    assert refused.status_code == 400
    assert "承認の理由を入力してください。" in refused.content.decode()
    assert Client.objects.get(pk=cases["old_closed"].pk).name == "終結 C-0101"

    nothing = http.post(reverse("retention:expired"), {"reason": "保存期間の満了（定例）"})
    assert "匿名化する記録を選んでください。" in nothing.content.decode()

    done = http.post(
        reverse("retention:expired"),
        {"candidates": [chosen.pk], "reason": "保存期間の満了（定例）"},
        follow=True,
    )
    assert "1件の利用者を匿名化しました。" in done.content.decode()
    client = Client.objects.get(pk=cases["old_closed"].pk)
    assert client.name == "匿名化済み" and client.case_number.startswith("匿名-")
    assert client.anonymised_at is not None
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ANONYMISE, user=supervisor, target_id=str(client.pk)
    ).exists()
    # the others stay as they were, still waiting
    assert Client.objects.get(pk=cases["suspended"].pk).name == "中断 一郎"
    assert "C-0104" in done.content.decode()
    assert client.case_number in done.content.decode()  # これまでの承認


def test_a_case_changed_since_the_list_was_made_drops_off(cases, supervisor, coordinator):
    services.list_expired(today=TODAY)
    dormant = cases["dormant"]
    cases_services.client_update(
        by=coordinator, client=dormant, version=dormant.version, notes="電話がつながった"
    )
    http = logged_in(supervisor)
    assert "C-0105" not in http.get(reverse("retention:expired")).content.decode()

    # approving it anyway (a page opened before the change) leaves it alone and says so
    candidate = Candidate.objects.get(client=dormant)
    result = services.approve(by=supervisor, candidates=[candidate], reason="定例", today=TODAY)
    assert result.dropped == [candidate] and not result.anonymised
    assert Client.objects.get(pk=dormant.pk).name == "未接触 花子"


def test_a_posted_candidate_that_is_not_on_the_list_is_refused(cases, supervisor, coordinator):
    services.list_expired(today=TODAY)
    dormant = cases["dormant"]
    candidate = Candidate.objects.get(client=dormant)
    cases_services.client_update(by=coordinator, client=dormant, version=dormant.version, notes="来所予定")
    response = logged_in(supervisor).post(
        reverse("retention:expired"), {"candidates": [candidate.pk], "reason": "定例"}
    )
    assert response.status_code == 400
    assert "選んだ記録は一覧にありません" in response.content.decode()
    assert Client.objects.get(pk=dormant.pk).anonymised_at is None


def test_the_home_page_tells_a_supervisor_that_records_wait(cases, supervisor, coordinator):
    services.list_expired(today=TODAY)
    assert "保存期間の満了" in logged_in(supervisor).get(reverse("home")).content.decode()
    assert "保存期間の満了" not in logged_in(coordinator).get(reverse("home")).content.decode()


def test_unregistered_reservations_and_anonymous_texts_are_cleared_after_their_own_period(center, supervisor):
    old_day = make_day(center, "2023-06-01")
    new_day = make_day(center, "2024-06-01")
    old = Reservation.objects.create(day=old_day, time=dt.time(10), name="予約 未登録")
    new = Reservation.objects.create(day=new_day, time=dt.time(10), name="予約 新しい")
    old_call = make_consultation(center, "2023-05-01", content="匿名の相談の内容", agency="〇〇病院")
    new_call = make_consultation(center, "2024-05-01", content="新しい匿名相談")

    listed = services.list_expired(today=TODAY)
    kinds = {c.kind: c for c in listed}
    assert kinds[Candidate.Kind.RESERVATIONS].count == 1
    assert kinds[Candidate.Kind.ANONYMOUS_TEXT].count == 1
    services.approve(by=supervisor, candidates=listed, reason="保存期間の満了", today=TODAY)

    old.refresh_from_db(), new.refresh_from_db(), old_call.refresh_from_db(), new_call.refresh_from_db()
    assert (old.name, new.name) == ("", "予約 新しい")
    assert (old_call.content, old_call.agency) == ("", "")
    assert new_call.content == "新しい匿名相談"
    assert not Reservation.history.filter(name="予約 未登録").exists()
    assert old_call.date == dt.date(2023, 5, 1) and old_call.method == "電話"  # still counted


def test_changing_the_policy_in_admin_is_audited(admin_user):
    http = logged_in(admin_user)
    url = reverse("admin:retention_retentionpolicy_change", args=[1])
    assert http.get(url).status_code == 200
    response = http.post(
        url, {"years_after_closure": 7, "years_after_last_contact": 5, "years_unregistered": 3}
    )
    assert response.status_code == 302
    assert RetentionPolicy.current().years_after_closure == 7
    event = AuditEvent.objects.get(target="retention_policy")
    assert event.user == admin_user and event.detail["changes"] == {"years_after_closure": [5, 7]}
    refused = http.post(
        url, {"years_after_closure": 0, "years_after_last_contact": 5, "years_unregistered": 3}
    )
    assert refused.status_code == 200 and RetentionPolicy.current().years_after_closure == 7


def test_family_of_an_anonymised_case_keep_no_name_or_contact(center, supervisor):
    client = _closed(center, "C-0201", dt.date(2019, 3, 31))
    FamilyMember.objects.create(client=client, name="家族 和子", relationship="母", contact="090-0000-0000")
    services.client_anonymise(client=client, by=supervisor, reason="定例")
    member = FamilyMember.objects.get(client=client)
    assert (member.name, member.contact, member.birth_date) == ("（匿名化済み）", "", None)
    assert member.relationship == "母"


def test_an_anonymised_record_takes_no_new_personal_data(center, supervisor, coordinator):
    client = _closed(center, "C-0202", dt.date(2019, 3, 31))
    services.client_anonymise(client=client, by=supervisor, reason="定例")
    client.refresh_from_db()
    http = logged_in(coordinator)
    response = http.post(
        reverse("cases:client_edit", args=[client.pk]),
        {
            "case_number": client.case_number,
            "name": "古田 一郎",
            "office": center.pk,
            "sex": "不明",
            "withdrawal_period": "不明",
            "registered_on": "2015/4/1",
            "version": client.version,
        },
    )
    assert "匿名化した利用者の記録は、変更も追加もできません。" in response.content.decode()
    assert Client.objects.get(pk=client.pk).name == "匿名化済み"
    with pytest.raises(ValidationError):
        cases_services.family_member_add(by=coordinator, client=client, name="古田 花子", relationship="母")
    with pytest.raises(ValidationError):
        cases_services.consultation_record(
            by=coordinator,
            office=center,
            date=dt.date(2026, 11, 1),
            method="電話",
            consulter="本人",
            client=client,
        )
    with pytest.raises(ValidationError):
        cases_services.client_reopen(by=coordinator, client=client, reason="再開")
    assert not FamilyMember.objects.filter(client=client).exists()


def test_a_case_with_a_new_assessment_since_the_listing_drops_off(cases, supervisor, coordinator):
    from casework import services as casework

    services.list_expired(today=TODAY)
    suspended = cases["suspended"]
    casework.assessment_record(
        by=coordinator,
        client=suspended,
        assessed_on=dt.date(2026, 11, 30),
        assessed_by=coordinator,
        method="訪問",
    )
    assert "C-0104" not in logged_in(supervisor).get(reverse("retention:expired")).content.decode()
